//! The audit log: one append-only, hash-chained row per login, failed login, read or write of
//! a person's file, export and override. Rows say who did what to which record, never content.

use chrono::{DateTime, Utc};
use data_encoding::HEXLOWER;
use relais_domain::Role;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, Statement,
    TransactionSession, TransactionTrait,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::store::entities::audit_log;

/// The hash before the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Login,
    LoginFailed,
    Logout,
    DeviceLogin,
    DeviceRefresh,
    DeviceRevoked,
    SecondFactorEnrolled,
    PersonCreated,
    PersonRead,
    PersonUpdated,
    PersonDeleted,
    PersonSearched,
    AuditRead,
    AccountCreated,
    AccountUpdated,
    SiteWritten,
    AppointmentForceBooked,
    SituationCreated,
    SituationRead,
    SituationChanged,
    SituationAssigned,
    ReferralReceived,
    AttemptLogged,
    InterviewRecorded,
    OrientationProposed,
    OrientationOverride,
    OrientationChanged,
    ChildReportRecorded,
    AnonymousContactRecorded,
    PreventionActionRecorded,
    PreventionActionRemoved,
    ConventionWritten,
    PartnerWritten,
    PartnerUnitWritten,
    PersonLinked,
    /// A link between two people ended.
    PersonUnlinked,
    ReportGenerated,
    RetentionRun,
    PersonAnonymised,
    LinkCreated,
    LinkRevoked,
    LinkOpened,
    LinkChecked,
    /// A booking or move refused by the keep-apart rule (in the person's access log).
    LinkedPartyRefused,
    SecondFactorReset,
    InvitationCreated,
    InvitationRevoked,
    /// The person's "no more messages" switch turned on or off.
    MessagesStopped,
}

relais_domain::words!(Action {
    Login = "login" => ("Connexion", "Sign-in"),
    LoginFailed = "login_failed" => ("Connexion refusée", "Sign-in refused"),
    Logout = "logout" => ("Déconnexion", "Sign-out"),
    DeviceLogin = "device_login" => ("Connexion d'un téléphone", "Phone signed in"),
    DeviceRefresh = "device_refresh" => ("Téléphone reconnecté", "Phone refreshed"),
    DeviceRevoked = "device_revoked" => ("Téléphone révoqué", "Phone revoked"),
    SecondFactorEnrolled = "second_factor_enrolled" => ("Second facteur enrôlé", "Second factor enrolled"),
    PersonCreated = "person_created" => ("Dossier créé", "File created"),
    PersonRead = "person_read" => ("Dossier ouvert", "File opened"),
    PersonUpdated = "person_updated" => ("Dossier modifié", "File changed"),
    PersonDeleted = "person_deleted" => ("Dossier supprimé", "File deleted"),
    PersonSearched = "person_searched" => ("Recherche de personne", "Person searched"),
    AuditRead = "audit_read" => ("Journal consulté", "Log read"),
    AccountCreated = "account_created" => ("Compte créé", "Account created"),
    AccountUpdated = "account_updated" => ("Compte modifié", "Account changed"),
    SiteWritten = "site_written" => ("Site enregistré", "Site saved"),
    AppointmentForceBooked = "appointment_force_booked" => ("Rendez-vous imposé (urgence)", "Appointment forced (emergency)"),
    SituationCreated = "situation_created" => ("Situation créée", "Situation created"),
    SituationRead = "situation_read" => ("Situation ouverte", "Situation opened"),
    SituationChanged = "situation_changed" => ("Situation changée", "Situation changed"),
    SituationAssigned = "situation_assigned" => ("Situation attribuée", "Situation assigned"),
    ReferralReceived = "referral_received" => ("Signalement reçu", "Referral received"),
    AttemptLogged = "attempt_logged" => ("Tentative de contact", "Contact attempt"),
    InterviewRecorded = "interview_recorded" => ("Entretien enregistré", "Interview recorded"),
    OrientationProposed = "orientation_proposed" => ("Orientation proposée", "Orientation proposed"),
    OrientationOverride = "orientation_override" => ("Orientation passée outre", "Orientation overridden"),
    OrientationChanged = "orientation_changed" => ("Orientation changée", "Orientation changed"),
    ChildReportRecorded = "child_report_recorded" => ("Signalement d'enfant en danger", "Child-at-risk report"),
    AnonymousContactRecorded = "anonymous_contact_recorded" => ("Contact anonyme", "Anonymous contact"),
    PreventionActionRecorded = "prevention_action_recorded" => ("Action de prévention enregistrée", "Prevention action recorded"),
    PreventionActionRemoved = "prevention_action_removed" => ("Action de prévention retirée", "Prevention action removed"),
    ConventionWritten = "convention_written" => ("Convention enregistrée", "Convention saved"),
    PartnerWritten = "partner_written" => ("Partenaire enregistré", "Partner saved"),
    PartnerUnitWritten = "partner_unit_written" => ("Clé d'unité enregistrée", "Unit key saved"),
    PersonLinked = "person_linked" => ("Personnes liées", "People linked"),
    PersonUnlinked = "person_unlinked" => ("Lien entre personnes terminé", "Link between people ended"),
    ReportGenerated = "report_generated" => ("Rapport produit", "Report produced"),
    RetentionRun = "retention_run" => ("Conservation appliquée", "Retention run"),
    PersonAnonymised = "person_anonymised" => ("Dossier anonymisé", "File anonymised"),
    LinkCreated = "link_created" => ("Lien envoyé à la personne", "Link made for the person"),
    LinkRevoked = "link_revoked" => ("Lien révoqué", "Link revoked"),
    LinkOpened = "link_opened" => ("Lien ouvert par la personne", "Link opened by the person"),
    SecondFactorReset = "second_factor_reset" => ("Second facteur réinitialisé", "Second factor reset"),
    InvitationCreated = "invitation_created" => ("Invitation envoyée à la personne", "Invitation made for the person"),
    InvitationRevoked = "invitation_revoked" => ("Invitation retirée", "Invitation revoked"),
    MessagesStopped = "messages_stopped" => ("Envoi de messages changé (aucun message)", "Messages switched (no more messages)"),
    LinkChecked = "link_checked" => ("Vérification sur le lien", "Check on the link"),
    LinkedPartyRefused = "linked_party_refused" => ("Créneau refusé : une personne liée, tenue à l'écart, a cette demi-journée", "Time refused: a linked person kept apart has that half-day"),
});

