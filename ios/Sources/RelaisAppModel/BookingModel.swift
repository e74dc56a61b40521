import Foundation
import RelaisCore

/// Mirror of BookingModel.kt: a type, a site, then a free slot of the next weeks, by day.
@MainActor
public final class BookingModel: ObservableObject {
    public struct Slot: Equatable, Identifiable {
        public var id: String { "\(start.timeIntervalSince1970)-\(coordinatorId)" }
        public let label: String
        public let start: Date
        public let coordinatorId: String
    }
    public struct Day: Equatable, Identifiable { public var id: String { label }; public let label: String; public let slots: [Slot] }
    public struct State: Equatable {
        public var types: [AppointmentType] = []
        public var sites: [Site] = []
        public var typeId: String?
        public var siteId: String?
        public var days: [Day] = []
        public var loading = false
        public var empty: String?
        public var bookedId: String?
        public var done: String?
        public var problem: Problem?
    }

    @Published public private(set) var state = State()
    private let core: RelaisCore
    private let personId: String
    private let weeks: Int

    public init(core: RelaisCore, personId: String, weeks: Int = 3) {
        self.core = core
        self.personId = personId
        self.weeks = weeks
    }

    public func load() async {
        let core = self.core
        do {
            let (types, sites) = try await offMain { (try core.booking().types(), try core.booking().sites()) }
            state = State(types: types, sites: sites, typeId: types.first?.id, siteId: sites.first?.id)
            await slots()
        } catch {
            state.problem = explain(error)
        }
    }

    public func choose(typeId: String? = nil, siteId: String? = nil) async {
        if let t = typeId { state.typeId = t }
        if let s = siteId { state.siteId = s }
        state.bookedId = nil
        state.done = nil
        await slots()
    }

    private func zone(_ siteId: String) -> TimeZone {
        state.sites.first { $0.id == siteId }.flatMap { TimeZone(identifier: $0.timeZone) } ?? TimeZone(identifier: "Europe/Paris")!
    }

    private func slots() async {
        guard let type = state.typeId, let site = state.siteId else { return }
        let z = zone(site)
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = z
        let fmt = DateFormatter()
        fmt.calendar = cal
        fmt.timeZone = z
        fmt.dateFormat = "yyyy-MM-dd"
        let now = Date()
        let from = fmt.string(from: now)
        let to = fmt.string(from: cal.date(byAdding: .day, value: 7 * weeks, to: now)!)
        state.loading = true
        state.problem = nil
        let core = self.core
        do {
            let free = try await offMain {
                try core.booking().freeSlots(typeId: type, siteId: site, coordinatorId: nil, from: from, to: to)
            }
            let upcoming = free.filter { $0.start > now }
            let byDay = Dictionary(grouping: upcoming) { cal.startOfDay(for: $0.start) }
            state.days = byDay.keys.sorted().map { d in
                Day(label: Words.firstUpper(Words.day(d, z)),
                    slots: byDay[d]!.sorted { $0.start < $1.start }.map { Slot(label: Words.time($0.start, z), start: $0.start, coordinatorId: $0.coordinatorId) })
            }
            state.empty = state.days.isEmpty ? "Aucun créneau libre dans les \(weeks) prochaines semaines." : nil
        } catch {
            state.problem = explain(error)
        }
        state.loading = false
    }

    public func book(_ slot: Slot) async {
        guard let type = state.typeId, let site = state.siteId else {
            state.problem = Problem("Type de rendez-vous et lieu : à choisir.", field: "type")
            return
        }
        let core = self.core, person = personId
        do {
            let id = try await offMain {
                try core.booking().book(typeId: type, siteId: site, coordinatorId: slot.coordinatorId, personId: person, start: slot.start)
            }
            state.bookedId = id
            state.problem = nil
            state.done = "Rendez-vous noté : \(Words.dayAndTime(slot.start, zone(site))). Il sera confirmé à la prochaine synchronisation."
            await slots()
        } catch {
            state.problem = explain(error)
        }
    }
}
