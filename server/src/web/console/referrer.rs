//! The referrer's pages: the referral form (consent, the safe way to reach the person, the
//! kind, the document as a category only) and the list of their own referrals with their
//! statuses, nothing more.

use axum::Router;
use axum::body::Bytes;
use axum::extract::RawQuery;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use relais_domain::casework::{DocumentType, PersonRole};
use relais_domain::dto::ReferralInput;
use relais_domain::outreach::{OriginChannel, SituationKind};

use super::{Desk, Done, Kind, Posted, Referrers, done, failure, html, notice};
use crate::casework::referrals;
use crate::render::console::{Form, form_open, options, page, table};
use crate::render::html::esc;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/signalements", get(list))
        .route("/console/signalements/nouveau", get(new).post(submit))
}

type D = Desk<Referrers>;

async fn list(d: D, RawQuery(raw): RawQuery) -> Response {
    let l = d.lang;
    let mine = match referrals::list(&d).await {
        Ok(m) => m,
        Err(e) => return failure(e, l),
    };
    let rows: Vec<Vec<String>> = mine
        .iter()
        .map(|r| {
            vec![
                esc(&r
                    .submitted_at
                    .with_timezone(&crate::zone::DEFAULT)
                    .format("%d/%m/%Y %H:%M")
                    .to_string()),
                esc(r.external_ref.as_deref().unwrap_or("—")),
                esc(r.unit.as_deref().unwrap_or("—")),
                format!("<strong>{}</strong>", esc(l.word(r.status))),
            ]
        })
        .collect();
    let mut h = format!(
        "<p>{} <a href=\"/console/signalements/nouveau\">{}</a></p>",
        l.t().you_see_the_status,
        l.t().new_referral
    );
    table(
        &mut h,
        l.t().my_referrals,
        &[l.t().sent, l.t().your_reference, l.t().unit, l.t().status],
        &rows,
        l.t().no_referral_sent,
    );
    d.page(l.t().my_referrals, notice(&raw, d.lang).as_deref(), &h)
}

const LABELS: &[(&str, &str, &str)] = &[
    ("first_name", "Prénom", "First name"),
    ("last_name", "Nom", "Last name"),
    ("birth_year", "Année de naissance", "Year of birth"),
    ("phone", "Téléphone", "Phone"),
    ("safe_contact.safe_phone", "Numéro sûr", "Safe number"),
    (
        "safe_contact",
        "Moyens de contact sûrs",
        "Safe ways to reach the person",
    ),
    (
        "consent_to_contact",
        "Accord de la personne",
        "The person's consent",
    ),
    ("kind", "Nature", "Kind"),
    ("person_role", "La personne est", "The person is"),
    ("document_type", "Document", "Document"),
    ("channel", "Origine", "Origin"),
    ("unit", "Unité", "Unit"),
    ("note", "Motif", "Reason"),
    ("external_ref", "Votre référence", "Your reference"),
];

