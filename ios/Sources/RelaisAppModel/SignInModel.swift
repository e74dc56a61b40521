import Foundation
import RelaisCore

/// Mirror of SignInModel.kt: e-mail and password, then the 6-digit code when asked for.
@MainActor
public final class SignInModel: ObservableObject {
    public enum Step { case credentials, code, signedIn }
    public struct State: Equatable {
        public var step: Step
        public var busy = false
        public var problem: Problem?
        public var displayName: String?
    }

    @Published public private(set) var state: State
    private let session: Session
    private let deviceName: String

    public init(session: Session, deviceName: String) {
        self.session = session
        self.deviceName = deviceName
        state = State(step: session.isLoggedIn() ? .signedIn : .credentials)
    }

    public func submit(email: String, password: String, code: String? = nil) async {
        if let p = check(email, password, code) { state.problem = p; return }
        state.busy = true
        state.problem = nil
        let c = code?.trimmingCharacters(in: .whitespaces)
        do {
            try await session.login(email: email.trimmingCharacters(in: .whitespaces), password: password,
                                    totpCode: (c?.isEmpty ?? true) ? nil : c, deviceName: deviceName)
            let who = try? await session.profile().displayName
            state = State(step: .signedIn, displayName: who)
        } catch RelaisError.SecondFactorRequired {
            state = State(step: .code, problem: code == nil ? nil : explain(RelaisError.SecondFactorRequired))
        } catch RelaisError.Offline {
            state.busy = false
            state.problem = Problem("Pas de réseau : la première connexion a besoin du serveur.")
        } catch {
            state.busy = false
            state.problem = explain(error)
        }
    }

    public func back() { state = State(step: .credentials) }

    private func check(_ email: String, _ password: String, _ code: String?) -> Problem? {
        let e = email.trimmingCharacters(in: .whitespaces)
        let c = code?.trimmingCharacters(in: .whitespaces) ?? ""
        if e.isEmpty { return Problem("Adresse e-mail : à renseigner.", field: "email") }
        if !e.contains("@") || e.hasPrefix("@") || e.hasSuffix("@") { return Problem("Adresse e-mail : format invalide.", field: "email") }
        if password.isEmpty { return Problem("Mot de passe : à renseigner.", field: "password") }
        if state.step == .code && c.isEmpty { return Problem("Code : à renseigner.", field: "code") }
        if !c.isEmpty && (c.count != 6 || !c.allSatisfy(\.isNumber)) { return Problem("Code : 6 chiffres attendus.", field: "code") }
        return nil
    }
}
