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
        l.w(
            "Vous voyez l'état de vos signalements, jamais le contenu du dossier.",
            "You see the status of your referrals, never the content of the file."
        ),
        l.w("Nouveau signalement", "New referral")
    );
    table(
        &mut h,
        l.w("Mes signalements", "My referrals"),
        &[
            l.w("Envoyé le", "Sent"),
            l.w("Votre référence", "Your reference"),
            l.w("Unité", "Unit"),
            l.w("État", "Status"),
        ],
        &rows,
        l.w("Aucun signalement envoyé.", "No referral sent."),
    );
    d.page(
        l.w("Mes signalements", "My referrals"),
        notice(&raw, d.lang).as_deref(),
        &h,
    )
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
    let mut h = format!(
        "<p>{}</p>",
        l.w(
            "L'intervenant·e social·e rappellera la personne selon les moyens qu'elle juge sûrs. Ce que vous écrivez ici ne vous sera plus montré.",
            "The social worker will call the person back the ways they consider safe. What you write here will not be shown to you again."
        )
    );
    f.summary(&mut h, LABELS);
    form_open(&mut h, "/console/signalements/nouveau", &d.csrf, "");
    h.push_str(&format!(
        "<fieldset><legend>{}</legend>",
        l.w("La personne", "The person")
    ));
    f.input(
        &mut h,
        "first_name",
        l.w("Prénom", "First name"),
        "text",
        true,
        "autocomplete=\"off\"",
    );
    f.input(
        &mut h,
        "last_name",
        l.w("Nom", "Last name"),
        "text",
        true,
        "autocomplete=\"off\"",
    );
    f.input(
        &mut h,
        "birth_year",
        l.w("Année de naissance", "Year of birth"),
        "text",
        false,
        "inputmode=\"numeric\" maxlength=\"4\"",
    );
    f.input(
        &mut h,
        "phone",
        l.w("Téléphone donné par la personne", "Phone the person gave"),
        "tel",
        false,
        "autocomplete=\"off\"",
    );
    f.select(
        &mut h,
        "person_role",
        l.w("La personne est", "The person is"),
        &options::<PersonRole>(l),
        true,
    );
    h.push_str("</fieldset>");
    h.push_str(&format!(
        "<fieldset><legend>{}</legend>",
        l.w(
            "Comment la joindre sans danger (ce qu'elle a accepté)",
            "How to reach them safely (what they agreed to)"
        )
    ));
    f.checkbox(&mut h, "safe_contact.phone_call", l.w("Appel", "Call"));
    f.checkbox(
        &mut h,
        "safe_contact.voicemail",
        l.w("Message vocal", "Voicemail"),
    );
    f.checkbox(&mut h, "safe_contact.sms", "SMS");
    f.input(
        &mut h,
        "safe_contact.safe_phone",
        l.w("Numéro sûr, s'il diffère", "Safe number, if different"),
        "tel",
        false,
        "autocomplete=\"off\"",
    );
    h.push_str("</fieldset>");
    f.checkbox(
        &mut h,
        "consent_to_contact",
        l.w(
            "La personne accepte d'être contactée par le service",
            "The person agrees to be contacted by the service",
        ),
    );
    h.push_str(&format!(
        "<fieldset><legend>{}</legend>",
        l.w("La situation", "The situation")
    ));
    f.select(
        &mut h,
        "kind",
        l.w("Nature", "Kind"),
        &options::<SituationKind>(l),
        true,
    );
    f.checkbox(
        &mut h,
        "urgency.danger",
        l.w("Danger immédiat", "Immediate danger"),
    );
    f.checkbox(
        &mut h,
        "urgency.minor_involved",
        l.w("Un mineur est concerné", "A minor is involved"),
    );
    f.checkbox(
        &mut h,
        "urgency.recent_call_out",
        l.w(
            "Intervention ces derniers jours",
            "Call-out in the last days",
        ),
    );
    f.select(
        &mut h,
        "document_type",
        l.w("Document (catégorie seulement)", "Document (category only)"),
        &options::<DocumentType>(l),
        true,
    );
    let channels: Vec<(String, String)> = options::<OriginChannel>(l)
        .into_iter()
        .filter(|(v, _)| OriginChannel::parse(v).is_some_and(|c| c.is_referral()))
        .collect();
    f.select(
        &mut h,
        "channel",
        l.w("Origine", "Origin"),
        &channels,
        false,
    );
    f.input(
        &mut h,
        "unit",
        l.w(
            "Unité (brigade, commissariat, service)",
            "Unit (brigade, station, service)",
        ),
        "text",
        // The service requires it of a referrer (a partner unit's software is its own unit).
        true,
        "maxlength=\"200\"",
    );
    f.textarea(
        &mut h,
        "note",
        l.w("Motif, en quelques mots", "Why, in a few words"),
    );
    f.input(
        &mut h,
        "external_ref",
        l.w("Votre référence (facultative)", "Your reference (optional)"),
        "text",
        false,
        "autocomplete=\"off\"",
    );
    h.push_str(&format!(
        "</fieldset><button type=\"submit\">{}</button></form>",
        l.w("Envoyer le signalement", "Send the referral")
    ));
    h
}

async fn new(d: D) -> Response {
    let l = d.lang;
    d.page(
        l.w("Nouveau signalement", "New referral"),
        None,
        &form_page(&d, &Form::empty(l)),
    )
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
                    page(
                        &d.frame(d.lang.w("Nouveau signalement", "New referral"), None),
                        &form_page(&d, &f),
                    ),
                )
            }
            Err(resp) => resp,
        },
    }
}
