//! The outreach workflow over HTTP: a referral from a referrer to closure, the call-back
//! queue, contact attempts under the safe-contact profile, linked people, walk-ins,
//! anonymous contacts, child reports, orientations, partner units' API keys, retention.

use chrono::{Duration, Utc};
use relais_tests::{Server, org, paris, workday};
use reqwest::Method;
use serde_json::{Value, json};

pub fn referral(last_name: &str) -> Value {
    json!({
        "first_name": "Nadia", "last_name": last_name, "birth_year": 1988, "sex": "female",
        "phone": "06 12 34 56 78",
        "safe_contact": {"phone_call": true, "safe_phone": "06 12 34 56 78",
                         "windows": [{"days": [1,2,3,4,5,6,7], "start": "00:00", "end": "23:59"}],
                         "checked_at": Utc::now().to_rfc3339()},
        "consent_to_contact": true, "kind": "domestic_violence",
        "urgency": {"recent_call_out": true},
        "person_role": "victim", "problems": ["domestic_violence", "housing"],
        "document_type": "complaint", "channel": "gendarmerie",
        "unit": "Brigade de Villefontaine", "note": "Intervention au domicile, VIOLETTE",
        "external_ref": format!("BR-{last_name}")
    })
}

fn status_keys(v: &Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

async fn referrer_status(s: &Server, token: &str, id: &str) -> String {
    let (st, r) = s.get(&format!("/api/v1/referrals/{id}"), token).await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(
        status_keys(&r),
        ["external_ref", "id", "status", "submitted_at", "unit"],
        "a referrer sees a status and nothing else"
    );
    r["status"].as_str().unwrap().to_owned()
}

async fn ev(s: &Server, token: &str, id: &str, body: Value) -> (u16, Value) {
    s.post(
        &format!("/api/v1/situations/{id}/events"),
        Some(token),
        body,
    )
    .await
}

#[tokio::test]
async fn a_referral_travels_from_the_brigade_to_closure_and_the_referrer_sees_only_statuses() {
    let s = Server::start().await;
    let a = org(&s, "Parcours").await;
    let c = a.coordinator.token.as_str();
    let r = a.referrer.token.as_str();

    // The gendarme hands the situation over.
    let (st, sent) = s
        .post("/api/v1/referrals", Some(r), referral("Parcours"))
        .await;
    assert_eq!(st, 201, "{sent}");
    assert_eq!(
        status_keys(&sent),
        ["external_ref", "id", "status", "submitted_at", "unit"]
    );
    assert_eq!(sent["status"], "received");
    let id = sent["id"].as_str().unwrap().to_owned();
    // Sent twice by mistake: the same referral, not a duplicate.
    let (st, again) = s
        .post("/api/v1/referrals", Some(r), referral("Parcours"))
        .await;
    assert_eq!(st, 200, "{again}");
    assert_eq!(again["id"], id.as_str());
    // The referrer reads nothing else.
    for path in [
        format!("/api/v1/situations/{id}"),
        "/api/v1/situations".to_owned(),
        "/api/v1/queue".to_owned(),
        "/api/v1/persons".to_owned(),
        "/api/v1/report?from=2026-01-01&to=2026-12-31".to_owned(),
    ] {
        let (st, _) = s.get(&path, r).await;
        assert_eq!(st, 403, "{path}");
    }

    // The coordinator's queue: the new referral, initials only, one working day.
    let (st, q) = s.get("/api/v1/queue", c).await;
    assert_eq!(st, 200, "{q}");
    let line = q
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["situation_id"] == id.as_str())
        .unwrap()
        .clone();
    assert_eq!(line["person_initials"], "N. P.");
    assert_eq!(line["priority"], "one_working_day");
    // What the referrer said of safe contact is declared, not checked (issue 10 §3).
    assert_eq!(line["safe_contact_stale"], true);
    assert!(!q.to_string().contains("Parcours"), "{q}");
    assert!(!q.to_string().contains("VIOLETTE"));

    // Opening it is audited; the note is there for the coordinator.
    let (st, sit) = s.get(&format!("/api/v1/situations/{id}"), c).await;
    assert_eq!(st, 200, "{sit}");
    assert_eq!(sit["state"], "received");
    assert_eq!(sit["note"], "Intervention au domicile, VIOLETTE");
    assert_eq!(sit["channel"], "gendarmerie");
    assert_eq!(sit["initiative"], "third_party");
    let (_, audit) = s.get("/api/v1/audit", &a.admin.token).await;
    assert!(
        audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "situation_read" && e["record_id"] == id.as_str()),
        "opening the situation is audited"
    );

    // First attempt: no answer. Calling starts the contacting phase.
    let (st, a1) = s
        .post(
            &format!("/api/v1/situations/{id}/attempts"),
            Some(c),
            json!({"channel": "call", "result": "no_answer"}),
        )
        .await;
    assert_eq!(st, 201, "{a1}");
    assert_eq!(a1["situation"]["state"], "contacting");
    assert_eq!(a1["situation"]["advice"]["advice"], "try_again");
    assert_eq!(referrer_status(&s, r, &id).await, "received");
    // The attempt is audited against the situation it was logged on.
    let (_, audit) = s.get("/api/v1/audit?limit=200", &a.admin.token).await;
    let logged: Vec<&Value> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "attempt_logged")
        .collect();
    assert!(!logged.is_empty(), "{audit}");
    assert!(
        logged
            .iter()
            .all(|e| e["record_type"] == "situation" && e["record_id"] == id.as_str()),
        "{logged:?}"
    );

    // Second attempt: answered; the person asks to be called back later today.
    let (st, a2) = s
        .post(
            &format!("/api/v1/situations/{id}/attempts"),
            Some(c),
            json!({"channel": "call", "result": "answered", "note": "Rappeler après 17 h"}),
        )
        .await;
    assert_eq!(st, 201, "{a2}");
    assert_eq!(a2["situation"]["advice"]["advice"], "reached");
    assert!(a2["situation"]["first_contact_at"].is_string());
    assert_eq!(referrer_status(&s, r, &id).await, "contact_made");
    let version = a2["situation"]["version"].as_i64().unwrap();

    // A callback window that opens in an hour: calling now is refused.
    let later = Utc::now() + Duration::hours(1);
    let (st, cb) = ev(
        &s,
        c,
        &id,
        json!({"event": "schedule_callback", "version": version,
               "callback": {"start": later.to_rfc3339(), "end": (later + Duration::hours(2)).to_rfc3339()}}),
    )
    .await;
    assert_eq!(st, 200, "{cb}");
    assert_eq!(cb["state"], "callback_scheduled");
    let (st, e) = s
        .post(
            &format!("/api/v1/situations/{id}/attempts"),
            Some(c),
            json!({"channel": "call", "result": "answered"}),
        )
        .await;
    assert_eq!(st, 409, "{e}");
    assert_eq!(
        e["type"],
        "https://relais.invalid/problems/outside_callback_window"
    );
    // The person then calls in: the window moves to now, and the call is logged in it.
    let now = Utc::now() - Duration::minutes(1);
    let (st, cb) = ev(
        &s,
        c,
        &id,
        json!({"event": "schedule_callback", "version": cb["version"],
               "callback": {"start": now.to_rfc3339(), "end": (now + Duration::hours(1)).to_rfc3339()}}),
    )
    .await;
    assert_eq!(st, 200, "{cb}");
    let (st, _) = s
        .post(
            &format!("/api/v1/situations/{id}/attempts"),
            Some(c),
            json!({"channel": "call", "result": "answered", "note": "RDV accepté"}),
        )
        .await;
    assert_eq!(st, 201);
    let (_, sit) = s.get(&format!("/api/v1/situations/{id}"), c).await;
    assert_eq!(sit["attempts"].as_array().unwrap().len(), 3);
    assert_eq!(sit["attempts"][1]["note"], "Rappeler après 17 h");

    // An appointment, then the situation says so.
    let day = workday(3);
    let (st, appt) = s
        .post(
            "/api/v1/appointments",
            Some(c),
            json!({"type_id": a.type_id, "site_id": a.site_id, "coordinator_id": a.coordinator.account_id,
                   "person_id": sit["person_id"], "start": paris(day, 14, 0)}),
        )
        .await;
    assert_eq!(st, 201, "{appt}");
    let (st, set) = ev(
        &s,
        c,
        &id,
        json!({"event": "set_appointment", "version": sit["version"], "appointment_id": appt["id"]}),
    )
    .await;
    assert_eq!(st, 200, "{set}");
    assert_eq!(set["state"], "appointment_set");
    // Someone else's appointment is refused, naming the field.
    let (st, e) = ev(
        &s,
        c,
        &id,
        json!({"event": "set_appointment", "version": set["version"], "appointment_id": a.appointment_id}),
    )
    .await;
    assert_eq!(st, 409, "{e}");
    assert_eq!(e["errors"][0]["field"], "appointment_id");

    // The interview is held: assessment.
    let (st, iv) = s
        .post(
            &format!("/api/v1/situations/{id}/interviews"),
            Some(c),
            json!({"mode": "in_person", "duration_minutes": 45, "note": "Écoute"}),
        )
        .await;
    assert_eq!(st, 201, "{iv}");
    let (_, sit) = s.get(&format!("/api/v1/situations/{id}"), c).await;
    assert_eq!(sit["state"], "assessment");

    // Orientation to the CIDFF, with consent, accepted, handed over.
    let (st, partner) = s
        .post(
            "/api/v1/partners",
            Some(&a.admin.token),
            json!({"name": "CIDFF de l'Isère", "kind": "cidff", "contact": "04 00 00 00 00"}),
        )
        .await;
    assert_eq!(st, 201, "{partner}");
    let (st, o) = s
        .post(
            &format!("/api/v1/situations/{id}/orientations"),
            Some(c),
            json!({"partner_id": partner["id"], "consent": true}),
        )
        .await;
    assert_eq!(st, 201, "{o}");
    assert_eq!(o["status"], "proposed");
    let oid = o["id"].as_str().unwrap();
    // Handed over before being accepted: 409 naming the current status and what it allows.
    let (st, e) = s
        .post(
            &format!("/api/v1/orientations/{oid}/status"),
            Some(c),
            json!({"status": "handed_over"}),
        )
        .await;
    assert_eq!(st, 409, "{e}");
    assert_eq!(e["current_state"], "proposed");
    assert_eq!(e["allowed"], json!(["accepted", "refused"]));
    for to in ["accepted", "handed_over"] {
        let (st, o) = s
            .post(
                &format!("/api/v1/orientations/{oid}/status"),
                Some(c),
                json!({"status": to}),
            )
            .await;
        assert_eq!(st, 200, "{o}");
        assert_eq!(o["status"], to);
    }
    assert_eq!(referrer_status(&s, r, &id).await, "contact_made");

    // Closed: handed over.
    let (_, sit) = s.get(&format!("/api/v1/situations/{id}"), c).await;
    assert_eq!(sit["state"], "orientation");
    let (st, e) = ev(
        &s,
        c,
        &id,
        json!({"event": "close", "version": sit["version"]}),
    )
    .await;
    assert_eq!(st, 422, "a reason is required: {e}");
    assert_eq!(e["errors"][0]["field"], "close_reason");
    let (st, closed) = ev(
        &s,
        c,
        &id,
        json!({"event": "close", "version": sit["version"], "close_reason": "handed_over"}),
    )
    .await;
    assert_eq!(st, 200, "{closed}");
    assert_eq!(closed["state"], "closed");
    assert_eq!(closed["allowed_events"], json!([]));
    assert_eq!(referrer_status(&s, r, &id).await, "closed");
    let states: Vec<&str> = closed["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["to_state"].as_str().unwrap())
        .collect();
    assert_eq!(
        states,
        [
            "contacting",
            "callback_scheduled",
            "callback_scheduled",
            "appointment_set",
            "assessment",
            "orientation",
            "closed"
        ]
    );
    // Out of the queue; the referrer's list shows the one referral, closed.
    let (_, q) = s.get("/api/v1/queue", c).await;
    assert!(!q.to_string().contains(&id));
    let (_, mine) = s.get("/api/v1/referrals", r).await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["status"], "closed");

    // Reopening creates a new linked situation.
    let (st, re) = s
        .post(
            &format!("/api/v1/situations/{id}/reopen"),
            Some(c),
            json!({}),
        )
        .await;
    assert_eq!(st, 201, "{re}");
    assert_eq!(re["reopened_from"], id.as_str());
    assert_eq!(re["state"], "received");
    assert_ne!(re["id"], id.as_str());
    s.stop().await;
}