#[derive(Debug, Clone)]
pub struct Event {
    pub organisation_id: Option<Uuid>,
    pub account_id: Option<Uuid>,
    pub role: Option<Role>,
    pub ip: Option<String>,
    pub action: Action,
    pub record_type: Option<&'static str>,
    pub record_id: Option<Uuid>,
    /// `ok`, `denied`, `failed`, `locked`.
    pub outcome: &'static str,
    /// When it happened, by the server's clock (`crate::clock`).
    pub at: DateTime<Utc>,
}

/// Hash of a row's content linked to the previous row's hash. Computed from the stored
/// text, so the writer and the verifier cannot disagree.
fn row_hash(prev: &str, r: &audit_log::Model) -> String {
    let mut h = Sha256::new();
    let opt = |u: Option<Uuid>| u.map(|u| u.to_string()).unwrap_or_default();
    for part in [
        prev.to_owned(),
        r.seq.to_string(),
        r.at.timestamp_micros().to_string(),
        opt(r.organisation_id),
        opt(r.account_id),
        r.role.clone().unwrap_or_default(),
        r.ip.clone().unwrap_or_default(),
        r.action.clone(),
        r.record_type.clone().unwrap_or_default(),
        opt(r.record_id),
        r.outcome.clone(),
    ] {
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    HEXLOWER.encode(&h.finalize())
}

/// Append one row. Call it with the transaction of the write it records, so the row and
/// the change stand or fall together. The head row is updated first: on PostgreSQL that
/// row lock orders concurrent appends; on SQLite the write lock is taken before any read.
pub async fn record<C: ConnectionTrait + TransactionTrait>(db: &C, e: Event) -> Result<(), DbErr> {
    record_many(db, vec![e]).await
}

/// Append several rows at once (a phone's pull of many files): one move of the head, the
/// chain computed in order, the rows inserted in batches.
pub async fn record_many<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    events: Vec<Event>,
) -> Result<(), DbErr> {
    if events.is_empty() {
        return Ok(());
    }
    // Always inside a transaction (a savepoint when the caller has one), so the head row stays
    // locked from the read of the previous hash to the insert: two appends cannot both link
    // to the same predecessor.
    let txn = db.begin().await?;
    let db = &txn;
    let backend = db.get_database_backend();
    let n = events.len() as i64;
    let head = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            match backend {
                sea_orm::DatabaseBackend::Postgres => {
                    "UPDATE audit_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash"
                }
                _ => "UPDATE audit_head SET seq = seq + ? WHERE id = 1 RETURNING seq, hash",
            },
            [n.into()],
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("audit_head".into()))?;
    let last: i64 = head.try_get("", "seq")?;
    let mut prev: String = head.try_get("", "hash")?;
    let mut rows = Vec::with_capacity(events.len());
    for (i, e) in events.into_iter().enumerate() {
        // Microsecond precision: what both databases store exactly, so the hash re-computes.
        let at = DateTime::from_timestamp_micros(e.at.timestamp_micros()).unwrap_or(e.at);
        let mut row = audit_log::Model {
            seq: last - n + 1 + i as i64,
            at,
            organisation_id: e.organisation_id,
            account_id: e.account_id,
            role: e.role.map(|r| r.as_str().to_owned()),
            ip: e.ip,
            action: e.action.as_str().to_owned(),
            record_type: e.record_type.map(str::to_owned),
            record_id: e.record_id,
            outcome: e.outcome.to_owned(),
            prev_hash: String::new(),
            hash: String::new(),
        };
        row.hash = row_hash(&prev, &row);
        row.prev_hash = std::mem::replace(&mut prev, row.hash.clone());
        rows.push(audit_log::ActiveModel::from(row));
    }
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        match backend {
            sea_orm::DatabaseBackend::Postgres => "UPDATE audit_head SET hash = $1 WHERE id = 1",
            _ => "UPDATE audit_head SET hash = ? WHERE id = 1",
        },
        [prev.into()],
    ))
    .await?;
    // 12 columns a row: 80 rows stay under SQLite's 999 bound parameters.
    let mut rest = rows;
    while !rest.is_empty() {
        let tail = rest.split_off(rest.len().min(80));
        audit_log::Entity::insert_many(rest).exec(db).await?;
        rest = tail;
    }
    txn.commit().await
}

