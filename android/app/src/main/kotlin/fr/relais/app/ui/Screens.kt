package fr.relais.app.ui

import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.material3.Button
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.NavigationBar
import androidx.compose.material3.NavigationBarItem
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.text.input.KeyboardType
import androidx.compose.ui.text.input.PasswordVisualTransformation
import androidx.compose.ui.unit.dp
import androidx.lifecycle.Lifecycle
import androidx.lifecycle.ViewModel
import androidx.lifecycle.compose.LifecycleEventEffect
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import androidx.lifecycle.viewModelScope
import androidx.lifecycle.viewmodel.compose.viewModel
import fr.relais.app.model.AgendaModel
import fr.relais.app.model.BookingModel
import fr.relais.app.model.QueueModel
import fr.relais.app.model.ScreenModel
import fr.relais.app.model.SettingsModel
import fr.relais.app.model.SignInModel
import fr.relais.app.model.SituationModel
import fr.relais.app.model.SyncModel
import fr.relais.core.RelaisCore
import kotlinx.coroutines.CoroutineScope
import java.time.ZoneId

// Drawing only: every screen reads its model's state and calls its actions. No rule here.

/** Keeps a screen model for as long as its screen, on the ViewModel's scope. */
class Holder<M : ScreenModel>(make: (CoroutineScope) -> M) : ViewModel() {
    val model: M = make(viewModelScope)
    override fun onCleared() = model.close()
}

@Composable
fun <M : ScreenModel> rememberModel(key: String, make: (CoroutineScope) -> M): M =
    viewModel(key = key) { Holder(make) }.model

private sealed interface Route {
    data object Agenda : Route
    data object Queue : Route
    data object Sync : Route
    data object Settings : Route
    data class Situation(val id: String) : Route
    data class Booking(val personId: String) : Route
}

@Composable
fun RelaisScreens(core: RelaisCore, serverUrl: String, deviceName: String) {
    val zone = ZoneId.systemDefault()
    var signedIn by remember { mutableStateOf(core.session().isLoggedIn()) }
    // A new sign-in gets new screen models (the old ones belong to the wiped session).
    var session by rememberSaveable { mutableStateOf(0) }
    MaterialTheme {
        if (!signedIn) {
            SignInScreen(rememberModel("sign-in-$session") { SignInModel(core.session(), deviceName, it) }) {
                session++
                signedIn = true
            }
            return@MaterialTheme
        }
        val sync = rememberModel("sync-$session") { SyncModel(core, scope = it) }
        val syncState by sync.state.collectAsStateWithLifecycle()
        LaunchedEffect(session) { sync.keepSynced() }
        LaunchedEffect(syncState.signedOut) { if (syncState.signedOut) signedIn = false }
        var route by remember { mutableStateOf<Route>(Route.Agenda) }
        Scaffold(bottomBar = {
            NavigationBar {
                for ((r, label) in listOf(Route.Agenda to "Agenda", Route.Queue to "À rappeler", Route.Sync to "Synchro", Route.Settings to "Réglages")) {
                    NavigationBarItem(selected = route == r, onClick = { route = r }, icon = {}, label = { Text(label) })
                }
            }
        }) { pad ->
            Column(Modifier.padding(pad).padding(16.dp).fillMaxSize()) {
                when (val r = route) {
                    Route.Agenda -> AgendaScreen(rememberModel("agenda-$session") { AgendaModel(core, zone, scope = it) })
                    Route.Queue -> QueueScreen(rememberModel("queue-$session") { QueueModel(core, zone, scope = it) }) { route = Route.Situation(it) }
                    Route.Sync -> SyncScreen(sync)
                    Route.Settings -> SettingsScreen(rememberModel("settings-$session") { SettingsModel(core, serverUrl, it) }) { signedIn = false }
                    is Route.Situation -> SituationScreen(rememberModel("situation-$session-${r.id}") { SituationModel(core, r.id, zone, scope = it) }) { route = Route.Booking(it) }
                    is Route.Booking -> BookingScreen(rememberModel("booking-$session-${r.personId}") { BookingModel(core, r.personId, scope = it) })
                }
            }
        }
    }
}

