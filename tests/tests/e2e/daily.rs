//! The nightly job (`outbox::leader::daily`, scheduled at `DAILY_AT`): retention for every
//! organisation, then the housekeeping, on the leader only. The server's clock
//! (`relais_server::clock`) is moved forward so two years pass in the test.

use chrono::Duration;
use relais_domain::dto::PersonInput;
use relais_server::outbox::leader::{Daily, daily};
use relais_server::store::entities::{audit_log, dev_outbox, idempotency_key, person};
use relais_tests::{Server, org, paris, workday};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

async fn anonymised(s: &Server, id: Uuid) -> bool {
    person::Entity::find_by_id(id)
        .one(s.state.db())
        .await
        .unwrap()
        .unwrap()
        .anonymised_at
        .is_some()
}

#[tokio::test]
async fn the_nightly_job_anonymises_and_prunes_as_the_years_pass_on_the_leader_only() {
    // A long lease, so "another instance holds it" does not depend on how fast this runs.
    let s = Server::start_with(|c| c.outbox_lease_seconds = 3_600).await;
    let a = org(&s, "Nuits").await;
    let db = s.state.db();

    // An idempotent booking (its key is kept 2 days) and a message in the development
    // outbox (kept 30 days).
    let r = s
        .http
        .post(format!("{}/api/v1/appointments", s.base))
        .bearer_auth(&a.coordinator.token)
        .header("Idempotency-Key", "nuit-1")
        .json(&json!({"type_id": a.type_id, "site_id": a.site_id, "coordinator_id": a.coordinator.account_id, "person_id": a.person_id, "start": paris(workday(9), 10, 0)}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let keys = || idempotency_key::Entity::find().count(db);
    assert_eq!(keys().await.unwrap(), 1);
    dev_outbox::ActiveModel {
        id: Set(Uuid::new_v4()),
        organisation_id: Set(a.id),
        notification_id: Set(Uuid::new_v4()),
        channel: Set("sms".into()),
        recipient: Set(b"sealed".to_vec()),
        body: Set(b"sealed".to_vec()),
        created_at: Set(s.state.now()),
    }
    .insert(db)
    .await
    .unwrap();
    let outbox = || dev_outbox::Entity::find().count(db);
    let audit_before = audit_log::Entity::find().count(db).await.unwrap();
    assert!(audit_before > 0, "signing in and booking were audited");

    // Tonight: nothing is old enough; a second instance leaves the job to the leader.
    assert_eq!(
        daily(&s.state, "nuit-a").await,
        Daily::Ran { anonymised: 0 }
    );
    assert_eq!(daily(&s.state, "nuit-b").await, Daily::NotLeader);
    assert!(!anonymised(&s, a.person_id).await);
    assert_eq!((keys().await.unwrap(), outbox().await.unwrap()), (1, 1));

    // Three days on: the idempotency key is gone, the outbox's copy stays.
    s.state.clock().advance(Duration::days(3));
    assert_eq!(
        daily(&s.state, "nuit-a").await,
        Daily::Ran { anonymised: 0 }
    );
    assert_eq!((keys().await.unwrap(), outbox().await.unwrap()), (0, 1));

    // 800 days on, the leader's lease long expired: another instance leads. The file whose
    // last activity (its appointments) is over two years old is anonymised; a file opened
    // yesterday stays; the outbox's copy and the audit rows over 12 months old are gone,
    // and what is left of the audit chain still verifies.
    s.state.clock().advance(Duration::days(800));
    let recent = relais_server::casework::persons::insert_person(
        db,
        s.state.cipher(),
        a.id,
        a.coordinator.account_id,
        PersonInput {
            first_name: "Alix".into(),
            last_name: "Récente".into(),
            birth_year: None,
            sex: None,
            phone: None,
            email: None,
            address: None,
            commune: None,
            safe_contact: Default::default(),
            notes: None,
        },
        s.state.now() - Duration::days(1),
    )
    .await
    .unwrap();
    assert_eq!(
        daily(&s.state, "nuit-b").await,
        Daily::Ran { anonymised: 1 }
    );
    assert!(anonymised(&s, a.person_id).await);
    assert!(!anonymised(&s, recent.id).await);
    assert_eq!(outbox().await.unwrap(), 0);
    let year_ago = s.state.now() - Duration::days(relais_server::retention::AUDIT_DAYS);
    let old_rows = audit_log::Entity::find()
        .filter(audit_log::Column::At.lt(year_ago))
        .count(db)
        .await
        .unwrap();
    assert_eq!(old_rows, 0, "audit rows older than 12 months are pruned");
    let left = audit_log::Entity::find().count(db).await.unwrap();
    assert!(
        left >= 1,
        "the night's own run and anonymisation are audited"
    );
    assert!(
        matches!(
            relais_server::audit::verify(db).await.unwrap(),
            relais_server::audit::ChainCheck::Intact { .. }
        ),
        "the pruned chain still verifies"
    );
    // The next night finds nothing more to do.
    assert_eq!(
        daily(&s.state, "nuit-b").await,
        Daily::Ran { anonymised: 0 }
    );
    s.stop().await;
}
