package fr.relais.app.model

import fr.relais.core.QueueLine
import fr.relais.core.QueueListener
import fr.relais.core.RelaisCore
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import java.time.Clock
import java.time.ZoneId

/**
 * The call-back queue, in the order the core gives (overdue first, then by due time). Persons
 * by initials only: a name shows once a situation is opened. Follows the core: every sync and
 * every action on the phone brings a new list.
 */
class QueueModel(
    private val core: RelaisCore,
    private val zone: ZoneId,
    private val clock: Clock = Clock.systemUTC(),
    scope: CoroutineScope,
    io: CoroutineDispatcher = Dispatchers.IO,
) : ScreenModel(scope, io) {
    data class Item(
        val situationId: String,
        val initials: String,
        val state: String,
        val priority: String,
        val due: String,
        val overdue: Boolean,
        val callbackOpen: Boolean,
        /** The safe way to reach the person has not been confirmed for a long time: ask again. */
        val safeContactStale: Boolean,
        /** Actions noted on the phone, not yet applied by the server. */
        val waiting: Boolean,
    )

    data class State(val items: List<Item> = emptyList(), val overdue: Int = 0, val summary: String = "")

    private val _state = MutableStateFlow(State())
    val state: StateFlow<State> = _state.asStateFlow()

    init {
        keep(core.queue().observe(object : QueueListener {
            override fun onQueue(lines: List<QueueLine>) {
                _state.value = render(lines)
            }
        }))
    }

    private fun render(lines: List<QueueLine>): State {
        val now = clock.instant()
        val items = lines.map {
            Item(
                situationId = it.situationId,
                initials = it.initials,
                state = Words.situationState(it.state),
                priority = Words.priority(it.priority),
                due = Words.due(it.dueAt, now, zone),
                overdue = it.overdue,
                callbackOpen = it.callbackOpen,
                safeContactStale = it.safeContactStale,
                waiting = it.pending > 0u,
            )
        }
        val late = items.count { it.overdue }
        val summary = when {
            items.isEmpty() -> "Personne à rappeler."
            late == 0 -> Words.plural(items.size, "personne à rappeler", "personnes à rappeler")
            else -> Words.plural(items.size, "personne à rappeler", "personnes à rappeler") + ", dont $late en retard"
        }
        return State(items, late, summary)
    }
}
