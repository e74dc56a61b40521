//! The call-back queue: overdue first, then by due time.

use super::*;

// ------------------------------------------------------------------ the queue

pub(super) async fn queue(d: D, RawQuery(raw): RawQuery) -> Response {
    let l = d.lang;
    let entries = match attempts::queue(&d).await {
        Ok(e) => e,
        Err(e) => return failure(e, l),
    };
    let rows: Vec<Vec<String>> = entries
        .iter()
        .map(|e| {
            vec![
                format!(
                    "<a href=\"/console/situations/{}\">{}</a>",
                    e.situation_id,
                    esc(&e.person_initials)
                ),
                esc(l.word(e.priority)),
                format!(
                    "{}{}",
                    esc(&when(e.due_at, l)),
                    if e.overdue {
                        format!(" <strong class=\"late\">{}</strong>", l.t().overdue)
                    } else {
                        String::new()
                    }
                ),
                esc(l.word(e.state)),
                match (&e.callback, e.callback_open) {
                    (_, true) => format!("<strong>{}</strong>", l.t().call_now),
                    (Some(c), false) => esc(&format!("{} → {}", when(c.start, l), when(c.end, l))),
                    (None, _) => String::new(),
                },
            ]
        })
        .collect();
    let mut h = format!("<p>{}</p>", l.t().situations_assigned_to_you);
    table(
        &mut h,
        l.t().call_back_queue,
        &[
            l.t().person,
            l.t().priority,
            l.t().due,
            l.t().state,
            l.t().call_back_window,
        ],
        &rows,
        l.t().nothing_waiting,
    );
    d.page(l.t().call_back_queue, notice(&raw, d.lang).as_deref(), &h)
}
