//! The agenda of the day or the week, an appointment, and seen / no-show / cancel.

use super::*;

// ------------------------------------------------------------------ the agenda

/// An appointment of the agenda as its row shows it.
struct AgendaRow {
    id: Uuid,
    at: String,
    people: String,
    site: String,
    status: &'static str,
    not_delivered: bool,
    /// Planned: seen, no-show and cancel are offered.
    planned: bool,
    version: i32,
}

#[derive(askama::Template)]
#[template(path = "console/desk/agenda.html")]
struct AgendaView {
    t: &'static Text,
    csrf: String,
    week: bool,
    today: NaiveDate,
    previous: String,
    next: String,
    caption: String,
    seen: &'static str,
    no_show: &'static str,
    rows: Vec<AgendaRow>,
}

#[derive(askama::Template)]
#[template(path = "console/desk/appointment.html")]
struct AppointmentView {
    t: &'static Text,
    id: Uuid,
    at: String,
    status: &'static str,
    not_delivered: bool,
    planned: bool,
    messages: TableView,
    /// The appointment's day, for the way back to its week.
    day: NaiveDate,
}

pub(super) async fn agenda_page(d: D, RawQuery(raw): RawQuery) -> Page {
    agenda_view(&d, &raw, None).await
}

/// The agenda; `refused`: why a change was refused, said on the page itself (never carried
/// in the address), with its status.
pub(super) async fn agenda_view(
    d: &D,
    raw: &Option<String>,
    refused: Option<(axum::http::StatusCode, String)>,
) -> Page {
    let l = d.lang;
    let week = query(raw, "vue").as_deref() == Some("semaine");
    let today = d.now().with_timezone(&TZ).date_naive();
    let from = query(raw, "du")
        .and_then(|v| NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok())
        .unwrap_or(today);
    let days = if week { 7 } else { 1 };
    let entries = crate::scheduling::agenda::agenda(
        d,
        crate::scheduling::agenda::AgendaQuery {
            coordinator_id: Some(d.caller.account_id.to_string()),
            site_id: None,
            from: from.to_string(),
            days: Some(days.to_string()),
        },
    )
    .await?;
    let sites = crate::paging::every(|p| crate::organisation::list(d, p))
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let site_name = |id: Uuid| {
        sites
            .iter()
            .find(|s| s.id == id)
            .map(|s| s.name.clone())
            .unwrap_or_default()
    };
    let t = l.t();
    let shift = |n: i64| {
        format!(
            "/console/agenda?{}du={}",
            if week { "vue=semaine&" } else { "" },
            from + Duration::days(n)
        )
    };
    let rows = entries
        .iter()
        .map(|e| {
            let a = &e.appointment;
            AgendaRow {
                id: a.id,
                // In the site's own time: the appointment carries its site's offset.
                at: a.start.naive_local().format("%d/%m %H:%M").to_string(),
                people: e.person_initials.join(", "),
                site: site_name(a.site_id),
                status: l.word(a.status),
                not_delivered: a.reminder_not_delivered,
                planned: a.status == AppointmentStatus::Planned,
                version: a.version,
            }
        })
        .collect();
    let h = draw(&AgendaView {
        t,
        csrf: d.csrf.clone(),
        week,
        today,
        previous: shift(-days),
        next: shift(days),
        caption: format!(
            "{} {}",
            if week { t.week_of } else { t.day_of },
            from.format("%d/%m/%Y")
        ),
        seen: l.word(AppointmentStatus::Seen),
        no_show: l.word(AppointmentStatus::NoShow),
        rows,
    });
    match refused {
        Some((status, why)) => Ok(html(
            status,
            page(
                &Frame {
                    alert: Some(why.as_str()),
                    ..d.frame(l.t().agenda, None)
                },
                &h,
            ),
        )),
        None => Ok(d.page(l.t().agenda, notice(raw, d.lang).as_deref(), &h)),
    }
}

