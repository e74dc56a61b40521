import Foundation
import RelaisCore

/// Mirror of SituationModel.kt: initials until `reveal`, a call logged in two taps.
@MainActor
public final class SituationModel: ObservableObject {
    public struct AttemptItem: Equatable { public let at, channel, result: String; public let note: String?; public let waiting: Bool }
    public struct State: Equatable {
        public var loaded = false
        public var initials = ""
        public var name: String?
        public var phone: String?
        public var codeWord: String?
        public var revealed = false
        public var personId: String?
        public var state = ""
        public var safeChannels: [String] = []
        public var safeContactStale = false
        public var attempts: [AttemptItem] = []
        public var waiting = 0
        public var choosingResult = false
        public var results: [AttemptResult] = []
        public var done: String?
        public var problem: Problem?
    }

    public static let allResults: [AttemptResult] = [.answered, .noAnswer, .noMessageLeft, .someoneElseAnswered, .wrongNumber, .refused]

    @Published public private(set) var state = State()
    public let situationId: String
    private let core: RelaisCore
    private let zone: TimeZone
    private var file: SituationFile?

    public init(core: RelaisCore, situationId: String, zone: TimeZone = .current) {
        self.core = core
        self.situationId = situationId
        self.zone = zone
    }

    public func load() async {
        let core = self.core, id = situationId
        do {
            let f = try await offMain { try core.situations().open(situationId: id) }
            file = f
            var s = render(f, revealed: state.revealed)
            s.choosingResult = state.choosingResult
            s.results = state.results
            s.done = state.done
            state = s
        } catch {
            state.problem = explain(error)
        }
    }

    private func render(_ f: SituationFile, revealed: Bool) -> State {
        var s = State()
        s.loaded = true
        s.initials = f.initials
        if revealed {
            let n = [f.firstName, f.lastName].compactMap { $0 }.joined(separator: " ")
            s.name = n.isEmpty ? nil : n
            s.phone = f.phone
            s.codeWord = f.codeWord
        }
        s.revealed = revealed
        s.personId = f.personId
        s.state = Words.situationState(f.state)
        s.safeChannels = f.safeChannels
        s.safeContactStale = f.safeContactStale
        s.attempts = f.attempts.sorted { $0.at > $1.at }.map {
            AttemptItem(at: Words.dayAndTime($0.at, zone), channel: Words.attemptChannel($0.channel),
                        result: Words.attemptResult($0.result), note: $0.note, waiting: $0.pending)
        }
        s.waiting = Int(f.pendingIntents)
        return s
    }

    public func reveal() { if let f = file { let d = state.done; state = render(f, revealed: true); state.done = d } }
    public func hide() { if let f = file { let d = state.done; state = render(f, revealed: false); state.done = d } }

    public func startCall() {
        state.choosingResult = true
        state.results = Self.allResults
        state.done = nil
        state.problem = nil
    }

    public func cancelCall() { state.choosingResult = false; state.results = [] }

    public func logCall(_ result: AttemptResult, note: String? = nil) async { await log(.call, result, note: note) }

    public func log(_ channel: AttemptChannel, _ result: AttemptResult, note: String? = nil) async {
        let core = self.core, id = situationId
        let n = note?.trimmingCharacters(in: .whitespacesAndNewlines)
        do {
            _ = try await offMain {
                try core.situations().logAttempt(situationId: id, channel: channel, result: result, note: (n?.isEmpty ?? true) ? nil : n)
            }
            state.choosingResult = false
            state.results = []
            state.problem = nil
            state.done = "\(Words.attemptChannel(Self.word(channel))) noté : \(Words.attemptResult(Self.word(result)))."
            await load()
        } catch {
            state.choosingResult = false
            state.results = []
            state.problem = explain(error)
        }
    }

    public func scheduleCallback(start: Date, end: Date) async {
        guard end > start else { state.problem = Problem("Fin du créneau de rappel : après le début.", field: "end"); return }
        guard end > Date() else { state.problem = Problem("Fin du créneau de rappel : déjà passée.", field: "end"); return }
        let core = self.core, id = situationId
        do {
            _ = try await offMain { try core.situations().scheduleCallback(situationId: id, start: start, end: end) }
            state.problem = nil
            state.done = "Rappel prévu \(Words.dayAndTime(start, zone))."
            await load()
        } catch {
            state.problem = explain(error)
        }
    }

    /// The stored word of a result or channel (the keys of `Words`).
    public static func word(_ r: AttemptResult) -> String {
        switch r {
        case .answered: "answered"
        case .noAnswer: "no_answer"
        case .noMessageLeft: "no_message_left"
        case .someoneElseAnswered: "someone_else_answered"
        case .wrongNumber: "wrong_number"
        case .refused: "refused"
        }
    }

    public static func word(_ c: AttemptChannel) -> String {
        switch c {
        case .call: "call"
        case .sms: "sms"
        case .email: "email"
        case .letter: "letter"
        }
    }
}
