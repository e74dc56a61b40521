//! What the file's forms do: a contact attempt, a state change, an orientation, an interview, a child-in-danger report; and who opened the file.

use super::*;

// ------------------------------------------------------------------ what the file's forms do

pub(super) async fn refused(
    d: &D,
    id: &str,
    form: &'static str,
    p: &Posted,
    e: crate::error::ServiceError,
) -> Page {
    let r = d.refusal(e)?;
    file_page(
        d,
        id,
        &None,
        Some(Again {
            form,
            values: p.values(),
            refusal: &r,
        }),
    )
    .await
}

pub(super) async fn attempt(d: D, Path(id): Path<String>, Checked(p): Checked) -> Page {
    let sid = id_of(&id)?;
    let r = match p.read_fields::<AttemptInput>(ATTEMPT_FIELDS) {
        Ok(i) => attempts::attempt(&d, sid, i).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => Ok(done(
            &format!("/console/situations/{sid}"),
            Done::AttemptLogged,
        )),
        Err(e) => refused(&d, &id, "attempt", &p, e).await,
    }
}

pub(super) async fn event(d: D, Path(id): Path<String>, Checked(p): Checked) -> Page {
    let sid = id_of(&id)?;
    // The call-back window's fields are read apart, in the situation's zone.
    let spec: Vec<(&str, Kind)> = Posted::kinds(EVENT_FIELDS)
        .into_iter()
        .filter(|(name, _)| !name.starts_with("callback_"))
        .collect();
    let r = async {
        let mut json = p.json(&spec);
        if let Some((day, from, to)) = callback_of(&p)? {
            let w = situations::callback_in_local_time(&d, sid, day, from, to).await?;
            if let Some(o) = json.as_object_mut() {
                o.insert("callback".into(), serde_json::json!(w));
            }
        }
        let i = crate::input::parse_json::<SituationEventInput>(
            &serde_json::to_vec(&json).unwrap_or_default(),
        )?;
        situations::event(&d, sid, i).await.map(|_| ())
    }
    .await;
    match r {
        Ok(()) => Ok(done(
            &format!("/console/situations/{sid}"),
            Done::StateChanged,
        )),
        Err(e) => refused(&d, &id, "event", &p, e).await,
    }
}

/// The call-back window as typed: a day and two wall-clock times (read in the situation's
/// zone by `casework`); none when the fields are empty.
#[allow(clippy::type_complexity)]
pub(super) fn callback_of(
    p: &Posted,
) -> Result<Option<(NaiveDate, NaiveTime, NaiveTime)>, crate::error::ServiceError> {
    let field = |n: &str| p.get(n).map(str::trim).filter(|v| !v.is_empty());
    let (Some(day), Some(from), Some(to)) = (
        field("callback_date"),
        field("callback_from"),
        field("callback_to"),
    ) else {
        if field("callback_date").is_some()
            || field("callback_from").is_some()
            || field("callback_to").is_some()
        {
            return Err(crate::error::ServiceError::field(
                relais_domain::problem::ProblemCode::InvalidField,
                "callback_date",
                (
                    "Le jour et les deux heures du rappel sont nécessaires.",
                    "The call-back's day and both times are needed.",
                ),
            ));
        }
        return Ok(None);
    };
    let bad = |name: &str, fr: &str, en: &str| {
        crate::error::ServiceError::field(
            relais_domain::problem::ProblemCode::InvalidField,
            name,
            (fr, en),
        )
    };
    let day = NaiveDate::parse_from_str(day, "%Y-%m-%d").map_err(|_| {
        bad(
            "callback_date",
            "Jour AAAA-MM-JJ attendu.",
            "A day YYYY-MM-DD expected.",
        )
    })?;
    let time = |t: &str, name: &str| {
        NaiveTime::parse_from_str(t, "%H:%M")
            .map_err(|_| bad(name, "Heure HH:MM attendue.", "A time HH:MM expected."))
    };
    Ok(Some((
        day,
        time(from, "callback_from")?,
        time(to, "callback_to")?,
    )))
}

pub(super) async fn orient(d: D, Path(id): Path<String>, Checked(p): Checked) -> Page {
    let sid = id_of(&id)?;
    let r = match p.read_fields::<OrientationInput>(ORIENT_FIELDS) {
        Ok(i) => partners::orient(&d, sid, i).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => Ok(done(
            &format!("/console/situations/{sid}"),
            Done::OrientationRecorded,
        )),
        Err(e) => refused(&d, &id, "orient", &p, e).await,
    }
}

pub(super) async fn interview(d: D, Path(id): Path<String>, Checked(p): Checked) -> Page {
    let sid = id_of(&id)?;
    let r = match p.read_fields::<InterviewInput>(INTERVIEW_FIELDS) {
        Ok(i) => interviews::record_interview(&d, sid, i).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => Ok(done(
            &format!("/console/situations/{sid}"),
            Done::InterviewRecorded,
        )),
        Err(e) => refused(&d, &id, "interview", &p, e).await,
    }
}

pub(super) async fn child_report(d: D, Path(id): Path<String>, Checked(p): Checked) -> Page {
    let sid = id_of(&id)?;
    let r = match p.read_fields::<ChildReportInput>(CHILD_FIELDS) {
        Ok(i) => interviews::child_report(&d, sid, i).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => Ok(done(
            &format!("/console/situations/{sid}"),
            Done::ChildReportRecorded,
        )),
        Err(e) => refused(&d, &id, "child", &p, e).await,
    }
}

#[derive(askama::Template)]
#[template(path = "console/desk/access_log.html")]
struct AccessLogView {
    t: &'static Text,
    pid: Uuid,
    list: TableView,
    /// The cursor of the next, older page, encoded for its link.
    older: Option<String>,
}

/// Who opened or changed a person's file, newest first, a hundred at a time (reading it is
/// audited too).
pub(super) async fn access_log(d: D, Path(id): Path<String>, RawQuery(raw): RawQuery) -> Page {
    let l = d.lang;
    let pid = id_of(&id)?;
    let paging = Paging {
        limit: Some("100".into()),
        after: query(&raw, "apres"),
    };
    let found = persons::access_log(&d, pid, paging).await?;
    let (entries, older) = (found.items, found.next_cursor);
    let people = crate::paging::every(|p| crate::accounts::list(&d, p))
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let t = l.t();
    let rows = entries
        .iter()
        .map(|e| {
            let who = e
                .account_id
                .and_then(|a| people.iter().find(|p| p.id == a))
                .map(|p| p.display_name.clone())
                .unwrap_or_else(|| "—".into());
            vec![
                Cell::text(when(e.at, l)),
                Cell::text(who),
                Cell::text(crate::render::console::audit_action(&e.action, l)),
                Cell::text(crate::render::console::audit_outcome(&e.outcome, l)),
            ]
        })
        .collect();
    let list = TableView::new(
        t.openings_and_changes,
        &[t.when, t.who, t.action, t.outcome],
        t.nobody_has_opened_this,
    )
    .rows(rows);
    let h = draw(&AccessLogView {
        t,
        pid,
        list,
        older: older.map(|c| crate::render::html::url_encode(&c)),
    });
    Ok(d.page(l.t().who_opened_this_file, None, &h))
}
