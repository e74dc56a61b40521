import RelaisAppModel
import RelaisCore
import SwiftUI
import UIKit

// Drawing only: every screen reads its model's state and calls its actions. No rule here.

/// The app's root: sign-in, then the four tabs. A blank cover whenever the app is not active,
/// so the app switcher shows nothing of a file.
public struct RootView: View {
    let core: RelaisCore
    let serverUrl: String
    @State private var signedIn: Bool
    @Environment(\.scenePhase) private var phase

    public init(core: RelaisCore, serverUrl: String) {
        self.core = core
        self.serverUrl = serverUrl
        _signedIn = State(initialValue: core.session().isLoggedIn())
    }

    public var body: some View {
        ZStack {
            if signedIn {
                Tabs(core: core, serverUrl: serverUrl) { signedIn = false }
            } else {
                SignInView(model: SignInModel(session: core.session(), deviceName: UIDevice.current.name)) { signedIn = true }
            }
            if phase != .active { Color(.systemBackground).ignoresSafeArea() }
        }
    }
}

struct Tabs: View {
    let core: RelaisCore
    let serverUrl: String
    let signedOut: () -> Void
    @StateObject private var sync: SyncModel

    init(core: RelaisCore, serverUrl: String, signedOut: @escaping () -> Void) {
        self.core = core
        self.serverUrl = serverUrl
        self.signedOut = signedOut
        _sync = StateObject(wrappedValue: SyncModel(core: core))
    }

    var body: some View {
        TabView {
            NavigationStack { AgendaView(model: AgendaModel(core: core)) }.tabItem { Text("Agenda") }
            NavigationStack { QueueView(core: core, model: QueueModel(core: core)) }.tabItem { Text("À rappeler") }
            NavigationStack { SyncView(model: sync) }.tabItem { Text("Synchro") }
            NavigationStack { SettingsView(model: SettingsModel(core: core, serverUrl: serverUrl), signedOut: signedOut) }.tabItem { Text("Réglages") }
        }
        .task { await sync.keepSynced() }
        .onChange(of: sync.state.signedOut) { _, out in if out { signedOut() } }
    }
}

struct ProblemText: View {
    let problem: Problem?
    var body: some View { if let p = problem { Text(p.text).foregroundStyle(.red) } }
}

struct SignInView: View {
    @StateObject var model: SignInModel
    let done: () -> Void
    @State private var email = ""
    @State private var password = ""
    @State private var code = ""

    var body: some View {
        Form {
            TextField("Adresse e-mail", text: $email).textContentType(.username).keyboardType(.emailAddress).textInputAutocapitalization(.never)
            SecureField("Mot de passe", text: $password).textContentType(.password)
            if model.state.step == .code {
                TextField("Code à 6 chiffres", text: $code).textContentType(.oneTimeCode).keyboardType(.numberPad)
            }
            ProblemText(problem: model.state.problem)
            Button("Se connecter") { Task { await model.submit(email: email, password: password, code: code.isEmpty ? nil : code) } }
                .disabled(model.state.busy)
        }
        .navigationTitle("Connexion")
        .onChange(of: model.state.step) { _, s in if s == .signedIn { done() } }
    }
}

struct AgendaView: View {
    @StateObject var model: AgendaModel
    var body: some View {
        List {
            ProblemText(problem: model.state.problem)
            if let e = model.state.empty { Text(e) }
            ForEach(model.state.items) { i in
                VStack(alignment: .leading) {
                    Text("\(i.time) · \(i.site)").font(.headline)
                    Text([i.persons, i.status, i.waiting ? "en attente d'envoi" : nil].compactMap { $0 }.joined(separator: " · "))
                }
            }
        }
        .navigationTitle(model.state.title)
        .toolbar {
            Button("Veille") { Task { await model.previous() } }
            Button("Aujourd'hui") { Task { await model.goToToday() } }
            Button("Lendemain") { Task { await model.next() } }
        }
        .task { await model.refresh() }
    }
}

struct QueueView: View {
    let core: RelaisCore
    @StateObject var model: QueueModel
    var body: some View {
        List {
            Text(model.state.summary)
            ForEach(model.state.items) { i in
                NavigationLink {
                    SituationView(core: core, model: SituationModel(core: core, situationId: i.situationId))
                } label: {
                    VStack(alignment: .leading) {
                        Text("\(i.initials) · \(i.priority)").font(.headline)
                        Text([i.state, i.due, i.safeContactStale ? "contact sûr à revérifier" : nil, i.waiting ? "en attente d'envoi" : nil]
                            .compactMap { $0 }.joined(separator: " · "))
                            .foregroundStyle(i.overdue ? .red : .primary)
                    }
                }
            }
        }
        .navigationTitle("À rappeler")
    }
}

