//! Real server processes for the multi-process, crash and burn-down runs, and due jobs to
//! feed them.

use std::time::{Duration as StdDuration, Instant};

use chrono::Utc;
use relais_server::store::entities::notification;
use sea_orm::{ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryFilter};
use serde_json::json;
use tokio::process::{Child, Command};
use uuid::Uuid;

use crate::fakes::{FakeGateway, SECRET};
use crate::{Server, org, paris, workday};

/// Start a `relais-node` process (`exe`: `env!("CARGO_BIN_EXE_relais-node")`) on the
/// server's database, sending to gateway `g`, with `extra` settings.
pub fn node(exe: &str, s: &Server, g: &FakeGateway, extra: &[(&str, &str)]) -> Child {
    let mut c = Command::new(exe);
    c.env("DATABASE_URL", &s.database_url)
        .env(
            "RELAIS_DATA_KEY",
            s.state.config().data_key.clone().unwrap_or_default(),
        )
        .env("RELAIS_LISTEN", "127.0.0.1:0")
        .env("RELAIS_SMS_PROVIDER", "webhook")
        .env("RELAIS_SMS_URL", format!("{}/send", g.base))
        .env(
            "RELAIS_SMS_LOOKUP_URL",
            format!("{}/messages/{{{{id}}}}", g.base),
        )
        .env("RELAIS_SMS_SECRET", format!("Bearer {SECRET}"))
        .env("RELAIS_SMS_QUIET_START", "00:00")
        .env("RELAIS_SMS_QUIET_END", "00:00")
        .env("RELAIS_SMS_RATE_PER_SECOND", "0")
        .env("RELAIS_SMS_TIMEOUT_MS", "3000")
        .env("RELAIS_OUTBOX_LEASE_SECONDS", "3")
        .env("RUST_LOG", "error")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .kill_on_drop(true);
    for (k, v) in extra {
        c.env(k, v);
    }
    c.spawn().expect("relais-node starts")
}

/// An appointment whose own jobs are cancelled, and `n` due copies of its confirmation,
/// each with its own key. Returns the keys.
pub async fn seed(s: &Server, n: usize, hour: u32) -> Vec<String> {
    let a = org(s, "Processus").await;
    let (_, ty) = s
        .post(
            "/api/v1/appointment-types",
            Some(&a.admin.token),
            json!({"name": "Suivi", "public_label": "Rendez-vous", "duration_minutes": 30,
                   "place_kind": "site", "bookable_by": "staff", "reminders": true}),
        )
        .await;
    let (st, p) = s
        .post(
            "/api/v1/persons",
            Some(&a.coordinator.token),
            json!({"first_name": "Aline", "last_name": "Processus", "phone": "06 10 20 30 40",
                   "safe_contact": {"sms": true, "safe_phone": "07 10 20 30 40",
                                    "checked_at": Utc::now().to_rfc3339()}}),
        )
        .await;
    assert_eq!(st, 201, "{p}");
    let (st, appt) = s
        .post(
            "/api/v1/appointments",
            Some(&a.coordinator.token),
            json!({"type_id": ty["id"], "site_id": a.site_id, "coordinator_id": a.coordinator.account_id,
                   "person_id": p["id"], "start": paris(workday(6), hour, 0)}),
        )
        .await;
    assert_eq!(st, 201, "{appt}");
    let appt_id: Uuid = appt["id"].as_str().unwrap().parse().unwrap();
    let db = s.state.db();
    let jobs = notification::Entity::find()
        .filter(notification::Column::AppointmentId.eq(appt_id))
        .all(db)
        .await
        .unwrap();
    notification::Entity::delete_many()
        .filter(notification::Column::AppointmentId.eq(appt_id))
        .exec(db)
        .await
        .unwrap();
    let template = jobs.into_iter().find(|j| j.kind == "confirmation").unwrap();
    let now = Utc::now() - chrono::Duration::seconds(1);
    let mut keys = Vec::with_capacity(n);
    let rows: Vec<notification::ActiveModel> = (0..n)
        .map(|_| {
            let id = Uuid::new_v4();
            let mut m = template.clone();
            m.id = id;
            m.idempotency_key = format!("relais-{}", id.simple());
            m.state = "scheduled".into();
            m.due_at = now;
            m.attempt = 0;
            keys.push(m.idempotency_key.clone());
            m.into_active_model()
        })
        .collect();
    for chunk in rows.chunks(500) {
        notification::Entity::insert_many(chunk.to_vec())
            .exec(db)
            .await
            .unwrap();
    }
    keys
}

pub async fn open_jobs(s: &Server) -> u64 {
    notification::Entity::find()
        .filter(notification::Column::State.is_in(["scheduled", "retryable", "running", "unknown"]))
        .count(s.state.db())
        .await
        .unwrap()
}

pub async fn wait_until<F, Fut>(what: &str, limit: StdDuration, mut done: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let t = Instant::now();
    while !done().await {
        assert!(t.elapsed() < limit, "timed out waiting for {what}");
        tokio::time::sleep(StdDuration::from_millis(100)).await;
    }
}

pub async fn state_of(s: &Server, key: &str) -> notification::Model {
    notification::Entity::find()
        .filter(notification::Column::IdempotencyKey.eq(key))
        .one(s.state.db())
        .await
        .unwrap()
        .unwrap()
}
