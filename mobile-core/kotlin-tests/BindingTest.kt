// Runs the generated Kotlin bindings on the JVM against a live `relais demo` server:
// the same calls the Android app makes. Usage: BindingTestKt <server url> <demo-credentials.json>

import fr.relais.core.AttemptChannel
import fr.relais.core.AttemptResult
import fr.relais.core.KeyProvider
import fr.relais.core.RelaisCore
import fr.relais.core.SyncStatus
import fr.relais.core.SyncStatusListener
import fr.relais.core.RelaisException
import fr.relais.core.Role
import fr.relais.testing.Checks
import fr.relais.testing.check
import fr.relais.testing.demoAccount
import fr.relais.testing.expect
import java.io.File
import kotlinx.coroutines.runBlocking

fun main(args: Array<String>) = runBlocking {
    val url = args[0]
    val marie = demoAccount(args[1], "marie@demo.relais.test")
    val email = marie.email
    val password = marie.password

    val db = File.createTempFile("relais-phone", ".db").also { it.delete() }.path
    val keys = object : KeyProvider {
        override fun databaseKey(): ByteArray = ByteArray(32) { 7 }
    }
    expect<RelaisException.InvalidServerUrl>("plain http to another host is refused") { RelaisCore("http://relais.example.org", db, keys) }

    var statuses = 0
    var firstStatusSeen = false
    var situationId = ""
    RelaisCore(url, db, keys).use { core ->
        val session = core.session()
        check("not logged in at first", !session.isLoggedIn())
        expect<RelaisException.SessionEnded>("profile before login") { session.profile() }
        expect<RelaisException.InvalidCredentials>("wrong password") {
            session.login(email, "not the right password", marie.code(1), "JVM")
        }
        expect<RelaisException.SecondFactorRequired>("missing code") { session.login(email, password, null, "JVM") }
        session.login(email, password, marie.code(1), "Test JVM des bindings")
        check("logged in", session.isLoggedIn())

        val p = session.profile()
        check("profile e-mail", p.email == email)
        check("profile role", p.role == Role.COORDINATOR)
        check("organisation name (UTF-8 across the FFI)", p.organisationName == "Coordination sociale Nord-Isère (démo)")
        check("profile sites", p.sites.size == 2)
        check("site time zone", p.sites.all { it.timeZone == "Europe/Paris" })

        // The sync status, observed: the current value first, then every change.
        val handle = core.sync().observe(object : SyncStatusListener {
            override fun onStatus(status: SyncStatus) { statuses++; firstStatusSeen = true }
        })
        check("listener gets the current status at once", firstStatusSeen)
        val report = core.sync().syncNow()
        check("first sync pulls the coordinator's records (${report.pulled})", report.pulled > 10u)
        check("listener told of the sync", statuses >= 2)

        val lines = core.queue().lines()
        check("call-back queue read from the phone (${lines.size} lines)", lines.isNotEmpty())
        check("queue shows initials only", lines.all { it.initials.length <= 5 })
        // Book from the slots the phone computes, then see it in the agenda once applied.
        val type = core.booking().types().first()
        val site = core.booking().sites().first { s -> p.sites.any { it.id == s.id } }
        val today = java.time.LocalDate.now()
        val slots = core.booking().freeSlots(type.id, site.id, p.accountId, today.toString(), today.plusDays(21).toString())
        check("free slots computed on the phone (${slots.size})", slots.isNotEmpty())
        val person = core.situations().open(lines.first().situationId).personId
        val booked = core.booking().book(type.id, site.id, p.accountId, person, slots.first().start)
        val now = java.time.Instant.now()
        val pendingWeek = core.agenda().between(now.minusSeconds(86400), now.plusSeconds(30L * 86400), null)
        check("the booking shows at once, pending", pendingWeek.any { it.pending && it.appointmentId == booked })
        val applied = core.sync().syncNow()
        check("the booking is applied (${applied.applied})", applied.applied >= 1u)
        val week = core.agenda().between(now.minusSeconds(86400), now.plusSeconds(30L * 86400), null)
        check("agenda read from the phone (${week.size} appointments)", week.any { !it.pending && it.start == slots.first().start })

        // Safe contact decided on the phone: some person in the queue has not allowed SMS.
        var refusedOnPhone = false
        for (l in lines) {
            try {
                core.situations().logAttempt(l.situationId, AttemptChannel.SMS, AttemptResult.NO_ANSWER, null)
                // Allowed by that person's profile: leave it queued, it is applied at the next sync.
            } catch (e: RelaisException.Refused) {
                refusedOnPhone = true
                check("refusal says why (${e.reason})", e.code == "unsafe_channel" && e.reason.isNotEmpty())
                break
            }
        }
        check("an SMS the profile forbids is refused on the phone", refusedOnPhone)
        core.sync().syncNow()

        // Pick a situation a call may be logged on.
        for (l in lines) {
            val f = core.situations().open(l.situationId)
            if (f.allowedEvents.isNotEmpty()) { situationId = l.situationId; break }
        }
        check("a situation to call", situationId.isNotEmpty())
        handle.stop()
        val before = statuses
        core.sync().syncNow()
        check("a stopped listener hears nothing more", statuses == before)
    }

    // Offline: the server cannot be reached; the call is queued on the phone and survives a restart.
    RelaisCore("http://127.0.0.1:9", db, keys).use { offline ->
        val id = offline.situations().logAttempt(situationId, AttemptChannel.CALL, AttemptResult.NO_ANSWER, "appel hors ligne depuis le JVM")
        check("intent queued offline", id.length == 36)
        expect<RelaisException.Offline>("sync without a network") { offline.sync().syncNow() }
        val st = offline.sync().status()
        check("still pending after the failed sync", st.pending == 1u)
        val f = offline.situations().open(situationId)
        check("the call shows at once, marked pending", f.attempts.any { it.pending && it.note == "appel hors ligne depuis le JVM" })
    }

    // Reconnected: the call is applied and the echo replaced by the server's record.
    RelaisCore(url, db, keys).use { core ->
        val r = core.sync().syncNow()
        check("reconnect applies the offline call (${r.applied})", r.applied >= 1u)
        check("nothing left to send", core.sync().status().pending == 0u)
        val f = core.situations().open(situationId)
        check("the call is on the server's record", f.attempts.any { !it.pending && it.note == "appel hors ligne depuis le JVM" })
        val lost = core.session().logout()
        check("logout loses nothing that was sent", lost == 0u)
        check("logged out", !core.session().isLoggedIn())
    }

    Checks.finish("kotlin bindings")
}
