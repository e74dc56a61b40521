import Foundation
import RelaisCore

/// Mirror of QueueModel.kt: the call-back queue, persons by initials only, following the core.
@MainActor
public final class QueueModel: ObservableObject {
    public struct Item: Equatable, Identifiable {
        public var id: String { situationId }
        public let situationId, initials, state, priority, due: String
        public let overdue, callbackOpen, safeContactStale, waiting: Bool
    }
    public struct State: Equatable {
        public var items: [Item] = []
        public var overdue = 0
        public var summary = ""
    }

    @Published public private(set) var state = State()
    private var handle: ListenerHandle?
    private let zone: TimeZone

    public init(core: RelaisCore, zone: TimeZone = .current) {
        self.zone = zone
        handle = core.queue().observe(listener: QueueRelay { [weak self] lines in self?.render(lines) })
    }

    deinit { handle?.stop() }

    private func render(_ lines: [QueueLine]) {
        let now = Date()
        let items = lines.map {
            Item(situationId: $0.situationId, initials: $0.initials,
                 state: Words.situationState($0.state), priority: Words.priority($0.priority),
                 due: Words.due($0.dueAt, now, zone), overdue: $0.overdue, callbackOpen: $0.callbackOpen,
                 safeContactStale: $0.safeContactStale, waiting: $0.pending > 0)
        }
        let late = items.filter(\.overdue).count
        let all = Words.plural(items.count, "personne à rappeler", "personnes à rappeler")
        state = State(items: items, overdue: late,
                      summary: items.isEmpty ? "Personne à rappeler." : late == 0 ? all : "\(all), dont \(late) en retard")
    }
}
