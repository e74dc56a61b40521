//! The messages of an appointment as a coordinator checks them, and the development outbox.

use crate::error::ServiceResult;
use crate::scheduling::booking::find;
use crate::scope::Scope;
use relais_domain::delivery::JobState;
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;
use uuid::Uuid;

/// The messages of an appointment and their states: what the coordinator checks when a
/// reminder was not delivered.
pub async fn notifications(
    t: &Scope,
    id: Uuid,
) -> ServiceResult<Vec<relais_domain::dto::Notification>> {
    use crate::store::entities::notification;
    find(t, id).await?;
    let rows = t
        .scoped::<notification::Entity>()
        .filter(notification::Column::AppointmentId.eq(id))
        .order_by_asc(notification::Column::CreatedAt)
        .order_by_asc(notification::Column::Kind)
        .all(t.db())
        .await?;
    Ok(rows
        .into_iter()
        .map(|n| relais_domain::dto::Notification {
            id: n.id,
            person_id: n.person_id,
            kind: n.kind,
            channel: n.channel,
            state: n.state,
            due_at: n.due_at,
            sent_at: n.sent_at,
            reason: n.reason,
            encoding: n.encoding,
            segments: n.segments,
            attempt: n.attempt,
        })
        .collect())
}

/// What the development outbox kept (no provider configured), newest first, then what is
/// scheduled to go, as it would read now. Admins only.
pub async fn dev_outbox(t: &Scope) -> ServiceResult<Vec<relais_domain::dto::DevMessage>> {
    use crate::store::entities::{dev_outbox, notification};
    let c = t.state.cipher();
    let rows = t
        .scoped::<dev_outbox::Entity>()
        .order_by_desc(dev_outbox::Column::CreatedAt)
        .limit(200)
        .all(t.db())
        .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.notification_id).collect();
    let kinds: HashMap<Uuid, String> = t
        .scoped::<notification::Entity>()
        .filter(notification::Column::Id.is_in(ids))
        .all(t.db())
        .await?
        .into_iter()
        .map(|n| (n.id, n.kind))
        .collect();
    let open = |id, col, b: &[u8]| -> ServiceResult<String> {
        Ok(String::from_utf8_lossy(&c.open("dev_outbox", col, id, b)?).into_owned())
    };
    let mut out = rows
        .into_iter()
        .map(|m| {
            Ok(relais_domain::dto::DevMessage {
                at: m.created_at,
                notification_id: m.notification_id,
                state: JobState::Sent.as_str().into(),
                kind: kinds.get(&m.notification_id).cloned().unwrap_or_default(),
                channel: m.channel.clone(),
                recipient: open(m.id, "recipient", &m.recipient)?,
                body: open(m.id, "body", &m.body)?,
            })
        })
        .collect::<ServiceResult<Vec<_>>>()?;
    let upcoming = t
        .scoped::<notification::Entity>()
        .filter(
            notification::Column::State
                .is_in([JobState::Scheduled.as_str(), JobState::Retryable.as_str()]),
        )
        .order_by_asc(notification::Column::DueAt)
        .limit(200)
        .all(t.db())
        .await?;
    let batch = crate::outbox::compose::Batch::load(&t.state, &upcoming).await?;
    for n in &upcoming {
        let gw = t.state.gateways();
        if gw.name(&n.channel) != "development" {
            continue;
        }
        if let Some((o, _, _)) = batch.compose(n) {
            out.push(relais_domain::dto::DevMessage {
                at: n.due_at,
                notification_id: n.id,
                state: JobState::Scheduled.as_str().into(),
                kind: n.kind.clone(),
                channel: n.channel.clone(),
                recipient: o.recipient,
                body: o.body,
            });
        }
    }
    Ok(out)
}
