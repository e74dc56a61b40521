import Foundation
import RelaisCore

/// What the screens read, in French: stored words' labels from the core, dates and times.
/// Mirror of android/app-model/.../Words.kt: presentation only, an unknown word shown as it is.
public enum Words {
    // The labels of stored words come from the core (`relais_domain::words`), the one table
    // the server's console and report read too.
    private static func label(_ list: WordList, _ word: String) -> String { wordLabel(list: list, word: word, language: .french) }
    public static func situationState(_ w: String) -> String { label(.situationState, w) }
    public static func priority(_ w: String) -> String { label(.priority, w) }
    public static func appointmentStatus(_ w: String) -> String { label(.appointmentStatus, w) }
    public static func attemptChannel(_ w: String) -> String { label(.attemptChannel, w) }
    public static func attemptResult(_ w: String) -> String { label(.attemptResult, w) }
    public static func intentKind(_ w: String) -> String { label(.intentKind, w) }

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