#[tokio::test]
async fn invalid_transitions_and_stale_versions_get_409_naming_the_state() {
    let s = Server::start().await;
    let a = org(&s, "Transitions").await;
    let c = a.coordinator.token.as_str();
    let (st, sit) = s
        .post(
            "/api/v1/situations",
            Some(c),
            json!({"person_id": a.person_id, "kind": "child_in_danger", "channel": "gendarmerie",
                   "initiative": "own_initiative", "person_role": "relative", "problems": ["child_protection"]}),
        )
        .await;
    assert_eq!(st, 201, "{sit}");
    assert_eq!(sit["priority"], "immediate");
    assert_eq!(sit["due_at"], sit["received_at"]);
    let id = sit["id"].as_str().unwrap();
    let (st, e) = ev(&s, c, id, json!({"event": "orient", "version": 1})).await;
    assert_eq!(st, 409, "{e}");
    assert_eq!(
        e["type"],
        "https://relais.invalid/problems/invalid_transition"
    );
    assert_eq!(e["current_state"], "received");
    assert_eq!(
        e["allowed"],
        json!(["acknowledge", "qualify", "interview", "close"])
    );
    let (st, ok) = ev(&s, c, id, json!({"event": "acknowledge", "version": 1})).await;
    assert_eq!(st, 200, "{ok}");
    assert_eq!(ok["state"], "to_qualify");
    // The same version again: stale.
    let (st, e) = ev(&s, c, id, json!({"event": "qualify", "version": 1})).await;
    assert_eq!(st, 409, "{e}");
    assert_eq!(e["type"], "https://relais.invalid/problems/stale_version");
    // Unknown event and bad callback: 4xx naming the field.
    let (st, e) = ev(&s, c, id, json!({"event": "teleport", "version": 2})).await;
    assert_eq!(st, 422, "{e}");
    assert_eq!(e["errors"][0]["field"], "event");
    let (st, _) = ev(&s, c, id, json!({"event": "qualify", "version": 2})).await;
    assert_eq!(st, 200);
    let (st, e) = ev(
        &s,
        c,
        id,
        json!({"event": "schedule_callback", "version": 3,
               "callback": {"start": "2030-01-02T10:00:00Z", "end": "2030-01-01T10:00:00Z"}}),
    )
    .await;
    assert_eq!(st, 422, "{e}");
    assert_eq!(e["errors"][0]["field"], "callback.end");
    // Closed: every event is refused, with an empty list of allowed ones.
    let (st, _) = ev(
        &s,
        c,
        id,
        json!({"event": "close", "version": 3, "close_reason": "out_of_scope"}),
    )
    .await;
    assert_eq!(st, 200);
    let (st, e) = ev(&s, c, id, json!({"event": "qualify", "version": 4})).await;
    assert_eq!(st, 409);
    assert_eq!(e["current_state"], "closed");
    assert_eq!(e["allowed"], json!([]));
    let (st, e) = s
        .post(
            &format!("/api/v1/situations/{id}/attempts"),
            Some(c),
            json!({"channel": "call", "result": "no_answer"}),
        )
        .await;
    assert_eq!(st, 409, "{e}");
    s.stop().await;
}

