package fr.relais.app.model

import fr.relais.core.AppointmentType
import fr.relais.core.RelaisCore
import fr.relais.core.RelaisException
import fr.relais.core.Site
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
import java.time.LocalDate
import java.time.ZoneId

/**
 * Booking for a person: a type, a site, then a free slot among the next weeks', grouped by
 * day. The slots are computed on the phone from the synced hours and appointments, so this
 * works offline; the server checks again when the booking is sent, and a slot taken
 * meanwhile comes back as a rejection with its reason (see `SyncModel`).
 */
class BookingModel(
    private val core: RelaisCore,
    private val personId: String,
    private val clock: Clock = Clock.systemUTC(),
    scope: CoroutineScope,
    io: CoroutineDispatcher = Dispatchers.IO,
    private val weeks: Long = 3,
) : ScreenModel(scope, io) {
    data class Slot(val label: String, val start: Instant, val coordinatorId: String)
    data class Day(val label: String, val slots: List<Slot>)

    data class State(
        val types: List<AppointmentType> = emptyList(),
        val sites: List<Site> = emptyList(),
        val typeId: String? = null,
        val siteId: String? = null,
        val days: List<Day> = emptyList(),
        val loading: Boolean = false,
        val empty: String? = null,
        val bookedId: String? = null,
        val done: String? = null,
        val problem: Problem? = null,
    )

    private val _state = MutableStateFlow(State())
    val state: StateFlow<State> = _state.asStateFlow()

    fun load(): Job = scope.launch {
        try {
            val (types, sites) = core { core.booking().types() to core.booking().sites() }
            _state.update { State(types, sites, types.firstOrNull()?.id, sites.firstOrNull()?.id) }
            slots()
        } catch (e: RelaisException) {
            _state.update { it.copy(problem = explain(e)) }
        }
    }

    fun choose(typeId: String? = null, siteId: String? = null): Job = scope.launch {
        _state.update { it.copy(typeId = typeId ?: it.typeId, siteId = siteId ?: it.siteId, bookedId = null, done = null) }
        slots()
    }

    private suspend fun slots() {
        val s = _state.value
        val type = s.typeId ?: return
        val site = s.siteId ?: return
        val zone = zoneOf(site)
        _state.update { it.copy(loading = true, problem = null) }
        try {
            val today = clock.instant().atZone(zone).toLocalDate()
            val free = core { core.booking().freeSlots(type, site, null, today.toString(), today.plusWeeks(weeks).toString()) }
            val days = free.filter { it.start.isAfter(clock.instant()) }
                .groupBy { it.start.atZone(zone).toLocalDate() }
                .toSortedMap()
                .map { (d: LocalDate, slots) ->
                    Day(Words.day(d).replaceFirstChar { it.uppercase() }, slots.map { Slot(Words.time(it.start, zone), it.start, it.coordinatorId) })
                }
            _state.update {
                it.copy(loading = false, days = days, empty = if (days.isEmpty()) "Aucun créneau libre dans les $weeks prochaines semaines." else null)
            }
        } catch (e: RelaisException) {
            _state.update { it.copy(loading = false, problem = explain(e)) }
        }
    }

    private fun zoneOf(siteId: String): ZoneId =
        _state.value.sites.firstOrNull { it.id == siteId }?.let { runCatching { ZoneId.of(it.timeZone) }.getOrNull() }
            ?: ZoneId.of("Europe/Paris")

    /** Books the slot on the phone at once; the server confirms at the next sync. */
    fun book(slot: Slot): Job = scope.launch {
        val s = _state.value
        val type = s.typeId
        val site = s.siteId
        if (type == null || site == null) {
            _state.update { it.copy(problem = Problem("Type de rendez-vous et lieu : à choisir.", "type")) }
            return@launch
        }
        try {
            val id = core { core.booking().book(type, site, slot.coordinatorId, personId, slot.start) }
            _state.update {
                it.copy(bookedId = id, problem = null, done = "Rendez-vous noté : ${Words.dayAndTime(slot.start, zoneOf(site))}. Il sera confirmé à la prochaine synchronisation.")
            }
            slots()
        } catch (e: RelaisException) {
            _state.update { it.copy(problem = explain(e)) }
        }
    }
}
