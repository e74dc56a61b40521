package fr.relais.app

import android.app.Application
import android.net.ConnectivityManager
import android.net.Network
import androidx.work.Constraints
import androidx.work.ExistingPeriodicWorkPolicy
import androidx.work.NetworkType
import androidx.work.PeriodicWorkRequestBuilder
import androidx.work.WorkManager
import fr.relais.core.RelaisCore
import java.util.concurrent.TimeUnit

/**
 * Opens the core once per process, with the key from the Android Keystore, and wires the
 * platform's signals to it: network back → sync at once; every 15 minutes with a network →
 * background sync (SyncWorker).
 */
class RelaisApp : Application() {
    lateinit var core: RelaisCore
        private set

    override fun onCreate() {
        super.onCreate()
        core = RelaisCore(
            BuildConfig.SERVER_URL,
            noBackupFilesDir.resolve("relais.db").path,
            KeystoreKeyProvider(this),
        )
        getSystemService(ConnectivityManager::class.java).registerDefaultNetworkCallback(
            object : ConnectivityManager.NetworkCallback() {
                override fun onAvailable(network: Network) = core.sync().networkAvailable()
            },
        )
        WorkManager.getInstance(this).enqueueUniquePeriodicWork(
            "relais-sync",
            ExistingPeriodicWorkPolicy.KEEP,
            PeriodicWorkRequestBuilder<SyncWorker>(15, TimeUnit.MINUTES)
                .setConstraints(Constraints.Builder().setRequiredNetworkType(NetworkType.CONNECTED).build())
                .build(),
        )
        OverdueNotifier.createChannel(this)
    }
}
