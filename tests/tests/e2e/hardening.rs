//! Issue 10: what an adversarial review got through, one test per class. Each failed on the
//! code before the fix.

use chrono::Utc;
use relais_tests::{Org, Server, org, paris, reminder_type, workday};
use reqwest::Method;
use serde_json::{Value, json};

async fn put(s: &Server, path: &str, token: &str, body: Value) -> (u16, Value) {
    s.call(Method::PUT, path, Some(token), Some(body)).await
}

fn field_of(problem: &Value) -> String {
    problem["errors"][0]["field"]
        .as_str()
        .unwrap_or("")
        .to_owned()
}

/// A person the service may write to by SMS and e-mail, naming the place.
async fn reachable_person(s: &Server, a: &Org) -> String {
    let (st, p) = s
        .post(
            "/api/v1/persons",
            Some(&a.coordinator.token),
            json!({"first_name": "Aline", "last_name": "Lieu", "phone": "06 10 20 30 40",
                   "safe_contact": {"sms": true, "email": true, "phone_call": true,
                                    "may_name_service": true,
                                    "safe_phone": "07 10 20 30 40", "safe_email": "aline@example.net",
                                    "checked_at": Utc::now().to_rfc3339()}}),
        )
        .await;
    assert_eq!(st, 201, "{p}");
    p["id"].as_str().unwrap().to_owned()
}

async fn book(
    s: &Server,
    a: &Org,
    person: &str,
    day: chrono::NaiveDate,
    h: u32,
    m: u32,
) -> (u16, Value) {
    book_type(s, a, &a.type_id.to_string(), person, day, h, m).await
}

async fn book_type(
    s: &Server,
    a: &Org,
    ty: &str,
    person: &str,
    day: chrono::NaiveDate,
    h: u32,
    m: u32,
) -> (u16, Value) {
    s.post(
        "/api/v1/appointments",
        Some(&a.coordinator.token),
        json!({"type_id": ty, "site_id": a.site_id, "coordinator_id": a.coordinator.account_id,
               "person_id": person, "start": paris(day, h, m)}),
    )
    .await
}

/// `n` distinct working days from `from` days ahead.
fn workdays(from: i64, n: usize) -> Vec<chrono::NaiveDate> {
    let mut out: Vec<chrono::NaiveDate> = Vec::new();
    let mut k = from;
    while out.len() < n {
        let d = workday(k);
        if !out.contains(&d) {
            out.push(d);
        }
        k += 1;
    }
    out
}

/// The development outbox's bodies for one appointment's messages, as they read now.
async fn bodies(s: &Server, a: &Org) -> Vec<String> {
    let (st, out) = s.get("/api/v1/dev-outbox", &a.admin.token).await;
    assert_eq!(st, 200, "{out}");
    out.as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap_or("").to_owned())
        .collect()
}

// §1 — revealing words, rendered, folded, per organisation, and the place text.
#[tokio::test]
async fn revealing_words_in_the_spellings_tried_are_refused_in_templates_and_places() {
    let s = Server::start().await;
    let a = org(&s, "Mots").await;
    let adm = a.admin.token.as_str();
    for body in [
        "RDV {quand} gendar{lien}merie",
        "RDV {quand} gen{lieu}darmerie",
        "RDV {quand} gеndarmerie",            // Cyrillic е
        "RDV {quand} gen\u{00AD}darmerie",    // soft hyphen
        "RDV {quand} gen\u{200B}darmerie",    // zero-width space
        "RDV {quand} ｇｅｎｄａｒｍｅｒｉｅ", // full-width
        "RDV {quand} g e n d a r m e r i e",
        "RDV {quand} g.e.n.d.a.r.m.e.r.i.e",
        "RDV {quand} au C.C.A.S.",
        "RDV {quand}, appelez le 3919",
        "RDV {quand} aide aux victimes",
        "RDV {quand} brigade",
    ] {
        let (st, e) = put(
            &s,
            "/api/v1/message-templates/reminder/sms",
            adm,
            json!({"body": body}),
        )
        .await;
        // A character the document forbids: 422; a word that reveals the service: 409.
        assert!(matches!(st, 409 | 422), "{body}: {e}");
        assert_eq!(field_of(&e), "body");
        let (st, _) = s
            .post(
                "/api/v1/message-templates/preview",
                Some(adm),
                json!({"kind": "reminder", "channel": "email", "body": body}),
            )
            .await;
        assert!(matches!(st, 409 | 422), "preview of {body}");
    }
    // The organisation's own name and its sites' names ("Brigade Mots") are words too.
    let (st, e) = put(
        &s,
        "/api/v1/message-templates/reminder/sms",
        adm,
        json!({"body": "RDV {quand} (brigade-mots)"}),
    )
    .await;
    assert_eq!(st, 409, "{e}");
    // A word an organisation adds, after a template was saved: refused at save, and the
    // message as it would leave now falls back to the neutral text.
    let (st, t) = put(
        &s,
        "/api/v1/message-templates/confirmation/sms",
        adm,
        json!({"body": "RDV {quand} à la Maison Verte"}),
    )
    .await;
    assert_eq!(st, 200, "{t}");
    let (st, o) = put(
        &s,
        "/api/v1/organisation",
        adm,
        json!({"name": "Mots", "message_words": ["Maison Verte"]}),
    )
    .await;
    assert_eq!(st, 200, "{o}");
    assert_eq!(o["message_words"], json!(["Maison Verte"]));
    let (st, _) = put(
        &s,
        "/api/v1/message-templates/reminder/sms",
        adm,
        json!({"body": "RDV {quand} maison  verte"}),
    )
    .await;
    assert_eq!(st, 409);
    let pid = reachable_person(&s, &a).await;
    let ty = reminder_type(&s, &a).await;
    let day = workday(9);
    let (st, ap) = book_type(&s, &a, &ty, &pid, day, 10, 0).await;
    assert_eq!(st, 201, "{ap}");
    let texts = bodies(&s, &a).await;
    assert!(!texts.is_empty());
    for t in &texts {
        let low = t.to_lowercase();
        assert!(!low.contains("maison"), "{t}");
        // The site's address is never the place: no place text, so no place at all.
        assert!(!low.contains("mairie"), "{t}");
        assert!(!low.contains("brigade"), "{t}");
    }
    // A place text that reveals is refused, naming the field; a neutral one is used.
    let (st, e) = put(&s, &format!("/api/v1/sites/{}", a.site_id), adm,
        json!({"name": "Brigade Mots", "address": "2 rue de la Gendarmerie", "message_place": "2 rue de la Gendarmerie"})).await;
    assert_eq!(st, 409, "{e}");
    assert_eq!(field_of(&e), "message_place");
    let (st, e) = put(&s, &format!("/api/v1/sites/{}", a.site_id), adm,
        json!({"name": "Brigade Mots", "address": "2 rue de la Gendarmerie", "message_place": "12 rue de la Paix, Melun"})).await;
    assert_eq!(st, 200, "{e}");
    assert_eq!(e["message_place"], "12 rue de la Paix, Melun");
    let (st, _) = s
        .call(
            Method::DELETE,
            "/api/v1/message-templates/confirmation/sms",
            Some(adm),
            None,
        )
        .await;
    assert_eq!(st, 204);
    let texts = bodies(&s, &a).await;
    assert!(
        texts.iter().any(|t| t.contains("12 rue de la Paix")),
        "{texts:?}"
    );
    assert!(
        texts
            .iter()
            .all(|t| !t.to_lowercase().contains("gendarmerie")),
        "{texts:?}"
    );
    s.stop().await;
}