#[tokio::test]
async fn written_contact_needs_a_safe_contact_profile_that_allows_it() {
    let s = Server::start().await;
    let a = org(&s, "Contact sûr").await;
    let c = a.coordinator.token.as_str();
    // The fixture's person has no safe-contact profile at all.
    let (st, sit) = s
        .post(
            "/api/v1/situations",
            Some(c),
            json!({"person_id": a.person_id, "kind": "domestic_violence", "channel": "police_nationale",
                   "initiative": "third_party", "person_role": "victim"}),
        )
        .await;
    assert_eq!(st, 201);
    let id = sit["id"].as_str().unwrap();
    let attempt = |channel: &'static str| {
        let s = &s;
        async move {
            s.post(
                &format!("/api/v1/situations/{id}/attempts"),
                Some(c),
                json!({"channel": channel, "result": "no_answer"}),
            )
            .await
        }
    };
    for ch in ["sms", "email", "letter"] {
        let (st, e) = attempt(ch).await;
        assert_eq!(st, 409, "{ch}: {e}");
        assert_eq!(e["type"], "https://relais.invalid/problems/unsafe_channel");
        assert_eq!(e["errors"][0]["field"], "channel");
    }
    // A first call on the number the police gave is how contact starts.
    let (st, _) = attempt("call").await;
    assert_eq!(st, 201);
    // The person sets a profile: SMS yes, calls no.
    let (_, p) = s.get(&format!("/api/v1/persons/{}", a.person_id), c).await;
    let mut body = json!({"first_name": p["first_name"], "last_name": p["last_name"], "phone": p["phone"],
        "safe_contact": {"sms": true, "phone_call": false, "safe_phone": "07 55 44 33 22", "checked_at": Utc::now().to_rfc3339()}});
    let (st, _) = s
        .call(
            Method::PUT,
            &format!("/api/v1/persons/{}", a.person_id),
            Some(c),
            Some(body.clone()),
        )
        .await;
    assert_eq!(st, 200);
    assert_eq!(attempt("sms").await.0, 201);
    assert_eq!(attempt("email").await.0, 409);
    let (st, e) = attempt("call").await;
    assert_eq!(st, 409, "once a profile is set, calls follow it: {e}");
    // A profile checked 31 days ago is flagged stale on the queue.
    body["safe_contact"]["checked_at"] = json!((Utc::now() - Duration::days(31)).to_rfc3339());
    let (st, _) = s
        .call(
            Method::PUT,
            &format!("/api/v1/persons/{}", a.person_id),
            Some(c),
            Some(body),
        )
        .await;
    assert_eq!(st, 200);
    let (_, q) = s.get("/api/v1/queue", c).await;
    let line = q
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["situation_id"] == id)
        .unwrap();
    assert_eq!(line["safe_contact_stale"], true);
    s.stop().await;
}