@Composable
private fun Title(text: String) = Text(text, style = MaterialTheme.typography.headlineSmall, modifier = Modifier.semantics { heading() })

@Composable
private fun ProblemText(text: String?) {
    if (text != null) Text(text, color = MaterialTheme.colorScheme.error)
}

@Composable
private fun SignInScreen(m: SignInModel, done: () -> Unit) {
    val s by m.state.collectAsStateWithLifecycle()
    if (s.step == SignInModel.Step.SIGNED_IN) { LaunchedEffect(Unit) { done() }; return }
    var email by rememberSaveable { mutableStateOf("") }
    var password by remember { mutableStateOf("") }
    var code by remember { mutableStateOf("") }
    Column(Modifier.padding(24.dp), verticalArrangement = Arrangement.spacedBy(12.dp)) {
        Title("Connexion")
        OutlinedTextField(email, { email = it }, label = { Text("Adresse e-mail") }, isError = s.problem?.field == "email",
            keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Email), modifier = Modifier.fillMaxWidth())
        OutlinedTextField(password, { password = it }, label = { Text("Mot de passe") }, isError = s.problem?.field == "password",
            visualTransformation = PasswordVisualTransformation(), modifier = Modifier.fillMaxWidth())
        if (s.step == SignInModel.Step.CODE) {
            OutlinedTextField(code, { code = it }, label = { Text("Code à 6 chiffres") }, isError = s.problem?.field == "code",
                keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.NumberPassword), modifier = Modifier.fillMaxWidth())
        }
        ProblemText(s.problem?.text)
        Button({ m.submit(email, password, code.ifEmpty { null }) }, enabled = !s.busy) { Text("Se connecter") }
    }
}

@Composable
private fun AgendaScreen(m: AgendaModel) {
    val s by m.state.collectAsStateWithLifecycle()
    Row(horizontalArrangement = Arrangement.SpaceBetween, modifier = Modifier.fillMaxWidth()) {
        TextButton({ m.previous() }) { Text("Veille") }
        TextButton({ m.goToToday() }) { Text("Aujourd'hui") }
        TextButton({ m.next() }) { Text("Lendemain") }
    }
    Title(s.title)
    ProblemText(s.problem?.text)
    s.empty?.let { Text(it) }
    LazyColumn {
        items(s.items, key = { it.appointmentId }) { i ->
            Column(Modifier.padding(vertical = 8.dp)) {
                Text("${i.time} · ${i.site}", style = MaterialTheme.typography.titleMedium)
                Text(listOfNotNull(i.persons, i.status, if (i.waiting) "en attente d'envoi" else null).joinToString(" · "))
            }
        }
    }
}

@Composable
private fun QueueScreen(m: QueueModel, open: (String) -> Unit) {
    val s by m.state.collectAsStateWithLifecycle()
    Title("À rappeler")
    Text(s.summary)
    LazyColumn {
        items(s.items, key = { it.situationId }) { i ->
            Column(Modifier.fillMaxWidth().clickable { open(i.situationId) }.padding(vertical = 10.dp)) {
                Text("${i.initials} · ${i.priority}", style = MaterialTheme.typography.titleMedium)
                Text(listOfNotNull(i.state, i.due, if (i.safeContactStale) "contact sûr à revérifier" else null, if (i.waiting) "en attente d'envoi" else null).joinToString(" · "),
                    color = if (i.overdue) MaterialTheme.colorScheme.error else MaterialTheme.colorScheme.onSurface)
            }
        }
    }
}

