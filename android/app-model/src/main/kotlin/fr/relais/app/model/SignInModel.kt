package fr.relais.app.model

import fr.relais.core.RelaisException
import fr.relais.core.Session
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
 * Signing in: e-mail and password, then the 6-digit code of the authenticator app when the
 * server asks for it. The password is never kept here: the screen holds its fields.
 */
class SignInModel(
    private val session: Session,
    private val deviceName: String,
    scope: CoroutineScope,
    io: CoroutineDispatcher = Dispatchers.IO,
) : ScreenModel(scope, io) {
    enum class Step { CREDENTIALS, CODE, SIGNED_IN }

    data class State(
        val step: Step,
        val busy: Boolean = false,
        val problem: Problem? = null,
        val displayName: String? = null,
    )

    private val _state = MutableStateFlow(State(if (session.isLoggedIn()) Step.SIGNED_IN else Step.CREDENTIALS))
    val state: StateFlow<State> = _state.asStateFlow()

    fun submit(email: String, password: String, code: String? = null): Job = scope.launch {
        val p = check(email, password, code)
        if (p != null) {
            _state.update { it.copy(problem = p) }
            return@launch
        }
        _state.update { it.copy(busy = true, problem = null) }
        try {
            session.login(email.trim(), password, code?.trim()?.ifEmpty { null }, deviceName)
            val who = runCatching { session.profile().displayName }.getOrNull()
            _state.value = State(Step.SIGNED_IN, displayName = who)
        } catch (e: RelaisException.SecondFactorRequired) {
            _state.value = State(Step.CODE, problem = if (code == null) null else explain(e))
        } catch (e: RelaisException.Offline) {
            _state.update { it.copy(busy = false, problem = Problem("Pas de réseau : la première connexion a besoin du serveur.")) }
        } catch (e: RelaisException) {
            _state.update { it.copy(busy = false, problem = explain(e)) }
        }
    }

    /** Back from the code step to the e-mail and password. */
    fun back() {
        _state.value = State(Step.CREDENTIALS)
    }

    private fun check(email: String, password: String, code: String?): Problem? {
        val e = email.trim()
        return when {
            e.isEmpty() -> Problem("Adresse e-mail : à renseigner.", "email")
            !e.contains('@') || e.startsWith('@') || e.endsWith('@') -> Problem("Adresse e-mail : format invalide.", "email")
            password.isEmpty() -> Problem("Mot de passe : à renseigner.", "password")
            _state.value.step == Step.CODE && code.isNullOrBlank() -> Problem("Code : à renseigner.", "code")
            code != null && code.isNotBlank() && !Regex("\\d{6}").matches(code.trim()) ->
                Problem("Code : 6 chiffres attendus.", "code")
            else -> null
        }
    }
}
