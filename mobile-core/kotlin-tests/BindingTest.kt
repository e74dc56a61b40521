// Runs the generated Kotlin bindings on the JVM against a live `relais demo` server:
// the same calls the Android app makes. Usage: BindingTestKt <server url> <demo-credentials.json>

import fr.relais.core.RelaisClient
import fr.relais.core.RelaisException
import fr.relais.core.Role
import java.io.File
import java.nio.ByteBuffer
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec
import kotlin.system.exitProcess
import kotlinx.coroutines.runBlocking

var passed = 0
var failed = 0

fun check(name: String, ok: Boolean) {
    if (ok) { passed++; println("ok   $name") } else { failed++; println("FAIL $name") }
}

inline fun <reified E : Throwable> expect(name: String, block: () -> Unit) {
    try {
        block()
        check("$name (no exception)", false)
    } catch (e: Throwable) {
        check("$name -> ${E::class.simpleName} (got ${e::class.simpleName})", e is E)
    }
}

fun base32(s: String): ByteArray {
    val alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    var buffer = 0; var bits = 0
    val out = java.io.ByteArrayOutputStream()
    for (c in s.trimEnd('=')) {
        buffer = (buffer shl 5) or alphabet.indexOf(c)
        bits += 5
        if (bits >= 8) { out.write((buffer shr (bits - 8)) and 0xff); bits -= 8 }
    }
    return out.toByteArray()
}

// RFC 6238, as an authenticator app computes it.
fun totp(secret: ByteArray, offsetSteps: Long): String {
    val step = System.currentTimeMillis() / 1000 / 30 + offsetSteps
    val mac = Mac.getInstance("HmacSHA1")
    mac.init(SecretKeySpec(secret, "HmacSHA1"))
    val h = mac.doFinal(ByteBuffer.allocate(8).putLong(step).array())
    val o = h[19].toInt() and 0xf
    val bin = ((h[o].toInt() and 0x7f) shl 24) or ((h[o + 1].toInt() and 0xff) shl 16) or
        ((h[o + 2].toInt() and 0xff) shl 8) or (h[o + 3].toInt() and 0xff)
    return String.format("%06d", bin % 1_000_000)
}

fun main(args: Array<String>) = runBlocking {
    val url = args[0]
    val creds = File(args[1]).readText()
    val m = Regex("\"email\":\\s*\"marie@demo.relais.test\",\\s*\"password\":\\s*\"([^\"]+)\",\\s*\"totp_secret\":\\s*\"([A-Z2-7]+)\"")
        .find(creds) ?: error("marie's credentials not found in ${args[1]}")
    val email = "marie@demo.relais.test"
    val password = m.groupValues[1]
    val secret = base32(m.groupValues[2])

    expect<RelaisException.InvalidServerUrl>("plain http to another host is refused") { RelaisClient("http://relais.example.org") }

    RelaisClient(url).use { client ->
        check("not logged in at first", !client.isLoggedIn())
        expect<RelaisException.SessionEnded>("profile before login") { client.profile() }
        expect<RelaisException.InvalidCredentials>("wrong password") {
            client.loginDevice(email, "not the right password", totp(secret, 1), null, "JVM")
        }
        expect<RelaisException.SecondFactorRequired>("missing code") { client.loginDevice(email, password, null, null, "JVM") }

        val session = client.loginDevice(email, password, totp(secret, 1), null, "Test JVM des bindings")
        check("device session returned", session.deviceId.length == 36 && session.refreshToken.isNotEmpty())

        val p = client.profile()
        check("profile e-mail", p.email == email)
        check("profile role", p.role == Role.COORDINATOR)
        check("organisation name (UTF-8 across the FFI)", p.organisationName == "Coordination sociale Nord-Isère (démo)")
        check("profile sites", p.sites.size == 2)

        val sites = client.sites()
        check("sites listed", sites.map { it.name }.toSet() == p.sites.map { it.name }.toSet())
        check("site time zone", sites.all { it.timeZone == "Europe/Paris" })

        val rotated = client.refresh()
        check("refresh rotates the token", rotated.refreshToken != session.refreshToken)

        RelaisClient(url).use { resumed ->
            resumed.resume(rotated.deviceId, rotated.refreshToken)
            check("resume from a stored refresh token", resumed.profile().email == email)
            resumed.logout()
            check("logged out", !resumed.isLoggedIn())
        }
        expect<RelaisException.SessionEnded>("revoked device cannot refresh") { client.refresh() }
    }

    RelaisClient("http://127.0.0.1:9").use { dead ->
        expect<RelaisException.Offline>("unreachable server") { dead.loginDevice(email, password, null, null, "JVM") }
    }

    println("kotlin: $passed passed, $failed failed")
    if (failed > 0) exitProcess(1)
}