#[tokio::test]
async fn three_unsuccessful_attempts_at_varied_times_propose_unreachable() {
    let s = Server::start().await;
    let a = org(&s, "Injoignable").await;
    let c = a.coordinator.token.as_str();
    let (_, sit) = s
        .post(
            "/api/v1/situations",
            Some(c),
            json!({"person_id": a.person_id, "kind": "family_conflict", "channel": "partner",
                   "initiative": "third_party", "person_role": "victim"}),
        )
        .await;
    let id = sit["id"].as_str().unwrap();
    // Three calls logged afterwards (from the phone, offline): two mornings and an afternoon.
    let base = workday(-10);
    let mut last = Value::Null;
    for (d, h) in [(0, 9), (1, 15), (2, 10)] {
        let at =
            chrono::DateTime::parse_from_rfc3339(&paris(base + Duration::days(d), h, 0)).unwrap();
        let (st, r) = s
            .post(
                &format!("/api/v1/situations/{id}/attempts"),
                Some(c),
                json!({"channel": "call", "result": "no_answer", "at": at.to_rfc3339()}),
            )
            .await;
        assert_eq!(st, 201, "{r}");
        last = r;
    }
    assert_eq!(last["situation"]["advice"]["advice"], "propose_unreachable");
    assert_eq!(last["situation"]["advice"]["attempts"], 3);
    // A time in the future, or too old, is refused naming the field.
    for at in [
        Utc::now() + Duration::hours(2),
        Utc::now() - Duration::days(40),
    ] {
        let (st, e) = s
            .post(
                &format!("/api/v1/situations/{id}/attempts"),
                Some(c),
                json!({"channel": "call", "result": "no_answer", "at": at.to_rfc3339()}),
            )
            .await;
        assert_eq!(st, 409, "{e}");
        assert_eq!(e["errors"][0]["field"], "at");
    }
    s.stop().await;
}

