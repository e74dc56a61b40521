package fr.relais.app.model

import fr.relais.core.RelaisCore
import fr.relais.core.SyncStatus
import fr.relais.core.SyncStatusListener
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.launch
import java.time.Clock
import java.time.LocalDate
import java.time.ZoneId

/**
 * One day of the coordinator's agenda, read from the phone's store (so it shows offline):
 * times in the site's zone, the site's name, the persons by initials. A booking noted on the
 * phone shows at once, marked as waiting for the server. Read again after every sync.
 */
class AgendaModel(
    private val core: RelaisCore,
    private val zone: ZoneId,
    private val clock: Clock = Clock.systemUTC(),
    scope: CoroutineScope,
    io: CoroutineDispatcher = Dispatchers.IO,
) : ScreenModel(scope, io) {
    data class Item(
        val appointmentId: String,
        val time: String,
        val site: String,
        val persons: String,
        val status: String,
        val waiting: Boolean,
    )

    data class State(
        val day: LocalDate,
        val title: String,
        val items: List<Item> = emptyList(),
        val empty: String? = null,
        val problem: Problem? = null,
    )

    private val _state = MutableStateFlow(todayDate().let { State(it, title(it)) })
    val state: StateFlow<State> = _state.asStateFlow()

    init {
        keep(core.sync().observe(object : SyncStatusListener {
            override fun onStatus(status: SyncStatus) {
                refresh()
            }
        }))
    }

    private fun todayDate(): LocalDate = clock.instant().atZone(zone).toLocalDate()

    private fun title(d: LocalDate): String {
        val t = todayDate()
        return when (d) {
            t -> "Aujourd'hui, ${Words.day(d)}"
            t.plusDays(1) -> "Demain, ${Words.day(d)}"
            else -> Words.day(d).replaceFirstChar { it.uppercase() }
        }
    }

    fun show(day: LocalDate): Job {
        _state.value = State(day, title(day))
        return refresh()
    }

    fun next(): Job = show(_state.value.day.plusDays(1))
    fun previous(): Job = show(_state.value.day.minusDays(1))
    fun goToToday(): Job = show(todayDate())

    fun refresh(): Job = scope.launch {
        val day = _state.value.day
        try {
            val from = day.atStartOfDay(zone).toInstant()
            val to = day.plusDays(1).atStartOfDay(zone).toInstant()
            val (lines, sites) = core {
                core.agenda().between(from, to, null) to core.booking().sites().associateBy { it.id }
            }
            val items = lines.map { l ->
                val site = sites[l.siteId]
                val z = site?.let { runCatching { ZoneId.of(it.timeZone) }.getOrNull() } ?: zone
                Item(
                    appointmentId = l.appointmentId,
                    time = "${Words.time(l.start, z)} – ${Words.time(l.end, z)}",
                    site = site?.name ?: "Autre site",
                    persons = l.initials.joinToString(", "),
                    status = Words.appointmentStatus(l.status),
                    waiting = l.pending,
                )
            }
            if (_state.value.day == day) {
                _state.value = State(day, title(day), items, if (items.isEmpty()) "Aucun rendez-vous ce jour." else null)
            }
        } catch (e: fr.relais.core.RelaisException) {
            _state.value = _state.value.copy(problem = explain(e))
        }
    }
}
