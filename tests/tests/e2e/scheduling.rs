//! Scheduling over HTTP: no double booking under concurrency, idempotent retries, slots,
//! moves and cancellations with history, DST, agendas and the iCalendar feed, bad input.

use relais_tests::{Org, Server, org, paris, workday};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

async fn new_type(s: &Server, o: &Org, minutes: i32, buffer_after: i32) -> Uuid {
    let (st, ty) = s
        .post(
            "/api/v1/appointment-types",
            Some(&o.admin.token),
            json!({"name": format!("T{minutes}"), "public_label": "Rendez-vous", "duration_minutes": minutes, "step_minutes": 30,
                   "buffer_after_minutes": buffer_after, "place_kind": "site", "bookable_by": "staff"}),
        )
        .await;
    assert_eq!(st, 201, "{ty}");
    ty["id"].as_str().unwrap().parse().unwrap()
}

fn booking(o: &Org, type_id: Uuid, start: &str) -> Value {
    json!({"type_id": type_id, "site_id": o.site_id, "coordinator_id": o.coordinator.account_id, "person_id": o.person_id, "start": start})
}

/// Fires all `bodies` at once; returns the statuses.
async fn race(s: &std::sync::Arc<Server>, token: &str, bodies: Vec<Value>) -> Vec<(u16, Value)> {
    let tasks: Vec<_> = bodies
        .into_iter()
        .map(|b| {
            let s = s.clone();
            let t = token.to_owned();
            tokio::spawn(async move { s.post("/api/v1/appointments", Some(&t), b).await })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

#[tokio::test]
async fn fifty_concurrent_bookings_of_one_slot_make_exactly_one_appointment() {
    let s = std::sync::Arc::new(Server::start().await);
    let o = org(&s, "Concurrence").await;
    let day = workday(14);
    let results = race(
        &s,
        &o.coordinator.token,
        (0..50)
            .map(|_| booking(&o, o.type_id, &paris(day, 10, 0)))
            .collect(),
    )
    .await;
    let ok = results.iter().filter(|(st, _)| *st == 201).count();
    let conflicts: Vec<&Value> = results
        .iter()
        .filter(|(st, _)| *st == 409)
        .map(|(_, b)| b)
        .collect();
    assert_eq!(ok, 1, "{results:?}");
    assert_eq!(conflicts.len(), 49, "{results:?}");
    assert!(
        conflicts
            .iter()
            .all(|b| b["status"] == 409 && b["type"].as_str().unwrap().contains("slot_"))
    );

    // Different lengths and buffers: a 60-minute type with a 30-minute buffer after it at
    // 14:00 against 30-minute bookings at 14:30, 15:00 and 15:30, all at once.
    let long = new_type(&s, &o, 60, 30).await;
    let mut bodies = vec![booking(&o, long, &paris(day, 14, 0))];
    for (h, m) in [(14, 30), (15, 0), (15, 30)] {
        bodies.push(booking(&o, o.type_id, &paris(day, h, m)));
    }
    let results = race(&s, &o.coordinator.token, bodies).await;
    let won: Vec<usize> = results
        .iter()
        .enumerate()
        .filter(|(_, (st, _))| *st == 201)
        .map(|(i, _)| i)
        .collect();
    assert!(
        results.iter().all(|(st, _)| *st == 201 || *st == 409),
        "{results:?}"
    );
    // The long one takes 14:00–15:30 with its buffer (half-open, so 15:30 still fits): either
    // it won with 15:30, or it lost and all three short ones fit. Never anything else.
    assert!(
        won == vec![0, 3] || won == vec![1, 2, 3],
        "{won:?}: {results:?}"
    );

    // Cancel, then the slot can be booked again.
    let (_, agenda) = s
        .get(
            &format!(
                "/api/v1/agenda?coordinator_id={}&from={day}",
                o.coordinator.account_id
            ),
            &o.coordinator.token,
        )
        .await;
    let ten = agenda
        .as_array()
        .unwrap()
        .iter()
        .find(|e| {
            e["appointment"]["start"]
                .as_str()
                .unwrap()
                .contains("T10:00")
        })
        .unwrap()["appointment"]
        .clone();
    let (st, c) = s
        .post(
            &format!(
                "/api/v1/appointments/{}/cancel",
                ten["id"].as_str().unwrap()
            ),
            Some(&o.coordinator.token),
            json!({"by": "person", "version": 1}),
        )
        .await;
    assert_eq!((st, c["status"].as_str()), (200, Some("excused")), "{c}");
    let (st, b) = s
        .post(
            "/api/v1/appointments",
            Some(&o.coordinator.token),
            booking(&o, o.type_id, &paris(day, 10, 0)),
        )
        .await;
    assert_eq!(st, 201, "{b}");
    let s = std::sync::Arc::try_unwrap(s).ok().unwrap();
    s.stop().await;
}

#[tokio::test]
async fn an_idempotency_key_returns_the_first_result() {
    let s = Server::start().await;
    let o = org(&s, "Idempotence").await;
    let day = workday(10);
    let body = booking(&o, o.type_id, &paris(day, 11, 0));
    let send = |key: &str, b: Value| {
        s.http
            .post(format!("{}/api/v1/appointments", s.base))
            .bearer_auth(&o.coordinator.token)
            .header("Idempotency-Key", key)
            .json(&b)
            .send()
    };
    let r1 = send("k-1", body.clone()).await.unwrap();
    assert_eq!(r1.status(), 201);
    let b1: Value = r1.json().await.unwrap();
    let r2 = send("k-1", body.clone()).await.unwrap();
    assert_eq!(r2.status(), 201, "a retry is not a conflict");
    let b2: Value = r2.json().await.unwrap();
    assert_eq!(b1["id"], b2["id"]);
    let r3 = send("k-2", body.clone()).await.unwrap();
    assert_eq!(
        r3.status(),
        409,
        "a new key for the same slot is a real conflict"
    );
    let other = booking(&o, o.type_id, &paris(day, 11, 30));
    let r4 = send("k-1", other).await.unwrap();
    assert_eq!(r4.status(), 422, "a key reused for another request");
    s.stop().await;
}

#[tokio::test]
async fn slots_moves_cancellations_outcomes_and_history() {
    let s = Server::start().await;
    let o = org(&s, "Agenda").await;
    let t = o.coordinator.token.as_str();
    let day = workday(21);
    let q = format!(
        "/api/v1/availability?type_id={}&site_id={}&from={day}&to={day}",
        o.type_id, o.site_id
    );
    let (st, slots) = s.get(&q, t).await;
    assert_eq!(st, 200, "{slots}");
    assert_eq!(
        slots.as_array().unwrap().len(),
        16,
        "09:00–17:00 in half hours"
    );
    assert!(
        slots[0]["start"]
            .as_str()
            .unwrap()
            .ends_with(&paris(day, 9, 0)[19..]),
        "{}",
        slots[0]
    );

    let (st, a) = s
        .post(
            "/api/v1/appointments",
            Some(t),
            booking(&o, o.type_id, &paris(day, 9, 30)),
        )
        .await;
    assert_eq!(st, 201);
    let id = a["id"].as_str().unwrap().to_owned();
    let (_, slots) = s.get(&q, t).await;
    assert_eq!(slots.as_array().unwrap().len(), 15);
    assert!(slots.as_array().unwrap().iter().all(|x| {
        !x["start"]
            .as_str()
            .unwrap()
            .starts_with(&paris(day, 9, 30)[..19])
    }));

    // Outside the opening hours, only an emergency booking goes through, and it is audited.
    let (st, e) = s
        .post(
            "/api/v1/appointments",
            Some(t),
            booking(&o, o.type_id, &paris(day, 19, 0)),
        )
        .await;
    assert_eq!(
        (st, e["errors"][0]["field"].as_str()),
        (409, Some("start")),
        "{e}"
    );
    let mut urgent = booking(&o, o.type_id, &paris(day, 19, 0));
    urgent["emergency_reason"] = json!("Mise à l'abri urgente");
    let (st, e) = s.post("/api/v1/appointments", Some(t), urgent).await;
    assert_eq!((st, e["emergency"].as_bool()), (201, Some(true)), "{e}");
    let (_, audit) = s.get("/api/v1/audit", &o.admin.token).await;
    assert!(audit.to_string().contains("appointment_force_booked"));
    assert!(
        !audit.to_string().contains("abri"),
        "the reason is not in the audit log"
    );

    // Move: the version guards against stale writes.
    let (st, m) = s
        .post(
            &format!("/api/v1/appointments/{id}/move"),
            Some(t),
            json!({"start": paris(day, 14, 0), "version": 1}),
        )
        .await;
    assert_eq!((st, m["version"].as_i64()), (200, Some(2)), "{m}");
    let (st, _) = s
        .post(
            &format!("/api/v1/appointments/{id}/move"),
            Some(t),
            json!({"start": paris(day, 15, 0), "version": 1}),
        )
        .await;
    assert_eq!(st, 409, "stale version");
    let (st, _) = s
        .post(
            "/api/v1/appointments",
            Some(t),
            booking(&o, o.type_id, &paris(day, 15, 0)),
        )
        .await;
    assert_eq!(st, 201);
    let (st, m) = s
        .post(
            &format!("/api/v1/appointments/{id}/move"),
            Some(t),
            json!({"start": paris(day, 15, 0), "version": 2}),
        )
        .await;
    assert_eq!(st, 409, "onto a taken slot: {m}");
    // A future appointment cannot be marked seen; the service cancels with a reason.
    let (st, _) = s
        .post(
            &format!("/api/v1/appointments/{id}/seen"),
            Some(t),
            json!({"version": 2}),
        )
        .await;
    assert_eq!(st, 409);
    let (st, e) = s
        .post(
            &format!("/api/v1/appointments/{id}/cancel"),
            Some(t),
            json!({"by": "service", "version": 2}),
        )
        .await;
    assert_eq!(
        (st, e["errors"][0]["field"].as_str()),
        (422, Some("reason"))
    );
    let (st, c) = s
        .post(
            &format!("/api/v1/appointments/{id}/cancel"),
            Some(t),
            json!({"by": "service", "reason": "Intervenant en formation", "version": 2}),
        )
        .await;
    assert_eq!(
        (st, c["status"].as_str(), c["version"].as_i64()),
        (200, Some("revoked"), Some(3))
    );
    let (st, full) = s.get(&format!("/api/v1/appointments/{id}"), t).await;
    assert_eq!(st, 200);
    let kinds: Vec<&str> = full["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["booked", "moved", "revoked"]);
    assert!(
        !full.to_string().contains("formation"),
        "reasons are sealed and not returned"
    );

    // Agendas: the coordinator's week and the site's day, persons by initials.
    let (st, week) = s
        .get(
            &format!(
                "/api/v1/agenda?coordinator_id={}&from={day}&days=7",
                o.coordinator.account_id
            ),
            t,
        )
        .await;
    assert_eq!(st, 200, "{week}");
    assert!(
        week.as_array()
            .unwrap()
            .iter()
            .all(|e| e["person_initials"][0] == "C. T."),
        "{week}"
    );
    let (st, site_day) = s
        .get(
            &format!("/api/v1/agenda?site_id={}&from={day}", o.site_id),
            t,
        )
        .await;
    assert_eq!(st, 200);
    assert_eq!(
        site_day.as_array().unwrap().len(),
        3,
        "the revoked one, the emergency one and 15:00"
    );
    s.stop().await;
}

#[tokio::test]
async fn daylight_saving_time_through_the_api_and_the_database() {
    let s = Server::start().await;
    let o = org(&s, "Heure d'été").await;
    let t = o.coordinator.token.as_str();
    let (st, site) = s
        .post(
            "/api/v1/sites",
            Some(&o.admin.token),
            json!({"name": "Permanence du dimanche", "address": "Mairie"}),
        )
        .await;
    assert_eq!(st, 201);
    let site_id = site["id"].as_str().unwrap().to_owned();
    // Saturdays and Sundays 14:00–16:00 (afternoon windows shifted by an hour in the anchors).
    let (st, w) = s
        .post("/api/v1/opening-windows", Some(t), json!({"coordinator_id": o.coordinator.account_id, "site_id": site_id, "days": [6, 7], "start": "14:00", "end": "16:00"}))
        .await;
    assert_eq!(st, 201, "{w}");
    let (st, ty) = s
        .post("/api/v1/appointment-types", Some(&o.admin.token), json!({"name": "Long", "public_label": "Rendez-vous", "duration_minutes": 60, "max_horizon_days": 366, "place_kind": "site", "bookable_by": "staff"}))
        .await;
    assert_eq!(st, 201);
    let type_id = ty["id"].as_str().unwrap();
    // The coming changes of clock, whatever today is: the last Sundays of March (forward)
    // and October (back), compared with the Saturday before. Each is tried when it falls
    // inside the type's horizon; in any year one of the two always does.
    let today = relais_tests::paris_today();
    let year = chrono::Datelike::year(&today);
    let mut tried = Vec::new();
    for (month, offset_before, offset_on) in [(3, "+01:00", "+02:00"), (10, "+02:00", "+01:00")] {
        let Some(change) = [year, year + 1]
            .into_iter()
            .map(|y| relais_tests::last_sunday(y, month))
            .find(|d| *d >= today + chrono::Duration::days(3))
        else {
            unreachable!("a last Sunday within two years");
        };
        if change > today + chrono::Duration::days(365) {
            continue;
        }
        tried.push(change);
        let date = change - chrono::Duration::days(1);
        let to = change;
        let (st, slots) = s
            .get(
                &format!(
                    "/api/v1/availability?type_id={type_id}&site_id={site_id}&from={date}&to={to}"
                ),
                t,
            )
            .await;
        assert_eq!(st, 200, "{slots}");
        let starts: Vec<&str> = slots
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["start"].as_str().unwrap())
            .collect();
        assert_eq!(
            starts,
            [
                format!("{date}T14:00:00{offset_before}"),
                format!("{date}T15:00:00{offset_before}"),
                format!("{to}T14:00:00{offset_on}"),
                format!("{to}T15:00:00{offset_on}")
            ],
            "the day before and the day of the change of {to}"
        );
        let (st, a) = s
            .post("/api/v1/appointments", Some(t), json!({"type_id": type_id, "site_id": site_id, "coordinator_id": o.coordinator.account_id, "person_id": o.person_id, "start": starts[2]}))
            .await;
        assert_eq!(st, 201, "{a}");
        let (_, back) = s
            .get(
                &format!("/api/v1/appointments/{}", a["id"].as_str().unwrap()),
                t,
            )
            .await;
        assert_eq!(
            back["start"], starts[2],
            "stored in UTC, shown in the site's local time"
        );
    }
    assert!(!tried.is_empty(), "no change of clock within the horizon");
    // Local times that do not exist or are ambiguous are refused where a date makes them real.
    let spring = relais_tests::last_sunday(year + 1, 3);
    let autumn = relais_tests::last_sunday(year + 1, 10);
    let (st, e) = s
        .post("/api/v1/schedule-exceptions", Some(t), json!({"coordinator_id": o.coordinator.account_id, "site_id": o.site_id, "date": spring, "kind": "extra", "start": "02:30", "end": "05:00"}))
        .await;
    assert_eq!(
        (
            st,
            e["errors"][0]["field"].as_str(),
            e["errors"][0]["code"].as_str()
        ),
        (422, Some("start"), Some("nonexistent_local_time")),
        "{e}"
    );
    let (st, e) = s
        .post("/api/v1/absences", Some(t), json!({"coordinator_id": o.coordinator.account_id, "kind": "one_off", "start_local": format!("{autumn}T02:30:00"), "end_local": format!("{autumn}T09:00:00")}))
        .await;
    assert_eq!(
        (
            st,
            e["errors"][0]["field"].as_str(),
            e["errors"][0]["code"].as_str()
        ),
        (422, Some("start_local"), Some("ambiguous_local_time")),
        "{e}"
    );
    s.stop().await;
}

#[tokio::test]
async fn exceptions_absences_holidays_and_next_available() {
    let s = Server::start().await;
    let o = org(&s, "Fermetures").await;
    let t = o.coordinator.token.as_str();
    let day = workday(30);
    let q = format!(
        "/api/v1/availability?type_id={}&site_id={}&from={day}&to={day}",
        o.type_id, o.site_id
    );
    let (st, _) = s
        .post("/api/v1/absences", Some(t), json!({"coordinator_id": o.coordinator.account_id, "kind": "one_off", "start_local": format!("{day}T09:00:00"), "end_local": format!("{day}T12:00:00")}))
        .await;
    assert_eq!(st, 201);
    let (_, slots) = s.get(&q, t).await;
    assert_eq!(slots.as_array().unwrap().len(), 10, "afternoon only");
    let (st, _) = s.post("/api/v1/schedule-exceptions", Some(t), json!({"coordinator_id": o.coordinator.account_id, "site_id": o.site_id, "date": day, "kind": "closed"})).await;
    assert_eq!(st, 201);
    let (_, slots) = s.get(&q, t).await;
    assert_eq!(slots.as_array().unwrap().len(), 0, "closed");
    let (st, next) = s
        .get(
            &format!(
                "/api/v1/availability/next?type_id={}&site_id={}",
                o.type_id, o.site_id
            ),
            t,
        )
        .await;
    assert_eq!(st, 200);
    assert!(next["start"].is_string(), "{next}");
    let (st, h) = s
        .get("/api/v1/holidays?year=2031&alsace_moselle=true", t)
        .await;
    assert_eq!((st, h.as_array().unwrap().len()), (200, 13));
    s.stop().await;
}

#[tokio::test]
async fn calendar_feed_hides_names_unless_asked_and_can_be_revoked() {
    let s = Server::start().await;
    let o = org(&s, "iCal").await;
    let t = o.coordinator.token.as_str();
    for show in [false, true] {
        let (st, f) = s
            .post(
                "/api/v1/calendar-feeds",
                Some(t),
                json!({"show_names": show}),
            )
            .await;
        assert_eq!(st, 201);
        let path = f["path"].as_str().unwrap();
        let res = s
            .http
            .get(format!("{}{path}", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        assert!(
            res.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/calendar")
        );
        let body = res.text().await.unwrap();
        assert!(
            body.starts_with("BEGIN:VCALENDAR\r\n")
                && body.contains(&format!("UID:{}@relais", o.appointment_id)),
            "{body}"
        );
        assert_eq!(body.contains("C. T."), show, "{body}");
        assert!(!body.contains("Camille") && !body.contains("Témoin"));
        let (st, _) = s
            .call(
                Method::DELETE,
                &format!("/api/v1/calendar-feeds/{}", f["id"].as_str().unwrap()),
                Some(t),
                None,
            )
            .await;
        assert_eq!(st, 204);
        let res = s
            .http
            .get(format!("{}{path}", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "revoked");
    }
    s.stop().await;
}

#[tokio::test]
async fn scheduling_bad_input_names_the_field() {
    let s = Server::start().await;
    let o = org(&s, "Saisie").await;
    let (t, at) = (o.coordinator.token.as_str(), o.admin.token.as_str());
    let day = workday(5);
    let base = format!(
        "/api/v1/availability?type_id={}&site_id={}",
        o.type_id, o.site_id
    );
    for (q, field) in [
        (format!("{base}&from={day}&to=2020-01-01"), "to"),
        (format!("{base}&from=tomorrow&to={day}"), "from"),
        (format!("{base}&from={day}&to=2099-01-01"), "to"),
        (
            format!(
                "/api/v1/availability?type_id=x&site_id={}&from={day}&to={day}",
                o.site_id
            ),
            "type_id",
        ),
        ("/api/v1/holidays?year=abc".to_owned(), "year"),
        (format!("/api/v1/agenda?from={day}"), "coordinator_id"),
        (
            format!("/api/v1/agenda?site_id={}&from={day}&days=40", o.site_id),
            "days",
        ),
    ] {
        let (st, e) = s.get(&q, t).await;
        assert_eq!(st, 400, "{q}: {e}");
        assert_eq!(e["errors"][0]["field"], field, "{q}: {e}");
    }
    // Beyond the type's own horizon: its setting says no (409), naming `from`.
    let far = format!(
        "{base}&from={}&to={}",
        day + chrono::Duration::days(400),
        day + chrono::Duration::days(401)
    );
    let (st, e) = s.get(&far, t).await;
    assert_eq!(
        (st, e["errors"][0]["field"].as_str()),
        (409, Some("from")),
        "{e}"
    );
    let ty = |d: i32| json!({"name": "X", "public_label": "Y", "duration_minutes": d, "place_kind": "site", "bookable_by": "staff"});
    for d in [0, -30, 100_000] {
        let (st, e) = s.post("/api/v1/appointment-types", Some(at), ty(d)).await;
        assert_eq!(
            (st, e["errors"][0]["field"].as_str()),
            (422, Some("duration_minutes")),
            "{e}"
        );
    }
    let window = |days: Value, start: &str, end: &str| json!({"coordinator_id": o.coordinator.account_id, "site_id": o.site_id, "days": days, "start": start, "end": end});
    for (w, status, field) in [
        (window(json!([1]), "10:00", "09:00"), 422, "end"),
        (window(json!([9]), "10:00", "11:00"), 422, "days"),
        (window(json!([1]), "25:00", "10:00"), 422, "start"),
        (window(json!([3]), "16:00", "18:00"), 409, "start"),
    ] {
        let (st, e) = s.post("/api/v1/opening-windows", Some(t), w.clone()).await;
        assert_eq!(
            (st, e["errors"][0]["field"].as_str()),
            (status, Some(field)),
            "{w}: {e}"
        );
    }
    let (st, e) = s
        .post(
            "/api/v1/opening-windows",
            Some(&o.referrer.token),
            window(json!([6]), "10:00", "11:00"),
        )
        .await;
    assert_eq!(st, 403, "{e}");
    let (st, e) = s
        .post("/api/v1/appointments", Some(t), json!({"type_id": o.type_id, "site_id": o.site_id, "coordinator_id": o.coordinator.account_id, "person_id": Uuid::new_v4(), "start": paris(day, 10, 0)}))
        .await;
    assert_eq!(
        (st, e["errors"][0]["field"].as_str()),
        (409, Some("person_id"))
    );
    let (st, e) = s
        .post("/api/v1/appointments", Some(t), json!({"type_id": o.type_id, "site_id": o.site_id, "coordinator_id": o.coordinator.account_id, "person_id": o.person_id, "start": "demain 10h"}))
        .await;
    assert_eq!((st, e["errors"][0]["field"].as_str()), (422, Some("start")));
    // The booking reads raw bytes (for its idempotency hash): the same checks as any body.
    let huge = json!({"type_id": o.type_id, "emergency_reason": "x".repeat(200_000)});
    let (st, e) = s
        .raw(
            Method::POST,
            "/api/v1/appointments",
            t,
            "application/json",
            serde_json::to_vec(&huge).unwrap(),
        )
        .await;
    assert_eq!(
        (st, e["type"].as_str()),
        (
            413,
            Some("https://relais.invalid/problems/payload_too_large")
        ),
        "{e}"
    );
    let (st, _) = s
        .raw(
            Method::POST,
            "/api/v1/appointments",
            t,
            "text/plain",
            b"{}".to_vec(),
        )
        .await;
    assert_eq!(st, 415);
    s.stop().await;
}

#[tokio::test]
async fn the_database_itself_refuses_overlapping_appointments() {
    use sea_orm::{ConnectionTrait, Statement};
    let s = Server::start().await;
    let o = org(&s, "Contrainte").await;
    let db = s.state.db();
    let backend = db.get_database_backend();
    // Copy the fixture's appointment under a new id, bypassing the application entirely.
    let copy = |id: Uuid, shift_minutes: i64| {
        let sql = match backend {
            sea_orm::DatabaseBackend::Postgres => format!(
                "INSERT INTO appointment SELECT '{id}', organisation_id, type_id, site_id, coordinator_id, \
                 starts_at + interval '{shift_minutes} minutes', ends_at + interval '{shift_minutes} minutes', \
                 busy_start + interval '{shift_minutes} minutes', busy_end + interval '{shift_minutes} minutes', \
                 status, version, emergency, reason, created_by, created_at, updated_at, change_seq + 1000, deleted_at \
                 FROM appointment WHERE id = '{}'",
                o.appointment_id
            ),
            // sqlx keeps UUIDs as 16-byte blobs and instants as RFC 3339 text in SQLite.
            _ => format!(
                "INSERT INTO appointment (id, organisation_id, type_id, site_id, coordinator_id, starts_at, ends_at, busy_start, busy_end, \
                 status, version, emergency, reason, created_by, created_at, updated_at, change_seq, deleted_at) \
                 SELECT X'{}', organisation_id, type_id, site_id, coordinator_id, \
                 strftime('%Y-%m-%dT%H:%M:%S+00:00', starts_at, '+{shift_minutes} minutes'), strftime('%Y-%m-%dT%H:%M:%S+00:00', ends_at, '+{shift_minutes} minutes'), \
                 strftime('%Y-%m-%dT%H:%M:%S+00:00', busy_start, '+{shift_minutes} minutes'), strftime('%Y-%m-%dT%H:%M:%S+00:00', busy_end, '+{shift_minutes} minutes'), \
                 status, version, emergency, reason, created_by, created_at, updated_at, change_seq + 1000, deleted_at \
                 FROM appointment WHERE id = X'{}'",
                id.simple(),
                o.appointment_id.simple()
            ),
        };
        Statement::from_string(backend, sql)
    };
    let err = db
        .execute_raw(copy(Uuid::new_v4(), 15))
        .await
        .expect_err("an overlapping row is refused");
    assert!(err.to_string().contains("appointment_no_overlap"), "{err}");
    let r = db
        .execute_raw(copy(Uuid::new_v4(), 30))
        .await
        .expect("the next half hour is free");
    assert_eq!(r.rows_affected(), 1);
    s.stop().await;
}

#[tokio::test]
async fn absences_and_closures_can_be_lifted() {
    let s = Server::start().await;
    let o = org(&s, "Levée").await;
    let t = o.coordinator.token.as_str();
    let day = workday(40);
    let q = format!(
        "/api/v1/availability?type_id={}&site_id={}&from={day}&to={day}",
        o.type_id, o.site_id
    );
    let (_, before) = s.get(&q, t).await;
    let (_, a) = s
        .post("/api/v1/absences", Some(t), json!({"coordinator_id": o.coordinator.account_id, "kind": "recurring", "days": [1,2,3,4,5], "start": "09:00", "end": "13:00"}))
        .await;
    let (_, e) = s.post("/api/v1/schedule-exceptions", Some(t), json!({"coordinator_id": o.coordinator.account_id, "site_id": o.site_id, "date": day, "kind": "closed"})).await;
    let (_, during) = s.get(&q, t).await;
    assert_eq!(during.as_array().unwrap().len(), 0);
    // Another coordinator cannot lift them; the owner can.
    let other = format!("/api/v1/absences/{}", a["id"].as_str().unwrap());
    let (st, _) = s
        .call(Method::DELETE, &other, Some(&o.referrer.token), None)
        .await;
    assert_eq!(st, 403);
    for path in [
        other,
        format!("/api/v1/schedule-exceptions/{}", e["id"].as_str().unwrap()),
    ] {
        let (st, _) = s.call(Method::DELETE, &path, Some(t), None).await;
        assert_eq!(st, 204, "{path}");
        let (st, _) = s.call(Method::DELETE, &path, Some(t), None).await;
        assert_eq!(st, 404, "already gone: {path}");
    }
    let (_, after) = s.get(&q, t).await;
    assert_eq!(after, before);
    s.stop().await;
}

#[tokio::test]
async fn availability_in_runs_with_etags_and_compression() {
    let s = Server::start().await;
    let o = org(&s, "Créneaux compacts").await;
    let t = o.coordinator.token.as_str();
    let (from, to) = (workday(21), workday(21) + chrono::Duration::days(13));
    let q = format!(
        "type_id={}&site_id={}&from={from}&to={to}",
        o.type_id, o.site_id
    );
    // A booking in the middle of a day splits that day's run.
    let (st, a) = s
        .post(
            "/api/v1/appointments",
            Some(t),
            booking(&o, o.type_id, &paris(from, 11, 0)),
        )
        .await;
    assert_eq!(st, 201, "{a}");
    let (st, list) = s.get(&format!("/api/v1/availability?{q}"), t).await;
    assert_eq!(st, 200, "{list}");
    let (st, runs) = s.get(&format!("/api/v1/availability/runs?{q}"), t).await;
    assert_eq!(st, 200, "{runs}");
    let step = runs["step_minutes"].as_i64().unwrap();
    let duration = runs["duration_minutes"].as_i64().unwrap();
    // Expanded, the runs are the list, slot for slot.
    let mut expanded: Vec<(String, String, String)> = Vec::new();
    for r in runs["runs"].as_array().unwrap() {
        let first = chrono::DateTime::parse_from_rfc3339(r["start"].as_str().unwrap()).unwrap();
        for k in 0..r["count"].as_i64().unwrap() {
            let start = first + chrono::Duration::minutes(step * k);
            let end = start + chrono::Duration::minutes(duration);
            expanded.push((
                r["coordinator_id"].as_str().unwrap().to_owned(),
                start.to_rfc3339(),
                end.to_rfc3339(),
            ));
        }
    }
    expanded.sort_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)));
    let listed: Vec<(String, String, String)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            let p = |k: &str| {
                chrono::DateTime::parse_from_rfc3339(x[k].as_str().unwrap())
                    .unwrap()
                    .to_rfc3339()
            };
            (
                x["coordinator_id"].as_str().unwrap().to_owned(),
                p("start"),
                p("end"),
            )
        })
        .collect();
    assert_eq!(expanded, listed);
    assert!(!listed.is_empty());
    let n_runs = runs["runs"].as_array().unwrap().len();
    let mut days: Vec<&str> = listed.iter().map(|x| &x.1[..10]).collect();
    days.dedup();
    assert_eq!(
        n_runs,
        days.len() + 1,
        "one run a day with slots, the booked day in two"
    );

    // ETag: the same answer again is a 304 without a body; a booking changes the tag.
    let get = |path: String, tag: Option<String>| {
        let mut r = s
            .http
            .get(format!("{}{path}", s.base))
            .bearer_auth(t)
            .header("accept-encoding", "gzip");
        if let Some(tag) = tag {
            r = r.header("if-none-match", tag);
        }
        r.send()
    };
    let first = get(format!("/api/v1/availability?{q}"), None)
        .await
        .unwrap();
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()["content-encoding"], "gzip");
    assert_eq!(first.headers()["cache-control"], "private, no-cache");
    let tag = first.headers()["etag"].to_str().unwrap().to_owned();
    let zipped = first.bytes().await.unwrap();
    let mut plain = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&zipped[..]), &mut plain)
        .unwrap();
    assert_eq!(serde_json::from_str::<Value>(&plain).unwrap(), list);
    assert!(
        zipped.len() * 5 < plain.len(),
        "{} B compressed for {} B",
        zipped.len(),
        plain.len()
    );
    let again = get(format!("/api/v1/availability?{q}"), Some(tag.clone()))
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["etag"].to_str().unwrap(), tag);
    assert!(again.bytes().await.unwrap().is_empty());
    // One day's runs are a few hundred bytes whatever the calendar holds: under 1 KB, an
    // answer is sent as it is. (Two weeks of runs are under or over 1 KB depending on the
    // public holidays they contain, so they prove nothing either way.)
    let one_day = format!(
        "type_id={}&site_id={}&from={from}&to={from}",
        o.type_id, o.site_id
    );
    let small = get(format!("/api/v1/availability/runs?{one_day}"), None)
        .await
        .unwrap();
    assert_eq!(small.status(), 200);
    assert!(
        small.headers().get("content-encoding").is_none(),
        "under 1 KB: sent as it is"
    );
    let body = small.bytes().await.unwrap();
    assert!(
        !body.is_empty() && body.len() < 1024,
        "one day's runs: {} B",
        body.len()
    );
    let runs_answer = get(format!("/api/v1/availability/runs?{q}"), None)
        .await
        .unwrap();
    let run_tag = runs_answer.headers()["etag"].to_str().unwrap().to_owned();
    let (st, _) = s
        .post(
            "/api/v1/appointments",
            Some(t),
            booking(&o, o.type_id, &paris(from, 14, 0)),
        )
        .await;
    assert_eq!(st, 201);
    for (path, old) in [
        (format!("/api/v1/availability?{q}"), tag),
        (format!("/api/v1/availability/runs?{q}"), run_tag),
    ] {
        let r = get(path, Some(old.clone())).await.unwrap();
        assert_eq!(r.status(), 200, "a booking changes the answer");
        assert_ne!(r.headers()["etag"].to_str().unwrap(), old);
    }
    s.stop().await;
}