// Issue 24 §2 — the forms that got through: short words joined to digits or in their
// plural, a helpline number inside a word, digits for letters, words joined by their
// capitals, and the organisation's and sites' names by their significant words; in
// templates (saved and previewed) and in place texts. The town of a site's address stays
// allowed (the person must be told where to go).
#[tokio::test]
async fn revealing_words_short_joined_or_spelt_with_digits_and_names_by_their_words() {
    let s = Server::start().await;
    let a = org(&s, "Horizon Mots").await;
    let adm = a.admin.token.as_str();
    for body in [
        "RDV {quand} au CIDFF77",
        "RDV {quand}, rappel3919",
        "RDV {quand} ISCGs",
        "RDV {quand} viols",
        "RDV {quand} v1olences",
        "RDV {quand} g3ndarm3rie",
        "RDV {quand} RdvCidff",
        "RDV {quand} avec Horizon",
        "RDV {quand} HORIZON77",
    ] {
        let (st, e) = put(
            &s,
            "/api/v1/message-templates/reminder/sms",
            adm,
            json!({"body": body}),
        )
        .await;
        // A character the document forbids: 422; a word that reveals the service: 409.
        assert!(matches!(st, 409 | 422), "{body}: {e}");
        assert_eq!(field_of(&e), "body");
        let (st, _) = s
            .post(
                "/api/v1/message-templates/preview",
                Some(adm),
                json!({"kind": "reminder", "channel": "sms", "body": body}),
            )
            .await;
        assert!(matches!(st, 409 | 422), "preview of {body}");
    }
    let site = format!("/api/v1/sites/{}", a.site_id);
    for place in [
        "Horizon, 12 rue de la Paix",
        "12 rue de la Paix (iscg77)",
        "Accueil Mots, 12 rue de la Paix",
    ] {
        let (st, e) = put(&s, &site, adm, json!({"name": "Brigade Mots", "address": "12 rue de la Paix, 77000 Melun", "message_place": place})).await;
        assert_eq!(st, 409, "{place}: {e}");
        assert_eq!(field_of(&e), "message_place");
    }
    // A site named after its town, and a neutral template: the town is not refused.
    let (st, e) = put(&s, &site, adm, json!({"name": "Antenne de Melun", "address": "12 rue de la Paix, 77000 Melun", "message_place": "12 rue de la Paix, Melun"})).await;
    assert_eq!(st, 200, "{e}");
    let (st, e) = put(
        &s,
        "/api/v1/message-templates/reminder/sms",
        adm,
        json!({"body": "Rappel : RDV {quand}, {lieu}, près de la gare de Melun."}),
    )
    .await;
    assert_eq!(st, 200, "{e}");
    s.stop().await;
}

// §1 — the settings every phone shows before a message is opened are checked at start.
#[tokio::test]
async fn revealing_sender_or_subject_stops_the_server() {
    for (k, v) in [
        ("RELAIS_EMAIL_SUBJECT", "Votre RDV police"),
        ("RELAIS_SMTP_FROM", "gendarmerie@example.org"),
        ("RELAIS_SMS_SENDER", "CIDFF"),
        // Issue 24 §2: short, joined to digits, spelt with digits; and the link's host.
        ("RELAIS_SMS_SENDER", "CIDFF77"),
        ("RELAIS_EMAIL_SUBJECT", "Votre RDV v1olences"),
        ("RELAIS_PUBLIC_URL", "https://iscg77.example"),
        ("RELAIS_PUBLIC_URL", "https://rdv3919.example"),
    ] {
        let r = relais_server::Config::load(None, |name| (name == k).then(|| v.to_owned()));
        let e = r.expect_err(k).to_string();
        assert!(e.contains(k), "{e}");
    }
}

