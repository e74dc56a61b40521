import RelaisAppUI
import RelaisCore
import SwiftUI

/// The app target (see project.yml): opens the core with the Keychain key, registers the
/// background refresh, shows RootView. The server's address comes from Info.plist (RelaisServerURL).
@main
struct RelaisApp: App {
    private let serverUrl = Bundle.main.object(forInfoDictionaryKey: "RelaisServerURL") as? String ?? "https://relais.example.fr"
    private let core: RelaisCore

    init() {
        let dir = FileManager.default.urls(for: .applicationSupportDirectory, in: .userDomainMask)[0]
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        var url = dir.appendingPathComponent("relais.db")
        // Out of iCloud and iTunes backups: the store is useless without this device's Keychain key anyway.
        var values = URLResourceValues()
        values.isExcludedFromBackup = true
        try? url.setResourceValues(values)
        core = try! RelaisCore(serverUrl: serverUrl, databasePath: url.path, keys: KeychainKeyProvider())
        BackgroundSync.register(core: core)
        BackgroundSync.schedule()
    }

    var body: some Scene {
        WindowGroup { RootView(core: core, serverUrl: serverUrl) }
    }
}
