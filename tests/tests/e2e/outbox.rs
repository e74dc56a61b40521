//! The outbox, first part: jobs written with the appointment, the pre-send check, the
//! development outbox. (Gateways, SMTP, receipts and the multi-process tests come next.)

use chrono::{Duration, Utc};
use relais_domain::sms::QuietHours;
use relais_server::outbox::run_once;
use relais_tests::{Org, Server, org, paris, reminder_type, workday};
use serde_json::{Value, json};

/// Quiet hours that never apply, so a run at any hour of the test machine sends.
fn never_quiet() -> QuietHours {
    QuietHours {
        start: chrono::NaiveTime::MIN,
        end: chrono::NaiveTime::MIN,
    }
}

/// The server's own quiet hours off, so enqueue times do not depend on the hour tests run.
async fn quiet_free_server() -> Server {
    Server::start_with(|c| {
        c.sms_quiet_start = "00:00".into();
        c.sms_quiet_end = "00:00".into();
    })
    .await
}

async fn person(s: &Server, a: &Org, sms: bool) -> String {
    let (st, p) = s
        .post(
            "/api/v1/persons",
            Some(&a.coordinator.token),
            json!({"first_name": "Aline", "last_name": "Rappel", "phone": "06 10 20 30 40",
                   "safe_contact": {"sms": sms, "phone_call": true, "safe_phone": "07 10 20 30 40",
                                    "checked_at": Utc::now().to_rfc3339()}}),
        )
        .await;
    assert_eq!(st, 201, "{p}");
    p["id"].as_str().unwrap().to_owned()
}

async fn notes(s: &Server, a: &Org, appt: &str) -> Vec<Value> {
    let (st, n) = s
        .get(
            &format!("/api/v1/appointments/{appt}/notifications"),
            &a.coordinator.token,
        )
        .await;
    assert_eq!(st, 200, "{n}");
    n.as_array().unwrap().clone()
}