// §2 — keep-apart turned off, with its reason: the link is made, the reason is sealed
// (not in the database in clear), the audit says it was turned off, and the two people can
// then be booked on one half-day.
#[tokio::test]
async fn keep_apart_turned_off_with_a_reason_is_sealed_audited_and_obeyed() {
    use relais_server::store::entities::{audit_log, person_link};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let s = Server::start().await;
    let a = org(&s, "Croiser").await;
    let c = a.coordinator.token.as_str();
    let victim = a.person_id.to_string();
    let (st, author) = s
        .post(
            "/api/v1/persons",
            Some(c),
            json!({"first_name": "Bruno", "last_name": "Auteur"}),
        )
        .await;
    assert_eq!(st, 201);
    let author = author["id"].as_str().unwrap().to_owned();
    let reason = "Médiation familiale décidée par le juge aux affaires familiales";
    let (st, l) = s
        .post(
            &format!("/api/v1/persons/{victim}/links"),
            Some(c),
            json!({"other_person_id": author, "relation": "victim_alleged_perpetrator",
                     "keep_apart": false, "keep_apart_off_reason": reason}),
        )
        .await;
    assert_eq!(st, 201, "{l}");
    assert_eq!(l["keep_apart"], false, "{l}");
    let row =
        person_link::Entity::find_by_id(l["id"].as_str().unwrap().parse::<uuid::Uuid>().unwrap())
            .one(s.state.db())
            .await
            .unwrap()
            .unwrap();
    let sealed = row.keep_apart_off_reason.expect("the reason is kept");
    assert!(
        !String::from_utf8_lossy(&sealed).contains("Médiation"),
        "the reason is sealed, not stored in clear"
    );
    let audited = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("person_linked"))
        .filter(audit_log::Column::Outcome.eq("keep_apart_off"))
        .filter(audit_log::Column::OrganisationId.eq(a.id))
        .all(s.state.db())
        .await
        .unwrap();
    assert_eq!(audited.len(), 1, "turning keep-apart off is audited");
    // The fixture booked the victim at 09:00 on day+7: the author may now come that morning.
    let day = relais_tests::fixture_day(&s, &a).await;
    let (st, theirs) = book(&s, &a, &author, day, 11, 0).await;
    assert_eq!(st, 201, "the rule is off for these two: {theirs}");
    // Ending the link is audited as an ending, not as a second linking.
    let link_id = l["id"].as_str().unwrap();
    let (st, _) = s
        .call(
            Method::DELETE,
            &format!("/api/v1/person-links/{link_id}"),
            Some(c),
            None,
        )
        .await;
    assert_eq!(st, 204);
    let ended = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("person_unlinked"))
        .filter(audit_log::Column::OrganisationId.eq(a.id))
        .all(s.state.db())
        .await
        .unwrap();
    assert_eq!(ended.len(), 1, "ending a link is audited as such");
    s.stop().await;
}

// §2 — an emergency (force-)booking skips the opening hours, never the keep-apart rule: the
// alleged perpetrator is refused on the victim's morning, and the refusal names no one.
#[tokio::test]
async fn a_force_booking_still_keeps_linked_people_apart() {
    let s = Server::start().await;
    let a = org(&s, "Urgence apart").await;
    let c = a.coordinator.token.as_str();
    let victim = a.person_id.to_string();
    let (st, author) = s
        .post(
            "/api/v1/persons",
            Some(c),
            json!({"first_name": "Bruno", "last_name": "Auteur"}),
        )
        .await;
    assert_eq!(st, 201);
    let author = author["id"].as_str().unwrap().to_owned();
    let (st, l) = s
        .post(
            &format!("/api/v1/persons/{victim}/links"),
            Some(c),
            json!({"other_person_id": author, "relation": "victim_alleged_perpetrator"}),
        )
        .await;
    assert_eq!((st, l["keep_apart"].as_bool()), (201, Some(true)), "{l}");
    let day = relais_tests::fixture_day(&s, &a).await;
    let urgent = |h: u32, m: u32| {
        json!({"type_id": a.type_id, "site_id": a.site_id, "coordinator_id": a.coordinator.account_id,
               "person_id": author, "start": paris(day, h, m),
               "emergency_reason": "Mise à l'abri urgente"})
    };
    // 07:30, before the opening hours, on the morning the victim comes at 09:00.
    let (st, e) = s.post("/api/v1/appointments", Some(c), urgent(7, 30)).await;
    assert_eq!(st, 409, "{e}");
    assert!(e.to_string().contains("linked_party_same_half_day"), "{e}");
    for word in ["Camille", "Témoin", "09:00", "09h"] {
        assert!(
            !e.to_string().contains(word),
            "the refusal reveals `{word}`: {e}"
        );
    }
    // The refusal is in the author's access log, where the coordinator sees it.
    let (st, log) = s
        .get(&format!("/api/v1/persons/{author}/access-log"), c)
        .await;
    assert_eq!(st, 200, "{log}");
    let refusals = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["action"] == "linked_party_refused")
        .count();
    assert_eq!(refusals, 1, "{log}");
    // The same emergency in the evening, another half-day, goes through: the refusal was the
    // keep-apart rule, not the emergency.
    let (st, e) = s.post("/api/v1/appointments", Some(c), urgent(19, 0)).await;
    assert_eq!((st, e["emergency"].as_bool()), (201, Some(true)), "{e}");
    s.stop().await;
}

