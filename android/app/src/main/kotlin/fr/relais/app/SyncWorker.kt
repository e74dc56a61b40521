package fr.relais.app

import android.content.Context
import androidx.work.CoroutineWorker
import androidx.work.WorkerParameters
import fr.relais.app.model.Notices
import fr.relais.core.RelaisException

/**
 * Background sync (every 15 minutes with a network), then the overdue-callback notification.
 * A session ended on the server (device revoked) has already wiped the store in the core.
 */
class SyncWorker(context: Context, params: WorkerParameters) : CoroutineWorker(context, params) {
    override suspend fun doWork(): Result {
        val core = (applicationContext as RelaisApp).core
        if (!core.session().isLoggedIn()) return Result.success()
        return try {
            core.sync().syncNow()
            Notices.overdue(core.queue().lines())?.let { OverdueNotifier.show(applicationContext, it) }
            Result.success()
        } catch (e: RelaisException.SessionEnded) {
            OverdueNotifier.show(applicationContext, Notices.wiped(core.sync().status().lostByLastWipe.toInt()))
            Result.success()
        } catch (e: RelaisException.Offline) {
            Result.retry()
        } catch (e: RelaisException) {
            Result.retry()
        }
    }
}
