package fr.relais.app.model

import fr.relais.core.AttemptChannel
import fr.relais.core.AttemptResult
import fr.relais.core.RelaisCore
import fr.relais.core.RelaisException
import fr.relais.core.SituationFile
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import java.time.Clock
import java.time.Instant
import java.time.ZoneId

/**
 * A situation, opened from the queue. The person shows by initials until the coordinator
 * asks to see the file (`reveal`): a phone on a desk in a brigade is read over a shoulder.
 * Logging a call takes two taps: "Appel" (`startCall`), then its result (`logCall`). Whether
 * the channel is safe for this person is decided by the core, with its reason.
 */
class SituationModel(
    private val core: RelaisCore,
    val situationId: String,
    private val zone: ZoneId,
    private val clock: Clock = Clock.systemUTC(),
    scope: CoroutineScope,
    io: CoroutineDispatcher = Dispatchers.IO,
) : ScreenModel(scope, io) {
    data class AttemptItem(val at: String, val channel: String, val result: String, val note: String?, val waiting: Boolean)

    data class State(
        val loaded: Boolean = false,
        val initials: String = "",
        /** Shown only after `reveal`. */
        val name: String? = null,
        val phone: String? = null,
        val codeWord: String? = null,
        val revealed: Boolean = false,
        val personId: String? = null,
        val state: String = "",
        val safeChannels: List<String> = emptyList(),
        /** Ask the person again how to reach them safely before using the profile. */
        val safeContactStale: Boolean = false,
        val attempts: List<AttemptItem> = emptyList(),
        val waiting: Int = 0,
        /** Between the two taps: the results offered for the call. */
        val choosingResult: Boolean = false,
        val results: List<Pair<AttemptResult, String>> = emptyList(),
        val done: String? = null,
        val problem: Problem? = null,
    )

    private val _state = MutableStateFlow(State())
    val state: StateFlow<State> = _state.asStateFlow()

    private var file: SituationFile? = null

    fun load(): Job = scope.launch { reload() }

    private suspend fun reload() {
        try {
            val f = core { core.situations().open(situationId) }
            file = f
            _state.update { render(f, it.revealed).copy(choosingResult = it.choosingResult, results = it.results, done = it.done) }
        } catch (e: RelaisException) {
            _state.update { it.copy(problem = explain(e)) }
        }
    }

    private fun render(f: SituationFile, revealed: Boolean): State = State(
        loaded = true,
        initials = f.initials,
        name = if (revealed) listOfNotNull(f.firstName, f.lastName).joinToString(" ").ifEmpty { null } else null,
        phone = if (revealed) f.phone else null,
        codeWord = if (revealed) f.codeWord else null,
        revealed = revealed,
        personId = f.personId,
        state = Words.situationState(f.state),
        safeChannels = f.safeChannels,
        safeContactStale = f.safeContactStale,
        attempts = f.attempts.sortedByDescending { it.at }.map {
            AttemptItem(
                at = Words.dayAndTime(it.at, zone),
                channel = Words.attemptChannel(it.channel),
                result = Words.attemptResult(it.result),
                note = it.note,
                waiting = it.pending,
            )
        },
        waiting = f.pendingIntents.toInt(),
    )

    /** Shows the person's name, number and code word. */
    fun reveal() {
        file?.let { f -> _state.update { render(f, true).copy(done = it.done) } }
    }

    /** Back to initials (the screen also calls this when the app goes to the background). */
    fun hide() {
        file?.let { f -> _state.update { render(f, false).copy(done = it.done) } }
    }

    /** First tap: "Appel". Offers the results. */
    fun startCall() {
        _state.update {
            it.copy(
                choosingResult = true,
                results = AttemptResult.values().map { r -> r to Words.attemptResult(word(r)) },
                done = null,
                problem = null,
            )
        }
    }

    fun cancelCall() {
        _state.update { it.copy(choosingResult = false, results = emptyList()) }
    }

    /** Second tap: the call's result, noted on the phone at once; sent at the next sync. */
    fun logCall(result: AttemptResult, note: String? = null): Job = log(AttemptChannel.CALL, result, note)

    /** An SMS, e-mail or letter: refused by the core when the person's profile does not allow it. */
    fun log(channel: AttemptChannel, result: AttemptResult, note: String? = null): Job = scope.launch {
        try {
            core { core.situations().logAttempt(situationId, channel, result, note?.trim()?.ifEmpty { null }) }
            _state.update { it.copy(choosingResult = false, results = emptyList(), problem = null, done = "${Words.attemptChannel(word(channel))} noté : ${Words.attemptResult(word(result))}.") }
            reload()
        } catch (e: RelaisException) {
            _state.update { it.copy(choosingResult = false, results = emptyList(), problem = explain(e)) }
        }
    }

    /** A window to call back in, as agreed with the person. */
    fun scheduleCallback(start: Instant, end: Instant): Job = scope.launch {
        if (!end.isAfter(start)) {
            _state.update { it.copy(problem = Problem("Fin du créneau de rappel : après le début.", "end")) }
            return@launch
        }
        if (end.isBefore(clock.instant())) {
            _state.update { it.copy(problem = Problem("Fin du créneau de rappel : déjà passée.", "end")) }
            return@launch
        }
        try {
            core { core.situations().scheduleCallback(situationId, start, end) }
            _state.update { it.copy(problem = null, done = "Rappel prévu ${Words.dayAndTime(start, zone)}.") }
            reload()
        } catch (e: RelaisException) {
            _state.update { it.copy(problem = explain(e)) }
        }
    }

    companion object {
        fun word(r: AttemptResult): String = r.name.lowercase()
        fun word(c: AttemptChannel): String = c.name.lowercase()
    }
}
