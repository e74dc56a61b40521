//! The agenda of the day or the week, an appointment, and seen / no-show / cancel.

use super::*;

// ------------------------------------------------------------------ the agenda

pub(super) async fn agenda_page(d: D, RawQuery(raw): RawQuery) -> Response {
    agenda_view(&d, &raw, None).await
}

/// The agenda; `refused`: why a change was refused, said on the page itself (never carried
/// in the address), with its status.
pub(super) async fn agenda_view(
    d: &D,
    raw: &Option<String>,
    refused: Option<(axum::http::StatusCode, String)>,
) -> Response {
    let l = d.lang;
    let week = query(raw, "vue").as_deref() == Some("semaine");
    let today = d.now().with_timezone(&TZ).date_naive();
    let from = query(raw, "du")
        .and_then(|v| NaiveDate::parse_from_str(&v, "%Y-%m-%d").ok())
        .unwrap_or(today);
    let days = if week { 7 } else { 1 };
    let entries = match crate::scheduling::agenda::agenda(
        d,
        crate::scheduling::agenda::AgendaQuery {
            coordinator_id: Some(d.caller.account_id.to_string()),
            site_id: None,
            from: from.to_string(),
            days: Some(days.to_string()),
        },
    )
    .await
    {
        Ok(e) => e,
        Err(e) => return failure(e, l),
    };
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
    let mut h = format!(
        "<p class=\"pager\"><a href=\"/console/agenda?du={today}\"{}>{}</a> <a href=\"/console/agenda?vue=semaine&amp;du={today}\"{}>{}</a> \
<a href=\"/console/agenda?{}du={}\">{}</a> <a href=\"/console/agenda?{}du={}\">{}</a></p>",
        if week { "" } else { " aria-current=\"page\"" },
        l.t().today,
        if week { " aria-current=\"page\"" } else { "" },
        l.t().this_week,
        if week { "vue=semaine&amp;" } else { "" },
        from - Duration::days(days),
        l.t().previous,
        if week { "vue=semaine&amp;" } else { "" },
        from + Duration::days(days),
        l.t().next,
    );
    let mut rows = Vec::new();
    for e in &entries {
        let a = &e.appointment;
        let mut actions = String::new();
        if a.status == AppointmentStatus::Planned {
            for (action, label) in [
                ("honore", l.word(AppointmentStatus::Seen)),
                ("absent", l.word(AppointmentStatus::NoShow)),
                ("annule", l.t().cancel),
            ] {
                form_open(
                    &mut actions,
                    &format!("/console/rendez-vous/{}/{action}", a.id),
                    &d.csrf,
                    "class=\"inline\"",
                );
                if action == "annule" {
                    // A cancellation by the service says why (the service refuses it
                    // otherwise).
                    actions.push_str(&format!(
                        "<label for=\"motif-{0}\">{1}</label> <input id=\"motif-{0}\" name=\"reason\" required maxlength=\"500\" autocomplete=\"off\"> ",
                        a.id,
                        l.t().reason
                    ));
                }
                actions.push_str(&format!(
                    "<input type=\"hidden\" name=\"version\" value=\"{}\"><button type=\"submit\" class=\"quiet\">{}</button></form>",
                    a.version,
                    label
                ));
            }
        }
        rows.push(vec![
            format!(
                "<a href=\"/console/rendez-vous/{}\">{}</a>",
                a.id,
                esc(&a.start.with_timezone(&TZ).format("%d/%m %H:%M").to_string())
            ),
            esc(&e.person_initials.join(", ")),
            esc(&site_name(a.site_id)),
            format!(
                "{}{}",
                esc(l.word(a.status)),
                if a.reminder_not_delivered {
                    format!(
                        " <strong class=\"late\">{}</strong>",
                        l.t().reminder_not_delivered
                    )
                } else {
                    String::new()
                }
            ),
            actions,
        ]);
    }
    table(
        &mut h,
        &format!(
            "{} {}",
            if week { l.t().week_of } else { l.t().day_of },
            from.format("%d/%m/%Y")
        ),
        &[
            l.t().time,
            l.t().person_s,
            l.t().site,
            l.t().attendance,
            l.t().actions,
        ],
        &rows,
        l.t().no_appointment,
    );
    match refused {
        Some((status, why)) => html(
            status,
            page(
                &Frame {
                    alert: Some(why.as_str()),
                    ..d.frame(l.t().agenda, None)
                },
                &h,
            ),
        ),
        None => d.page(l.t().agenda, notice(raw, d.lang).as_deref(), &h),
    }
}

