package fr.relais.app.model

import fr.relais.core.IntentStatus
import fr.relais.core.RelaisCore
import fr.relais.core.RelaisException
import fr.relais.core.SyncStatus
import fr.relais.core.SyncStatusListener
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import java.time.Clock

/**
 * What is waiting to be sent, what the server refused and why, and when the phone last
 * agreed with the server. A refused action stays listed with its reason until the
 * coordinator dismisses it (`discard`): nothing disappears silently. When the server says
 * the session is over (signed out elsewhere, device revoked), the core has wiped the store
 * and `signedOut` sends the app back to the sign-in screen.
 */
class SyncModel(
    private val core: RelaisCore,
    private val clock: Clock = Clock.systemUTC(),
    scope: CoroutineScope,
    io: CoroutineDispatcher = Dispatchers.IO,
) : ScreenModel(scope, io) {
    data class Refusal(val intentId: String, val what: String, val reason: String)

    data class State(
        val lastSync: String = "Jamais synchronisé",
        val waiting: Int = 0,
        /** Waiting behind a refused action they depend on. */
        val held: Int = 0,
        val refused: List<Refusal> = emptyList(),
        /** Actions lost when the store was last wiped (revoked device, sign-out with unsent work). */
        val lostByLastWipe: Int = 0,
        val running: Boolean = false,
        val problem: Problem? = null,
        val signedOut: Boolean = false,
        val summary: String = "",
    )

    private val _state = MutableStateFlow(State())
    val state: StateFlow<State> = _state.asStateFlow()

    init {
        keep(core.sync().observe(object : SyncStatusListener {
            override fun onStatus(status: SyncStatus) {
                _state.update { render(status, it) }
            }
        }))
    }

    private fun render(s: SyncStatus, old: State): State {
        val refused = s.rejected.filter { it.status == IntentStatus.REJECTED }.map {
            Refusal(it.id, Words.intentKind(it.kind), it.reason ?: "Refusé par le serveur.")
        }
        val last = s.lastSuccess?.let { "Synchronisé ${Words.ago(it, clock.instant())}" } ?: "Jamais synchronisé"
        val parts = buildList {
            if (s.pending > 0u) add(Words.plural(s.pending.toInt(), "action à envoyer", "actions à envoyer"))
            if (refused.isNotEmpty()) add(Words.plural(refused.size, "action refusée", "actions refusées"))
        }
        return old.copy(
            lastSync = last,
            waiting = s.pending.toInt(),
            held = s.held.toInt(),
            refused = refused,
            lostByLastWipe = s.lostByLastWipe.toInt(),
            summary = if (parts.isEmpty()) "À jour" else parts.joinToString(", "),
        )
    }

    /** "Synchroniser": pull and push now. */
    fun syncNow(): Job = scope.launch {
        _state.update { it.copy(running = true, problem = null) }
        try {
            core.sync().syncNow()
            _state.update { it.copy(running = false) }
        } catch (e: RelaisException.SessionEnded) {
            _state.update { it.copy(running = false, signedOut = true, problem = explain(e)) }
        } catch (e: RelaisException.Offline) {
            _state.update { it.copy(running = false, problem = Problem(if (it.waiting == 0) "Pas de réseau." else "Pas de réseau : ${it.summary}. Tout partira à la reconnexion.")) }
        } catch (e: RelaisException) {
            _state.update { it.copy(running = false, problem = explain(e)) }
        }
    }

    /** Dismisses a refused action once read. */
    fun discard(intentId: String): Job = scope.launch {
        try {
            core { core.sync().discard(intentId) }
        } catch (e: RelaisException) {
            _state.update { it.copy(problem = explain(e)) }
        }
    }

    /** The network came back: the core's loop syncs at once instead of waiting. */
    fun networkAvailable() = core.sync().networkAvailable()

    /**
     * Syncs while the app is in the foreground, every [everySeconds] and when the network
     * comes back; ends when the session does (the job then completes with `signedOut`).
     */
    fun keepSynced(everySeconds: UInt = 60u): Job = scope.launch {
        try {
            core.sync().keepSynced(everySeconds)
        } catch (e: RelaisException.SessionEnded) {
            _state.update { it.copy(signedOut = true, problem = explain(e)) }
        } catch (e: RelaisException) {
            _state.update { it.copy(problem = explain(e)) }
        }
    }
}