// §2 — keep-apart by overlap with the half-day, inside every write, at link creation, and
// a reason to turn it off.
#[tokio::test]
async fn linked_people_are_kept_apart_by_half_day_in_api_bookings_moves_and_links() {
    let s = Server::start().await;
    let a = org(&s, "Apart").await;
    let c = a.coordinator.token.as_str();
    let victim = a.person_id.to_string();
    let (st, author) = s
        .post(
            "/api/v1/persons",
            Some(c),
            json!({"first_name": "Bruno", "last_name": "Auteur"}),
        )
        .await;
    assert_eq!(st, 201);
    let author = author["id"].as_str().unwrap().to_owned();
    // Turning the rule off for this relation needs a reason.
    let (st, e) = s
        .post(&format!("/api/v1/persons/{victim}/links"), Some(c),
              json!({"other_person_id": author, "relation": "victim_alleged_perpetrator", "keep_apart": false}))
        .await;
    assert_eq!(st, 422, "{e}");
    assert_eq!(field_of(&e), "keep_apart_off_reason");
    // Both already booked on one morning (fixture: the victim at 09:00 on day+7): the
    // link is refused until one appointment moves.
    let day = relais_tests::fixture_day(&s, &a).await;
    let (st, theirs) = book(&s, &a, &author, day, 11, 0).await;
    assert_eq!(st, 201, "{theirs}");
    let (st, e) = s
        .post(
            &format!("/api/v1/persons/{victim}/links"),
            Some(c),
            json!({"other_person_id": author, "relation": "victim_alleged_perpetrator"}),
        )
        .await;
    assert_eq!(st, 409, "{e}");
    let (st, _) = s
        .post(
            &format!(
                "/api/v1/appointments/{}/cancel",
                theirs["id"].as_str().unwrap()
            ),
            Some(c),
            json!({"by": "service", "reason": "test", "version": theirs["version"]}),
        )
        .await;
    assert_eq!(st, 200);
    let (st, l) = s
        .post(
            &format!("/api/v1/persons/{victim}/links"),
            Some(c),
            json!({"other_person_id": author, "relation": "victim_alleged_perpetrator"}),
        )
        .await;
    assert_eq!(st, 201, "{l}");
    // 12:45–13:15 touches the morning: refused although it starts in the afternoon's hour.
    let day2 = workday(10);
    let (st, v) = book(&s, &a, &victim, day2, 13, 0).await;
    assert_eq!(st, 201, "{v}");
    let (st, e) = book(&s, &a, &author, day2, 12, 45).await;
    assert_eq!(
        st, 409,
        "12:45–13:15 and 13:00–13:30 share the afternoon: {e}"
    );
    // A move racing a booking: never both.
    for (round, d) in workdays(12, 6).into_iter().enumerate() {
        let (st, mv) = book(&s, &a, &victim, d, 14, 0).await;
        assert_eq!(st, 201, "{mv}");
        let mv_id = mv["id"].as_str().unwrap().to_owned();
        let path = format!("/api/v1/appointments/{mv_id}/move");
        let (m, b) = tokio::join!(
            s.post(
                &path,
                Some(c),
                json!({"start": paris(d, 9, 0), "version": mv["version"]})
            ),
            book(&s, &a, &author, d, 10, 0),
        );
        // Exactly one passes and the other is refused by the rule; both failing (a 500, a
        // stale version) would prove nothing.
        let passed = (m.0 == 200, b.0 == 201);
        assert!(
            passed == (true, false) && b.0 == 409 || passed == (false, true) && m.0 == 409,
            "round {round}: move {} {} / booking {} {}",
            m.0,
            m.1,
            b.0,
            b.1
        );
    }
    s.stop().await;
}

// §3 — a referrer's "checked" profile is only declared: nothing is sent on it.
#[tokio::test]
async fn a_referrer_cannot_decide_that_messages_are_safe() {
    let s = Server::start().await;
    let a = org(&s, "Declare").await;
    let mut r = crate::outreach::referral("Déclaré");
    r["safe_contact"] = json!({"sms": true, "email": true, "phone_call": true,
        "safe_phone": "07 55 44 33 22", "safe_email": "x@example.net",
        "checked_at": Utc::now().to_rfc3339()});
    let (st, rf) = s
        .post("/api/v1/referrals", Some(&a.referrer.token), r)
        .await;
    assert_eq!(st, 201, "{rf}");
    let (st, q) = s.get("/api/v1/queue", &a.coordinator.token).await;
    assert_eq!(st, 200);
    let item = q
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["situation_id"] == rf["id"] || i["id"] == rf["id"])
        .cloned()
        .unwrap();
    let (_, sit) = s
        .get(
            &format!("/api/v1/situations/{}", rf["id"].as_str().unwrap()),
            &a.coordinator.token,
        )
        .await;
    let pid = sit["person_id"].as_str().unwrap().to_owned();
    let (_, p) = s
        .get(&format!("/api/v1/persons/{pid}"), &a.coordinator.token)
        .await;
    assert!(p["safe_contact"]["checked_at"].is_null(), "{p}");
    assert_eq!(item["safe_contact_stale"], true, "{item}");
    let ty = reminder_type(&s, &a).await;
    let (st, ap) = book_type(&s, &a, &ty, &pid, workday(8), 15, 0).await;
    assert_eq!(st, 201, "{ap}");
    let (_, n) = s
        .get(
            &format!(
                "/api/v1/appointments/{}/notifications",
                ap["id"].as_str().unwrap()
            ),
            &a.coordinator.token,
        )
        .await;
    assert_eq!(n, json!([]), "no message on a declared profile");
    s.stop().await;
}