pub(super) async fn outcome(
    d: D,
    Path((id, action)): Path<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let p = match d.posted(&headers, &body) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let l = d.lang;
    let aid = match id_of(&id, l) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let spec = [("version", Kind::Number)];
    let r = match action.as_str() {
        "honore" => match p.read::<OutcomeInput>(&spec) {
            Ok(i) => crate::scheduling::booking::seen(&d, aid, i).await,
            Err(e) => Err(e),
        },
        "absent" => match p.read::<OutcomeInput>(&spec) {
            Ok(i) => crate::scheduling::booking::no_show(&d, aid, i).await,
            Err(e) => Err(e),
        },
        "annule" => {
            let mut p2 = Posted(p.0.clone());
            p2.0.push(("by".into(), "service".into()));
            match p2.read::<CancelInput>(&[
                ("by", Kind::Text),
                ("reason", Kind::Text),
                ("version", Kind::Number),
            ]) {
                Ok(i) => crate::scheduling::booking::cancel(&d, aid, i).await,
                Err(e) => Err(e),
            }
        }
        _ => return not_found(l),
    };
    match r {
        Ok(_) => done("/console/agenda", Done::AppointmentUpdated),
        Err(e) => match d.refusal(e) {
            Ok(refusal) => {
                let why = refusal
                    .general
                    .clone()
                    .or(refusal.errors.first().map(|e| e.message.clone()))
                    .unwrap_or_else(|| l.t().change_refused.to_owned());
                agenda_view(&d, &None, Some((refusal.status, why))).await
            }
            Err(resp) => resp,
        },
    }
}

/// One appointment: when, where, its status and history, and its messages with their states
/// ("rappel non remis" says which did not get through, and why).
pub(super) async fn appointment_page(
    d: D,
    Path(id): Path<String>,
    RawQuery(raw): RawQuery,
) -> Response {
    let l = d.lang;
    let aid = match id_of(&id, l) {
        Ok(i) => i,
        Err(r) => return r,
    };
    let a = match crate::scheduling::booking::get(&d, aid).await {
        Ok(a) => a,
        Err(e) if e.status() == 404 => return not_found(l),
        Err(e) => return failure(e, l),
    };
    let messages = match crate::scheduling::messages::notifications(&d, aid).await {
        Ok(m) => m,
        Err(e) => return failure(e, l),
    };
    let mut h = format!(
        "<dl class=\"facts\"><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd><dt>{}</dt><dd>{}</dd></dl>",
        l.t().when,
        esc(&format!(
            "{} – {}",
            a.start.with_timezone(&TZ).format("%d/%m/%Y %H:%M"),
            a.end.with_timezone(&TZ).format("%H:%M")
        )),
        l.t().attendance,
        esc(l.word(a.status)),
        l.t().reminders,
        if a.reminder_not_delivered {
            format!(
                "<strong class=\"late\">{}</strong>",
                l.t().reminder_not_delivered_tell
            )
        } else {
            l.t().nothing_to_report.to_owned()
        }
    );
    h.push_str(&appointment_actions(l, aid, a.status));
    h.push_str(&format!("<h2>{}</h2>", l.t().the_appointments_messages));
    let rows: Vec<Vec<String>> = messages
        .iter()
        .map(|m| {
            vec![
                esc(&l.word_of::<MessageKind>(&m.kind)),
                esc(&l.word_of::<Channel>(&m.channel)),
                esc(&l.word_of::<JobState>(&m.state)),
                esc(&when(m.due_at, l)),
                esc(&m.sent_at.map(|t| when(t, l)).unwrap_or_default()),
                esc(m.reason.as_deref().unwrap_or("")),
            ]
        })
        .collect();
    table(
        &mut h,
        l.t().the_appointments_messages,
        &[
            l.t().message,
            l.t().channel,
            l.t().state,
            l.t().message_due,
            l.t().message_sent,
            l.t().reason,
        ],
        &rows,
        l.t().no_message_the_persons,
    );
    h.push_str(&format!(
        "<p><a href=\"/console/agenda?vue=semaine&amp;du={}\">{}</a></p>",
        a.start.with_timezone(&TZ).date_naive(),
        l.t().back_to_the_agenda
    ));
    d.page(l.t().appointment, notice(&raw, d.lang).as_deref(), &h)
}