#[tokio::test]
async fn linked_people_see_each_other_by_initials_only_and_are_never_booked_together() {
    let s = Server::start().await;
    let a = org(&s, "Liens").await;
    let c = a.coordinator.token.as_str();
    let (st, author) = s
        .post(
            "/api/v1/persons",
            Some(c),
            json!({"first_name": "Bruno", "last_name": "Sévère", "phone": "06 99 88 77 66",
                   "address": "3 rue des Acacias", "email": "bruno@example.net"}),
        )
        .await;
    assert_eq!(st, 201);
    let victim = a.person_id.to_string();
    let author_id = author["id"].as_str().unwrap();
    let (st, l) = s
        .post(
            &format!("/api/v1/persons/{victim}/links"),
            Some(c),
            json!({"other_person_id": author_id, "relation": "victim_alleged_perpetrator"}),
        )
        .await;
    assert_eq!(st, 201, "{l}");
    assert_eq!(l["keep_apart"], true);
    assert_eq!(l["other_initials"], "B. S.");
    // Each file shows the link, never the other's details.
    for (me, other) in [(victim.as_str(), author_id), (author_id, victim.as_str())] {
        let (st, links) = s.get(&format!("/api/v1/persons/{me}/links"), c).await;
        assert_eq!(st, 200);
        assert_eq!(links[0]["other_person_id"], other);
        let (_, file) = s.get(&format!("/api/v1/persons/{me}"), c).await;
        let text = format!("{links}{file}");
        let theirs: &[&str] = if me == victim {
            &["Sévère", "+33699887766", "Acacias", "bruno@example.net"]
        } else {
            &["Camille", "+33611223344"]
        };
        for secret in theirs {
            assert!(!text.contains(secret), "{secret} leaked into {me}'s file");
        }
    }
    // The victim is booked in the morning (fixture, 09:00 at the site, day+7).
    let day = relais_tests::fixture_day(&s, &a).await;
    let book = |h: u32| {
        json!({"type_id": a.type_id, "site_id": a.site_id, "coordinator_id": a.coordinator.account_id,
               "person_id": author_id, "start": paris(day, h, 0)})
    };
    let (st, e) = s.post("/api/v1/appointments", Some(c), book(11)).await;
    assert_eq!(st, 409, "{e}");
    assert_eq!(
        e["type"],
        "https://relais.invalid/problems/linked_party_same_half_day"
    );
    assert!(!e.to_string().contains("Camille"));
    let (st, ok) = s.post("/api/v1/appointments", Some(c), book(14)).await;
    assert_eq!(st, 201, "the afternoon is another half-day: {ok}");
    // Moving the afternoon one into the morning is refused too.
    let (st, e) = s
        .post(
            &format!("/api/v1/appointments/{}/move", ok["id"].as_str().unwrap()),
            Some(c),
            json!({"start": paris(day, 10, 0), "version": ok["version"]}),
        )
        .await;
    assert_eq!(st, 409, "{e}");
    // A parent and child may come together.
    let (_, child) = s
        .post(
            "/api/v1/persons",
            Some(c),
            json!({"first_name": "Lou", "last_name": "Enfant", "birth_year": 2016}),
        )
        .await;
    let (st, l) = s
        .post(
            &format!("/api/v1/persons/{victim}/links"),
            Some(c),
            json!({"other_person_id": child["id"], "relation": "parent_child"}),
        )
        .await;
    assert_eq!(st, 201);
    assert_eq!(l["keep_apart"], false);
    let (st, e) = s
        .post(
            &format!("/api/v1/persons/{victim}/links"),
            Some(c),
            json!({"other_person_id": victim, "relation": "family"}),
        )
        .await;
    assert_eq!(st, 422, "{e}");
    s.stop().await;
}

