//! Persons' files: sealed at rest, found by keyed hash, shown by initials, every read audited.

use relais_tests::{Server, org};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn a_file_is_sealed_at_rest_found_by_hash_and_every_opening_is_audited() {
    let s = Server::start().await;
    let a = org(&s, "Files").await;
    let t = a.coordinator.token.as_str();
    let (st, p) = s
        .post(
            "/api/v1/persons",
            Some(t),
            json!({
                "first_name": "Zéphyrine", "last_name": "Quennec-Ablard", "birth_year": 1990, "sex": "female",
                "phone": "06 98 76 54 32", "email": "zephyrine.q@example.net", "address": "17 impasse des Tilleuls",
                "notes": "Entretien confidentiel ORCHIDEE",
                "safe_contact": {"phone_call": true, "sms": true, "safe_phone": "07 11 22 33 44", "code_word": "MIMOSA",
                                  "windows": [{"days": [1,2,3,4,5], "start": "10:00", "end": "12:00"}], "checked_at": "2026-11-01T09:00:00Z"}
            }),
        )
        .await;
    assert_eq!(st, 201, "{p}");
    let id = p["id"].as_str().unwrap().to_owned();
    assert_eq!(p["phone"], "+33698765432");
    assert_eq!(p["safe_contact"]["safe_phone"], "+33711223344");

    // Lists show initials only.
    let (_, list) = s.get("/api/v1/persons?limit=200", t).await;
    let row = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id.as_str())
        .unwrap();
    assert_eq!(row["initials"], "Z. Q.");
    assert!(!list.to_string().contains("Zéphyrine"));

    // Search by name (accents and case ignored), last name, or phone in any format.
    for q in [
        "name=zephyrine%20QUENNEC-ablard",
        "name=Quennec%20Ablard",
        "phone=%2B33%206%2098%2076%2054%2032",
        "phone=0698765432",
    ] {
        let (st, r) = s.get(&format!("/api/v1/persons?{q}"), t).await;
        assert_eq!(st, 200);
        let ids: Vec<&str> = r["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, vec![id.as_str()], "{q}");
    }

    // Opening the file is audited; the access log names the reader, never the content.
    let (st, full) = s.get(&format!("/api/v1/persons/{id}"), t).await;
    assert_eq!(st, 200);
    assert_eq!(full["notes"], "Entretien confidentiel ORCHIDEE");
    let (st, _) = s
        .get(&format!("/api/v1/persons/{id}"), &a.admin.token)
        .await;
    assert_eq!(st, 200);
    let (st, log) = s
        .get(&format!("/api/v1/persons/{id}/access-log"), &a.admin.token)
        .await;
    assert_eq!(st, 200);
    let rows = log["items"].as_array().unwrap();
    let reads: Vec<&str> = rows
        .iter()
        .filter(|r| r["action"] == "person_read")
        .map(|r| r["account_id"].as_str().unwrap())
        .collect();
    assert!(reads.contains(&a.coordinator.account_id.to_string().as_str()));
    assert!(reads.contains(&a.admin.account_id.to_string().as_str()));
    assert!(rows.iter().any(|r| r["action"] == "person_created"));
    let text = log.to_string();
    for secret in ["Zéphyrine", "ORCHIDEE", "MIMOSA", "98765432"] {
        assert!(!text.contains(secret), "access log leaks {secret}");
    }

    // Nothing readable in the database: neither names, numbers, notes nor the code word.
    assert_no_plaintext(
        &s,
        &[
            "Zéphyrine",
            "Zephyrine",
            "Quennec",
            "98765432",
            "98 76 54",
            "11223344",
            "example.net",
            "Tilleuls",
            "ORCHIDEE",
            "MIMOSA",
        ],
    )
    .await;

    // Soft delete (admins): the file is gone from lists and reads.
    let (st, _) = s
        .call(
            Method::DELETE,
            &format!("/api/v1/persons/{id}"),
            Some(t),
            None,
        )
        .await;
    assert_eq!(st, 403, "coordinators do not delete files");
    let (st, _) = s
        .call(
            Method::DELETE,
            &format!("/api/v1/persons/{id}"),
            Some(&a.admin.token),
            None,
        )
        .await;
    assert_eq!(st, 204);
    let (st, _) = s.get(&format!("/api/v1/persons/{id}"), t).await;
    assert_eq!(st, 404);

    // Concurrent audited reads append to the chain without forking it.
    let shared = std::sync::Arc::new(s);
    let mut tasks = Vec::new();
    for _ in 0..24 {
        let s = shared.clone();
        let t = a.admin.token.clone();
        tasks.push(tokio::spawn(async move {
            s.get("/api/v1/audit?limit=1", &t).await.0
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 200);
    }
    let s = std::sync::Arc::try_unwrap(shared).ok().unwrap();

    // The audit chain is intact after all of this, and detects an edited row.
    assert_eq!(
        relais_server::audit::verify(s.state.db()).await.unwrap(),
        relais_server::audit::ChainCheck::Intact {
            rows: count_audit(&s).await
        }
    );
    use sea_orm::ConnectionTrait;
    s.state
        .db()
        .execute_unprepared("UPDATE audit_log SET outcome = 'denied' WHERE seq = 3")
        .await
        .unwrap();
    assert_eq!(
        relais_server::audit::verify(s.state.db()).await.unwrap(),
        relais_server::audit::ChainCheck::BrokenAt { seq: 3 }
    );
    s.stop().await;
}

async fn count_audit(s: &Server) -> u64 {
    use sea_orm::{EntityTrait, PaginatorTrait};
    relais_server::store::entities::audit_log::Entity::find()
        .count(s.state.db())
        .await
        .unwrap()
}

/// Reads every byte of the SQLite database (file and WAL) or, on PostgreSQL, every text and
/// byte column of every table, and checks none of `needles` is there.
pub(crate) async fn assert_no_plaintext(s: &Server, needles: &[&str]) {
    if let Some(dir) = &s.sqlite_dir {
        use sea_orm::ConnectionTrait;
        // Checkpoint so the WAL is folded in, then read the file and whatever WAL is left.
        s.state
            .db()
            .execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
            .await
            .unwrap();
        let mut bytes = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            bytes.extend(std::fs::read(entry.unwrap().path()).unwrap());
        }
        for n in needles {
            assert!(
                !bytes.windows(n.len()).any(|w| w == n.as_bytes()),
                "`{n}` found in plaintext in the SQLite files"
            );
        }
    } else {
        use sea_orm::{ConnectionTrait, Statement};
        let db = s.state.db();
        let tables = db
            .query_all_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
            ))
            .await
            .unwrap();
        for t in tables {
            let name: String = t.try_get("", "table_name").unwrap();
            let rows = db
                .query_all_raw(Statement::from_string(
                    db.get_database_backend(),
                    format!(
                        "SELECT encode(convert_to(t::text, 'UTF8'), 'escape') AS row FROM {name} t"
                    ),
                ))
                .await
                .unwrap();
            for r in rows {
                let row: String = r.try_get("", "row").unwrap();
                for n in needles {
                    // bytea columns print as hex: look for the needle's hex form too.
                    let hex = data_encoding::HEXLOWER.encode(n.as_bytes());
                    assert!(
                        !row.contains(n) && !row.contains(&hex),
                        "`{n}` found in plaintext in table {name}"
                    );
                }
            }
        }
    }
}
