// Plain Kotlin, no Android import: the screen models over the generated bindings.
// The bindings are generated from the core's library into build/generated/uniffi.
plugins {
    id("org.jetbrains.kotlin.jvm")
}

kotlin { jvmToolchain(17) }

val repo = rootDir.parentFile
val generated = layout.buildDirectory.dir("generated/uniffi")

val generateBindings by tasks.registering(Exec::class) {
    description = "Generates the Kotlin bindings of relais-mobile-core (fr.relais.core)."
    workingDir = repo
    commandLine(
        "sh", "-c",
        "cargo build -q -p relais-mobile-core && cargo run -q -p uniffi-bindgen -- generate " +
            "--library target/debug/librelais_mobile_core.so --language kotlin --no-format " +
            "--out-dir ${generated.get().asFile}",
    )
    outputs.dir(generated)
}

sourceSets["main"].kotlin.srcDir(generateBindings)

dependencies {
    api("org.jetbrains.kotlinx:kotlinx-coroutines-core:1.10.2")
    // The JVM jar for the tests; the app swaps it for the Android aar.
    api("net.java.dev.jna:jna:5.17.0")
}

// The tests run against a live `relais demo` (mobile-core/kotlin-tests/run.sh starts one and
// runs them the same way): ./gradlew :app-model:liveTest -Pserver=http://127.0.0.1:8080 -Pcredentials=…/demo-credentials.json
sourceSets.create("liveTest") {
    kotlin.srcDir("src/test/kotlin")
    kotlin.srcDir(repo.resolve("mobile-core/kotlin-tests/TestSupport.kt"))
    compileClasspath += sourceSets["main"].output + configurations["runtimeClasspath"]
    runtimeClasspath += output + compileClasspath
}
tasks.register<JavaExec>("liveTest") {
    description = "The screen models against a running relais demo."
    classpath = sourceSets["liveTest"].runtimeClasspath
    mainClass.set("fr.relais.app.model.AppModelTestKt")
    systemProperty("jna.library.path", repo.resolve("target/debug").path)
    args(
        (project.findProperty("server") ?: "http://127.0.0.1:8080").toString(),
        (project.findProperty("credentials") ?: "demo-data/demo-credentials.json").toString(),
    )
}
