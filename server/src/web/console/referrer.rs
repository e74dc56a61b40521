//! The referrer's pages: the referral form (consent, the safe way to reach the person, the
//! kind, the document as a category only) and the list of their own referrals with their
//! statuses, nothing more.

use axum::Router;
use axum::extract::RawQuery;
use axum::response::Response;
use axum::routing::get;
use relais_domain::casework::{DocumentType, PersonRole};
use relais_domain::dto::ReferralInput;
use relais_domain::outreach::{OriginChannel, SituationKind};

use super::{Checked, Desk, Done, Page, Referrers, done, html, notice};
use crate::casework::referrals;
use crate::render::console::spec::{Field, FormView, Input, field};
use crate::render::console::table::{Cell, TableView};
use crate::render::console::text::Text;
use crate::render::console::{Form, draw, form_page, options, page};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/signalements", get(list))
        .route("/console/signalements/nouveau", get(new).post(submit))
}

type D = Desk<Referrers>;

async fn list(d: D, RawQuery(raw): RawQuery) -> Page {
    let l = d.lang;
    let mine = referrals::list(&d).await?;
    let t = l.t();
    let rows = mine
        .iter()
        .map(|r| {
            vec![
                Cell::text(
                    r.submitted_at
                        .with_timezone(&crate::zone::DEFAULT)
                        .format("%d/%m/%Y %H:%M")
                        .to_string(),
                ),
                Cell::text(r.external_ref.as_deref().unwrap_or("—")),
                Cell::text(r.unit.as_deref().unwrap_or("—")),
                Cell::strong(l.word(r.status)),
            ]
        })
        .collect();
    let list = TableView::new(
        t.my_referrals,
        &[t.sent, t.your_reference, t.unit, t.status],
        t.no_referral_sent,
    )
    .rows(rows);
    let h = draw(&ReferralsView { t, list });
    Ok(d.page(l.t().my_referrals, notice(&raw, d.lang).as_deref(), &h))
}

#[derive(askama::Template)]
#[template(path = "console/referrals.html")]
struct ReferralsView {
    t: &'static Text,
    list: TableView,
}

const OFF: &[(&str, &str)] = &[("autocomplete", "off")];

/// A referral, its one specification.
const REFERRAL_FIELDS: &[Field] = &[
    field("person", Input::Group, |t| t.the_person, false, &[]),
    field("first_name", Input::Text, |t| t.first_name, true, OFF),
    field("last_name", Input::Text, |t| t.last_name, true, OFF),
    field(
        "birth_year",
        Input::Number,
        |t| t.year_of_birth,
        false,
        &[("min", "1900"), ("max", "2100")],
    ),
    field("phone", Input::Tel, |t| t.phone_the_person_gave, false, OFF),
    field("commune", Input::Text, |t| t.commune_optional, false, OFF),
    field("person_role", Input::Choice, |t| t.the_person_is, true, &[]),
    field("person_end", Input::End, |t| t.the_person, false, &[]),
    field(
        "safe_contact",
        Input::Group,
        |t| t.how_to_reach_them,
        false,
        &[],
    ),
    field(
        "safe_contact.phone_call",
        Input::Check,
        |t| t.call,
        false,
        &[],
    ),
    field(
        "safe_contact.voicemail",
        Input::Check,
        |t| t.voicemail,
        false,
        &[],
    ),
    field("safe_contact.sms", Input::Check, |t| t.sms, false, &[]),
    field(
        "safe_contact.safe_phone",
        Input::Tel,
        |t| t.safe_number_if_different,
        false,
        OFF,
    ),
    field(
        "safe_contact_end",
        Input::End,
        |t| t.how_to_reach_them,
        false,
        &[],
    ),
    field(
        "consent_to_contact",
        Input::Check,
        |t| t.the_person_agrees_to,
        false,
        &[],
    ),
    field("situation", Input::Group, |t| t.the_situation, false, &[]),
    field("kind", Input::Choice, |t| t.kind, true, &[]),
    field(
        "urgency.danger",
        Input::Check,
        |t| t.immediate_danger,
        false,
        &[],
    ),
    field(
        "urgency.minor_involved",
        Input::Check,
        |t| t.a_minor_is_involved,
        false,
        &[],
    ),
    field(
        "urgency.recent_call_out",
        Input::Check,
        |t| t.call_out_in_the,
        false,
        &[],
    ),
    field(
        "document_type",
        Input::Choice,
        |t| t.document_category_only,
        true,
        &[],
    ),
    field("channel", Input::Choice, |t| t.origin, false, &[]),
    // The service requires it of a referrer (a partner unit's software is its own unit).
    field(
        "unit",
        Input::Text,
        |t| t.unit_brigade_station_service,
        true,
        &[("maxlength", "200")],
    ),
    field("note", Input::Area, |t| t.why_in_a_few, false, &[]),
    field(
        "external_ref",
        Input::Text,
        |t| t.your_reference_optional,
        false,
        OFF,
    ),
    field("situation_end", Input::End, |t| t.the_situation, false, &[]),
];

fn referral_form(d: &D, f: &Form<'_>) -> String {
    let l = d.lang;
    let channels: Vec<(String, String)> = options::<OriginChannel>(l)
        .into_iter()
        .filter(|(v, _)| OriginChannel::parse(v).is_some_and(|c| c.is_referral()))
        .collect();
    form_page(
        &FormView::new(
            REFERRAL_FIELDS,
            f,
            "/console/signalements/nouveau",
            &d.csrf,
            l.t().send_the_referral,
        )
        .intro(l.t().the_social_worker_will)
        .options("person_role", options::<PersonRole>(l))
        .options("kind", options::<SituationKind>(l))
        .options("document_type", options::<DocumentType>(l))
        .options("channel", channels),
    )
}

async fn new(d: D) -> Response {
    let l = d.lang;
    d.page(
        l.t().new_referral,
        None,
        &referral_form(&d, &Form::empty(l)),
    )
}

async fn submit(d: D, Checked(p): Checked) -> Page {
    let r = match p.read_fields::<ReferralInput>(REFERRAL_FIELDS) {
        Ok(i) => referrals::create(&d, i).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => Ok(done("/console/signalements", Done::ReferralSent)),
        Err(e) => {
            let refusal = d.refusal(e)?;
            let values = p.values();
            let f = refusal.form(&values, d.lang);
            Ok(html(
                refusal.status,
                page(
                    &d.frame(d.lang.t().new_referral, None),
                    &referral_form(&d, &f),
                ),
            ))
        }
    }
}
