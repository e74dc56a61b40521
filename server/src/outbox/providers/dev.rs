//! The development outbox: without a configured provider nothing leaves; messages are kept here, sealed.

use super::*;

pub(super) async fn send(dev: &DevOutbox<'_>, m: &Outgoing) -> Sent {
    let c = dev.cipher;
    let id = Uuid::new_v4();
    let r = dev_outbox::ActiveModel {
        id: Set(id),
        organisation_id: Set(m.organisation_id),
        notification_id: Set(m.notification_id),
        channel: Set(m.channel.clone()),
        recipient: Set(c.seal("dev_outbox", "recipient", id, m.recipient.as_bytes())),
        body: Set(c.seal("dev_outbox", "body", id, m.body.as_bytes())),
        created_at: Set(dev.now),
    }
    .insert(dev.db)
    .await;
    match r {
        Ok(_) => Sent::Accepted(Some(id.to_string())),
        // Unique on the job: it is already there.
        Err(_) => match lookup(dev, m).await {
            Lookup::Found(id) => Sent::Accepted(id),
            _ => Sent::Retry {
                after: None,
                reason: "development_outbox".into(),
            },
        },
    }
}

pub(super) async fn lookup(dev: &DevOutbox<'_>, m: &Outgoing) -> Lookup {
    match dev_outbox::Entity::find()
        .filter(dev_outbox::Column::NotificationId.eq(m.notification_id))
        .one(dev.db)
        .await
    {
        Ok(Some(r)) => Lookup::Found(Some(r.id.to_string())),
        Ok(None) => Lookup::Absent,
        Err(_) => Lookup::Error("database".into()),
    }
}
