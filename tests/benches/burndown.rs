//! Burn-down of due jobs: `RELAIS_BENCH_JOBS` (default 100,000) messages due at once,
//! `RELAIS_BENCH_INSTANCES` (default 2) real `relais-node` processes dispatching them to the
//! local fake gateway, which answers at once. Prints jobs per second and due→sent p50/p99,
//! and checks every message left exactly once.
//!
//!     cargo bench -p relais-tests --bench burndown                      # SQLite
//!     RELAIS_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5433 \
//!         cargo bench -p relais-tests --bench burndown                  # PostgreSQL

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

use chrono::Utc;
use relais_server::store::entities::notification;
use relais_tests::fakes::FakeGateway;
use relais_tests::nodes::{node, open_jobs, seed};
use relais_tests::{Server, backend};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};

fn env_or(k: &str, d: usize) -> usize {
    std::env::var(k)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(d)
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else to parse.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let n = env_or("RELAIS_BENCH_JOBS", 100_000);
        let instances = env_or("RELAIS_BENCH_INSTANCES", 2);
        let g = FakeGateway::start().await;
        g.lean();
        let s = Server::start().await;
        let t = Instant::now();
        let keys = seed(&s, n, 10).await;
        eprintln!("seeded {n} jobs in {:.1} s", t.elapsed().as_secs_f64());
        // Due now, so due→sent counts from the moment the dispatchers may take them.
        let due = Utc::now();
        notification::Entity::update_many()
            .col_expr(notification::Column::DueAt, Expr::value(due))
            .filter(notification::Column::State.eq("scheduled"))
            .exec(s.state.db())
            .await
            .unwrap();
        let t = Instant::now();
        let exe = env!("CARGO_BIN_EXE_relais-node");
        let mut nodes: Vec<_> = (0..instances)
            .map(|_| node(exe, &s, &g, &[("RUST_LOG", "error")]))
            .collect();
        // Polled once a second: the count itself costs the database.
        let mut ticks = 0u32;
        loop {
            tokio::time::sleep(Duration::from_secs(1)).await;
            let open = open_jobs(&s).await;
            if open == 0 {
                break;
            }
            ticks += 1;
            if ticks.is_multiple_of(10) {
                eprintln!("  {open} jobs left");
            }
            assert!(ticks < 3600, "the burn-down did not finish in an hour");
        }
        let wall = t.elapsed().as_secs_f64();
        for c in &mut nodes {
            c.kill().await.unwrap();
        }
        let counts = g.counts();
        let once = keys.iter().all(|k| counts.get(k) == Some(&1));
        let rows: Vec<(chrono::DateTime<Utc>, Option<chrono::DateTime<Utc>>)> =
            notification::Entity::find()
                .select_only()
                .column(notification::Column::DueAt)
                .column(notification::Column::SentAt)
                .filter(notification::Column::State.eq("sent"))
                .into_tuple()
                .all(s.state.db())
                .await
                .unwrap();
        let mut lat: Vec<f64> = rows
            .iter()
            .filter_map(|(d, s)| s.map(|s| (s - *d).num_milliseconds() as f64 / 1000.0))
            .collect();
        lat.sort_by(|a, b| a.total_cmp(b));
        let first = rows.iter().filter_map(|r| r.1).min().unwrap();
        let last_sent = rows.iter().filter_map(|r| r.1).max().unwrap();
        let burn = (last_sent - first).num_milliseconds() as f64 / 1000.0;
        println!(
            "burn-down {} · {instances} instances · {n} jobs: {:.0} jobs/s while sending ({:.1} s), {:.0} jobs/s wall ({:.1} s with start-up) · due→sent p50 {:.1} s, p99 {:.1} s · sent {} · exactly once: {once}",
            backend(),
            n as f64 / burn.max(0.001),
            burn,
            n as f64 / wall,
            wall,
            pct(&lat, 0.5),
            pct(&lat, 0.99),
            rows.len(),
        );
        println!(
            "RESULT burndown rate={:.1} p50={:.2} p99={:.2} sent={} once={once}",
            n as f64 / burn.max(0.001),
            pct(&lat, 0.5),
            pct(&lat, 0.99),
            rows.len()
        );
        assert!(once && rows.len() == n, "lost or duplicated messages");
        s.stop().await;
    });
}
