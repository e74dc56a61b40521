import Foundation
import RelaisCore

/// Mirror of AgendaModel.kt: one day of the agenda from the phone's store, read again after every sync.
@MainActor
public final class AgendaModel: ObservableObject {
    public struct Item: Equatable, Identifiable {
        public var id: String { appointmentId }
        public let appointmentId, time, site, persons, status: String
        public let waiting: Bool
    }
    public struct State: Equatable {
        public var day: Date
        public var title: String
        public var items: [Item] = []
        public var empty: String?
        public var problem: Problem?
    }

    @Published public private(set) var state: State
    private let core: RelaisCore
    private let zone: TimeZone
    private var handle: ListenerHandle?
    private var cal: Calendar

    public init(core: RelaisCore, zone: TimeZone = .current) {
        self.core = core
        self.zone = zone
        var c = Calendar(identifier: .gregorian)
        c.timeZone = zone
        cal = c
        let today = c.startOfDay(for: Date())
        state = State(day: today, title: "")
        state.title = title(today)
        handle = core.sync().observe(listener: StatusRelay { [weak self] _ in Task { await self?.refresh() } })
    }

    deinit { handle?.stop() }

    private func title(_ d: Date) -> String {
        let today = cal.startOfDay(for: Date())
        if d == today { return "Aujourd'hui, \(Words.day(d, zone))" }
        if d == cal.date(byAdding: .day, value: 1, to: today) { return "Demain, \(Words.day(d, zone))" }
        return Words.firstUpper(Words.day(d, zone))
    }

    public func show(_ day: Date) async {
        let d = cal.startOfDay(for: day)
        state = State(day: d, title: title(d))
        await refresh()
    }

    public func next() async { await show(cal.date(byAdding: .day, value: 1, to: state.day)!) }
    public func previous() async { await show(cal.date(byAdding: .day, value: -1, to: state.day)!) }
    public func goToToday() async { await show(Date()) }

    public func refresh() async {
        let day = state.day
        let end = cal.date(byAdding: .day, value: 1, to: day)!
        let core = self.core
        do {
            let (lines, sites) = try await offMain {
                (try core.agenda().between(from: day, to: end, siteId: nil), try core.booking().sites())
            }
            let byId = Dictionary(uniqueKeysWithValues: sites.map { ($0.id, $0) })
            let items = lines.map { l -> Item in
                let site = byId[l.siteId]
                let z = site.flatMap { TimeZone(identifier: $0.timeZone) } ?? zone
                return Item(appointmentId: l.appointmentId, time: "\(Words.time(l.start, z)) – \(Words.time(l.end, z))",
                            site: site?.name ?? "Autre site", persons: l.initials.joined(separator: ", "),
                            status: Words.appointmentStatus(l.status), waiting: l.pending)
            }
            guard state.day == day else { return }
            state = State(day: day, title: title(day), items: items, empty: items.isEmpty ? "Aucun rendez-vous ce jour." : nil)
        } catch {
            state.problem = explain(error)
        }
    }
}