/// What the agenda's buttons post: a cancellation's reason and, for each, the version the
/// page saw (seen and no-show post the version only: `CANCEL_FIELDS[1..2]`); "by" is the
/// service's, added by the handler.
const CANCEL_FIELDS: &[Field] = &[
    Field {
        name: "reason",
        input: Input::Text,
        label: |t| t.reason,
        required: false,
        hints: &[("maxlength", "500")],
    },
    Field {
        name: "version",
        input: Input::Version,
        label: |t| t.attendance,
        required: false,
        hints: &[],
    },
    Field {
        name: "by",
        input: Input::Hidden,
        label: |t| t.reason,
        required: false,
        hints: &[],
    },
];

pub(super) async fn outcome(
    d: D,
    Path((id, action)): Path<(String, String)>,
    Checked(p): Checked,
) -> Page {
    let l = d.lang;
    let aid = id_of(&id)?;
    let r = match action.as_str() {
        "honore" => match p.read_fields::<OutcomeInput>(&CANCEL_FIELDS[1..2]) {
            Ok(i) => crate::scheduling::booking::seen(&d, aid, i).await,
            Err(e) => Err(e),
        },
        "absent" => match p.read_fields::<OutcomeInput>(&CANCEL_FIELDS[1..2]) {
            Ok(i) => crate::scheduling::booking::no_show(&d, aid, i).await,
            Err(e) => Err(e),
        },
        "annule" => {
            // A cancellation from the agenda is the service's.
            let mut p2 = Posted(p.0.clone());
            p2.0.retain(|(k, _)| k != "by");
            p2.0.push(("by".into(), "service".into()));
            match p2.read_fields::<CancelInput>(CANCEL_FIELDS) {
                Ok(i) => crate::scheduling::booking::cancel(&d, aid, i).await,
                Err(e) => Err(e),
            }
        }
        _ => return Ok(not_found(l)),
    };
    match r {
        Ok(_) => Ok(done("/console/agenda", Done::AppointmentUpdated)),
        Err(e) => {
            let refusal = d.refusal(e)?;
            let why = refusal
                .general
                .clone()
                .or(refusal
                    .errors
                    .first()
                    .map(|e| e.message_in(l.english).to_owned()))
                .unwrap_or_else(|| l.t().change_refused.to_owned());
            agenda_view(&d, &None, Some((refusal.status, why))).await
        }
    }
}

/// One appointment: when, where, its status and history, and its messages with their states
/// ("rappel non remis" says which did not get through, and why).
pub(super) async fn appointment_page(
    d: D,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Page {
    let l = d.lang;
    let aid = id_of(&id)?;
    let a = match crate::scheduling::booking::get(&d, aid).await {
        Ok(a) => a,
        Err(e) if e.status() == 404 => return Ok(not_found(l)),
        Err(e) => return Err(e.into()),
    };
    let messages = crate::scheduling::messages::notifications(&d, aid).await?;
    let t = l.t();
    let rows = messages
        .iter()
        .map(|m| {
            vec![
                Cell::text(l.word_of::<MessageKind>(&m.kind)),
                Cell::text(l.word_of::<Channel>(&m.channel)),
                Cell::text(l.word_of::<JobState>(&m.state)),
                Cell::text(when(m.due_at, l)),
                Cell::text(m.sent_at.map(|t| when(t, l)).unwrap_or_default()),
                Cell::text(m.reason.as_deref().unwrap_or("")),
            ]
        })
        .collect();
    let messages = TableView::new(
        t.the_appointments_messages,
        &[
            t.message,
            t.channel,
            t.state,
            t.message_due,
            t.message_sent,
            t.reason,
        ],
        t.no_message_the_persons,
    )
    .rows(rows);
    let h = draw(&AppointmentView {
        t,
        id: aid,
        at: format!(
            "{} – {}",
            a.start.naive_local().format("%d/%m/%Y %H:%M"),
            a.end.naive_local().format("%H:%M")
        ),
        status: l.word(a.status),
        not_delivered: a.reminder_not_delivered,
        planned: a.status == AppointmentStatus::Planned,
        messages,
        day: a.start.naive_local().date(),
    });
    Ok(d.page(l.t().appointment, notice(&raw, d.lang).as_deref(), &h))
}
