//! The call-back queue: overdue first, then by due time.

use super::*;
use crate::render::console::table::{Cell, TableView};
use crate::render::console::text::Text;

#[derive(askama::Template)]
#[template(path = "console/desk/queue.html")]
struct QueueView {
    t: &'static Text,
    list: TableView,
}

pub(super) async fn queue(d: D, RawQuery(raw): RawQuery) -> Page {
    let l = d.lang;
    let t = l.t();
    let entries = attempts::queue(&d).await?;
    let rows = entries
        .iter()
        .map(|e| {
            vec![
                Cell::link(
                    format!("/console/situations/{}", e.situation_id),
                    &e.person_initials,
                ),
                Cell::text(l.word(e.priority)),
                Cell::text(when(e.due_at, l)).late_if(e.overdue, t.overdue),
                Cell::text(l.word(e.state)),
                match (&e.callback, e.callback_open) {
                    (_, true) => Cell::strong(t.call_now),
                    (Some(c), false) => {
                        Cell::text(format!("{} → {}", when(c.start, l), when(c.end, l)))
                    }
                    (None, _) => Cell::default(),
                },
                // Where the outreach stands; the reason to call when the person was not
                // reached (a message never arrived reads as such, never as silence).
                if e.to_call {
                    Cell::strong(format!("{} — {}", t.invite.to_call, l.word(e.outreach)))
                } else {
                    Cell::text(l.word(e.outreach))
                },
            ]
        })
        .collect();
    let list = TableView::new(
        t.call_back_queue,
        &[
            t.person,
            t.priority,
            t.due,
            t.state,
            t.call_back_window,
            t.invite.outreach,
        ],
        t.nothing_waiting,
    )
    .rows(rows);
    let body = draw(&QueueView { t, list });
    Ok(d.page(t.call_back_queue, notice(&raw, d.lang).as_deref(), &body))
}
