import Foundation
import RelaisCore

/// Mirror of SyncModel.kt: what waits, what the server refused and why (kept until
/// dismissed), when the phone last agreed with the server; `signedOut` when the session ended.
@MainActor
public final class SyncModel: ObservableObject {
    public struct Refusal: Equatable, Identifiable { public var id: String { intentId }; public let intentId, what, reason: String }
    public struct State: Equatable {
        public var lastSync = "Jamais synchronisé"
        public var waiting = 0
        public var held = 0
        public var refused: [Refusal] = []
        public var lostByLastWipe = 0
        public var running = false
        public var problem: Problem?
        public var signedOut = false
        public var summary = ""
    }

    @Published public private(set) var state = State()
    private let core: RelaisCore
    private var handle: ListenerHandle?

    public init(core: RelaisCore) {
        self.core = core
        handle = core.sync().observe(listener: StatusRelay { [weak self] s in self?.render(s) })
    }

    deinit { handle?.stop() }

    private func render(_ s: SyncStatus) {
        let refused = s.rejected.filter { $0.status == .rejected }.map {
            Refusal(intentId: $0.id, what: Words.intentKind($0.kind), reason: $0.reason ?? "Refusé par le serveur.")
        }
        var parts: [String] = []
        if s.pending > 0 { parts.append(Words.plural(Int(s.pending), "action à envoyer", "actions à envoyer")) }
        if !refused.isEmpty { parts.append(Words.plural(refused.count, "action refusée", "actions refusées")) }
        state.lastSync = s.lastSuccess.map { "Synchronisé \(Words.ago($0, Date()))" } ?? "Jamais synchronisé"
        state.waiting = Int(s.pending)
        state.held = Int(s.held)
        state.refused = refused
        state.lostByLastWipe = Int(s.lostByLastWipe)
        state.summary = parts.isEmpty ? "À jour" : parts.joined(separator: ", ")
    }

    public func syncNow() async {
        state.running = true
        state.problem = nil
        do {
            _ = try await core.sync().syncNow()
        } catch RelaisError.SessionEnded {
            state.signedOut = true
            state.problem = explain(RelaisError.SessionEnded)
        } catch RelaisError.Offline {
            state.problem = Problem(state.waiting == 0 ? "Pas de réseau." : "Pas de réseau : \(state.summary). Tout partira à la reconnexion.")
        } catch {
            state.problem = explain(error)
        }
        state.running = false
    }

    public func discard(_ intentId: String) async {
        let core = self.core
        do { try await offMain { try core.sync().discard(intentId: intentId) } } catch { state.problem = explain(error) }
    }

    public func networkAvailable() { core.sync().networkAvailable() }

    /// Syncs while the app is in the foreground; returns when the session ends.
    public func keepSynced(everySeconds: UInt32 = 60) async {
        do {
            try await core.sync().keepSynced(everySeconds: everySeconds)
        } catch RelaisError.SessionEnded {
            state.signedOut = true
            state.problem = explain(RelaisError.SessionEnded)
        } catch {
            state.problem = explain(error)
        }
    }
}