#[derive(Debug, PartialEq, Eq)]
pub enum ChainCheck {
    Intact {
        rows: u64,
    },
    /// The first row whose hash or link does not match.
    BrokenAt {
        seq: i64,
    },
}

/// Where the kept chain starts: the last pruned row's position and hash (0 and the genesis
/// hash before any pruning).
async fn anchor<C: ConnectionTrait>(db: &C) -> Result<(i64, String), DbErr> {
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT pruned_seq, pruned_hash FROM audit_head WHERE id = 1",
        ))
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("audit_head".into()))?;
    let seq: i64 = row.try_get("", "pruned_seq")?;
    let hash: Option<String> = row.try_get("", "pruned_hash")?;
    Ok((seq, hash.unwrap_or_else(|| GENESIS.to_owned())))
}

/// Drop the rows older than `before` (the log keeps 12 months), in one transaction that
/// moves the anchor to the last dropped row, so `verify` still checks what remains and
/// still notices a row removed by anyone else.
pub async fn prune<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    before: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let txn = db.begin().await?;
    let backend = txn.get_database_backend();
    // Lock the head first, as every append does.
    txn.execute_raw(Statement::from_string(
        backend,
        "UPDATE audit_head SET seq = seq WHERE id = 1",
    ))
    .await?;
    let last = audit_log::Entity::find()
        .filter(audit_log::Column::At.lt(before))
        .order_by_desc(audit_log::Column::Seq)
        .one(&txn)
        .await?;
    let Some(last) = last else {
        txn.commit().await?;
        return Ok(0);
    };
    let gone = audit_log::Entity::delete_many()
        .filter(audit_log::Column::Seq.lte(last.seq))
        .exec(&txn)
        .await?
        .rows_affected;
    txn.execute_raw(Statement::from_sql_and_values(
        backend,
        match backend {
            sea_orm::DatabaseBackend::Postgres => {
                "UPDATE audit_head SET pruned_seq = $1, pruned_hash = $2 WHERE id = 1"
            }
            _ => "UPDATE audit_head SET pruned_seq = ?, pruned_hash = ? WHERE id = 1",
        },
        [last.seq.into(), last.hash.clone().into()],
    ))
    .await?;
    txn.commit().await?;
    Ok(gone)
}

/// Walk the kept chain from its anchor. A deleted, inserted or edited row breaks it.
pub async fn verify<C: ConnectionTrait>(db: &C) -> Result<ChainCheck, DbErr> {
    let (pruned_seq, anchor_hash) = anchor(db).await?;
    let rows = audit_log::Entity::find()
        .order_by_asc(audit_log::Column::Seq)
        .all(db)
        .await?;
    let mut prev = anchor_hash;
    for (expected_seq, r) in (pruned_seq + 1..).zip(rows.iter()) {
        if r.seq != expected_seq || r.prev_hash != prev || r.hash != row_hash(&prev, r) {
            return Ok(ChainCheck::BrokenAt { seq: r.seq });
        }
        prev = r.hash.clone();
    }
    Ok(ChainCheck::Intact {
        rows: rows.len() as u64,
    })
}

/// An audit row as the API shows it.
pub fn audit_entry(r: crate::store::entities::audit_log::Model) -> relais_domain::dto::AuditEntry {
    relais_domain::dto::AuditEntry {
        at: r.at,
        account_id: r.account_id,
        role: r.role.as_deref().and_then(relais_domain::Role::parse),
        action: r.action,
        record_type: r.record_type,
        record_id: r.record_id,
        outcome: r.outcome,
        ip: r.ip,
    }
}

#[cfg(test)]
mod action_words {
    use super::Action;

    #[test]
    fn every_action_reads_back_and_is_spelt_once() {
        let mut seen = std::collections::HashSet::new();
        for &a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Some(a));
            assert!(seen.insert(a.as_str()), "{} twice", a.as_str());
        }
    }
}
