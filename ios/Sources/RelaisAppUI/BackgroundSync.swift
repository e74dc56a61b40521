import BackgroundTasks
import Foundation
import RelaisAppModel
import RelaisCore
import UserNotifications

/// Background refresh: sync, then the overdue-callback notification (text from `Notices`: no
/// name). The identifier is declared in the app's Info.plist (BGTaskSchedulerPermittedIdentifiers).
public enum BackgroundSync {
    public static let identifier = "fr.relais.app.sync"

    public static func register(core: RelaisCore) {
        BGTaskScheduler.shared.register(forTaskWithIdentifier: identifier, using: nil) { task in
            schedule()
            let work = Task {
                do {
                    _ = try await core.sync().syncNow()
                    if let n = Notices.overdue(try core.queue().lines()) { await notify(n) }
                } catch RelaisError.SessionEnded {
                    await notify(Notices.wiped(Int((try? core.sync().status().lostByLastWipe) ?? 0)))
                } catch {}
                task.setTaskCompleted(success: true)
            }
            task.expirationHandler = { work.cancel() }
        }
    }

    public static func schedule() {
        let r = BGAppRefreshTaskRequest(identifier: identifier)
        r.earliestBeginDate = Date(timeIntervalSinceNow: 15 * 60)
        try? BGTaskScheduler.shared.submit(r)
    }

    static func notify(_ n: Notices.Notice) async {
        let c = UNMutableNotificationContent()
        c.title = n.title
        c.body = n.text
        try? await UNUserNotificationCenter.current().add(UNNotificationRequest(identifier: "relais", content: c, trigger: nil))
    }
}
