import Foundation

/// What the screens read, in French. Mirror of android/app-model/.../Words.kt: presentation
/// only, an unknown word shown as it is.
public enum Words {
    public static let situationStates = [
        "received": "Reçue", "to_qualify": "À qualifier", "contacting": "Prise de contact",
        "callback_scheduled": "Rappel prévu", "appointment_set": "Rendez-vous fixé",
        "assessment": "Évaluation", "orientation": "Orientation", "follow_up": "Suivi", "closed": "Clôturée",
    ]
    public static let priorities = [
        "immediate": "Immédiat", "one_working_day": "Sous 1 jour ouvré", "five_working_days": "Sous 5 jours ouvrés",
    ]
    public static let appointmentStatuses = [
        "planned": "Prévu", "seen": "Venu", "no_show": "Absent", "excused": "Excusé", "revoked": "Annulé",
    ]
    public static let attemptChannels = ["call": "Appel", "sms": "SMS", "email": "E-mail", "letter": "Courrier"]
    public static let attemptResults = [
        "answered": "Joint", "no_answer": "Pas de réponse", "no_message_left": "Pas de message laissé",
        "someone_else_answered": "Un tiers a répondu", "wrong_number": "Faux numéro", "refused": "Refus",
    ]
    public static let intentKinds = [
        "log_attempt": "Tentative de contact", "situation_event": "Changement de situation",
        "interview": "Entretien", "orient": "Orientation", "book": "Rendez-vous",
        "move": "Déplacement de rendez-vous", "cancel": "Annulation de rendez-vous",
        "seen": "Venue", "no_show": "Absence",
    ]

    public static func of(_ table: [String: String], _ word: String) -> String { table[word] ?? word }

    private static func formatter(_ pattern: String, _ zone: TimeZone) -> DateFormatter {
        let f = DateFormatter()
        f.locale = Locale(identifier: "fr_FR")
        f.timeZone = zone
        f.dateFormat = pattern
        return f
    }

    /// "lundi 30 novembre", "mardi 1er décembre".
    public static func day(_ d: Date, _ zone: TimeZone) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        let n = cal.component(.day, from: d)
        return "\(formatter("EEEE", zone).string(from: d)) \(n == 1 ? "1er" : String(n)) \(formatter("MMMM", zone).string(from: d))"
    }

    public static func time(_ t: Date, _ zone: TimeZone) -> String { formatter("HH:mm", zone).string(from: t) }

    public static func dayAndTime(_ t: Date, _ zone: TimeZone) -> String { "\(day(t, zone)) à \(time(t, zone))" }

    public static func ago(_ then: Date, _ now: Date) -> String {
        let m = Int(now.timeIntervalSince(then) / 60)
        switch m {
        case ..<1: return "à l'instant"
        case ..<60: return "il y a \(m) min"
        case ..<(24 * 60): return "il y a \(m / 60) h"
        case ..<(48 * 60): return "il y a 1 jour"
        default: return "il y a \(m / 1440) jours"
        }
    }

    public static func due(_ at: Date, _ now: Date, _ zone: TimeZone) -> String {
        if at <= now {
            let m = Int(now.timeIntervalSince(at) / 60)
            if m < 60 { return "en retard de \(max(m, 1)) min" }
            if m < 24 * 60 { return "en retard de \(m / 60) h" }
            return "en retard de \(m / 1440) j"
        }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = zone
        return cal.isDate(at, inSameDayAs: now) ? "avant \(time(at, zone))" : "avant \(dayAndTime(at, zone))"
    }

    /// "Mardi 1er décembre": the first letter only.
    public static func firstUpper(_ s: String) -> String { s.prefix(1).uppercased() + s.dropFirst() }

    public static func plural(_ n: Int, _ one: String, _ many: String) -> String { n == 1 ? "1 \(one)" : "\(n) \(many)" }
}