#[tokio::test]
async fn walk_ins_anonymous_contacts_and_child_reports_record_the_minimum() {
    let s = Server::start().await;
    let a = org(&s, "Accueil").await;
    let c = a.coordinator.token.as_str();
    let (st, w) = s
        .post(
            "/api/v1/walk-ins",
            Some(c),
            json!({"first_name": "Sarah", "kind": "domestic_violence", "person_role": "victim",
                   "urgency": {"danger": true}, "note": "Arrivée en pleurs"}),
        )
        .await;
    assert_eq!(st, 201, "{w}");
    assert_eq!(w["situation"]["state"], "assessment");
    assert_eq!(w["situation"]["channel"], "walk_in");
    assert_eq!(w["situation"]["priority"], "immediate");
    assert_eq!(w["interview"]["mode"], "in_person");
    let sid = w["situation"]["id"].as_str().unwrap();
    // A child-in-danger report: date and recipient; content is refused.
    let today = chrono::Utc::now().date_naive();
    let (st, e) = s
        .post(
            &format!("/api/v1/situations/{sid}/child-reports"),
            Some(c),
            json!({"reported_on": today, "recipient": "crip", "content": "détails"}),
        )
        .await;
    assert_eq!(st, 422, "{e}");
    let (st, cr) = s
        .post(
            &format!("/api/v1/situations/{sid}/child-reports"),
            Some(c),
            json!({"reported_on": today - Duration::days(1), "recipient": "prosecutor"}),
        )
        .await;
    assert_eq!(st, 201, "{cr}");
    let (st, e) = s
        .post(
            &format!("/api/v1/situations/{sid}/child-reports"),
            Some(c),
            json!({"reported_on": today + Duration::days(3), "recipient": "crip"}),
        )
        .await;
    assert_eq!(st, 409, "{e}");
    assert_eq!(e["errors"][0]["field"], "reported_on");
    // Anonymous: statistics only, no identity accepted.
    let (st, e) = s
        .post(
            "/api/v1/anonymous-contacts",
            Some(c),
            json!({"channel": "phone", "action": "listening", "first_name": "X"}),
        )
        .await;
    assert_eq!(st, 422, "{e}");
    let (st, an) = s
        .post(
            "/api/v1/anonymous-contacts",
            Some(c),
            json!({"channel": "phone", "sex": "female", "age_band": "from_26_to_40",
                   "problems": ["domestic_violence"], "action": "information"}),
        )
        .await;
    assert_eq!(st, 201, "{an}");
    // An orientation without consent needs a reason, and is audited as an override.
    let (_, partner) = s
        .post(
            "/api/v1/partners",
            Some(&a.admin.token),
            json!({"name": "CRIP 38", "kind": "child_protection"}),
        )
        .await;
    let (st, e) = s
        .post(
            &format!("/api/v1/situations/{sid}/orientations"),
            Some(c),
            json!({"partner_id": partner["id"], "consent": false}),
        )
        .await;
    assert_eq!(st, 422, "{e}");
    assert_eq!(e["errors"][0]["field"], "override_reason");
    let (st, o) = s
        .post(
            &format!("/api/v1/situations/{sid}/orientations"),
            Some(c),
            json!({"partner_id": partner["id"], "consent": false, "override_reason": "Enfant en danger immédiat"}),
        )
        .await;
    assert_eq!(st, 201, "{o}");
    assert_eq!(o["overridden"], true);
    let (_, audit) = s.get("/api/v1/audit", &a.admin.token).await;
    assert!(audit.to_string().contains("orientation_override"));
    assert!(!audit.to_string().contains("Enfant en danger"));
    // Partners are managed by admins only.
    let (st, _) = s
        .post(
            "/api/v1/partners",
            Some(c),
            json!({"name": "X", "kind": "health"}),
        )
        .await;
    assert_eq!(st, 403);
    s.stop().await;
}

