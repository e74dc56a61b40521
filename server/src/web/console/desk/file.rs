//! A situation's file (opening it is audited by the service): who the person is and how to reach them, the situation, and each form the state allows.

use super::*;

// ------------------------------------------------------------------ the file

pub(super) async fn file(d: D, Path(id): Path<String>, RawQuery(raw): RawQuery) -> Page {
    file_page(&d, &id, &raw, None).await
}

/// Which form a refusal belongs to, with what was typed.
pub(super) struct Again<'a> {
    pub(super) form: &'static str,
    pub(super) values: Vec<(String, String)>,
    pub(super) refusal: &'a super::super::Refusal,
}

pub(super) async fn file_page(
    d: &D,
    id: &str,
    raw: &Option<String>,
    again: Option<Again<'_>>,
) -> Page {
    file_page_with(d, id, raw, again, None).await
}

/// The file, with what the invitation part shows after the coordinator asked (a preview, a
/// link to read out).
pub(super) async fn file_page_with(
    d: &D,
    id: &str,
    raw: &Option<String>,
    again: Option<Again<'_>>,
    invite: Option<&Shown>,
) -> Page {
    let l = d.lang;
    let id = id_of(id)?;
    let (s, person) = situations::open_file(d, id).await?;
    let partner_list = partners::list(d).await.unwrap_or_default();
    let site_list: Vec<(Uuid, String)> = crate::paging::every(|p| crate::organisation::list(d, p))
        .await?
        .items
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let c = FileView {
        d,
        l,
        id,
        s: &s,
        person: &person,
        raw,
        again: &again,
        partner_list: &partner_list,
        site_list: &site_list,
        invite,
    };
    let linked = partners::links(d, s.person_id).await.unwrap_or_default();
    let links = links_part(&c, &linked).await;
    let follow_up = follow_up_part(&c).await;
    let invitations = invitations_part(&c).await;
    let stopped = crate::scheduling::invitations::messages(d, s.person_id)
        .await?
        .since;
    let h = draw(&file_view(&c, links, follow_up, invitations, stopped));
    let title = format!("{} {}", l.t().file, s.person_initials);
    match again {
        Some(a) => Ok(html(a.refusal.status, page(&d.frame(&title, None), &h))),
        None => Ok(d.page(&title, notice(raw, d.lang).as_deref(), &h)),
    }
}

/// A form of the file refused: the file again, that form with its fields marked.
/// What every part of the file reads.
#[derive(Clone, Copy)]
pub(super) struct FileView<'a> {
    pub(super) d: &'a D,
    pub(super) l: Lang,
    pub(super) id: Uuid,
    pub(super) s: &'a Situation,
    pub(super) person: &'a Person,
    pub(super) raw: &'a Option<String>,
    pub(super) again: &'a Option<Again<'a>>,
    pub(super) partner_list: &'a [Partner],
    /// The organisation's sites, for the interview's.
    pub(super) site_list: &'a [(Uuid, String)],
    /// What the invitation part shows after the coordinator asked, if anything.
    pub(super) invite: Option<&'a Shown>,
}

/// The form `name` of the file: as it was typed and refused, or empty.
pub(super) fn form_for<'a>(again: &'a Option<Again<'a>>, l: Lang, name: &str) -> Form<'a> {
    match again {
        Some(a) if a.form == name => a.refusal.form(&a.values, l),
        _ => Form::empty(l),
    }
}

#[derive(askama::Template)]
#[template(path = "console/desk/file.html")]
struct FilePage {
    t: &'static Text,
    sid: Uuid,
    person_id: Uuid,
    name: String,
    role: &'static str,
    phone: String,
    /// "Villefontaine (38)", or "—".
    commune: String,
    consent: bool,
    origin: String,
    /// The means the person agreed to, in words; empty when none yet.
    allowed: String,
    safe_phone: Option<String>,
    /// The safe means to be checked again with the person.
    stale: bool,
    /// When the profile was last checked with the person, in words.
    checked_on: Option<String>,
    /// The safe-contact form, open when it was just refused.
    reach: FormView,
    reach_open: bool,
    /// Since when no written message goes, by the staff's switch; none when they go.
    stopped_since: Option<String>,
    switch: FormView,
    /// The links part, drawn by its own template.
    links: String,
    state: &'static str,
    kind: &'static str,
    priority: &'static str,
    due: String,
    note: Option<String>,
    attempts: TableView,
    attempt: FormView,
    change: Option<FormView>,
    orient: FormView,
    interview: FormView,
    child: FormView,
    /// The follow-up part, drawn by its own template.
    follow_up: String,
    /// The invitations part, drawn by its own template.
    invitations: String,
    history: TableView,
}

/// The file as its template draws it.
fn file_view(
    c: &FileView<'_>,
    links: String,
    follow_up: String,
    invitations: String,
    stopped: Option<DateTime<Utc>>,
) -> FilePage {
    let FileView { l, s, person, .. } = *c;
    let t = l.t();
    let sc = &person.safe_contact;
    let allowed: Vec<&str> = [
        (sc.phone_call, t.means_call),
        (sc.voicemail, t.means_voicemail),
        (sc.sms, t.sms),
        (sc.email, t.e_mail),
        (sc.letter, t.letter),
    ]
    .iter()
    .filter(|(ok, _)| *ok)
    .map(|(_, w)| *w)
    .collect();
    let attempts = TableView::new(
        t.attempts,
        &[t.when, t.attempt_means, t.result],
        t.no_attempt_yet,
    )
    .rows(
        s.attempts
            .iter()
            .map(|a| {
                vec![
                    Cell::text(when(a.at, l)),
                    Cell::text(l.word(a.channel)),
                    Cell::text(l.word(a.result)),
                ]
            })
            .collect(),
    );
    let history = TableView::new(t.history, &[t.when, t.change, t.new_state], t.nothing_yet).rows(
        s.history
            .iter()
            .map(|e| {
                vec![
                    Cell::text(when(e.at, l)),
                    Cell::text(l.word_of::<Event>(&e.event)),
                    Cell::text(l.word(e.to_state)),
                ]
            })
            .collect(),
    );
    FilePage {
        t,
        sid: c.id,
        person_id: s.person_id,
        name: format!("{} {}", person.first_name, person.last_name),
        role: l.word(s.person_role),
        phone: person.phone.clone().unwrap_or_else(|| "—".into()),
        commune: person
            .commune
            .as_ref()
            .map(|c| format!("{} ({})", c.name, c.department))
            .unwrap_or_else(|| "—".into()),
        consent: s.consent_to_contact,
        origin: format!(
            "{} — {}",
            l.word(s.channel),
            s.unit.as_deref().unwrap_or("")
        ),
        allowed: allowed.join(", "),
        safe_phone: sc.safe_phone.clone(),
        stale: s.safe_contact_stale,
        checked_on: sc.checked_at.map(|at| when(at, l)),
        reach: reach::reach_form(c, &reach::reach_values(c)),
        reach_open: matches!(c.again, Some(a) if a.form == "reach"),
        stopped_since: stopped.map(|at| when(at, l)),
        switch: reach::switch_form(c, stopped.is_some()),
        links,
        state: l.word(s.state),
        kind: l.word(s.kind),
        priority: l.word(s.priority),
        due: when(s.due_at, l),
        note: s.note.clone(),
        attempts,
        attempt: attempt_form(c),
        change: state_form(c),
        orient: orient_form(c),
        interview: interview_form(c),
        child: child_form(c),
        follow_up,
        invitations,
        history,
    }
}