@Composable
private fun SituationScreen(m: SituationModel, book: (String) -> Unit) {
    val s by m.state.collectAsStateWithLifecycle()
    LaunchedEffect(Unit) { m.load() }
    // Back to initials whenever the app leaves the screen.
    LifecycleEventEffect(Lifecycle.Event.ON_STOP) { m.hide() }
    Title(s.name ?: s.initials)
    Text(s.state)
    if (s.revealed) {
        s.phone?.let { Text("Téléphone : $it") }
        s.codeWord?.let { Text("Mot convenu : $it") }
        Text(if (s.safeChannels.isEmpty()) "Contact sûr : non vérifié" else "Contact sûr : ${s.safeChannels.joinToString(", ")}")
        TextButton({ m.hide() }) { Text("Masquer") }
    } else {
        TextButton({ m.reveal() }) { Text("Afficher le dossier") }
    }
    if (s.safeContactStale) Text("Redemandez à la personne comment la joindre sans risque.", color = MaterialTheme.colorScheme.error)
    s.done?.let { Text(it) }
    ProblemText(s.problem?.text)
    if (s.choosingResult) {
        for ((result, label) in s.results) OutlinedButton({ m.logCall(result) }, Modifier.fillMaxWidth()) { Text(label) }
        TextButton({ m.cancelCall() }) { Text("Annuler") }
    } else {
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            Button({ m.startCall() }) { Text("Appel") }
            s.personId?.let { p -> OutlinedButton({ book(p) }) { Text("Rendez-vous") } }
        }
    }
    LazyColumn {
        items(s.attempts) { a ->
            Text("${a.at} · ${a.channel} · ${a.result}${if (a.waiting) " · en attente d'envoi" else ""}", Modifier.padding(vertical = 4.dp))
        }
    }
}

@Composable
private fun BookingScreen(m: BookingModel) {
    val s by m.state.collectAsStateWithLifecycle()
    LaunchedEffect(Unit) { m.load() }
    Title("Rendez-vous")
    Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        for (t in s.types) {
            if (t.id == s.typeId) Button({}) { Text(t.name) } else OutlinedButton({ m.choose(typeId = t.id) }) { Text(t.name) }
        }
    }
    Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
        for (site in s.sites) {
            if (site.id == s.siteId) Button({}) { Text(site.name) } else OutlinedButton({ m.choose(siteId = site.id) }) { Text(site.name) }
        }
    }
    s.done?.let { Text(it) }
    ProblemText(s.problem?.text)
    s.empty?.let { Text(it) }
    LazyColumn {
        for (d in s.days) {
            item(key = d.label) { Text(d.label, style = MaterialTheme.typography.titleMedium, modifier = Modifier.semantics { heading() }) }
            items(d.slots, key = { "${it.start}-${it.coordinatorId}" }) { slot ->
                TextButton({ m.book(slot) }) { Text(slot.label) }
            }
        }
    }
}

@Composable
private fun SyncScreen(m: SyncModel) {
    val s by m.state.collectAsStateWithLifecycle()
    Title("Synchronisation")
    Text(s.lastSync)
    Text(s.summary)
    if (s.lostByLastWipe > 0) Text("${s.lostByLastWipe} action(s) perdue(s) à la dernière remise à zéro.")
    ProblemText(s.problem?.text)
    Button({ m.syncNow() }, enabled = !s.running) { Text("Synchroniser") }
    LazyColumn {
        items(s.refused, key = { it.intentId }) { r ->
            Column(Modifier.padding(vertical = 8.dp)) {
                Text("${r.what} refusé", style = MaterialTheme.typography.titleMedium)
                Text(r.reason)
                TextButton({ m.discard(r.intentId) }) { Text("J'ai compris") }
            }
        }
    }
}

@Composable
private fun SettingsScreen(m: SettingsModel, signedOut: () -> Unit) {
    val s by m.state.collectAsStateWithLifecycle()
    LaunchedEffect(Unit) { m.load() }
    if (s.signedOut) { LaunchedEffect(Unit) { signedOut() }; return }
    Title("Réglages")
    Text(s.name)
    Text(s.email)
    Text("${s.role} · ${s.organisation}")
    Text("Serveur : ${s.server}")
    ProblemText(s.problem?.text)
    val confirm = s.confirm
    if (confirm != null) {
        Text(confirm)
        Row(horizontalArrangement = Arrangement.spacedBy(8.dp)) {
            Button({ m.signOut(confirmed = true) }) { Text("Se déconnecter") }
            OutlinedButton({ m.keepSignedIn() }) { Text("Rester connecté") }
        }
    } else {
        Button({ m.signOut() }) { Text("Se déconnecter et effacer ce téléphone") }
    }
}