fn form_page(d: &D, f: &Form<'_>) -> String {
    let l = d.lang;
    let mut h = format!("<p>{}</p>", l.t().the_social_worker_will);
    f.summary(&mut h, LABELS);
    form_open(&mut h, "/console/signalements/nouveau", &d.csrf, "");
    h.push_str(&format!("<fieldset><legend>{}</legend>", l.t().the_person));
    f.input(
        &mut h,
        "first_name",
        l.t().first_name,
        "text",
        true,
        "autocomplete=\"off\"",
    );
    f.input(
        &mut h,
        "last_name",
        l.t().last_name,
        "text",
        true,
        "autocomplete=\"off\"",
    );
    f.input(
        &mut h,
        "birth_year",
        l.t().year_of_birth,
        "text",
        false,
        "inputmode=\"numeric\" maxlength=\"4\"",
    );
    f.input(
        &mut h,
        "phone",
        l.t().phone_the_person_gave,
        "tel",
        false,
        "autocomplete=\"off\"",
    );
    f.select(
        &mut h,
        "person_role",
        l.t().the_person_is,
        &options::<PersonRole>(l),
        true,
    );
    h.push_str("</fieldset>");
    h.push_str(&format!(
        "<fieldset><legend>{}</legend>",
        l.t().how_to_reach_them
    ));
    f.checkbox(&mut h, "safe_contact.phone_call", l.t().call);
    f.checkbox(&mut h, "safe_contact.voicemail", l.t().voicemail);
    f.checkbox(&mut h, "safe_contact.sms", "SMS");
    f.input(
        &mut h,
        "safe_contact.safe_phone",
        l.t().safe_number_if_different,
        "tel",
        false,
        "autocomplete=\"off\"",
    );
    h.push_str("</fieldset>");
    f.checkbox(&mut h, "consent_to_contact", l.t().the_person_agrees_to);
    h.push_str(&format!(
        "<fieldset><legend>{}</legend>",
        l.t().the_situation
    ));
    f.select(
        &mut h,
        "kind",
        l.t().kind,
        &options::<SituationKind>(l),
        true,
    );
    f.checkbox(&mut h, "urgency.danger", l.t().immediate_danger);
    f.checkbox(&mut h, "urgency.minor_involved", l.t().a_minor_is_involved);
    f.checkbox(&mut h, "urgency.recent_call_out", l.t().call_out_in_the);
    f.select(
        &mut h,
        "document_type",
        l.t().document_category_only,
        &options::<DocumentType>(l),
        true,
    );
    let channels: Vec<(String, String)> = options::<OriginChannel>(l)
        .into_iter()
        .filter(|(v, _)| OriginChannel::parse(v).is_some_and(|c| c.is_referral()))
        .collect();
    f.select(&mut h, "channel", l.t().origin, &channels, false);
    f.input(
        &mut h,
        "unit",
        l.t().unit_brigade_station_service,
        "text",
        // The service requires it of a referrer (a partner unit's software is its own unit).
        true,
        "maxlength=\"200\"",
    );
    f.textarea(&mut h, "note", l.t().why_in_a_few);
    f.input(
        &mut h,
        "external_ref",
        l.t().your_reference_optional,
        "text",
        false,
        "autocomplete=\"off\"",
    );
    h.push_str(&format!(
        "</fieldset><button type=\"submit\">{}</button></form>",
        l.t().send_the_referral
    ));
    h
}

async fn new(d: D) -> Response {
    let l = d.lang;
    d.page(l.t().new_referral, None, &form_page(&d, &Form::empty(l)))
}

async fn submit(d: D, headers: HeaderMap, body: Bytes) -> Response {
    let p: Posted = match d.posted(&headers, &body) {
        Ok(p) => p,
        Err(r) => return r,
    };
    let r = match p.read::<ReferralInput>(&[
        ("first_name", Kind::Needed),
        ("last_name", Kind::Needed),
        ("birth_year", Kind::Number),
        ("phone", Kind::Text),
        ("safe_contact.phone_call", Kind::Flag),
        ("safe_contact.voicemail", Kind::Flag),
        ("safe_contact.sms", Kind::Flag),
        ("safe_contact.safe_phone", Kind::Text),
        ("consent_to_contact", Kind::Flag),
        ("kind", Kind::Text),
        ("urgency.danger", Kind::Flag),
        ("urgency.minor_involved", Kind::Flag),
        ("urgency.recent_call_out", Kind::Flag),
        ("person_role", Kind::Text),
        ("document_type", Kind::Text),
        ("channel", Kind::Text),
        ("unit", Kind::Needed),
        ("note", Kind::Text),
        ("external_ref", Kind::Text),
    ]) {
        Ok(i) => referrals::create(&d, i).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match r {
        Ok(()) => done("/console/signalements", Done::ReferralSent),
        Err(e) => match d.refusal(e) {
            Ok(refusal) => {
                let values = p.values();
                let f = refusal.form(&values, d.lang);
                html(
                    refusal.status,
                    page(&d.frame(d.lang.t().new_referral, None), &form_page(&d, &f)),
                )
            }
            Err(resp) => resp,
        },
    }
}
