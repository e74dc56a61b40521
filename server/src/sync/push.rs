//! The intents a phone pushes, applied one by one, in the device's order, by the services the
//! API uses. Each is recorded once per (device, intent id): by the service's own write
//! transaction when it applies (`Scope::applying`), on its own when it is refused. A retry
//! gets the recorded answer back; nothing is applied twice.
//!
//! Answers: applied (with the records as they are now), rejected with the coordinator's
//! reason (slot taken, state changed, linked party, channel the profile forbids, out of the
//! device's scope), or retry later (the server failed: nothing was applied). The intents
//! after one that did not pass are skipped: the device holds what depends on it and sends
//! the rest again, so its order holds.

use relais_domain::dto::{
    Appointment, IntentAction, IntentAnswer, IntentOutcome, PushRequest, PushResponse, SyncRecord,
};
use relais_domain::problem::ProblemCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use super::Holder;
use super::pull::Builder;
use crate::casework::{attempts, interviews, partners, situations};
use crate::error::{ServiceError, ServiceResult};
use crate::scheduling::booking;
use crate::scope::{IntentMark, Scope};
use crate::store::entities::{appointment, situation, sync_intent};

/// Intents in one push, at most.
pub const MAX_INTENTS: usize = 100;

/// What an applied intent touched, to send back as records.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
#[serde(tag = "table", content = "id", rename_all = "snake_case")]
enum Touched {
    Situation(Uuid),
    Appointment(Uuid),
}

/// An intent's answer as it is recorded: ids only. The records an applied intent sends back
/// are read again at each replay, as the device may hold them now (a file since deleted,
/// anonymised or out of its scope is not sent).
#[derive(serde::Serialize, serde::Deserialize)]
struct Recorded {
    #[serde(flatten)]
    answer: IntentAnswer,
    #[serde(default)]
    touched: Option<Touched>,
}

fn recorded_body(answer: &IntentAnswer, touched: Option<Touched>) -> ServiceResult<String> {
    let answer = IntentAnswer {
        records: Vec::new(),
        ..answer.clone()
    };
    serde_json::to_string(&Recorded { answer, touched }).map_err(ServiceError::internal)
}

pub async fn push(t: &Scope, req: PushRequest) -> ServiceResult<PushResponse> {
    let holder = Holder::of(t).await?;
    if req.intents.len() > MAX_INTENTS {
        return Err(ServiceError::field(
            ProblemCode::InvalidField,
            "intents",
            (
                format!("{MAX_INTENTS} intentions au plus par envoi."),
                format!("{MAX_INTENTS} intents at most per upload."),
            ),
        ));
    }
    let mut answers = Vec::with_capacity(req.intents.len());
    let mut stop = false;
    for intent in req.intents {
        let answer = if stop {
            IntentAnswer {
                outcome: IntentOutcome::Skipped,
                ..retry_later(
                    intent.id,
                    intent.seq,
                    "Non tentée : une action précédente n'est pas passée.",
                )
            }
        } else {
            one(t, &holder, intent.id, intent.seq, intent.action).await?
        };
        // The device decides what depends on an intent that did not pass.
        stop |= answer.outcome != IntentOutcome::Applied;
        answers.push(answer);
    }
    Ok(PushResponse { answers })
}

fn retry_later(id: Uuid, seq: i64, why: &str) -> IntentAnswer {
    IntentAnswer {
        id,
        seq,
        outcome: IntentOutcome::RetryLater,
        code: None,
        reason: Some(why.to_owned()),
        field: None,
        records: Vec::new(),
    }
}

fn rejected(id: Uuid, seq: i64, e: ServiceError) -> IntentAnswer {
    let p = e.into_parts();
    let first = p.errors.first();
    let reason = match (&p.detail, first) {
        (_, Some(f)) => f.message.clone(),
        (Some(d), None) => d.clone(),
        (None, None) => p.title.to_owned(),
    };
    IntentAnswer {
        id,
        seq,
        outcome: IntentOutcome::Rejected,
        code: Some(p.code),
        reason: Some(reason),
        field: first.map(|f| f.field.clone()),
        records: Vec::new(),
    }
}

async fn recorded(t: &Scope, device: Uuid, id: Uuid) -> ServiceResult<Option<sync_intent::Model>> {
    Ok(t.scoped::<sync_intent::Entity>()
        .filter(sync_intent::Column::DeviceId.eq(device))
        .filter(sync_intent::Column::IntentId.eq(id))
        .one(t.db())
        .await?)
}

