// The app's screen models on the JVM, over the generated bindings and the real native
// library, against a live `relais demo`: what a coordinator does with the Android app, with
// the network cut and restored by a loopback relay the test controls.
// Usage: fr.relais.app.model.AppModelTestKt <server url> <demo-credentials.json>
package fr.relais.app.model

import fr.relais.core.AttemptResult
import fr.relais.core.KeyProvider
import fr.relais.core.QueueLine
import fr.relais.core.RelaisCore
import fr.relais.testing.Checks
import fr.relais.testing.check
import fr.relais.testing.demoAccount
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeoutOrNull
import java.io.File
import java.net.InetAddress
import java.net.ServerSocket
import java.net.Socket
import java.net.URI
import java.time.Clock
import java.time.Instant
import java.time.LocalDate
import java.time.ZoneId
import java.time.ZoneOffset
import kotlin.concurrent.thread

/** A loopback relay between the phone and the server: `cut()` is the brigade's dead zone. */
class Link(private val port: Int) : AutoCloseable {
    private val server = ServerSocket(0, 50, InetAddress.getLoopbackAddress())
    private val open = mutableListOf<Socket>()

    @Volatile private var up = true
    val url: String get() = "http://127.0.0.1:${server.localPort}"

    init {
        thread(isDaemon = true) {
            while (!server.isClosed) {
                val c = try { server.accept() } catch (e: Exception) { break }
                if (!up) { c.close(); continue }
                val s = Socket(InetAddress.getLoopbackAddress(), port)
                synchronized(open) { open += c; open += s }
                pipe(c, s)
                pipe(s, c)
            }
        }
    }

    private fun pipe(a: Socket, b: Socket) = thread(isDaemon = true) {
        try { a.getInputStream().copyTo(b.getOutputStream()) } catch (_: Exception) {
        } finally { runCatching { a.close() }; runCatching { b.close() } }
    }

    fun cut() {
        up = false
        synchronized(open) { open.forEach { runCatching { it.close() } }; open.clear() }
    }

    fun restore() { up = true }

    override fun close() { cut(); server.close() }
}

suspend fun <T> StateFlow<T>.until(what: String, pred: (T) -> Boolean): T? {
    val v = withTimeoutOrNull(10_000) { first(pred) }
    if (v == null) check("$what (timed out; last: ${this.value})", false)
    return v
}

fun words() {
    val paris = ZoneId.of("Europe/Paris")
    check("a date read in full, in French", Words.day(LocalDate.of(2026, 11, 30)) == "lundi 30 novembre")
    check("the first of the month", Words.day(LocalDate.of(2026, 12, 1)) == "mardi 1er décembre")
    val t = Instant.parse("2026-11-30T13:30:00Z")
    check("time in the site's zone", Words.time(t, paris) == "14:30")
    check("ago", Words.ago(t.minusSeconds(300), t) == "il y a 5 min" && Words.ago(t, t) == "à l'instant")
    check("due later today", Words.due(t.plusSeconds(3600), t, paris) == "avant 15:30")
    check("overdue", Words.due(t.minusSeconds(7200), t, paris) == "en retard de 2 h")
    check("an unknown word is shown as it is", Words.situationState("new_state") == "new_state")
    check("labels come from the core, as the console shows them", Words.appointmentStatus("seen") == "Venu" && Words.situationState("callback_scheduled") == "Rappel convenu" && Words.attemptResult("no_answer") == "Pas de réponse")
    val line = QueueLine("s", "M. D.", "contacting", "immediate", t.minusSeconds(60), true, false, false, 0u)
    val n = Notices.overdue(listOf(line, line.copy(situationId = "t", initials = "A. B.")))
    check("overdue notice counts (${n?.text})", n?.text == "2 rappels en retard")
    check("the notice names no one", n != null && !n.text.contains("M. D.") && !n.title.contains("M. D.") && !n.text.contains("A. B."))
    check("no notice when nothing is overdue", Notices.overdue(listOf(line.copy(overdue = false))) == null)
}