#[tokio::test]
async fn a_booking_writes_its_messages_and_the_development_outbox_shows_them() {
    let s = quiet_free_server().await;
    let a = org(&s, "Rappels").await;
    let c = a.coordinator.token.as_str();
    let ty = reminder_type(&s, &a).await;
    let pid = person(&s, &a, true).await;
    let day = workday(5);
    let (st, appt) = s
        .post(
            "/api/v1/appointments",
            Some(c),
            json!({"type_id": ty, "site_id": a.site_id, "coordinator_id": a.coordinator.account_id,
                   "person_id": pid, "start": paris(day, 10, 0)}),
        )
        .await;
    assert_eq!(st, 201, "{appt}");
    let id = appt["id"].as_str().unwrap().to_owned();
    // The demo's view: both texts are readable in the development outbox at once, the
    // reminder days before it is due.
    let (st, out) = s.get("/api/v1/dev-outbox", &a.admin.token).await;
    assert_eq!(st, 200, "{out}");
    let upcoming: Vec<(&str, &str)> = out
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["kind"].as_str().unwrap(), m["state"].as_str().unwrap()))
        .collect();
    assert_eq!(
        upcoming,
        [("confirmation", "scheduled"), ("reminder", "scheduled")]
    );
    assert!(
        out[1]["body"]
            .as_str()
            .unwrap()
            .starts_with("Rappel : rendez-vous "),
        "{out}"
    );
    let n = notes(&s, &a, &id).await;
    let kinds: Vec<(&str, &str, &str)> = n
        .iter()
        .map(|x| {
            (
                x["kind"].as_str().unwrap(),
                x["channel"].as_str().unwrap(),
                x["state"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("confirmation", "sms", "scheduled"),
            ("reminder", "sms", "scheduled")
        ]
    );
    let start = chrono::DateTime::parse_from_rfc3339(appt["start"].as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc);
    let reminder_due = chrono::DateTime::parse_from_rfc3339(n[1]["due_at"].as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc);
    assert_eq!(
        start - reminder_due,
        Duration::hours(48),
        "48 h before, at 10:00"
    );

    // Inside quiet hours nothing goes: the confirmation waits for their end.
    let always_quiet = QuietHours {
        start: chrono::NaiveTime::from_hms_opt(0, 0, 0).unwrap(),
        // To the last instant of the day: ending at 23:59 left a minute a day when the test
        // failed (it did, at 23:59 in Paris).
        end: chrono::NaiveTime::from_hms_nano_opt(23, 59, 59, 999_999_999).unwrap(),
    };
    let sent = run_once(&s.state, "test-a", Utc::now(), always_quiet)
        .await
        .unwrap()
        .1;
    assert_eq!(sent, 0);
    let all = notes(&s, &a, &id).await;
    let waiting = all.iter().find(|x| x["kind"] == "confirmation").unwrap();
    assert_eq!(
        (waiting["state"].as_str(), waiting["reason"].as_str()),
        (Some("scheduled"), Some("quiet_hours"))
    );
    let new_due = chrono::DateTime::parse_from_rfc3339(waiting["due_at"].as_str().unwrap())
        .unwrap()
        .with_timezone(&Utc);
    assert!(new_due > Utc::now(), "moved to the end of the quiet hours");
    assert!(new_due < reminder_due);
    // The confirmation goes when it is due; the reminder when due.
    let sent = run_once(&s.state, "test-a", Utc::now(), never_quiet())
        .await
        .unwrap()
        .1;
    assert_eq!(sent, 0, "not before its new time");
    let sent = run_once(&s.state, "test-a", new_due, never_quiet())
        .await
        .unwrap()
        .1;
    assert_eq!(sent, 1);
    let sent = run_once(&s.state, "test-a", reminder_due, never_quiet())
        .await
        .unwrap()
        .1;
    assert_eq!(sent, 1);
    let (st, out) = s.get("/api/v1/dev-outbox", &a.admin.token).await;
    assert_eq!(st, 200, "{out}");
    let out = out.as_array().unwrap();
    assert_eq!(out.len(), 2);
    let bodies: Vec<&str> = out.iter().map(|m| m["body"].as_str().unwrap()).collect();
    assert!(
        bodies
            .iter()
            .any(|b| b.starts_with("Rendez-vous confirmé : ")),
        "{bodies:?}"
    );
    assert!(
        bodies
            .iter()
            .any(|b| b.starts_with("Rappel : rendez-vous ")),
        "{bodies:?}"
    );
    for m in out {
        assert_eq!(
            m["recipient"], "+33710203040",
            "the safe number, not the file's"
        );
        let b = m["body"].as_str().unwrap();
        for word in [
            "Brigade",
            "gendarmerie",
            "violence",
            "Rappels",
            "place de la Mairie",
        ] {
            assert!(!b.contains(word), "{word} in {b}");
        }
    }
    for x in notes(&s, &a, &id).await {
        assert_eq!(x["state"], "sent");
        assert_eq!(x["encoding"], "gsm7");
        assert_eq!(x["segments"], 1);
    }
    // Nothing is sent twice.
    let sent = run_once(&s.state, "test-b", reminder_due, never_quiet())
        .await
        .unwrap()
        .1;
    assert_eq!(sent, 0);
    // The outbox is for admins.
    let (st, _) = s.get("/api/v1/dev-outbox", c).await;
    assert_eq!(st, 403);
    s.stop().await;
}

#[tokio::test]
async fn a_move_or_a_cancellation_never_sends_the_old_time_and_no_profile_means_no_sms() {
    let s = quiet_free_server().await;
    let a = org(&s, "Changements").await;
    let c = a.coordinator.token.as_str();
    let ty = reminder_type(&s, &a).await;
    let pid = person(&s, &a, true).await;
    let day = workday(6);
    let book = |h: u32, person: &str| {
        json!({"type_id": ty, "site_id": a.site_id, "coordinator_id": a.coordinator.account_id,
               "person_id": person, "start": paris(day, h, 0)})
    };
    let (_, appt) = s
        .post("/api/v1/appointments", Some(c), book(10, &pid))
        .await;
    let id = appt["id"].as_str().unwrap().to_owned();
    // Moved before anything went: the first two are cancelled, two new ones for 15:00.
    let (st, moved) = s
        .post(
            &format!("/api/v1/appointments/{id}/move"),
            Some(c),
            json!({"start": paris(day, 15, 0), "version": appt["version"]}),
        )
        .await;
    assert_eq!(st, 200, "{moved}");
    let states: Vec<String> = notes(&s, &a, &id)
        .await
        .iter()
        .map(|x| x["state"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(states, ["cancelled", "cancelled", "scheduled", "scheduled"]);
    // A job claimed, then the appointment moves again before the send: the pre-send check
    // skips it, and the old time never goes out.
    let jobs = relais_server::outbox::claim(&s.state, "slow", Utc::now(), 10, Duration::minutes(5))
        .await
        .unwrap();
    assert_eq!(jobs.len(), 1, "the confirmation is due");
    let (st, _) = s
        .post(
            &format!("/api/v1/appointments/{id}/move"),
            Some(c),
            json!({"start": paris(day, 16, 0), "version": moved["version"]}),
        )
        .await;
    assert_eq!(st, 200);
    // The claimed job's lease is still held by "slow"; a run by another instance does not
    // touch it, and sends only the new confirmation.
    let sent = run_once(&s.state, "fast", Utc::now(), never_quiet())
        .await
        .unwrap()
        .1;
    assert_eq!(sent, 1);
    // The slow instance now gets to its job: the pre-send check sees the new version.
    let sent =
        relais_server::outbox::process_batch(&s.state, "slow", &jobs, Utc::now(), never_quiet())
            .await
            .unwrap();
    assert_eq!(sent, 0);
    let skipped = notes(&s, &a, &id)
        .await
        .into_iter()
        .find(|x| x["id"] == jobs[0].id.to_string())
        .unwrap();
    assert_eq!(skipped["state"], "skipped");
    assert_eq!(skipped["reason"], "appointment_changed");
    let (_, out) = s.get("/api/v1/dev-outbox", &a.admin.token).await;
    let bodies = out.to_string();
    let sent = out
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["state"] == "sent")
        .count();
    assert_eq!(sent, 1, "{bodies}");
    assert!(bodies.contains("à 16 h 00"), "{bodies}");
    assert!(
        !bodies.contains("a 15 h 00") && !bodies.contains("a 10 h 00"),
        "{bodies}"
    );
    // Cancelled by the service: the reminder is cancelled and a cancellation notice goes.
    let (_, now) = s.get(&format!("/api/v1/appointments/{id}"), c).await;
    let (st, _) = s
        .post(
            &format!("/api/v1/appointments/{id}/cancel"),
            Some(c),
            json!({"by": "service", "reason": "Intervenante absente", "version": now["version"]}),
        )
        .await;
    assert_eq!(st, 200);
    let n = notes(&s, &a, &id).await;
    let last = n.last().unwrap();
    assert_eq!(last["kind"], "cancellation");
    assert!(
        n.iter()
            .filter(|x| x["kind"] == "reminder")
            .all(|x| x["state"] == "cancelled")
    );
    // A person whose profile forbids SMS gets no job at all, whatever the type says.
    let quiet_person = person(&s, &a, false).await;
    let (st, other) = s
        .post("/api/v1/appointments", Some(c), book(11, &quiet_person))
        .await;
    assert_eq!(st, 201, "{other}");
    assert!(
        notes(&s, &a, other["id"].as_str().unwrap())
            .await
            .is_empty()
    );
    s.stop().await;
}

/// The claim takes the next due jobs from the partial index `notification_claimable`, in
/// due order, without reading and sorting every due row: its cost does not grow with the
/// number of jobs due (issue 16: 40–88 ms a claim with 50,000 due, before).
#[tokio::test]
async fn the_claim_reads_due_jobs_in_order_from_its_index_without_a_sort() {
    use relais_server::outbox::claimable_sql;
    use sea_orm::{ConnectionTrait, Statement};
    let s = Server::start().await;
    relais_tests::nodes::seed(&s, 3000, 10).await;
    let db = s.state.db();
    let pg = relais_server::store::is_postgres(db);
    let backend = db.get_database_backend();
    // Half of them done already, as in a service that has been running: the index holds
    // only the claimable half.
    db.execute_unprepared(
        "UPDATE notification SET state = 'sent' WHERE id IN \
         (SELECT id FROM notification ORDER BY id LIMIT 1500)",
    )
    .await
    .unwrap();
    db.execute_unprepared("ANALYZE").await.unwrap();
    let (explain, due) = if pg {
        ("EXPLAIN", "now()")
    } else {
        ("EXPLAIN QUERY PLAN", "'9999-12-31'")
    };
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            format!("{explain} {}", claimable_sql(pg, due, "200")),
        ))
        .await
        .unwrap();
    let plan: Vec<String> = rows
        .iter()
        .map(|r| {
            let col = if pg { "QUERY PLAN" } else { "detail" };
            r.try_get::<String>("", col).unwrap()
        })
        .collect();
    let plan = plan.join("\n");
    assert!(
        plan.contains("notification_claimable"),
        "the claim reads its partial index:\n{plan}"
    );
    assert!(
        !plan.contains("Sort") && !plan.contains("TEMP B-TREE"),
        "no sort of the due rows:\n{plan}"
    );
    s.stop().await;
}
