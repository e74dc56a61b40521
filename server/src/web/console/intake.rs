//! Someone at the door or on the phone: a walk-in in one form (a first name is enough; the
//! person, the situation and the first interview are recorded together), and an anonymous
//! contact (statistics only: no identity, no free text).

use axum::Router;
use axum::extract::RawQuery;
use axum::response::Response;
use axum::routing::get;
use relais_domain::casework::{AgeBand, AnonymousAction, PersonRole, Problem, Sex};
use relais_domain::dto::{AnonymousContactInput, WalkInInput};
use relais_domain::outreach::{OriginChannel, SituationKind};

use super::{Checked, Desk, Done, FileReaders, Page, done, html, notice};
use crate::casework::interviews;
use crate::render::console::spec::{Field, FormView, Input};
use crate::render::console::{Form, form_page, options, page};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/accueil", get(walk_in).post(walk_in_submit))
        .route(
            "/console/contact-anonyme",
            get(anonymous).post(anonymous_submit),
        )
}

type D = Desk<FileReaders>;

/// A walk-in, its one specification.
const WALK_IN_FIELDS: &[Field] = &[
    Field {
        name: "first_name",
        input: Input::Text,
        label: |t| t.first_name,
        required: true,
        hints: &[("autocomplete", "off"), ("autofocus", "")],
    },
    Field {
        name: "last_name",
        input: Input::Text,
        label: |t| t.last_name_optional,
        required: false,
        hints: &[("autocomplete", "off")],
    },
    Field {
        name: "phone",
        input: Input::Tel,
        label: |t| t.phone_optional,
        required: false,
        hints: &[("autocomplete", "off")],
    },
    Field {
        name: "commune",
        input: Input::Text,
        label: |t| t.commune_optional,
        required: false,
        hints: &[("autocomplete", "off")],
    },
    Field {
        name: "kind",
        input: Input::Choice,
        label: |t| t.kind,
        required: true,
        hints: &[],
    },
    Field {
        name: "person_role",
        input: Input::Choice,
        label: |t| t.the_person_is,
        required: true,
        hints: &[],
    },
    Field {
        name: "urgency.danger",
        input: Input::Check,
        label: |t| t.immediate_danger,
        required: false,
        hints: &[],
    },
    Field {
        name: "urgency.minor_involved",
        input: Input::Check,
        label: |t| t.a_minor_is_involved,
        required: false,
        hints: &[],
    },
    Field {
        name: "note",
        input: Input::Area,
        label: |t| t.interview_note_optional,
        required: false,
        hints: &[],
    },
];

fn walk_in_form(d: &D, f: &Form<'_>) -> String {
    let l = d.lang;
    form_page(
        &FormView::new(
            WALK_IN_FIELDS,
            f,
            "/console/accueil",
            &d.csrf,
            l.t().record_the_walk_in,
        )
        .intro(l.t().someone_comes_in_without)
        .options("kind", options::<SituationKind>(l))
        .options("person_role", options::<PersonRole>(l)),
    )
}

async fn walk_in(d: D, RawQuery(raw): RawQuery) -> Response {
    let l = d.lang;
    d.page(
        l.t().walk_in,
        notice(&raw, d.lang).as_deref(),
        &walk_in_form(&d, &Form::empty(l)),
    )
}

async fn walk_in_submit(d: D, Checked(p): Checked) -> Page {
    let r = match p.read_fields::<WalkInInput>(WALK_IN_FIELDS) {
        Ok(i) => interviews::walk_in(&d, i).await,
        Err(e) => Err(e),
    };
    match r {
        Ok(w) => Ok(done(
            &format!("/console/situations/{}", w.situation.id),
            Done::WalkInRecorded,
        )),
        Err(e) => {
            let refusal = d.refusal(e)?;
            let values = p.values();
            Ok(html(
                refusal.status,
                page(
                    &d.frame(d.lang.t().walk_in, None),
                    &walk_in_form(&d, &refusal.form(&values, d.lang)),
                ),
            ))
        }
    }
}

/// An anonymous contact, its one specification: statistics only, no identity, no free text.
const ANONYMOUS_FIELDS: &[Field] = &[
    Field {
        name: "channel",
        input: Input::Choice,
        label: |t| t.channel,
        required: true,
        hints: &[],
    },
    Field {
        name: "sex",
        input: Input::Choice,
        label: |t| t.sex,
        required: false,
        hints: &[],
    },
    Field {
        name: "age_band",
        input: Input::Choice,
        label: |t| t.age,
        required: false,
        hints: &[],
    },
    Field {
        name: "problems",
        input: Input::Several,
        label: |t| t.problems,
        required: false,
        hints: &[],
    },
    Field {
        name: "action",
        input: Input::Choice,
        label: |t| t.what_was_done,
        required: true,
        hints: &[],
    },
];

fn anonymous_form(d: &D, f: &Form<'_>) -> String {
    let l = d.lang;
    form_page(
        &FormView::new(
            ANONYMOUS_FIELDS,
            f,
            "/console/contact-anonyme",
            &d.csrf,
            l.t().record_the_contact,
        )
        .intro(l.t().for_the_statistics_only)
        .options("channel", options::<OriginChannel>(l))
        .options("sex", options::<Sex>(l))
        .options("age_band", options::<AgeBand>(l))
        .options("problems", options::<Problem>(l))
        .options("action", options::<AnonymousAction>(l)),
    )
}

async fn anonymous(d: D, RawQuery(raw): RawQuery) -> Response {
    let l = d.lang;
    d.page(
        l.t().anonymous_contact,
        notice(&raw, d.lang).as_deref(),
        &anonymous_form(&d, &Form::empty(l)),
    )
}

async fn anonymous_submit(d: D, Checked(p): Checked) -> Page {
    let r = match p.read_fields::<AnonymousContactInput>(ANONYMOUS_FIELDS) {
        Ok(i) => interviews::anonymous(&d, i).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => Ok(done(
            "/console/contact-anonyme",
            Done::AnonymousContactRecorded,
        )),
        Err(e) => {
            let refusal = d.refusal(e)?;
            let values = p.values();
            Ok(html(
                refusal.status,
                page(
                    &d.frame(d.lang.t().anonymous_contact, None),
                    &anonymous_form(&d, &refusal.form(&values, d.lang)),
                ),
            ))
        }
    }
}
