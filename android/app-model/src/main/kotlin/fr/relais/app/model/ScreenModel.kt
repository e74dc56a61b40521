package fr.relais.app.model

import fr.relais.core.ListenerHandle
import fr.relais.core.RelaisException
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext

/**
 * What every screen model shares: the scope its actions run in (the ViewModel's scope on
 * Android, a test's scope on the JVM), the dispatcher the core's blocking calls go to, and
 * the listener handles to stop when the screen goes away.
 *
 * A screen model holds no rule: it calls the core, turns its answer into what the screen
 * shows (`state`), and its errors into a sentence (`explain`).
 */
abstract class ScreenModel(
    protected val scope: CoroutineScope,
    protected val io: CoroutineDispatcher = Dispatchers.IO,
) : AutoCloseable {
    private val handles = mutableListOf<ListenerHandle>()

    /** Runs a call into the core off the main thread. */
    protected suspend fun <T> core(block: () -> T): T = withContext(io) { block() }

    protected fun keep(handle: ListenerHandle) {
        synchronized(handles) { handles += handle }
    }

    /** Stops the listeners; the screen is gone. */
    override fun close() {
        synchronized(handles) {
            handles.forEach { it.stop() }
            handles.clear()
        }
    }
}

/** A problem, said to the coordinator: what happened and, when it helps, the field. */
data class Problem(val text: String, val field: String? = null)

/** The sentence for an error of the core. The core's own reasons (refusals) are in French already. */
fun explain(e: Throwable): Problem = when (e) {
    is RelaisException.Offline -> Problem("Pas de réseau : ce qui est noté reste sur le téléphone et partira à la reconnexion.")
    is RelaisException.InvalidCredentials -> Problem("Adresse e-mail ou mot de passe incorrect.")
    is RelaisException.SecondFactorRequired -> Problem("Saisissez le code à 6 chiffres de votre application d'authentification.", "code")
    is RelaisException.SessionEnded -> Problem("Session terminée : reconnectez-vous.")
    is RelaisException.Forbidden -> Problem("Ce compte n'a pas accès à cette action.")
    is RelaisException.TooManyAttempts -> Problem("Trop de tentatives : réessayez dans quelques minutes.")
    is RelaisException.InvalidInput -> Problem("${e.field} : ${e.reason}", e.field)
    is RelaisException.Refused -> Problem(e.reason, e.field)
    is RelaisException.NotFound -> Problem("Introuvable sur ce téléphone : synchronisez puis réessayez.")
    is RelaisException.Storage -> Problem("Stockage du téléphone indisponible (${e.reason}).")
    is RelaisException.Server -> Problem("Le serveur a répondu une erreur (${e.status}) : réessayez plus tard.")
    is RelaisException.InvalidServerUrl -> Problem("Adresse du serveur invalide : ${e.reason}")
    else -> Problem("Erreur inattendue : ${e::class.simpleName}")
}
