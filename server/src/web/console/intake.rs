//! Someone at the door or on the phone: a walk-in in one form (a first name is enough; the
//! person, the situation and the first interview are recorded together), and an anonymous
//! contact (statistics only: no identity, no free text).

use axum::Router;
use axum::body::Bytes;
use axum::extract::RawQuery;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use relais_domain::casework::{AgeBand, AnonymousAction, PersonRole, Problem, Sex};
use relais_domain::dto::{AnonymousContactInput, WalkInInput};
use relais_domain::outreach::{OriginChannel, SituationKind};

use super::{Desk, Done, FileReaders, Kind, done, html, notice};
use crate::casework::interviews;
use crate::render::console::{Form, form_open, options, page};
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

const WALK_IN: &[(&str, &str, &str)] = &[
    ("first_name", "Prénom", "First name"),
    ("last_name", "Nom", "Last name"),
    ("phone", "Téléphone", "Phone"),
    ("kind", "Nature", "Kind"),
    ("person_role", "La personne est", "The person is"),
    ("note", "Note", "Note"),
];

fn walk_in_form(d: &D, f: &Form<'_>) -> String {
    let l = d.lang;
    let mut h = format!("<p>{}</p>", l.t().someone_comes_in_without);
    f.summary(&mut h, WALK_IN);
    form_open(&mut h, "/console/accueil", &d.csrf, "");
    f.input(
        &mut h,
        "first_name",
        l.t().first_name,
        "text",
        true,
        "autocomplete=\"off\" autofocus",
    );
    f.input(
        &mut h,
        "last_name",
        l.t().last_name_optional,
        "text",
        false,
        "autocomplete=\"off\"",
    );
    f.input(
        &mut h,
        "phone",
        l.t().phone_optional,
        "tel",
        false,
        "autocomplete=\"off\"",
    );
    f.select(
        &mut h,
        "kind",
        l.t().kind,
        &options::<SituationKind>(l),
        true,
    );
    f.select(
        &mut h,
        "person_role",
        l.t().the_person_is,
        &options::<PersonRole>(l),
        true,
    );
    f.checkbox(&mut h, "urgency.danger", l.t().immediate_danger);
    f.checkbox(&mut h, "urgency.minor_involved", l.t().a_minor_is_involved);
    f.textarea(&mut h, "note", l.t().interview_note_optional);
    h.push_str(&format!(
        "<button type=\"submit\">{}</button></form>",
        l.t().record_the_walk_in
    ));
    h
}

async fn walk_in(d: D, RawQuery(raw): RawQuery) -> Response {
    let l = d.lang;
    d.page(
        l.t().walk_in,
        notice(&raw, d.lang).as_deref(),
        &walk_in_form(&d, &Form::empty(l)),
    )
}

async fn walk_in_submit(d: D, headers: HeaderMap, body: Bytes) -> Response {
    let p = match d.posted(&headers, &body) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let r = match p.read::<WalkInInput>(&[
        ("first_name", Kind::Needed),
        ("last_name", Kind::Text),
        ("phone", Kind::Text),
        ("kind", Kind::Text),
        ("person_role", Kind::Text),
        ("urgency.danger", Kind::Flag),
        ("urgency.minor_involved", Kind::Flag),
        ("note", Kind::Text),
    ]) {
        Ok(i) => interviews::walk_in(&d, i).await,
        Err(e) => Err(e),
    };
    match r {
        Ok(w) => done(
            &format!("/console/situations/{}", w.situation.id),
            Done::WalkInRecorded,
        ),
        Err(e) => match d.refusal(e) {
            Ok(refusal) => {
                let values = p.values();
                html(
                    refusal.status,
                    page(
                        &d.frame(d.lang.t().walk_in, None),
                        &walk_in_form(&d, &refusal.form(&values, d.lang)),
                    ),
                )
            }
            Err(resp) => resp,
        },
    }
}

fn anonymous_form(d: &D, f: &Form<'_>) -> String {
    let l = d.lang;
    let mut h = format!("<p>{}</p>", l.t().for_the_statistics_only);
    f.summary(
        &mut h,
        &[
            ("channel", "Canal", "Channel"),
            ("action", "Réponse apportée", "What was done"),
            ("problems", "Problématiques", "Problems"),
        ],
    );
    form_open(&mut h, "/console/contact-anonyme", &d.csrf, "");
    let channels: Vec<(String, String)> = options::<OriginChannel>(l);
    f.select(&mut h, "channel", l.t().channel, &channels, true);
    f.select(&mut h, "sex", l.t().sex, &options::<Sex>(l), false);
    f.select(&mut h, "age_band", l.t().age, &options::<AgeBand>(l), false);
    h.push_str(&format!("<fieldset><legend>{}</legend>", l.t().problems));
    for (v, text) in options::<Problem>(l) {
        let checked = f.values.iter().any(|(k, x)| k == "problems" && *x == v);
        h.push_str(&format!(
            "<div class=\"check\"><input type=\"checkbox\" id=\"pb-{v}\" name=\"problems\" value=\"{v}\"{}><label for=\"pb-{v}\">{}</label></div>",
            if checked { " checked" } else { "" },
            crate::render::html::esc(&text)
        ));
    }
    h.push_str("</fieldset>");
    f.select(
        &mut h,
        "action",
        l.t().what_was_done,
        &options::<AnonymousAction>(l),
        true,
    );
    h.push_str(&format!(
        "<button type=\"submit\">{}</button></form>",
        l.t().record_the_contact
    ));
    h
}

async fn anonymous(d: D, RawQuery(raw): RawQuery) -> Response {
    let l = d.lang;
    d.page(
        l.t().anonymous_contact,
        notice(&raw, d.lang).as_deref(),
        &anonymous_form(&d, &Form::empty(l)),
    )
}

async fn anonymous_submit(d: D, headers: HeaderMap, body: Bytes) -> Response {
    let p = match d.posted(&headers, &body) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let r = match p.read::<AnonymousContactInput>(&[
        ("channel", Kind::Text),
        ("sex", Kind::Text),
        ("age_band", Kind::Text),
        ("problems", Kind::List),
        ("action", Kind::Text),
    ]) {
        Ok(i) => interviews::anonymous(&d, i).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => done("/console/contact-anonyme", Done::AnonymousContactRecorded),
        Err(e) => match d.refusal(e) {
            Ok(refusal) => {
                let values = p.values();
                html(
                    refusal.status,
                    page(
                        &d.frame(d.lang.t().anonymous_contact, None),
                        &anonymous_form(&d, &refusal.form(&values, d.lang)),
                    ),
                )
            }
            Err(resp) => resp,
        },
    }
}
