import Foundation
import RelaisCore

/// A problem, said to the coordinator: what happened and, when it helps, the field.
public struct Problem: Equatable {
    public let text: String
    public let field: String?
    public init(_ text: String, field: String? = nil) { self.text = text; self.field = field }
}

/// The sentence for an error of the core (mirror of `explain` in ScreenModel.kt).
public func explain(_ e: Error) -> Problem {
    guard let e = e as? RelaisError else { return Problem("Erreur inattendue.") }
    switch e {
    case .Offline: return Problem("Pas de réseau : ce qui est noté reste sur le téléphone et partira à la reconnexion.")
    case .InvalidCredentials: return Problem("Adresse e-mail ou mot de passe incorrect.")
    case .SecondFactorRequired: return Problem("Saisissez le code à 6 chiffres de votre application d'authentification.", field: "code")
    case .SessionEnded: return Problem("Session terminée : reconnectez-vous.")
    case .Forbidden: return Problem("Ce compte n'a pas accès à cette action.")
    case .TooManyAttempts: return Problem("Trop de tentatives : réessayez dans quelques minutes.")
    case let .InvalidInput(field, reason): return Problem("\(field) : \(reason)", field: field)
    case let .Refused(_, field, reason): return Problem(reason, field: field)
    case .NotFound: return Problem("Introuvable sur ce téléphone : synchronisez puis réessayez.")
    case let .Storage(reason): return Problem("Stockage du téléphone indisponible (\(reason)).")
    case let .Server(status, _): return Problem("Le serveur a répondu une erreur (\(status)) : réessayez plus tard.")
    case let .InvalidServerUrl(reason): return Problem("Adresse du serveur invalide : \(reason)")
    }
}

/// Runs a blocking call into the core off the main thread. (The generated records are plain
/// values; the box only carries them back to the main actor.)
func offMain<T>(_ f: @escaping @Sendable () throws -> T) async throws -> T {
    struct Box: @unchecked Sendable { let value: T }
    return try await Task.detached(priority: .userInitiated) { Box(value: try f()) }.value.value
}

/// Relays the core's listeners (called on the core's threads) to the main actor.
final class StatusRelay: SyncStatusListener, @unchecked Sendable {
    let f: @MainActor (SyncStatus) -> Void
    init(_ f: @escaping @MainActor (SyncStatus) -> Void) { self.f = f }
    func onStatus(status: SyncStatus) { Task { @MainActor in f(status) } }
}

final class QueueRelay: QueueListener, @unchecked Sendable {
    let f: @MainActor ([QueueLine]) -> Void
    init(_ f: @escaping @MainActor ([QueueLine]) -> Void) { self.f = f }
    func onQueue(lines: [QueueLine]) { Task { @MainActor in f(lines) } }
}

/// The notification text, for a lock screen someone else may read: no name, no initials.
public enum Notices {
    public struct Notice: Equatable { public let title: String; public let text: String }

    public static func overdue(_ lines: [QueueLine]) -> Notice? {
        let n = lines.filter(\.overdue).count
        return n == 0 ? nil : Notice(title: "Relais", text: n == 1 ? "1 rappel en retard" : "\(n) rappels en retard")
    }

    public static func wiped(_ lost: Int) -> Notice {
        Notice(title: "Relais", text: lost == 0 ? "Session terminée" : "Session terminée : \(Words.plural(lost, "action non envoyée", "actions non envoyées"))")
    }
}