// §3 — the same for a partner unit's software: what it says of safe contact is declared,
// and no message goes out on it before a coordinator checks.
#[tokio::test]
async fn a_partner_unit_cannot_decide_that_messages_are_safe() {
    let s = Server::start().await;
    let a = org(&s, "Unité déclare").await;
    let (st, unit) = s
        .post(
            "/api/v1/partner-units",
            Some(&a.admin.token),
            json!({"name": "Brigade de Tournus", "channel": "gendarmerie"}),
        )
        .await;
    assert_eq!(st, 201, "{unit}");
    let key = unit["api_key"].as_str().unwrap();
    let body = json!({"first_name": "Ana", "last_name": "Unité", "consent_to_contact": true,
        "kind": "domestic_violence", "person_role": "victim", "document_type": "logbook_entry",
        "channel": "gendarmerie", "unit": "Brigade",
        "safe_contact": {"sms": true, "email": true, "phone_call": true,
            "safe_phone": "07 55 44 33 22", "safe_email": "x@example.net",
            "checked_at": Utc::now().to_rfc3339()}});
    let r = s
        .http
        .post(format!("{}/api/v1/partner/referrals", s.base))
        .header("authorization", format!("ApiKey {key}"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let st = r.status().as_u16();
    let made: Value = r.json().await.unwrap();
    assert_eq!(st, 201, "{made}");
    let (_, q) = s.get("/api/v1/queue", &a.coordinator.token).await;
    let item = q
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["person_id"] != a.person_id.to_string())
        .cloned()
        .unwrap_or_else(|| panic!("the unit's referral is queued: {q}"));
    let pid = item["person_id"].as_str().unwrap().to_owned();
    let (_, p) = s
        .get(&format!("/api/v1/persons/{pid}"), &a.coordinator.token)
        .await;
    assert!(p["safe_contact"]["checked_at"].is_null(), "{p}");
    assert_eq!(
        p["safe_contact"]["sms"], true,
        "what was declared is kept: {p}"
    );
    assert_eq!(item["safe_contact_stale"], true, "{item}");
    let ty = reminder_type(&s, &a).await;
    let (st, ap) = book_type(&s, &a, &ty, &pid, workday(8), 15, 0).await;
    assert_eq!(st, 201, "{ap}");
    let (_, n) = s
        .get(
            &format!(
                "/api/v1/appointments/{}/notifications",
                ap["id"].as_str().unwrap()
            ),
            &a.coordinator.token,
        )
        .await;
    assert_eq!(n, json!([]), "no message on a declared profile");
    s.stop().await;
}

async fn raw_status(s: &Server, path: &str) -> u16 {
    s.http
        .get(format!("{}{}", s.base, path))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

// §4 — a feed dies with its owner's right to see the files; an admin revokes anyone's.
#[tokio::test]
async fn calendar_feeds_die_with_the_owners_rights() {
    let s = Server::start().await;
    let a = org(&s, "Flux").await;
    let mk = |token: String| {
        let s = &s;
        async move {
            let (st, f) = s
                .post(
                    "/api/v1/calendar-feeds",
                    Some(&token),
                    json!({"show_names": false}),
                )
                .await;
            assert_eq!(st, 201, "{f}");
            (
                f["id"].as_str().unwrap().to_owned(),
                f["path"].as_str().unwrap().to_owned(),
            )
        }
    };
    let (id1, path1) = mk(a.coordinator.token.clone()).await;
    assert_eq!(raw_status(&s, &path1).await, 200);
    // The admin lists and revokes it.
    let (st, feeds) = s.get("/api/v1/calendar-feeds", &a.admin.token).await;
    assert_eq!(st, 200);
    assert!(feeds.to_string().contains(&id1), "{feeds}");
    assert!(
        !feeds.to_string().contains(&path1),
        "the secret path is shown once only"
    );
    let (st, e) = s
        .call(
            Method::DELETE,
            &format!("/api/v1/calendar-feeds/{id1}"),
            Some(&a.admin.token),
            None,
        )
        .await;
    assert_eq!(st, 204, "{e}");
    assert_eq!(raw_status(&s, &path1).await, 404);
    // Role changed to referrer, then disabled: the feed stops each time.
    let (_, path2) = mk(a.coordinator.token.clone()).await;
    let acc = format!("/api/v1/accounts/{}", a.coordinator.account_id);
    let (st, e) = s
        .call(
            Method::PATCH,
            &acc,
            Some(&a.admin.token),
            Some(json!({"role": "referrer"})),
        )
        .await;
    assert_eq!(st, 200, "{e}");
    assert_eq!(
        raw_status(&s, &path2).await,
        404,
        "a referrer's feed shows nothing"
    );
    let (st, _) = s
        .call(
            Method::PATCH,
            &acc,
            Some(&a.admin.token),
            Some(json!({"role": "coordinator"})),
        )
        .await;
    assert_eq!(st, 200);
    assert_eq!(raw_status(&s, &path2).await, 200);
    let (st, _) = s
        .call(
            Method::PATCH,
            &acc,
            Some(&a.admin.token),
            Some(json!({"disabled": true})),
        )
        .await;
    assert_eq!(st, 200);
    assert_eq!(
        raw_status(&s, &path2).await,
        404,
        "a disabled account's feed is dead"
    );
    s.stop().await;
}

// §5 — one TOTP code and one recovery code serve once, even in parallel; a device's
// logout ends its refresh token. §15 — the second login in one period is told so, and
// does not count toward the lockout; 401 carries WWW-Authenticate, 429 Retry-After.
#[tokio::test]
async fn second_factor_codes_serve_once_even_in_parallel() {
    let s = Server::start_with(|c| c.lockout_threshold = 2).await;
    let a = org(&s, "Parallele").await;
    let c = &a.coordinator;
    let code = relais_tests::totp_code(&c.totp_secret, 1);
    let body = json!({"email": c.email, "password": relais_tests::PASSWORD, "totp_code": code});
    let tries = four_logins_at_once(&s, body.clone()).await;
    assert_eq!(tries.iter().filter(|x| **x == 200).count(), 1, "{tries:?}");
    // The same code again: said plainly, and not a failure (threshold 2: two more would lock).
    for _ in 0..3 {
        let res = s
            .http
            .post(format!("{}/api/v1/auth/login", s.base))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 401);
        assert!(res.headers().get("www-authenticate").is_some());
        let e: Value = res.json().await.unwrap();
        assert_eq!(
            e["type"], "https://relais.invalid/problems/code_already_used",
            "{e}"
        );
        assert_eq!(e["errors"][0]["field"], "totp_code");
    }
    let rc = json!({"email": c.email, "password": relais_tests::PASSWORD, "recovery_code": c.recovery_codes[3]});
    let tries = four_logins_at_once(&s, rc).await;
    assert_eq!(tries.iter().filter(|x| **x == 200).count(), 1, "{tries:?}");
    // Not locked (threshold 2): the account still logs in, with another recovery code.
    let next = json!({"email": c.email, "password": relais_tests::PASSWORD, "device_name": "Tel",
                      "recovery_code": c.recovery_codes[4]});
    let (st, g) = s.post("/api/v1/auth/device", None, next).await;
    assert_eq!(st, 200, "{g}");
    // Logging the phone out ends its refresh token.
    let (st, _) = s
        .post(
            "/api/v1/auth/logout",
            Some(g["access_token"].as_str().unwrap()),
            json!({}),
        )
        .await;
    assert_eq!(st, 204);
    let (st, _) = s
        .post(
            "/api/v1/auth/device/refresh",
            None,
            json!({"refresh_token": g["refresh_token"]}),
        )
        .await;
    assert_eq!(st, 401, "a logged-out device's refresh token is dead");
    s.stop().await;
}

async fn four_logins_at_once(s: &Server, body: Value) -> Vec<u16> {
    let one = || async {
        s.http
            .post(format!("{}/api/v1/auth/login", s.base))
            .json(&body)
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    };
    let (a, b, c, d) = tokio::join!(one(), one(), one(), one());
    vec![a, b, c, d]
}

// §6 — behind a proxy, the throttle keys on the forwarded client, and only from proxies
// that are configured.
#[tokio::test]
async fn the_login_throttle_keys_on_the_real_client_behind_a_trusted_proxy() {
    let s = Server::start_with(|c| {
        c.ip_failures_per_window = 2;
        c.trusted_proxies = "127.0.0.1".into();
    })
    .await;
    let a = org(&s, "Proxy").await;
    let login = |xff: &'static str, email: String, pw: &'static str| {
        let s = &s;
        async move {
            let res = s
                .http
                .post(format!("{}/api/v1/auth/login", s.base))
                .header("x-forwarded-for", xff)
                .json(&json!({"email": email, "password": pw}))
                .send()
                .await
                .unwrap();
            let st = res.status().as_u16();
            let retry = res
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_owned());
            (st, retry)
        }
    };
    for _ in 0..2 {
        assert_eq!(
            login("198.51.100.66", "ghost@example.org".into(), "mauvais")
                .await
                .0,
            401
        );
    }
    let (st, retry) = login("198.51.100.66", "ghost@example.org".into(), "mauvais").await;
    assert_eq!(st, 429);
    assert!(
        retry.is_some_and(|r| r.parse::<u32>().unwrap() > 0),
        "429 carries Retry-After"
    );
    // Another client behind the same proxy is not blocked.
    let (st, _) = login(
        "203.0.113.5",
        a.coordinator.email.clone(),
        relais_tests::PASSWORD,
    )
    .await;
    assert_eq!(
        st, 401,
        "not 429: only the attacker is throttled (401: second factor needed)"
    );
    s.stop().await;
    // Without configured proxies, a forged header changes nothing: the peer is throttled.
    let s = Server::start_with(|c| c.ip_failures_per_window = 2).await;
    for xff in ["1.1.1.1", "2.2.2.2", "3.3.3.3"] {
        let res = s
            .http
            .post(format!("{}/api/v1/auth/login", s.base))
            .header("x-forwarded-for", xff)
            .json(&json!({"email": "ghost@example.org", "password": "x"}))
            .send()
            .await
            .unwrap();
        let _ = res.status();
    }
    let res = s
        .http
        .post(format!("{}/api/v1/auth/login", s.base))
        .header("x-forwarded-for", "4.4.4.4")
        .json(&json!({"email": "ghost@example.org", "password": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 429);
    s.stop().await;
}

// §12 — invisible and bidirectional characters refused in names; a look-alike spelling
// finds the same file; a walk-in or referral matching a file says so.
#[tokio::test]
async fn names_cannot_hide_a_duplicate() {
    let s = Server::start().await;
    let a = org(&s, "Doublons").await;
    let c = a.coordinator.token.as_str();
    for bad in [
        "Dup\u{200B}ont",
        "\u{202E}tnopuD",
        "Du\u{00AD}pont",
        "Dupont\u{2066}",
    ] {
        let (st, e) = s
            .post(
                "/api/v1/persons",
                Some(c),
                json!({"first_name": "Marie", "last_name": bad}),
            )
            .await;
        assert_eq!(st, 422, "{bad:?}: {e}");
        assert_eq!(field_of(&e), "last_name");
    }
    let (st, p) = s
        .post(
            "/api/v1/persons",
            Some(c),
            json!({"first_name": "Marie", "last_name": "Dupont", "phone": "06 44 55 66 77"}),
        )
        .await;
    assert_eq!(st, 201, "{p}");
    // Full-width and Cyrillic look-alikes find her.
    for q in ["ＤＵＰＯＮＴ", "Dupоnt"] {
        let (st, found) = s
            .get(&format!("/api/v1/persons?name={}", urlencode(q)), c)
            .await;
        assert_eq!(st, 200, "{found}");
        assert!(
            found.to_string().contains(p["id"].as_str().unwrap()),
            "{q}: {found}"
        );
    }
    // A referral for the same number: the coordinator is told.
    let mut r = crate::outreach::referral("Autre");
    r["phone"] = json!("+33644556677");
    let (st, rf) = s
        .post("/api/v1/referrals", Some(&a.referrer.token), r)
        .await;
    assert_eq!(st, 201, "{rf}");
    assert!(
        rf.get("possible_duplicates").is_none(),
        "the referrer learns nothing: {rf}"
    );
    let (_, sit) = s
        .get(
            &format!("/api/v1/situations/{}", rf["id"].as_str().unwrap()),
            c,
        )
        .await;
    assert_eq!(sit["possible_duplicates"], json!([p["id"]]), "{sit}");
    s.stop().await;
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Every value of every row of every table, as one text per table (bytes in hex), read
/// straight from the database.
async fn dump(s: &Server) -> Vec<(String, String)> {
    use sea_orm::{ConnectionTrait, Statement};
    let db = s.state.db();
    let backend = db.get_database_backend();
    let pg = backend == sea_orm::DatabaseBackend::Postgres;
    let tables: Vec<String> = db
        .query_all_raw(Statement::from_string(
            backend,
            if pg {
                "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'"
            } else {
                "SELECT name FROM sqlite_master WHERE type = 'table'"
            },
        ))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get::<String>("", "name").unwrap())
        .collect();
    let mut out = Vec::new();
    for t in tables {
        let sql = if pg {
            format!("SELECT string_agg(x::text, '|') AS v FROM \"{t}\" x")
        } else {
            let cols: Vec<String> = db
                .query_all_raw(Statement::from_string(
                    backend,
                    format!("SELECT name FROM pragma_table_info('{t}')"),
                ))
                .await
                .unwrap()
                .iter()
                .map(|r| r.try_get::<String>("", "name").unwrap())
                .collect();
            if cols.is_empty() {
                continue;
            }
            let row = cols
                .iter()
                .map(|c| format!("quote(\"{c}\")"))
                .collect::<Vec<_>>()
                .join(" || ',' || ");
            format!("SELECT group_concat({row}, '|') AS v FROM \"{t}\"")
        };
        let v: Option<String> = db
            .query_one_raw(Statement::from_string(backend, sql))
            .await
            .unwrap()
            .and_then(|r| r.try_get("", "v").ok());
        out.push((t, v.unwrap_or_default()));
    }
    out
}

// §9 — after retention, nothing of the person is left anywhere: a scan of every table and
// column finds none of their values, in clear, in hex, or as a search key.
#[tokio::test]
async fn after_retention_no_table_holds_anything_of_the_person() {
    let s = Server::start_with(|c| {
        c.sms_quiet_start = "00:00".into();
        c.sms_quiet_end = "00:00".into();
    })
    .await;
    let a = org(&s, "Oubli").await;
    let c = a.coordinator.token.as_str();
    let mut r = crate::outreach::referral("Quaxxiliane");
    r["first_name"] = json!("Zorglubette");
    r["phone"] = json!("06 98 76 54 32");
    r["external_ref"] = json!("BR-QUAXX-77");
    r["unit"] = json!("Unité Xylophane");
    r["note"] = json!("Signalée par Xylophane");
    let (st, rf) = s
        .post("/api/v1/referrals", Some(&a.referrer.token), r)
        .await;
    assert_eq!(st, 201, "{rf}");
    let (_, sit) = s
        .get(
            &format!("/api/v1/situations/{}", rf["id"].as_str().unwrap()),
            c,
        )
        .await;
    let pid = sit["person_id"].as_str().unwrap().to_owned();
    let (st, p) = s
        .call(Method::PUT, &format!("/api/v1/persons/{pid}"), Some(c), Some(json!({
            "first_name": "Zorglubette", "last_name": "Quaxxiliane", "phone": "06 98 76 54 32",
            "email": "zorglubette@example.net", "address": "7 impasse Xylophane",
            "notes": "Xylophane au courant",
            "safe_contact": {"sms": true, "email": true, "phone_call": true,
                             "safe_phone": "07 98 76 54 31", "safe_email": "zorglubette@example.net",
                             "checked_at": Utc::now().to_rfc3339()}})))
        .await;
    assert_eq!(st, 200, "{p}");
    let ty = reminder_type(&s, &a).await;
    let (st, ap) = s
        .post(
            "/api/v1/appointments",
            Some(c),
            json!({
            "type_id": ty, "site_id": a.site_id, "coordinator_id": a.coordinator.account_id,
            "person_id": pid, "start": paris(workday(6), 19, 0),
            "emergency_reason": "Zorglubette attend Xylophane en bas"}),
        )
        .await;
    assert_eq!(st, 201, "{ap}");
    relais_server::outbox::run_once(
        &s.state,
        "t",
        Utc::now(),
        relais_domain::sms::QuietHours {
            start: chrono::NaiveTime::MIN,
            end: chrono::NaiveTime::MIN,
        },
    )
    .await
    .unwrap();
    let before = dump(&s).await;
    let all_before: String = before.iter().map(|(_, v)| v.as_str()).collect();
    assert!(
        all_before.contains("BR-QUAXX-77"),
        "the scan sees clear values"
    );
    let (_, outbox) = s.get("/api/v1/dev-outbox", &a.admin.token).await;
    assert!(outbox.to_string().contains("+33798765431"), "{outbox}");

    let later = Utc::now() + chrono::Duration::days(3 * 365);
    let run = relais_server::retention::run(&s.state, a.id, None, later, false)
        .await
        .unwrap();
    assert!(
        run.items.iter().any(|i| i.person_id.to_string() == pid),
        "{:?}",
        run.items
    );
    let (st, links) = s
        .get(&format!("/api/v1/persons/{pid}/booking-links"), c)
        .await;
    assert_eq!(st, 200, "{links}");
    let links = links.as_array().unwrap();
    assert!(!links.is_empty(), "the booking made a manage link");
    assert!(
        links.iter().all(|l| l["state"] == "revoked"),
        "retention revokes the person's links: {links:?}"
    );

    let cipher = s.state.cipher();
    let mut needles: Vec<String> = Vec::new();
    for v in [
        "Zorglubette",
        "Quaxxiliane",
        "Xylophane",
        "BR-QUAXX-77",
        "+33698765432",
        "+33798765431",
        "zorglubette@example.net",
        "0698765432",
    ] {
        needles.push(v.to_owned());
        needles.push(data_encoding::HEXUPPER.encode(v.as_bytes()));
        needles.push(data_encoding::HEXLOWER.encode(v.as_bytes()));
    }
    needles.push(cipher.blind_index("phone", "+33698765432"));
    needles.push(cipher.blind_index("name", "zorglubette quaxxiliane"));
    needles.push(cipher.blind_index("last_name", "quaxxiliane"));
    let tables = dump(&s).await;
    assert!(
        tables.len() > 20,
        "the scan read the tables: {}",
        tables.len()
    );
    for (t, v) in tables {
        for n in &needles {
            assert!(!v.contains(n.as_str()), "table {t} still holds {n}");
        }
    }
    // Sealed copies too: the development outbox no longer holds the messages.
    let (_, outbox) = s.get("/api/v1/dev-outbox", &a.admin.token).await;
    assert!(!outbox.to_string().contains("+33798765431"), "{outbox}");
    assert!(!outbox.to_string().contains("zorglubette"), "{outbox}");
    // The future appointment is withdrawn and nothing more will be sent.
    let (_, n) = s
        .get(
            &format!(
                "/api/v1/appointments/{}/notifications",
                ap["id"].as_str().unwrap()
            ),
            c,
        )
        .await;
    assert!(
        !n.as_array().unwrap().is_empty(),
        "the appointment had its messages: {n}"
    );
    for job in n.as_array().unwrap() {
        assert!(
            ["sent", "cancelled"].contains(&job["state"].as_str().unwrap()),
            "{job}"
        );
    }
    let (_, now_ap) = s
        .get(
            &format!("/api/v1/appointments/{}", ap["id"].as_str().unwrap()),
            c,
        )
        .await;
    assert_eq!(now_ap["status"], "revoked", "{now_ap}");
    s.stop().await;
}

// §9 — the audit log keeps 12 months and its chain still verifies after pruning.
#[tokio::test]
async fn the_audit_log_keeps_twelve_months_and_still_verifies() {
    use relais_server::audit;
    let s = Server::start().await;
    let _a = org(&s, "Journal").await;
    let db = s.state.db();
    let rows = relais_server::store::entities::audit_log::Entity::find()
        .all(db)
        .await
        .unwrap();
    assert!(rows.len() > 5);
    // Everything so far is "old": prune before a moment just after the third row.
    use sea_orm::EntityTrait;
    let cut = rows[2].at + chrono::Duration::microseconds(1);
    let gone = audit::prune(db, cut).await.unwrap();
    assert_eq!(gone, 3);
    assert!(matches!(
        audit::verify(db).await.unwrap(),
        audit::ChainCheck::Intact { .. }
    ));
    // Someone removing a kept row is still caught.
    let first_kept = rows[3].seq;
    relais_server::store::entities::audit_log::Entity::delete_by_id(first_kept)
        .exec(db)
        .await
        .unwrap();
    assert!(matches!(
        audit::verify(db).await.unwrap(),
        audit::ChainCheck::BrokenAt { .. }
    ));
    s.stop().await;
}

// §7 — an address used in another organisation is not refused, so nothing is learnt of who
// works elsewhere; each person logs into their own organisation.
#[tokio::test]
async fn an_address_used_elsewhere_reveals_nothing() {
    let s = Server::start().await;
    let a = org(&s, "Ici").await;
    let b = org(&s, "Ailleurs").await;
    let shared = "camille.partage@example.org";
    let mk = |admin: String, site: uuid::Uuid, password: &'static str| {
        let s = &s;
        async move {
            s.post(
                "/api/v1/accounts",
                Some(&admin),
                json!({"email": shared, "display_name": "Camille",
                "role": "coordinator", "password": password, "site_ids": [site]}),
            )
            .await
        }
    };
    let (st, x) = mk(a.admin.token.clone(), a.site_id, relais_tests::PASSWORD).await;
    assert_eq!(st, 201, "{x}");
    let (st, y) = mk(
        b.admin.token.clone(),
        b.site_id,
        "une autre phrase de passe 2026",
    )
    .await;
    assert_eq!(st, 201, "the other organisation learns nothing: {y}");
    // Within one organisation the address is still unique.
    let (st, e) = mk(a.admin.token.clone(), a.site_id, relais_tests::PASSWORD).await;
    assert_eq!(st, 409, "{e}");
    // Each logs into their own organisation, by password.
    for (pw, org_id) in [
        (relais_tests::PASSWORD, a.id),
        ("une autre phrase de passe 2026", b.id),
    ] {
        let (st, g) = s
            .post(
                "/api/v1/auth/login",
                None,
                json!({"email": shared, "password": pw}),
            )
            .await;
        assert_eq!(st, 200, "{g}");
        use relais_server::store::entities::session;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        let sess = session::Entity::find()
            .filter(
                session::Column::TokenHash.eq(relais_server::crypto::token_hash(
                    g["token"].as_str().unwrap(),
                )),
            )
            .one(s.state.db())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(sess.organisation_id, org_id);
    }
    // A wrong password counts against both.
    let (st, _) = s
        .post(
            "/api/v1/auth/login",
            None,
            json!({"email": shared, "password": "mauvaise phrase de passe"}),
        )
        .await;
    assert_eq!(st, 401);
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let rows = relais_server::store::entities::account::Entity::find()
        .filter(relais_server::store::entities::account::Column::Email.eq(shared))
        .all(s.state.db())
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert!(
        rows.iter().all(|r| r.failed_logins == 1),
        "{:?}",
        rows.iter().map(|r| r.failed_logins).collect::<Vec<_>>()
    );
    s.stop().await;
}