#[tokio::test]
async fn partner_units_send_referrals_with_their_own_key_and_see_only_statuses() {
    let s = Server::start().await;
    let a = org(&s, "Unités").await;
    let b = org(&s, "Ailleurs").await;
    let (st, unit) = s
        .post(
            "/api/v1/partner-units",
            Some(&a.admin.token),
            json!({"name": "Commissariat de Chalon", "channel": "police_nationale"}),
        )
        .await;
    assert_eq!(st, 201, "{unit}");
    let key = unit["api_key"].as_str().unwrap().to_owned();
    let (_, units) = s.get("/api/v1/partner-units", &a.admin.token).await;
    assert!(units[0]["api_key"].is_null(), "the key is shown once");
    let send = |key: String, body: Value| {
        let s = &s;
        async move {
            let res = s
                .http
                .post(format!("{}/api/v1/partner/referrals", s.base))
                .header("authorization", format!("ApiKey {key}"))
                .json(&body)
                .send()
                .await
                .unwrap();
            let st = res.status().as_u16();
            (st, res.json::<Value>().await.unwrap())
        }
    };
    let mut body = referral("Logiciel");
    body.as_object_mut().unwrap().remove("channel");
    body.as_object_mut().unwrap().remove("unit");
    let (st, r) = send(key.clone(), body.clone()).await;
    assert_eq!(st, 201, "{r}");
    assert_eq!(r["unit"], "Commissariat de Chalon");
    let rid = r["id"].as_str().unwrap().to_owned();
    let status = |key: String, id: String| {
        let s = &s;
        async move {
            let res = s
                .http
                .get(format!("{}/api/v1/partner/referrals/{id}", s.base))
                .header("authorization", format!("ApiKey {key}"))
                .send()
                .await
                .unwrap();
            let st = res.status().as_u16();
            (st, res.json::<Value>().await.unwrap())
        }
    };
    let (st, r) = status(key.clone(), rid.clone()).await;
    assert_eq!(st, 200);
    assert_eq!(r["status"], "received");
    assert_eq!(
        status_keys(&r),
        ["external_ref", "id", "status", "submitted_at", "unit"]
    );
    // The coordinator sees it with the unit's channel.
    let (_, sit) = s
        .get(&format!("/api/v1/situations/{rid}"), &a.coordinator.token)
        .await;
    assert_eq!(sit["channel"], "police_nationale");
    // Another organisation's staff see nothing of it.
    let (st, _) = s
        .get(&format!("/api/v1/situations/{rid}"), &b.coordinator.token)
        .await;
    assert_eq!(st, 404);
    let (st, _) = s
        .get(&format!("/api/v1/referrals/{rid}"), &b.referrer.token)
        .await;
    assert_eq!(st, 404);
    // ... nor does a referrer of the same organisation who did not send it.
    let (st, _) = s
        .get(&format!("/api/v1/referrals/{rid}"), &a.referrer.token)
        .await;
    assert_eq!(st, 404);
    // Another unit's key cannot read it; a wrong or revoked key is 401.
    let (_, other) = s
        .post(
            "/api/v1/partner-units",
            Some(&a.admin.token),
            json!({"name": "Brigade de Tournus", "channel": "gendarmerie"}),
        )
        .await;
    let (st, _) = status(other["api_key"].as_str().unwrap().to_owned(), rid.clone()).await;
    assert_eq!(st, 404);
    let (st, e) = send("rk_wrong".into(), body.clone()).await;
    assert_eq!(st, 401, "{e}");
    let (st, _) = s
        .call(
            Method::DELETE,
            &format!("/api/v1/partner-units/{}", unit["id"].as_str().unwrap()),
            Some(&a.admin.token),
            None,
        )
        .await;
    assert_eq!(st, 204);
    let (st, _) = send(key.clone(), body).await;
    assert_eq!(st, 401);
    // Bad input from software gets the field named.
    let (st, e) = send(
        other["api_key"].as_str().unwrap().to_owned(),
        json!({"first_name": "A", "last_name": "B", "consent_to_contact": "yes"}),
    )
    .await;
    assert_eq!(st, 422, "{e}");
    assert_eq!(e["errors"][0]["field"], "consent_to_contact");
    // A coordinator cannot create units.
    let (st, _) = s
        .post(
            "/api/v1/partner-units",
            Some(&a.coordinator.token),
            json!({"name": "X", "channel": "partner"}),
        )
        .await;
    assert_eq!(st, 403);
    s.stop().await;
}