struct SituationView: View {
    let core: RelaisCore
    @StateObject var model: SituationModel
    @Environment(\.scenePhase) private var phase

    var body: some View {
        let s = model.state
        List {
            Text(s.state)
            if s.revealed {
                if let p = s.phone { Text("Téléphone : \(p)") }
                if let w = s.codeWord { Text("Mot convenu : \(w)") }
                Text(s.safeChannels.isEmpty ? "Contact sûr : non vérifié" : "Contact sûr : \(s.safeChannels.joined(separator: ", "))")
                Button("Masquer") { model.hide() }
            } else {
                Button("Afficher le dossier") { model.reveal() }
            }
            if s.safeContactStale { Text("Redemandez à la personne comment la joindre sans risque.").foregroundStyle(.red) }
            if let d = s.done { Text(d) }
            ProblemText(problem: s.problem)
            if s.choosingResult {
                ForEach(s.results, id: \.self) { r in
                    Button(Words.attemptResult(SituationModel.word(r))) { Task { await model.logCall(r) } }
                }
                Button("Annuler", role: .cancel) { model.cancelCall() }
            } else {
                Button("Appel") { model.startCall() }
                if let p = s.personId {
                    NavigationLink("Rendez-vous") { BookingView(model: BookingModel(core: core, personId: p)) }
                }
            }
            ForEach(Array(s.attempts.enumerated()), id: \.offset) { _, a in
                Text("\(a.at) · \(a.channel) · \(a.result)\(a.waiting ? " · en attente d'envoi" : "")")
            }
        }
        .navigationTitle(s.name ?? s.initials)
        .task { await model.load() }
        .onChange(of: phase) { _, p in if p != .active { model.hide() } }
    }
}

struct BookingView: View {
    @StateObject var model: BookingModel
    var body: some View {
        let s = model.state
        List {
            Picker("Type", selection: Binding(get: { s.typeId ?? "" }, set: { t in Task { await model.choose(typeId: t) } })) {
                ForEach(s.types, id: \.id) { Text($0.name).tag($0.id) }
            }
            Picker("Lieu", selection: Binding(get: { s.siteId ?? "" }, set: { v in Task { await model.choose(siteId: v) } })) {
                ForEach(s.sites, id: \.id) { Text($0.name).tag($0.id) }
            }
            if let d = s.done { Text(d) }
            ProblemText(problem: s.problem)
            if let e = s.empty { Text(e) }
            ForEach(s.days) { d in
                Section(d.label) {
                    ForEach(d.slots) { slot in Button(slot.label) { Task { await model.book(slot) } } }
                }
            }
        }
        .navigationTitle("Rendez-vous")
        .task { await model.load() }
    }
}

struct SyncView: View {
    @ObservedObject var model: SyncModel
    var body: some View {
        List {
            Text(model.state.lastSync)
            Text(model.state.summary)
            if model.state.lostByLastWipe > 0 { Text("\(model.state.lostByLastWipe) action(s) perdue(s) à la dernière remise à zéro.") }
            ProblemText(problem: model.state.problem)
            Button("Synchroniser") { Task { await model.syncNow() } }.disabled(model.state.running)
            ForEach(model.state.refused) { r in
                VStack(alignment: .leading) {
                    Text("\(r.what) refusé").font(.headline)
                    Text(r.reason)
                    Button("J'ai compris") { Task { await model.discard(r.intentId) } }
                }
            }
        }
        .navigationTitle("Synchronisation")
    }
}

struct SettingsView: View {
    @StateObject var model: SettingsModel
    let signedOut: () -> Void
    var body: some View {
        let s = model.state
        List {
            Text(s.name)
            Text(s.email)
            Text("\(s.role) · \(s.organisation)")
            Text("Serveur : \(s.server)")
            ProblemText(problem: s.problem)
            if let c = s.confirm {
                Text(c)
                Button("Se déconnecter", role: .destructive) { Task { await model.signOut(confirmed: true) } }
                Button("Rester connecté") { model.keepSignedIn() }
            } else {
                Button("Se déconnecter et effacer ce téléphone", role: .destructive) { Task { await model.signOut() } }
            }
        }
        .navigationTitle("Réglages")
        .task { await model.load() }
        .onChange(of: s.signedOut) { _, out in if out { signedOut() } }
    }
}
