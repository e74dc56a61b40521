package fr.relais.app.model

import java.time.Duration
import java.time.Instant
import java.time.LocalDate
import java.time.ZoneId
import java.time.format.DateTimeFormatter
import java.util.Locale

/**
 * What the screens read, in French: the labels of the words the core hands over in their
 * stored spelling (`appointment_set`, `no_answer`…), and dates and times written out.
 * Presentation only: no rule here. An unknown word is shown as it is, never hidden.
 * `ios/Sources/RelaisApp/Words.swift` is the mirror of this file.
 */
object Words {
    private val FR = Locale.FRENCH

    val situationStates = mapOf(
        "received" to "Reçue",
        "to_qualify" to "À qualifier",
        "contacting" to "Prise de contact",
        "callback_scheduled" to "Rappel prévu",
        "appointment_set" to "Rendez-vous fixé",
        "assessment" to "Évaluation",
        "orientation" to "Orientation",
        "follow_up" to "Suivi",
        "closed" to "Clôturée",
    )

    val priorities = mapOf(
        "immediate" to "Immédiat",
        "one_working_day" to "Sous 1 jour ouvré",
        "five_working_days" to "Sous 5 jours ouvrés",
    )

    val appointmentStatuses = mapOf(
        "planned" to "Prévu",
        "seen" to "Venu",
        "no_show" to "Absent",
        "excused" to "Excusé",
        "revoked" to "Annulé",
    )

    val attemptChannels = mapOf(
        "call" to "Appel",
        "sms" to "SMS",
        "email" to "E-mail",
        "letter" to "Courrier",
    )

    val attemptResults = mapOf(
        "answered" to "Joint",
        "no_answer" to "Pas de réponse",
        "no_message_left" to "Pas de message laissé",
        "someone_else_answered" to "Un tiers a répondu",
        "wrong_number" to "Faux numéro",
        "refused" to "Refus",
    )

    val intentKinds = mapOf(
        "log_attempt" to "Tentative de contact",
        "situation_event" to "Changement de situation",
        "interview" to "Entretien",
        "orient" to "Orientation",
        "book" to "Rendez-vous",
        "move" to "Déplacement de rendez-vous",
        "cancel" to "Annulation de rendez-vous",
        "seen" to "Venue",
        "no_show" to "Absence",
    )

    fun of(table: Map<String, String>, word: String): String = table[word] ?: word

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
