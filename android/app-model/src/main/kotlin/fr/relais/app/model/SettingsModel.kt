package fr.relais.app.model

import fr.relais.core.RelaisCore
import fr.relais.core.RelaisException
import fr.relais.core.Role
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch

/**
 * Who is signed in, and signing out. Signing out wipes the phone's store (the core does it);
 * when actions are still waiting to be sent, the coordinator is told how many would be lost
 * and asked to confirm.
 */
class SettingsModel(
    private val core: RelaisCore,
    private val serverUrl: String,
    scope: CoroutineScope,
    io: CoroutineDispatcher = Dispatchers.IO,
) : ScreenModel(scope, io) {
    data class State(
        val name: String = "",
        val email: String = "",
        val organisation: String = "",
        val role: String = "",
        val server: String = "",
        /** Set when signing out would lose unsent actions: the question to confirm. */
        val confirm: String? = null,
        val signedOut: Boolean = false,
        val lost: Int = 0,
        val problem: Problem? = null,
    )

    private val _state = MutableStateFlow(State(server = serverUrl))
    val state: StateFlow<State> = _state.asStateFlow()

    fun load(): Job = scope.launch {
        try {
            val p = core.session().profile()
            _state.update {
                it.copy(
                    name = p.displayName,
                    email = p.email,
                    organisation = p.organisationName,
                    role = when (p.role) {
                        Role.ADMIN -> "Administration"
                        Role.COORDINATOR -> "Intervenant·e social·e"
                        Role.REFERRER -> "Orienteur"
                    },
                )
            }
        } catch (e: RelaisException.Offline) {
            // The profile needs the server; the rest of the screen works offline.
            _state.update { it.copy(problem = Problem("Hors ligne : le profil s'affichera à la reconnexion.")) }
        } catch (e: RelaisException) {
            _state.update { it.copy(problem = explain(e)) }
        }
    }

    /**
     * Signs out. With unsent actions, the first call only asks (`confirm`); `signOut(true)`
     * then signs out and the store is wiped all the same.
     */
    fun signOut(confirmed: Boolean = false): Job = scope.launch {
        try {
            val waiting = core { core.sync().status() }.let { it.pending + it.held }.toInt()
            if (waiting > 0 && !confirmed) {
                _state.update {
                    it.copy(confirm = "${Words.plural(waiting, "action n'a", "actions n'ont")} pas encore été envoyée${if (waiting > 1) "s" else ""} au serveur et ${if (waiting > 1) "seront perdues" else "sera perdue"}. Se déconnecter quand même ?")
                }
                return@launch
            }
            val lost = core.session().logout().toInt()
            _state.update { it.copy(confirm = null, signedOut = true, lost = lost, problem = null) }
        } catch (e: RelaisException) {
            _state.update { it.copy(problem = explain(e)) }
        }
    }

    fun keepSignedIn() {
        _state.update { it.copy(confirm = null) }
    }
}
