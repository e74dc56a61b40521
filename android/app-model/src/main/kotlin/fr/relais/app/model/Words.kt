package fr.relais.app.model

import java.time.Duration
import java.time.Instant
import java.time.LocalDate
import java.time.ZoneId
import java.time.format.DateTimeFormatter
import java.util.Locale
import fr.relais.core.Language
import fr.relais.core.WordList
import fr.relais.core.wordLabel

/**
 * What the screens read, in French: the labels of the words the core hands over in their
 * stored spelling (`appointment_set`, `no_answer`…), read from the core, and dates and times
 * written out.
 * Presentation only: no rule here. An unknown word is shown as it is, never hidden.
 * `ios/Sources/RelaisApp/Words.swift` is the mirror of this file.
 */
object Words {
    private val FR = Locale.FRENCH

    // The labels of stored words come from the core (`relais_domain::words`), the one table
    // the server's console and report read too.
    private fun label(list: WordList, word: String): String = wordLabel(list, word, Language.FRENCH)

    fun situationState(word: String): String = label(WordList.SITUATION_STATE, word)
    fun priority(word: String): String = label(WordList.PRIORITY, word)
    fun appointmentStatus(word: String): String = label(WordList.APPOINTMENT_STATUS, word)
    fun attemptChannel(word: String): String = label(WordList.ATTEMPT_CHANNEL, word)
    fun attemptResult(word: String): String = label(WordList.ATTEMPT_RESULT, word)
    fun intentKind(word: String): String = label(WordList.INTENT_KIND, word)

    private val weekday = DateTimeFormatter.ofPattern("EEEE", FR)
    private val month = DateTimeFormatter.ofPattern("MMMM", FR)
    private val timeFormat = DateTimeFormatter.ofPattern("HH:mm", FR)

    /** "lundi 30 novembre", "mardi 1er décembre": a date read in full. */
    fun day(d: LocalDate): String {
        val n = if (d.dayOfMonth == 1) "1er" else d.dayOfMonth.toString()
        return "${weekday.format(d)} $n ${month.format(d)}"
    }

    /** "14:30" in the given zone (the site's). */
    fun time(t: Instant, zone: ZoneId): String = timeFormat.format(t.atZone(zone))

    /** "lundi 30 novembre à 14:30". */
    fun dayAndTime(t: Instant, zone: ZoneId): String = "${day(t.atZone(zone).toLocalDate())} à ${time(t, zone)}"

    /** How long ago, for the sync status: "à l'instant", "il y a 5 min", "il y a 3 h", "il y a 2 jours". */
    fun ago(then: Instant, now: Instant): String {
        val d = Duration.between(then, now)
        return when {
            d.toMinutes() < 1 -> "à l'instant"
            d.toMinutes() < 60 -> "il y a ${d.toMinutes()} min"
            d.toHours() < 24 -> "il y a ${d.toHours()} h"
            d.toDays() == 1L -> "il y a 1 jour"
            else -> "il y a ${d.toDays()} jours"
        }
    }

    /** "en retard de 2 h" or "avant 14:30" (today) or "avant lundi 30 novembre à 14:30". */
    fun due(at: Instant, now: Instant, zone: ZoneId): String {
        if (!at.isAfter(now)) {
            val late = Duration.between(at, now)
            return when {
                late.toMinutes() < 60 -> "en retard de ${late.toMinutes().coerceAtLeast(1)} min"
                late.toHours() < 24 -> "en retard de ${late.toHours()} h"
                else -> "en retard de ${late.toDays()} j"
            }
        }
        val sameDay = at.atZone(zone).toLocalDate() == now.atZone(zone).toLocalDate()
        return if (sameDay) "avant ${time(at, zone)}" else "avant ${dayAndTime(at, zone)}"
    }

    fun plural(n: Int, one: String, many: String): String = if (n == 1) "1 $one" else "$n $many"
}
