// What the JVM tests share: checks that are counted and printed, and signing in to a
// `relais demo` as a person would (the demo's credentials file, and the 6-digit code an
// authenticator app shows, RFC 6238).
package fr.relais.testing

import java.io.File
import java.nio.ByteBuffer
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec

object Checks {
    var passed = 0
    var failed = 0

    /** Prints the count and ends the process with 1 if any check failed. */
    fun finish(suite: String) {
        println("$suite: $passed passed, $failed failed")
        if (failed > 0) kotlin.system.exitProcess(1)
    }
}

fun check(name: String, ok: Boolean) {
    if (ok) {
        Checks.passed++
        println("ok   $name")
    } else {
        Checks.failed++
        println("FAIL $name")
    }
}

inline fun <reified E : Throwable> expect(name: String, block: () -> Unit) {
    try {
        block()
        check("$name (no exception)", false)
    } catch (e: Throwable) {
        check("$name -> ${E::class.simpleName} (got ${e::class.simpleName})", e is E)
    }
}

class DemoAccount(val email: String, val password: String, private val secret: ByteArray) {
    /** The code of the current 30-second step, or of a later one (each step is usable once). */
    fun code(offsetSteps: Long = 0): String = totp(secret, offsetSteps)
}

fun demoAccount(credentialsFile: String, email: String): DemoAccount {
    val creds = File(credentialsFile).readText()
    val m = Regex("\"email\":\\s*\"${Regex.escape(email)}\",\\s*\"password\":\\s*\"([^\"]+)\",\\s*\"totp_secret\":\\s*\"([A-Z2-7]+)\"")
        .find(creds) ?: error("credentials of $email not found in $credentialsFile")
    return DemoAccount(email, m.groupValues[1], base32(m.groupValues[2]))
}

fun base32(s: String): ByteArray {
    val alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
    var buffer = 0
    var bits = 0
    val out = java.io.ByteArrayOutputStream()
    for (c in s.trimEnd('=')) {
        buffer = (buffer shl 5) or alphabet.indexOf(c)
        bits += 5
        if (bits >= 8) {
            out.write((buffer shr (bits - 8)) and 0xff)
            bits -= 8
        }
    }
    return out.toByteArray()
}

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
