//! What follows a file: the orientations' outcomes (accepted, refused, handed over), the
//! links between people ended, a closed situation reopened. New parts of the file, drawn
//! from their templates.

use super::*;
use crate::render::console::spec::summary;
use crate::render::console::table::{Cell, TableView};
use crate::render::console::text::Text;
use relais_domain::casework::OrientationStatus;
use relais_domain::dto::{OrientationStatusInput, PersonLink};
use relais_domain::outreach::State;

struct LinkRow {
    initials: String,
    relation: &'static str,
    keep_apart: bool,
    end: String,
}

#[derive(askama::Template)]
#[template(path = "console/desk/links.html")]
struct LinksView {
    t: &'static Text,
    csrf: String,
    sid: Uuid,
    links: Vec<LinkRow>,
    search: String,
    /// The persons of that exact name, by initials and year of birth: (id, label).
    candidates: Option<Vec<(Uuid, String)>>,
    relations: Vec<(String, String)>,
}

/// The people linked to the person of the file, each with the way to end the link; and,
/// when a name was searched (`?lier=`), the persons of that exact name to link to.
pub(super) async fn links_part(c: &FileView<'_>, linked: &[PersonLink]) -> String {
    let FileView {
        d,
        l,
        id: sid,
        s,
        raw,
        ..
    } = *c;
    let search = query(raw, "lier")
        .map(|q| q.trim().to_owned())
        .unwrap_or_default();
    let candidates = if search.is_empty() {
        None
    } else {
        let found = persons::list(
            d,
            persons::PersonQuery {
                name: Some(search.clone()),
                ..Default::default()
            },
        )
        .await
        .map(|p| p.items)
        .unwrap_or_default();
        Some(
            found
                .into_iter()
                .filter(|p| {
                    p.id != s.person_id && !linked.iter().any(|k| k.other_person_id == p.id)
                })
                .map(|p| {
                    let label = match p.birth_year {
                        Some(y) => format!("{} ({y})", p.initials),
                        None => p.initials,
                    };
                    (p.id, label)
                })
                .collect(),
        )
    };
    draw(&LinksView {
        t: l.t(),
        csrf: d.csrf.clone(),
        sid,
        search,
        candidates,
        relations: options::<relais_domain::casework::LinkRelation>(l),
        links: linked
            .iter()
            .map(|k| LinkRow {
                initials: k.other_initials.clone(),
                relation: l.word(k.relation),
                keep_apart: k.keep_apart,
                end: format!("/console/situations/{sid}/liens/{}/terminer", k.id),
            })
            .collect(),
    })
}

#[derive(askama::Template)]
#[template(path = "console/desk/follow_up.html")]
struct FollowUpView {
    t: &'static Text,
    csrf: String,
    sid: Uuid,
    summary: Option<crate::render::console::spec::SummaryView>,
    orientations: TableView,
    reopen: bool,
}

/// The file's follow-up: each orientation with the outcomes its status allows, and, once the
/// situation is closed, reopening it.
pub(super) async fn follow_up_part(c: &FileView<'_>) -> String {
    let FileView {
        d, l, id, s, again, ..
    } = *c;
    let t = l.t();
    let list = partners::list_orientations(d, id).await.unwrap_or_default();
    let partner_of = |pid: Uuid| {
        c.partner_list
            .iter()
            .find(|p| p.id == pid)
            .map(|p| p.name.clone())
            .unwrap_or_default()
    };
    let rows = list
        .iter()
        .map(|o| {
            let mut next = Cell::default();
            for to in o.status.next_allowed() {
                next = next.and_button(
                    format!(
                        "/console/situations/{id}/orientations/{}/{}",
                        o.id,
                        to.as_str()
                    ),
                    l.word(to),
                );
            }
            vec![
                Cell::text(partner_of(o.partner_id)),
                Cell::text(when(o.created_at, l)),
                Cell::text(l.word(o.status)),
                next,
            ]
        })
        .collect();
    let orientations = TableView::new(
        t.orientations,
        &[t.partner, t.when, t.status, t.what_came_of_it],
        t.no_orientation_yet,
    )
    .rows(rows)
    .csrf(&d.csrf);
    let f = form_for(again, l, "follow_up");
    draw(&FollowUpView {
        t,
        csrf: d.csrf.clone(),
        sid: id,
        summary: summary(&[], &f, l),
        orientations,
        reopen: s.state == State::Closed,
    })
}

pub(super) async fn orientation_outcome(
    d: D,
    Path((id, oid, to)): Path<(String, String, String)>,
    Checked(p): Checked,
) -> Page {
    let (Ok(sid), Ok(oid), Some(status)) = (
        Uuid::parse_str(&id),
        Uuid::parse_str(&oid),
        OrientationStatus::parse(&to),
    ) else {
        return Ok(not_found(d.lang));
    };
    match partners::set_status(&d, oid, OrientationStatusInput { status }).await {
        Ok(_) => Ok(done(
            &format!("/console/situations/{sid}"),
            Done::OutcomeRecorded,
        )),
        Err(e) => refused(&d, &id, "follow_up", &p, e).await,
    }
}

/// A link made to a person found by exact name: the other person carried by the page, the
/// relation chosen (`desk/links.html` draws one such form per person found).
const LINK_FIELDS: &[Field] = &[
    Field {
        name: "other_person_id",
        input: Input::Hidden,
        label: |t| t.link_search,
        required: true,
        hints: &[],
    },
    Field {
        name: "relation",
        input: Input::Choice,
        label: |t| t.relation,
        required: true,
        hints: &[],
    },
];

pub(super) async fn create_link(d: D, Path(id): Path<String>, Checked(p): Checked) -> Page {
    let Ok(sid) = Uuid::parse_str(&id) else {
        return Ok(not_found(d.lang));
    };
    let person = match situations::get(&d, sid).await {
        Ok(s) => s.person_id,
        Err(e) if e.status() == 404 => return Ok(not_found(d.lang)),
        Err(e) => return Err(e.into()),
    };
    let r = match p.read_fields::<relais_domain::dto::PersonLinkInput>(LINK_FIELDS) {
        Ok(i) => partners::link(&d, person, i).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => Ok(done(
            &format!("/console/situations/{sid}"),
            Done::LinkCreated,
        )),
        Err(e) => refused(&d, &id, "follow_up", &p, e).await,
    }
}

pub(super) async fn end_link(
    d: D,
    Path((id, lid)): Path<(String, String)>,
    Checked(p): Checked,
) -> Page {
    let (Ok(sid), Ok(lid)) = (Uuid::parse_str(&id), Uuid::parse_str(&lid)) else {
        return Ok(not_found(d.lang));
    };
    match partners::unlink(&d, lid).await {
        Ok(()) => Ok(done(&format!("/console/situations/{sid}"), Done::LinkEnded)),
        Err(e) if e.status() == 404 => Ok(not_found(d.lang)),
        Err(e) => refused(&d, &id, "follow_up", &p, e).await,
    }
}

pub(super) async fn reopen(d: D, Path(id): Path<String>, Checked(p): Checked) -> Page {
    let Ok(sid) = Uuid::parse_str(&id) else {
        return Ok(not_found(d.lang));
    };
    match situations::reopen(&d, sid).await {
        // The reopened situation is a new one, linked to the closed one.
        Ok(n) => Ok(done(
            &format!("/console/situations/{}", n.id),
            Done::SituationReopened,
        )),
        Err(e) if e.status() == 404 => Ok(not_found(d.lang)),
        Err(e) => refused(&d, &id, "follow_up", &p, e).await,
    }
}
