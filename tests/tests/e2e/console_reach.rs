//! The file's safe-contact form in the console: what the person said is safe typed at the
//! desk (the hours a line each), refused naming the field and keeping what was typed, counted
//! as checked only when confirmed with the person — a change not confirmed stops written
//! messages — and what makes an SMS invitation possible from the console.

use super::console::send;
use relais_server::web::console::csrf_of;
use relais_tests::{Server, org};
use serde_json::json;

#[tokio::test]
async fn the_safe_contact_is_set_at_the_desk_and_counts_as_checked_only_when_confirmed() {
    let s = Server::start().await;
    let a = org(&s, "Contact sûr").await;
    let (st, r) = s
        .post("/api/v1/referrals", Some(&a.referrer.token), json!({"first_name": "Inès", "last_name": "Sûre", "consent_to_contact": true,
            "kind": "domestic_violence", "person_role": "victim", "document_type": "none", "channel": "gendarmerie", "unit": "Brigade"}))
        .await;
    assert_eq!(st, 201, "{r}");
    let (_, q) = s.get("/api/v1/queue", &a.coordinator.token).await;
    let sid = q[0]["situation_id"].as_str().unwrap().to_owned();
    let (_, sit) = s
        .get(&format!("/api/v1/situations/{sid}"), &a.coordinator.token)
        .await;
    let pid = sit["person_id"].as_str().unwrap().to_owned();
    let token = a.coordinator.token.as_str();
    let csrf = csrf_of(token);
    let path = format!("/console/situations/{sid}/contact-sur");
    let file = send(&s, Some(token), &format!("/console/situations/{sid}"), None).await;
    assert_eq!(file.status, 200);
    assert!(
        file.body.contains("jamais vérifié avec la personne"),
        "{}",
        file.body
    );

    // An hour that cannot be read: refused naming the field, what was typed kept, nothing saved.
    let bad = [
        ("_csrf", csrf.as_str()),
        ("person_id", pid.as_str()),
        ("safe_contact.sms", "true"),
        ("safe_contact.safe_phone", "06 12 34 56 78"),
        ("safe_contact.windows", "lun-ven 10:00-12:00\nfoo 10-12"),
        ("confirmed", "true"),
    ];
    let r = send(&s, Some(token), &path, Some(&bad)).await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(r.body.contains("Ligne 2 : jour inconnu"), "{}", r.body);
    assert!(
        r.body.contains("f-reach-safe-contact-windows") || r.body.contains("safe_contact.windows"),
        "{}",
        r.body
    );
    assert!(r.body.contains("06 12 34 56 78"), "what was typed is kept");
    assert!(
        r.body.contains("<details id=\"reach\" open>"),
        "the refused form is open"
    );
    // SMS without a safe number: refused naming the number.
    let r = send(
        &s,
        Some(token),
        &path,
        Some(&[
            ("_csrf", csrf.as_str()),
            ("person_id", pid.as_str()),
            ("safe_contact.sms", "true"),
        ]),
    )
    .await;
    assert_eq!(r.status, 422, "{}", r.body);
    assert!(
        r.body.contains("Un numéro sûr est nécessaire"),
        "{}",
        r.body
    );
    let (_, p) = s.get(&format!("/api/v1/persons/{pid}"), token).await;
    assert_eq!(p["safe_contact"]["sms"], false, "nothing saved: {p}");

    // Confirmed with the person: saved, checked now.
    let good = [
        ("_csrf", csrf.as_str()),
        ("person_id", pid.as_str()),
        ("safe_contact.phone_call", "true"),
        ("safe_contact.sms", "true"),
        ("safe_contact.safe_phone", "06 12 34 56 78"),
        ("safe_contact.windows", "lun-ven 10:00-12:00\nsam 9h-10h30"),
        ("confirmed", "true"),
    ];
    let r = send(&s, Some(token), &path, Some(&good)).await;
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(
        r.location
            .as_deref()
            .unwrap_or("")
            .ends_with("fait=contact-sur-verifie"),
        "{:?}",
        r.location
    );
    let (_, p) = s.get(&format!("/api/v1/persons/{pid}"), token).await;
    let sc = &p["safe_contact"];
    assert_eq!(sc["safe_phone"], "+33612345678", "{p}");
    assert_eq!(
        sc["windows"],
        json!([{"days": [1, 2, 3, 4, 5], "start": "10:00:00", "end": "12:00:00"},
                                     {"days": [6], "start": "09:00:00", "end": "10:30:00"}]),
        "{p}"
    );
    assert!(sc["checked_at"].is_string(), "{p}");
    let checked = sc["checked_at"].clone();
    // The file shows it back as typed, ready to change.
    let file = send(&s, Some(token), &format!("/console/situations/{sid}"), None).await;
    assert!(
        file.body.contains("lun-ven 10:00-12:00\nsam 09:00-10:30"),
        "{}",
        file.body
    );
    assert!(file.body.contains("vérifié le"), "{}", file.body);

    // Saved again unchanged without the tick: still checked, from the same day.
    let same: Vec<_> = good
        .iter()
        .filter(|(k, _)| *k != "confirmed")
        .copied()
        .collect();
    let r = send(&s, Some(token), &path, Some(&same)).await;
    assert!(
        r.location
            .as_deref()
            .unwrap_or("")
            .ends_with("fait=contact-sur-verifie"),
        "{:?}",
        r.location
    );
    let (_, p) = s.get(&format!("/api/v1/persons/{pid}"), token).await;
    assert_eq!(p["safe_contact"]["checked_at"], checked, "{p}");

    // A new number not confirmed with the person: saved, no longer checked, and an SMS
    // invitation is refused for it.
    let changed: Vec<_> = same
        .iter()
        .map(|&(k, v)| {
            if k == "safe_contact.safe_phone" {
                (k, "06 98 76 54 32")
            } else {
                (k, v)
            }
        })
        .collect();
    let r = send(&s, Some(token), &path, Some(&changed)).await;
    assert!(
        r.location
            .as_deref()
            .unwrap_or("")
            .ends_with("fait=contact-sur-non-verifie"),
        "{:?}",
        r.location
    );
    let (_, p) = s.get(&format!("/api/v1/persons/{pid}"), token).await;
    assert!(p["safe_contact"]["checked_at"].is_null(), "{p}");
    let (st, r) = s
        .post(
            &format!("/api/v1/situations/{sid}/invitations"),
            Some(token),
            json!({"kind": "call_us", "channel": "sms"}),
        )
        .await;
    assert_eq!(st, 409, "{r}");
    // The "no more messages" switch, from the file: on, the file says since when and an
    // invitation is refused; off again, the file no longer says it.
    let switch = format!("/console/situations/{sid}/messages");
    let r = send(
        &s,
        Some(token),
        &switch,
        Some(&[
            ("_csrf", csrf.as_str()),
            ("person_id", pid.as_str()),
            ("stopped", "true"),
        ]),
    )
    .await;
    assert!(
        r.location
            .as_deref()
            .unwrap_or("")
            .ends_with("fait=messages-arretes"),
        "{:?} {}",
        r.location,
        r.body
    );
    let file = send(&s, Some(token), &format!("/console/situations/{sid}"), None).await;
    assert!(
        file.body
            .contains("Aucun message écrit ne part à la personne depuis le"),
        "{}",
        file.body
    );
    assert!(
        file.body.contains("Reprendre les messages"),
        "{}",
        file.body
    );
    let r = send(
        &s,
        Some(token),
        &path,
        Some(&[
            ("_csrf", csrf.as_str()),
            ("person_id", pid.as_str()),
            ("safe_contact.phone_call", "true"),
            ("safe_contact.sms", "true"),
            ("safe_contact.safe_phone", "06 98 76 54 32"),
            ("confirmed", "true"),
        ]),
    )
    .await;
    assert_eq!(r.status, 303, "{}", r.body);
    let (st, r) = s
        .post(
            &format!("/api/v1/situations/{sid}/invitations"),
            Some(token),
            json!({"kind": "call_us", "channel": "sms"}),
        )
        .await;
    assert_eq!(st, 409, "{r}");
    let r = send(
        &s,
        Some(token),
        &switch,
        Some(&[
            ("_csrf", csrf.as_str()),
            ("person_id", pid.as_str()),
            ("stopped", "false"),
        ]),
    )
    .await;
    assert!(
        r.location
            .as_deref()
            .unwrap_or("")
            .ends_with("fait=messages-repris"),
        "{:?}",
        r.location
    );
    let file = send(&s, Some(token), &format!("/console/situations/{sid}"), None).await;
    assert!(
        !file
            .body
            .contains("Aucun message écrit ne part à la personne depuis le")
    );
    assert!(file.body.contains("Ne plus envoyer aucun message"));

    // Another organisation's person does not exist.
    let b = org(&s, "Autre service").await;
    let bt = b.coordinator.token.as_str();
    let r = send(
        &s,
        Some(bt),
        &path,
        Some(&[
            ("_csrf", csrf_of(bt).as_str()),
            ("person_id", pid.as_str()),
            ("safe_contact.letter", "true"),
        ]),
    )
    .await;
    assert!(
        r.status == 404 || r.status == 422,
        "{} {}",
        r.status,
        r.body
    );
    let (_, p) = s.get(&format!("/api/v1/persons/{pid}"), token).await;
    assert_eq!(p["safe_contact"]["letter"], false, "{p}");
    let r = send(
        &s,
        Some(bt),
        &switch,
        Some(&[
            ("_csrf", csrf_of(bt).as_str()),
            ("person_id", pid.as_str()),
            ("stopped", "true"),
        ]),
    )
    .await;
    assert_eq!(r.status, 404, "{}", r.body);
    s.stop().await;
}
