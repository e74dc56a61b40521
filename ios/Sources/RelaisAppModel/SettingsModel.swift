import Foundation
import RelaisCore

/// Mirror of SettingsModel.kt: who is signed in; signing out wipes the phone's store, after
/// asking when unsent actions would be lost.
@MainActor
public final class SettingsModel: ObservableObject {
    public struct State: Equatable {
        public var name = "", email = "", organisation = "", role = "", server = ""
        public var confirm: String?
        public var signedOut = false
        public var lost = 0
        public var problem: Problem?
    }

    @Published public private(set) var state = State()
    private let core: RelaisCore

    public init(core: RelaisCore, serverUrl: String) {
        self.core = core
        state.server = serverUrl
    }

    public func load() async {
        do {
            let p = try await core.session().profile()
            state.name = p.displayName
            state.email = p.email
            state.organisation = p.organisationName
            switch p.role {
            case .admin: state.role = "Administration"
            case .coordinator: state.role = "Intervenant·e social·e"
            case .referrer: state.role = "Orienteur"
            }
        } catch RelaisError.Offline {
            state.problem = Problem("Hors ligne : le profil s'affichera à la reconnexion.")
        } catch {
            state.problem = explain(error)
        }
    }

    public func signOut(confirmed: Bool = false) async {
        let core = self.core
        do {
            let s = try await offMain { try core.sync().status() }
            let waiting = Int(s.pending + s.held)
            if waiting > 0 && !confirmed {
                state.confirm = "\(Words.plural(waiting, "action n'a", "actions n'ont")) pas encore été envoyée\(waiting > 1 ? "s" : "") au serveur et \(waiting > 1 ? "seront perdues" : "sera perdue"). Se déconnecter quand même ?"
                return
            }
            let lost = try await core.session().logout()
            state.confirm = nil
            state.signedOut = true
            state.lost = Int(lost)
            state.problem = nil
        } catch {
            state.problem = explain(error)
        }
    }

    public func keepSignedIn() { state.confirm = nil }
}