/// The recorded answer of an intent seen before, with the records it touched as the device
/// may hold them now.
async fn replay(t: &Scope, h: &Holder, r: sync_intent::Model) -> ServiceResult<IntentAnswer> {
    let fallback = || IntentAnswer {
        id: r.intent_id,
        seq: r.seq,
        outcome: IntentOutcome::parse(&r.outcome).unwrap_or(IntentOutcome::Applied),
        code: None,
        reason: None,
        field: None,
        records: Vec::new(),
    };
    let Some(rec) = r
        .answer
        .as_deref()
        .and_then(|a| serde_json::from_str::<Recorded>(a).ok())
    else {
        return Ok(fallback());
    };
    let mut answer = rec.answer;
    answer.records = match rec.touched {
        Some(touched) if answer.outcome == IntentOutcome::Applied => {
            records_of(t, h, touched).await?
        }
        _ => Vec::new(),
    };
    Ok(answer)
}

async fn one(
    t: &Scope,
    h: &Holder,
    id: Uuid,
    seq: i64,
    action: IntentAction,
) -> ServiceResult<IntentAnswer> {
    if let Some(r) = recorded(t, h.device_id, id).await? {
        return replay(t, h, r).await;
    }
    if seq < 1 {
        return Ok(rejected(
            id,
            seq,
            ServiceError::field(
                ProblemCode::InvalidField,
                "seq",
                (
                    "Numéro d'ordre positif attendu.",
                    "A positive sequence number expected.",
                ),
            ),
        ));
    }
    let last = t
        .scoped::<sync_intent::Entity>()
        .filter(sync_intent::Column::DeviceId.eq(h.device_id))
        .filter(sync_intent::Column::Seq.gte(seq))
        .one(t.db())
        .await?;
    if last.is_some() {
        // Not recorded, and the device already sent one at or after this position.
        let e = ServiceError::new(ProblemCode::Conflict, "Hors d'ordre").detail(
            "Cette action arrive après une action plus récente du même téléphone : elle n'a pas été appliquée.",
        );
        return Ok(rejected(id, seq, e));
    }
    if let Err(e) = in_scope(t, h, &action).await {
        return record_refusal(t, h, id, seq, action.kind(), rejected(id, seq, e)).await;
    }
    let kind = action.kind();
    let a = t.applying(IntentMark::new(h.device_id, id, seq, kind));
    match apply(&a, action).await {
        Ok(touched) => {
            let records = records_of(t, h, touched).await?;
            let answer = IntentAnswer {
                id,
                seq,
                outcome: IntentOutcome::Applied,
                code: None,
                reason: None,
                field: None,
                records,
            };
            let body = recorded_body(&answer, Some(touched))?;
            let (_turn, txn) = t.begin_write().await?;
            sync_intent::Entity::update_many()
                .col_expr(
                    sync_intent::Column::Answer,
                    sea_orm::sea_query::Expr::value(body.clone()),
                )
                .filter(sync_intent::Column::DeviceId.eq(h.device_id))
                .filter(sync_intent::Column::IntentId.eq(id))
                .exec(&txn)
                .await?;
            if !a.intent_recorded() {
                insert(&txn, t, h, id, seq, kind, IntentOutcome::Applied, body).await?;
            }
            txn.commit().await?;
            Ok(answer)
        }
        Err(e) if e.status() >= 500 => {
            // Applied by a concurrent push of the same intent? Then its answer stands.
            if let Some(r) = recorded(t, h.device_id, id).await? {
                return replay(t, h, r).await;
            }
            Ok(retry_later(
                id,
                seq,
                "Le serveur n'a pas pu l'appliquer ; nouvel essai plus tard.",
            ))
        }
        Err(e) => record_refusal(t, h, id, seq, kind, rejected(id, seq, e)).await,
    }
}

#[allow(clippy::too_many_arguments)]
async fn insert<C: sea_orm::ConnectionTrait>(
    db: &C,
    t: &Scope,
    h: &Holder,
    id: Uuid,
    seq: i64,
    kind: &str,
    outcome: IntentOutcome,
    body: String,
) -> Result<(), sea_orm::DbErr> {
    sync_intent::ActiveModel {
        device_id: Set(h.device_id),
        intent_id: Set(id),
        organisation_id: Set(t.organisation_id()),
        account_id: Set(h.account_id),
        seq: Set(seq),
        kind: Set(kind.to_owned()),
        outcome: Set(outcome.as_str().to_owned()),
        answer: Set(Some(body)),
        created_at: Set(t.now()),
    }
    .insert(db)
    .await
    .map(|_| ())
}

async fn record_refusal(
    t: &Scope,
    h: &Holder,
    id: Uuid,
    seq: i64,
    kind: &str,
    answer: IntentAnswer,
) -> ServiceResult<IntentAnswer> {
    let body = recorded_body(&answer, None)?;
    let (_turn, txn) = t.begin_write().await?;
    if let Err(e) = insert(&txn, t, h, id, seq, kind, IntentOutcome::Rejected, body).await {
        drop(txn);
        // A concurrent push recorded it first: its answer stands.
        return match recorded(t, h.device_id, id).await? {
            Some(r) => replay(t, h, r).await,
            None => Err(e.into()),
        };
    }
    txn.commit().await?;
    Ok(answer)
}

