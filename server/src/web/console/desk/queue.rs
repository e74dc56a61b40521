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
                        format!(
                            " <strong class=\"late\">{}</strong>",
                            l.w("en retard", "overdue")
                        )
                    } else {
                        String::new()
                    }
                ),
                esc(l.word(e.state)),
                match (&e.callback, e.callback_open) {
                    (_, true) => format!(
                        "<strong>{}</strong>",
                        l.w("Rappeler maintenant", "Call now")
                    ),
                    (Some(c), false) => esc(&format!("{} → {}", when(c.start, l), when(c.end, l))),
                    (None, _) => String::new(),
                },
            ]
        })
        .collect();
    let mut h = format!(
        "<p>{}</p>",
        l.w(
            "Les situations qui vous sont confiées ou que personne n'a prises, la plus urgente d'abord. Les personnes y sont nommées par leurs initiales ; ouvrir une ligne ouvre le dossier (consultation enregistrée).",
            "Situations assigned to you or to nobody, most urgent first. People are shown by initials; opening a line opens the file (the opening is recorded)."
        )
    );
    table(
        &mut h,
        l.w("File d'appels", "Call-back queue"),
        &[
            l.w("Personne", "Person"),
            l.w("Priorité", "Priority"),
            l.w("À traiter avant", "Due"),
            l.w("État", "State"),
            l.w("Créneau de rappel", "Call-back window"),
        ],
        &rows,
        l.w("Aucune situation en attente.", "Nothing waiting."),
    );
    d.page(
        l.w("File d'appels", "Call-back queue"),
        notice(&raw, d.lang).as_deref(),
        &h,
    )
}
