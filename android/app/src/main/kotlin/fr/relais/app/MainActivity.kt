package fr.relais.app

import android.os.Build
import android.os.Bundle
import android.view.WindowManager
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import fr.relais.app.ui.RelaisScreens

/**
 * The one activity. FLAG_SECURE: the app switcher shows a blank card and screenshots are
 * refused, so no file is caught on another screen.
 */
class MainActivity : ComponentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        window.setFlags(WindowManager.LayoutParams.FLAG_SECURE, WindowManager.LayoutParams.FLAG_SECURE)
        if (Build.VERSION.SDK_INT >= 33) setRecentsScreenshotEnabled(false)
        val app = application as RelaisApp
        setContent { RelaisScreens(app.core, BuildConfig.SERVER_URL, "${Build.MANUFACTURER} ${Build.MODEL}") }
    }
}