fn outside() -> ServiceError {
    ServiceError::new(ProblemCode::NotFound, "Introuvable")
        .detail("Ce dossier ou ce rendez-vous n'est plus dans votre périmètre (réattribué, clos ou supprimé).")
}

/// An intent may name only what the device holds.
async fn in_scope(t: &Scope, h: &Holder, a: &IntentAction) -> ServiceResult<()> {
    let situation_id = match a {
        IntentAction::LogAttempt { situation_id, .. }
        | IntentAction::SituationEvent { situation_id, .. }
        | IntentAction::Interview { situation_id, .. }
        | IntentAction::Orient { situation_id, .. } => Some(*situation_id),
        _ => None,
    };
    if let Some(id) = situation_id {
        let m = t.find_live::<situation::Entity>(id).await?;
        return match m {
            Some(m) if h.holds_situation(&m) => Ok(()),
            _ => Err(outside()),
        };
    }
    let appointment_id = match a {
        IntentAction::Move { appointment_id, .. }
        | IntentAction::Cancel { appointment_id, .. }
        | IntentAction::Seen { appointment_id, .. }
        | IntentAction::NoShow { appointment_id, .. } => Some(*appointment_id),
        _ => None,
    };
    if let Some(id) = appointment_id {
        let m = t.find_live::<appointment::Entity>(id).await?;
        return match m {
            Some(m) if h.holds_appointment(&m) => Ok(()),
            _ => Err(outside()),
        };
    }
    if let IntentAction::Book { input } = a
        && !h.sites.contains(&input.site_id)
        && input.coordinator_id != h.account_id
    {
        return Err(ServiceError::field(
            ProblemCode::Unknown,
            "site_id",
            (
                "Ce lieu n'est pas l'un des vôtres.",
                "This place is not one of yours.",
            ),
        ));
    }
    Ok(())
}

/// The intent, by the API's own services.
async fn apply(t: &Scope, a: IntentAction) -> ServiceResult<Touched> {
    Ok(match a {
        IntentAction::LogAttempt {
            situation_id,
            input,
        } => {
            attempts::attempt(t, situation_id, input).await?;
            Touched::Situation(situation_id)
        }
        IntentAction::SituationEvent {
            situation_id,
            input,
        } => {
            situations::event(t, situation_id, input).await?;
            Touched::Situation(situation_id)
        }
        IntentAction::Interview {
            situation_id,
            input,
        } => {
            interviews::record_interview(t, situation_id, input).await?;
            Touched::Situation(situation_id)
        }
        IntentAction::Orient {
            situation_id,
            input,
        } => {
            partners::orient(t, situation_id, input).await?;
            Touched::Situation(situation_id)
        }
        IntentAction::Book { input } => match booking::book(t, input, None).await? {
            booking::Booked::Created(body) | booking::Booked::Replayed { body, .. } => {
                let a: Appointment = serde_json::from_str(&body).map_err(ServiceError::internal)?;
                Touched::Appointment(a.id)
            }
        },
        IntentAction::Move {
            appointment_id,
            input,
        } => {
            booking::move_appointment(t, appointment_id, input).await?;
            Touched::Appointment(appointment_id)
        }
        IntentAction::Cancel {
            appointment_id,
            input,
        } => {
            booking::cancel(t, appointment_id, input).await?;
            Touched::Appointment(appointment_id)
        }
        IntentAction::Seen {
            appointment_id,
            input,
        } => {
            booking::seen(t, appointment_id, input).await?;
            Touched::Appointment(appointment_id)
        }
        IntentAction::NoShow {
            appointment_id,
            input,
        } => {
            booking::no_show(t, appointment_id, input).await?;
            Touched::Appointment(appointment_id)
        }
    })
}

/// The touched row as the feed would send it now, with what it brings along.
async fn records_of(t: &Scope, h: &Holder, touched: Touched) -> ServiceResult<Vec<SyncRecord>> {
    let mut b = Builder::new(t, h).await?;
    b.skip_removals = true;
    match touched {
        Touched::Situation(id) => {
            let rows = t
                .scoped::<situation::Entity>()
                .filter(situation::Column::Id.eq(id))
                .all(t.db())
                .await?;
            b.situations(rows).await?;
        }
        Touched::Appointment(id) => {
            let rows = t
                .scoped::<appointment::Entity>()
                .filter(appointment::Column::Id.eq(id))
                .all(t.db())
                .await?;
            b.appointments(rows).await?;
        }
    }
    Ok(b.finish()
        .await?
        .into_iter()
        .filter_map(|c| match c {
            relais_domain::dto::SyncChange::Put { record } => Some(record),
            relais_domain::dto::SyncChange::Remove { .. } => None,
        })
        .collect())
}