/// The free slots a server keeps between identical searches follow every write, including
/// those of another instance on the same database: a booking and a removed opening window
/// made through the second server show at once on the first.
#[tokio::test]
async fn kept_free_slots_follow_writes_made_by_another_instance() {
    let a = Server::start().await;
    let o = org(&a, "Deux instances").await;
    let (url, key) = (
        a.state.config().database_url.clone(),
        a.state.config().data_key.clone(),
    );
    let b = Server::start_with(|c| {
        c.database_url = url;
        c.data_key = key;
    })
    .await;
    let t = o.admin.token.as_str();
    let day = workday(21);
    let q = format!(
        "/api/v1/availability?type_id={}&site_id={}&coordinator_id={}&from={day}&to={day}",
        o.type_id, o.site_id, o.coordinator.account_id
    );
    let starts = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x["start"].as_str().unwrap().to_owned())
            .collect()
    };
    let (st, first) = a.get(&q, t).await;
    assert_eq!(st, 200, "{first}");
    let first = starts(&first);
    assert!(first.len() > 2);
    let (_, again) = a.get(&q, t).await;
    assert_eq!(starts(&again), first, "the same answer, kept");
    let (st, booked) = b
        .post(
            "/api/v1/appointments",
            Some(t),
            booking(&o, o.type_id, &first[1]),
        )
        .await;
    assert_eq!(st, 201, "{booked}");
    let (_, after) = a.get(&q, t).await;
    let after = starts(&after);
    assert_eq!(
        after.len(),
        first.len() - 1,
        "the slot booked on b is gone on a"
    );
    assert!(!after.contains(&first[1]));
    // The coordinator's opening windows removed on b: nothing left on a.
    let (_, windows) = b
        .get(
            &format!(
                "/api/v1/opening-windows?coordinator_id={}",
                o.coordinator.account_id
            ),
            t,
        )
        .await;
    let list = windows.as_array().cloned().unwrap_or_default();
    assert!(!list.is_empty(), "{windows}");
    for w in list {
        let (st, _) = b
            .call(
                Method::DELETE,
                &format!("/api/v1/opening-windows/{}", w["id"].as_str().unwrap()),
                Some(t),
                None,
            )
            .await;
        assert_eq!(st, 204);
    }
    let (_, none) = a.get(&q, t).await;
    assert_eq!(none, json!([]), "windows removed on b: no slot on a");
    b.stop().await;
    a.stop().await;
}
