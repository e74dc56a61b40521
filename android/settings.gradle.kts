// The Android app of Relais: `app-model` (plain Kotlin, the screen models, tested on the JVM)
// and `app` (Compose screens, keystore, background sync). See README.md.
pluginManagement {
    repositories {
        google()
        mavenCentral()
        gradlePluginPortal()
    }
}
dependencyResolutionManagement {
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}
rootProject.name = "relais-android"
include(":app-model", ":app")
