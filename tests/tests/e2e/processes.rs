//! Real server processes (`relais-node`, which is `relais serve`) on one database and a
//! local gateway: several dispatchers share the due jobs and each message leaves exactly
//! once; a dispatcher killed with SIGKILL after its claim, during the HTTP call, or after
//! the provider accepted but before the write, loses nothing and sends nothing twice.

use std::time::{Duration as StdDuration, Instant};

use relais_server::store::entities::notification;
use relais_tests::Server;
use relais_tests::fakes::{FakeGateway, Mode};
use relais_tests::nodes::{node, open_jobs, seed, state_of, wait_until};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use tokio::process::Child;

#[tokio::test]
async fn several_dispatcher_processes_send_each_message_exactly_once() {
    let pg = relais_tests::backend() == "postgres";
    let (processes, n) = if pg { (3, 10_000) } else { (2, 2_000) };
    let g = FakeGateway::start().await;
    let s = Server::start().await;
    let keys = seed(&s, n, 10).await;
    let t = Instant::now();
    let mut nodes: Vec<Child> = (0..processes)
        .map(|_| node(env!("CARGO_BIN_EXE_relais-node"), &s, &g, &[]))
        .collect();
    wait_until(
        "every job to leave",
        StdDuration::from_secs(300),
        || async { open_jobs(&s).await == 0 },
    )
    .await;
    let took = t.elapsed();
    for c in &mut nodes {
        c.kill().await.unwrap();
    }
    let counts = g.counts();
    assert_eq!(counts.len(), n, "every message sent");
    assert!(
        keys.iter().all(|k| counts.get(k) == Some(&1)),
        "each exactly once: {:?}",
        counts.values().filter(|c| **c != 1).count()
    );
    let sent = notification::Entity::find()
        .filter(notification::Column::State.eq("sent"))
        .count(s.state.db())
        .await
        .unwrap();
    assert_eq!(sent as usize, n, "none left running, none lost");
    eprintln!(
        "{processes} processes, {n} jobs on {}: {:.1} s including start-up",
        relais_tests::backend(),
        took.as_secs_f64()
    );
    s.stop().await;
}

#[tokio::test]
async fn a_dispatcher_killed_after_the_claim_in_the_call_or_after_acceptance_loses_nothing_and_sends_nothing_twice()
 {
    let g = FakeGateway::start().await;
    let s = Server::start().await;

    // 1. Killed after its claim, before the send began: the lease expires, the new leader
    //    puts the job back, it leaves once.
    let key = seed(&s, 1, 10).await.remove(0);
    let mut a = node(
        env!("CARGO_BIN_EXE_relais-node"),
        &s,
        &g,
        &[("RELAIS_OUTBOX_PAUSE_AFTER_CLAIM_MS", "600000")],
    );
    wait_until("the claim", StdDuration::from_secs(30), || async {
        state_of(&s, &key).await.state == "running"
    })
    .await;
    a.kill().await.unwrap();
    let mut b = node(env!("CARGO_BIN_EXE_relais-node"), &s, &g, &[]);
    wait_until(
        "the rescue and the send",
        StdDuration::from_secs(60),
        || async { state_of(&s, &key).await.state == "sent" },
    )
    .await;
    b.kill().await.unwrap();
    assert_eq!(g.counts().get(&key), Some(&1));

    // 2. Killed during the HTTP call, the gateway never having taken it: the job is
    //    ambiguous, the reconciler finds it absent, it leaves once.
    let key = seed(&s, 1, 11).await.remove(0);
    g.set_mode(Mode::Stall);
    let mut a = node(env!("CARGO_BIN_EXE_relais-node"), &s, &g, &[]);
    wait_until(
        "the request in flight",
        StdDuration::from_secs(30),
        || async { g.in_flight() >= 1 },
    )
    .await;
    a.kill().await.unwrap();
    assert_eq!(state_of(&s, &key).await.state, "running");
    g.set_mode(Mode::Ok);
    let mut b = node(env!("CARGO_BIN_EXE_relais-node"), &s, &g, &[]);
    wait_until(
        "the reconciliation and the send",
        StdDuration::from_secs(60),
        || async { state_of(&s, &key).await.state == "sent" },
    )
    .await;
    b.kill().await.unwrap();
    assert_eq!(g.counts().get(&key), Some(&1));

    // 3. Killed after the gateway accepted, before the write: reconciled as sent, never
    //    sent again.
    let key = seed(&s, 1, 14).await.remove(0);
    g.set_mode(Mode::RecordThenStall);
    let mut a = node(env!("CARGO_BIN_EXE_relais-node"), &s, &g, &[]);
    wait_until(
        "the gateway to accept",
        StdDuration::from_secs(30),
        || async { g.counts().contains_key(&key) },
    )
    .await;
    a.kill().await.unwrap();
    g.set_mode(Mode::Ok);
    let mut b = node(env!("CARGO_BIN_EXE_relais-node"), &s, &g, &[]);
    wait_until("the reconciliation", StdDuration::from_secs(60), || async {
        state_of(&s, &key).await.state == "sent"
    })
    .await;
    // Time for a wrong retry to happen, if it were going to.
    tokio::time::sleep(StdDuration::from_secs(2)).await;
    b.kill().await.unwrap();
    let n = state_of(&s, &key).await;
    assert_eq!(n.reason.as_deref(), Some("reconciled"));
    assert_eq!(g.counts().get(&key), Some(&1), "not sent twice");
    s.stop().await;
}