fun main(args: Array<String>) = runBlocking {
    words()
    val server = args[0]
    val marie = demoAccount(args[1], "marie@demo.relais.test")
    val link = Link(URI(server).port)
    val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)
    val zone = ZoneId.of("Europe/Paris")
    val clock = Clock.system(ZoneOffset.UTC)
    val keys = object : KeyProvider { override fun databaseKey(): ByteArray = ByteArray(32) { 3 } }
    val dbA = File.createTempFile("relais-app-a", ".db").also { it.delete() }.path
    val dbB = File.createTempFile("relais-app-b", ".db").also { it.delete() }.path

    val a = RelaisCore(link.url, dbA, keys)
    val b = RelaisCore(server, dbB, keys)

    // Sign in: the fields are checked before anything is sent; the code is asked for after the password.
    val signIn = SignInModel(a.session(), "Téléphone de test", scope)
    check("starts on the credentials step", signIn.state.value.step == SignInModel.Step.CREDENTIALS)
    signIn.submit("", "x").join()
    check("empty e-mail names the field", signIn.state.value.problem?.field == "email")
    signIn.submit(marie.email, "pas le bon mot de passe", null).join()
    check("wrong password said plainly (${signIn.state.value.problem?.text})", signIn.state.value.problem?.text?.contains("incorrect") == true)
    signIn.submit(marie.email, marie.password, null).join()
    check("the code is asked for next", signIn.state.value.step == SignInModel.Step.CODE && signIn.state.value.problem == null)
    signIn.submit(marie.email, marie.password, "12").join()
    check("a short code names the field", signIn.state.value.problem?.field == "code")
    signIn.submit(marie.email, marie.password, marie.code(0)).join()
    check("signed in (${signIn.state.value.problem?.text})", signIn.state.value.step == SignInModel.Step.SIGNED_IN)
    check("greets by name", signIn.state.value.displayName?.startsWith("Marie") == true)

    // First sync, the queue and the sync status follow the core.
    val sync = SyncModel(a, clock, scope)
    sync.syncNow().join()
    check("first sync done (${sync.state.value.problem?.text})", sync.state.value.problem == null)
    sync.state.until("sync status says when") { it.lastSync == "Synchronisé à l'instant" }
    val queue = QueueModel(a, zone, clock, scope)
    val q = queue.state.until("queue listed") { it.items.isNotEmpty() }
    check("queue by initials only", q != null && q.items.all { it.initials.length <= 5 })
    check("queue summary (${q?.summary})", q?.summary?.contains("à rappeler") == true)
    check("queue states in French", q != null && q.items.none { it.state.contains('_') })

    // A situation the phone may call: the name stays hidden until asked for.
    var situation: SituationModel? = null
    for (item in q?.items.orEmpty()) {
        val m = SituationModel(a, item.situationId, zone, clock, scope)
        m.load().join()
        val st = m.state.value
        // A first call is allowed before the safe-contact profile is checked (it is how it gets checked).
        if (st.loaded && st.state != "Clôturée") { situation = m; break }
        m.close()
    }
    val s = situation ?: error("no situation in the demo queue may be called")
    check("initials until opened", s.state.value.name == null && s.state.value.phone == null && s.state.value.initials.isNotEmpty())
    s.reveal()
    check("the file shows when asked for", s.state.value.name != null)
    s.hide()
    check("and hides again", s.state.value.name == null)

    // Offline: a call logged in two taps is kept on the phone and shown as waiting.
    link.cut()
    s.startCall()
    check("first tap offers the results", s.state.value.choosingResult && s.state.value.results.size == AttemptResult.values().size)
    s.logCall(AttemptResult.NO_ANSWER).join()
    check("second tap notes the call (${s.state.value.done ?: s.state.value.problem?.text})", s.state.value.done == "Appel noté : Pas de réponse.")
    check("the call shows at once, waiting", s.state.value.attempts.firstOrNull()?.waiting == true)
    sync.syncNow().join()
    check("offline said plainly (${sync.state.value.problem?.text})", sync.state.value.problem?.text == "Pas de réseau : 1 action à envoyer. Tout partira à la reconnexion.")
    check("one action waiting", sync.state.value.waiting == 1)

    // Still offline: a booking from the slots the phone computes.
    val personA = s.state.value.personId ?: error("no person")
    val bookA = BookingModel(a, personA, clock, scope)
    bookA.load().join()
    val day = bookA.state.value.days.firstOrNull()
    check("free slots offline, by day (${bookA.state.value.problem?.text})", day != null && day.slots.isNotEmpty())
    val slot = day!!.slots.first()
    check("day read in full", Regex("^[A-Z][a-zé]+ (1er|\\d{1,2}) [a-zéû]+$").matches(day.label))
    bookA.book(slot).join()
    check("booking noted on the phone (${bookA.state.value.done ?: bookA.state.value.problem?.text})", bookA.state.value.bookedId != null)

    // Meanwhile a second phone, online, takes the same slot for another person.
    b.session().login(marie.email, marie.password, marie.code(1), "Second téléphone")
    val syncB = SyncModel(b, clock, scope)
    syncB.syncNow().join()
    val other = b.queue().lines().map { b.situations().open(it.situationId).personId }.first { it != personA }
    val bookB = BookingModel(b, other, clock, scope)
    bookB.load().join()
    bookB.choose(bookA.state.value.typeId, bookA.state.value.siteId).join()
    val same = bookB.state.value.days.flatMap { it.slots }.firstOrNull { it.start == slot.start && it.coordinatorId == slot.coordinatorId }
    check("the other phone sees the slot free", same != null)
    bookB.book(same!!).join()
    syncB.syncNow().join()
    check("the other phone's booking is applied", syncB.state.value.waiting == 0 && syncB.state.value.refused.isEmpty())

    // Reconnect: the call is applied, the booking refused with its reason, kept until dismissed.
    link.restore()
    sync.networkAvailable()
    sync.syncNow().join()
    val after = sync.state.until("the refusal is listed") { it.refused.isNotEmpty() }
    check("nothing left waiting", after?.waiting == 0)
    val refusal = after?.refused?.firstOrNull()
    check("the refused booking says what (${refusal?.what})", refusal?.what == "Rendez-vous")
    check("and why, in French (${refusal?.reason})", refusal != null && refusal.reason.isNotBlank() && !refusal.reason.contains('_'))
    s.load().join()
    check("the call is on the server's record", s.state.value.attempts.firstOrNull()?.waiting == false)
    sync.discard(refusal!!.intentId).join()
    sync.state.until("dismissed") { it.refused.isEmpty() }

    // The agenda of that day, read from the phone: the other phone's booking, by initials.
    val agenda = AgendaModel(a, zone, clock, scope)
    agenda.show(slot.start.atZone(zone).toLocalDate()).join()
    val ag = agenda.state.value
    check("agenda of the day (${ag.title}: ${ag.items.size})", ag.items.any { it.time.startsWith(slot.label) && !it.waiting })
    check("agenda by initials only", ag.items.all { i -> i.persons.split(", ").all { it.length <= 5 } })
    check("agenda statuses in French", ag.items.all { it.status in setOf("Prévu", "Venu", "Absent", "Excusé", "Annulé") })
    agenda.next().join()
    check("next day", agenda.state.value.day == slot.start.atZone(zone).toLocalDate().plusDays(1))

    // Signing out with unsent work asks first; then the store is wiped.
    val settings = SettingsModel(a, link.url, scope)
    settings.load().join()
    check("settings show who (${settings.state.value.name})", settings.state.value.email == marie.email)
    link.cut()
    s.startCall()
    s.logCall(AttemptResult.ANSWERED).join()
    settings.signOut().join()
    check("sign-out with unsent work asks (${settings.state.value.confirm})", settings.state.value.confirm?.startsWith("1 action n'a pas encore été envoyée") == true)
    check("and has not signed out", a.session().isLoggedIn())
    settings.keepSignedIn()
    link.restore()
    sync.syncNow().join()
    settings.signOut().join()
    check("signed out, nothing lost (${settings.state.value.problem?.text})", settings.state.value.signedOut && settings.state.value.lost == 0)
    check("the session is gone", !a.session().isLoggedIn())
    // The local store stays readable after sign-out: a read that fails is a failure, not
    // an empty store.
    val leftover = runCatching { a.queue().lines() }
    check(
        "the store is wiped (${leftover.getOrNull()?.size} queue lines left, ${leftover.exceptionOrNull()})",
        leftover.isSuccess && leftover.getOrThrow().isEmpty(),
    )

    // The second phone's session ends on the server: its sync model sends it back to sign-in.
    syncB.syncNow().join()
    check("second phone still signed in", !syncB.state.value.signedOut)
    val settingsB = SettingsModel(b, server, scope)
    settingsB.signOut().join()
    syncB.syncNow().join()
    check("after sign-out, sync sends back to sign-in (${syncB.state.value.problem?.text})", syncB.state.value.signedOut)

    listOf(signIn, sync, queue, s, bookA, bookB, syncB, agenda, settings, settingsB).forEach { it.close() }
    a.close()
    b.close()
    link.close()
    scope.cancel()
    Checks.finish("app-model")
}
