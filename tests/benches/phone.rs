//! The phone's sync and local reads against a local server (SQLite, or PostgreSQL when
//! `RELAIS_TEST_POSTGRES_URL` is set), release build:
//!
//!     cargo bench -p relais-tests --bench phone
//!
//! Seeds one coordinator's scope of about 10,000 records (persons with their files,
//! situations, appointments at the coordinator's site over the phone's window), then
//! measures, medians of repeated runs: the initial sync into an empty store, an incremental
//! sync with nothing new, a week's agenda and the call-back queue read from the store.
//! Targets (issue 12): < 1 s, < 20 ms, < 5 ms.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use chrono::{Duration as Days, Utc};
use relais_domain::casework::PersonRole;
use relais_domain::dto::PersonInput;
use relais_domain::outreach::{Initiative, OriginChannel, SituationKind};
use relais_mobile_core::phone::Phone;
use relais_server::casework::persons::insert_person;
use relais_server::casework::situations::{NewSituation, insert_situation};
use relais_server::store::Stamp;
use relais_server::store::entities::{appointment, appointment_participant};
use relais_tests::{PASSWORD, Server, backend, org, totp_code};
use sea_orm::{ActiveModelTrait, EntityTrait, Set, TransactionTrait};
use uuid::Uuid;

fn env_or(k: &str, d: usize) -> usize {
    std::env::var(k)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(d)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let people = env_or("RELAIS_BENCH_PERSONS", 2_500);
        let appointments = env_or("RELAIS_BENCH_APPOINTMENTS", 5_000);
        let s = Server::start().await;
        let a = org(&s, "Banc d'essai").await;
        let coordinator = a.coordinator.account_id;
        let c = s.state.cipher();
        let t = Instant::now();
        let txn = s.state.db().begin().await.unwrap();
        let mut person_ids = Vec::with_capacity(people);
        for i in 0..people {
            let p = insert_person(
                &txn,
                c,
                a.id,
                coordinator,
                PersonInput {
                    first_name: format!("Prénom{i}"),
                    last_name: format!("Nom{i}"),
                    birth_year: None,
                    sex: None,
                    phone: Some(format!("06 12 {:02} {:02} {:02}", i / 10_000 % 100, i / 100 % 100, i % 100)),
                    email: None,
                    address: None,
                    commune: None,
                    safe_contact: Default::default(),
                    notes: Some("Note de suivi".into()),
                },
                s.state.now(),
            )
            .await
            .unwrap();
            insert_situation(
                &txn,
                c,
                a.id,
                NewSituation {
                    assigned_to: Some(coordinator),
                    ..NewSituation::new(
                        p.id,
                        SituationKind::DomesticViolence,
                        OriginChannel::Gendarmerie,
                        Initiative::ThirdParty,
                        PersonRole::Victim,
                        s.state.now(),
                    )
                },
                s.state.now(),
            )
            .await
            .unwrap();
            person_ids.push(p.id);
        }
        // Appointments over the phone's window (14 days back, 60 ahead), one coordinator
        // per slot column so they never overlap: written as rows, not booked. The grid
        // starts at a midnight (UTC) so every run seeds the same times of day, 06:00 to
        // 16:00; a slot that would overlap the fixture's own appointment moves to the
        // evening (18:00 onwards), where the grid puts nothing.
        let fixture = appointment::Entity::find_by_id(a.appointment_id)
            .one(&txn)
            .await
            .unwrap()
            .expect("the fixture's appointment");
        let midnight = Utc::now()
            .date_naive()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc();
        let start = midnight - Days::days(13) + Days::hours(6);
        let per_day = (appointments / 73).max(1);
        for i in 0..appointments {
            let day = (i / per_day) as i64;
            let slot = (i % per_day) as i64;
            let mut at = start + Days::days(day) + Days::minutes(15 * (slot % 40));
            let mine = slot < 40;
            if mine
                && at < fixture.busy_end
                && at + Days::minutes(15) > fixture.busy_start
            {
                at += Days::hours(12);
            }
            let stamp = Stamp::take(&txn, Utc::now()).await.unwrap();
            let id = Uuid::new_v4();
            appointment::ActiveModel {
                id: Set(id),
                organisation_id: Set(a.id),
                type_id: Set(a.type_id),
                site_id: Set(a.site_id),
                coordinator_id: Set(if mine { coordinator } else { a.admin.account_id }),
                starts_at: Set(at),
                ends_at: Set(at + Days::minutes(15)),
                busy_start: Set(at),
                busy_end: Set(at + Days::minutes(15)),
                status: Set("planned".into()),
                version: Set(1),
                emergency: Set(false),
                reason: Set(None),
                created_by: Set(coordinator),
                ..stamp.new_row()
            }
            .insert(&txn)
            .await
            .unwrap();
            appointment_participant::ActiveModel {
                appointment_id: Set(id),
                person_id: Set(person_ids[i % person_ids.len()]),
                organisation_id: Set(a.id),
            }
            .insert(&txn)
            .await
            .unwrap();
        }
        txn.commit().await.unwrap();
        eprintln!(
            "{}: seeded {people} persons and situations, {appointments} appointments in {:.1} s",
            backend(),
            t.elapsed().as_secs_f64()
        );

        // One device login; each run starts from a copy of the signed-in, empty store.
        let dir = std::env::temp_dir().join(format!("relais-phone-bench-{}", Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let key = [9u8; 32];
        let template = dir.join("template.db");
        {
            let p = Phone::open(&s.base, &template, &key).unwrap();
            p.login(&a.coordinator.email, PASSWORD, Some(totp_code(&a.coordinator.totp_secret, 1)), "banc")
                .await
                .unwrap();
            p.store().conn().execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").unwrap();
        }
        let runs = env_or("RELAIS_BENCH_RUNS", 5);
        let mut initial = Vec::new();
        let mut records = 0;
        let mut last = None;
        for run in 0..runs {
            let db = dir.join(format!("run{run}.db"));
            std::fs::copy(&template, &db).unwrap();
            let p = Phone::open(&s.base, &db, &key).unwrap();
            let t = Instant::now();
            let r = p.sync().await.unwrap();
            initial.push(t.elapsed());
            records = r.pulled;
            last = Some(p);
        }
        let p = last.unwrap();
        // The server's share: the same pages fetched and decoded, not stored.
        let mut fetch = Vec::new();
        for _ in 0..3 {
            let t = Instant::now();
            let mut since: Option<String> = None;
            loop {
                let page = p.client().pull(since.as_deref(), 1_000).await.unwrap();
                since = Some(page.cursor.clone());
                if !page.has_more {
                    break;
                }
            }
            fetch.push(t.elapsed());
        }
        println!(
            "{}: of which fetching and decoding the pages (no store): median {:.0} ms",
            backend(),
            ms(median(fetch))
        );
        let mut incremental = Vec::new();
        for _ in 0..21 {
            let t = Instant::now();
            let r = p.sync().await.unwrap();
            incremental.push(t.elapsed());
            assert_eq!(r.pulled, 0);
        }
        let now = Utc::now();
        let mut agenda = Vec::new();
        let mut queue = Vec::new();
        let mut lines = (0, 0);
        for _ in 0..51 {
            let t = Instant::now();
            let w = p.agenda(now, now + Days::days(7), None).unwrap();
            agenda.push(t.elapsed());
            let t = Instant::now();
            let q = p.call_back_queue(now).unwrap();
            queue.push(t.elapsed());
            lines = (w.len(), q.len());
        }
        println!(
            "{}: initial sync of {records} records: median {:.0} ms ({runs} runs)",
            backend(),
            ms(median(initial))
        );
        println!(
            "{}: incremental sync, nothing new: median {:.1} ms",
            backend(),
            ms(median(incremental))
        );
        println!(
            "{}: week's agenda ({} lines) from the store: median {:.2} ms; call-back queue ({} lines): median {:.2} ms",
            backend(),
            lines.0,
            ms(median(agenda)),
            lines.1,
            ms(median(queue))
        );
        let _ = std::fs::remove_dir_all(&dir);
        s.stop().await;
    });
}
