package fr.relais.app.model

import fr.relais.core.QueueLine

/**
 * The notification text, written for a lock screen someone else may read: no name, no
 * initials, no reason, no organisation. Just how many callbacks are overdue.
 */
object Notices {
    data class Notice(val title: String, val text: String)

    fun overdue(lines: List<QueueLine>): Notice? {
        val n = lines.count { it.overdue }
        if (n == 0) return null
        return Notice("Relais", if (n == 1) "1 rappel en retard" else "$n rappels en retard")
    }

    /** Shown when the phone's store was wiped (device revoked or signed out). */
    fun wiped(lost: Int): Notice =
        Notice("Relais", if (lost == 0) "Session terminée" else "Session terminée : ${Words.plural(lost, "action non envoyée", "actions non envoyées")}")
}
