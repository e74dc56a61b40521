//! The phone offline and its sync against a real server: two phones, conflicts, a server
//! that moved on, linked parties, scope changes, a revoked device, the raw store file, the
//! access rules of the sync endpoints, and a feed read while others write.

use std::path::PathBuf;

use chrono::{Duration, Utc};
use relais_domain::dto::{AppointmentInput, SituationEventInput};
use relais_domain::outreach::{AttemptChannel, AttemptResult, Event};
use relais_mobile_core::client::ClientError;
use relais_mobile_core::phone::{CoreError, IntentState, Phone};
use relais_tests::{Actor, Org, PASSWORD, Server, enrol, org, paris, totp_code, workday};
use serde_json::{Value, json};
use uuid::Uuid;

pub struct Dir(pub PathBuf);

impl Dir {
    pub fn new() -> Dir {
        let d = std::env::temp_dir().join(format!("relais-phone-{}", Uuid::new_v4()));
        std::fs::create_dir_all(&d).unwrap();
        Dir(d)
    }
    pub fn db(&self) -> PathBuf {
        self.0.join("phone.db")
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub const KEY: [u8; 32] = [42u8; 32];

pub async fn phone(s: &Server, who: &Actor, dir: &Dir, step: i64) -> Phone {
    let p = Phone::open(&s.base, &dir.db(), &KEY).unwrap();
    p.login(
        &who.email,
        PASSWORD,
        Some(totp_code(&who.totp_secret, step)),
        "Téléphone",
    )
    .await
    .unwrap();
    p
}

/// Another coordinator at the organisation's site.
pub async fn colleague(s: &Server, a: &Org, name: &str) -> Actor {
    let email = format!(
        "{name}-{}@example.org",
        &Uuid::new_v4().simple().to_string()[..8]
    );
    let (st, acc) = s
        .post("/api/v1/accounts", Some(&a.admin.token), json!({"email": email, "display_name": name, "role": "coordinator", "password": PASSWORD, "site_ids": [a.site_id]}))
        .await;
    assert_eq!(st, 201, "{acc}");
    enrol(s, &email).await
}

pub async fn situation(s: &Server, who: &Actor, person: Uuid) -> Value {
    let (st, sit) = s
        .post("/api/v1/situations", Some(&who.token), json!({"person_id": person, "kind": "domestic_violence", "channel": "gendarmerie", "initiative": "third_party", "person_role": "victim", "consent_to_contact": true}))
        .await;
    assert_eq!(st, 201, "{sit}");
    sit
}

/// Sync until `done` holds, for at most 20 s. On PostgreSQL the feed hands out a change
/// once every transaction older than it has finished, in the whole cluster (another test's
/// login hashing a password inside its transaction holds it back for a moment): a change
/// made just before is there at the next sync or a few after, never lost.
pub async fn sync_until(p: &Phone, what: &str, done: impl Fn(&Phone) -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        p.sync().await.unwrap();
        if done(p) {
            return;
        }
        assert!(std::time::Instant::now() < deadline, "never synced: {what}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

fn id(v: &Value) -> Uuid {
    v["id"].as_str().unwrap().parse().unwrap()
}

fn booking(
    a: &Org,
    coordinator: Uuid,
    person: Uuid,
    day: chrono::NaiveDate,
    h: u32,
) -> AppointmentInput {
    AppointmentInput {
        type_id: a.type_id,
        site_id: a.site_id,
        coordinator_id: coordinator,
        person_id: person,
        start: chrono::DateTime::parse_from_rfc3339(&paris(day, h, 0)).unwrap(),
        emergency_reason: None,
    }
}

#[tokio::test]
async fn two_phones_work_offline_and_one_slot_is_booked_once() {
    let s = Server::start().await;
    let a = org(&s, "Deux téléphones").await;
    let b = colleague(&s, &a, "bernard").await;
    let sit = situation(&s, &a.coordinator, a.person_id).await;
    let (da, db) = (Dir::new(), Dir::new());
    let pa = phone(&s, &a.coordinator, &da, 1).await;
    let pb = phone(&s, &b, &db, 1).await;
    let ra = pa.sync().await.unwrap();
    assert!(ra.pulled > 0, "{ra:?}");
    pb.sync().await.unwrap();

    // The agenda: the fixture's appointment, the person by initials only.
    let day = workday(7);
    let from = chrono::DateTime::parse_from_rfc3339(&paris(day, 0, 0))
        .unwrap()
        .with_timezone(&Utc);
    let to = from + Duration::days(1);
    let agenda = pa.agenda(from, to, Some(a.site_id)).unwrap();
    assert_eq!(agenda.len(), 1, "{agenda:?}");
    assert_eq!(agenda[0].appointment_id, a.appointment_id);
    assert!(
        !agenda[0].initials[0].contains("Camille") && agenda[0].initials[0].starts_with('C'),
        "{:?}",
        agenda[0].initials
    );
    assert!(!agenda[0].pending);
    // Both coordinators work the site: B holds it too.
    assert_eq!(pb.agenda(from, to, None).unwrap().len(), 1);

    // The queue: A's situation on A's phone, not on B's (assigned to A).
    let qa = pa.call_back_queue(Utc::now()).unwrap();
    assert!(qa.iter().any(|l| l.situation_id == id(&sit)), "{qa:?}");
    let qb = pb.call_back_queue(Utc::now()).unwrap();
    assert!(!qb.iter().any(|l| l.situation_id == id(&sit)));

    // Free slots on the phone are the server's, to the minute.
    let now = Utc::now();
    let local = pa
        .free_slots(
            a.type_id,
            a.site_id,
            Some(a.coordinator.account_id),
            day,
            day,
            now,
        )
        .unwrap();
    let (st, server) = s
        .get(
            &format!(
                "/api/v1/availability?type_id={}&site_id={}&coordinator_id={}&from={day}&to={day}",
                a.type_id, a.site_id, a.coordinator.account_id
            ),
            &a.coordinator.token,
        )
        .await;
    assert_eq!(st, 200, "{server}");
    let server: Vec<String> = server
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            chrono::DateTime::parse_from_rfc3339(x["start"].as_str().unwrap())
                .unwrap()
                .to_rfc3339()
        })
        .collect();
    let local: Vec<String> = local.iter().map(|x| x.start.to_rfc3339()).collect();
    assert!(!local.is_empty());
    assert_eq!(local, server, "phone vs server");

    // Offline: both book A's 10:00 for the person; A logs a call.
    let ia = pa
        .book(booking(&a, a.coordinator.account_id, a.person_id, day, 10))
        .unwrap();
    let ib = pb
        .book(booking(&a, a.coordinator.account_id, a.person_id, day, 10))
        .unwrap();
    let call = pa
        .log_attempt(
            id(&sit),
            AttemptChannel::Call,
            AttemptResult::NoAnswer,
            Some("rappeler après 18 h".into()),
            Utc::now(),
        )
        .unwrap();
    // The echoes show at once.
    let agenda = pa.agenda(from, to, None).unwrap();
    assert!(
        agenda.iter().any(|l| l.pending && l.appointment_id == ia),
        "{agenda:?}"
    );
    assert!(
        pa.situation(id(&sit))
            .unwrap()
            .attempts
            .iter()
            .any(|(_, pending)| *pending)
    );
    // The slot the phone booked is no longer shown free on it.
    let again = pa
        .free_slots(
            a.type_id,
            a.site_id,
            Some(a.coordinator.account_id),
            day,
            day,
            Utc::now(),
        )
        .unwrap();
    assert!(
        !again
            .iter()
            .any(|x| x.start.to_rfc3339() == paris(day, 10, 0))
    );

    // Reconnect: B first, then A. Exactly one booking is applied.
    let rb = pb.sync().await.unwrap();
    assert_eq!((rb.applied, rb.rejected), (1, 0), "{rb:?}");
    let ra = pa.sync().await.unwrap();
    assert_eq!((ra.applied, ra.rejected), (1, 1), "{ra:?}");
    let st = pa.status().unwrap();
    assert_eq!(st.rejected.len(), 1);
    assert_eq!(st.rejected[0].id, ia);
    // Taken meanwhile: no longer a free slot (or, in a race, refused by the constraint).
    assert!(
        matches!(
            st.rejected[0].code.as_deref(),
            Some("slot_unavailable" | "slot_taken")
        ),
        "{:?}",
        st.rejected[0]
    );
    assert!(!st.rejected[0].reason.clone().unwrap_or_default().is_empty());
    assert_eq!(st.pending, 0);
    // A's agenda shows B's booking as the server has it; A's echo is gone.
    let agenda = pa.agenda(from, to, None).unwrap();
    assert_eq!(agenda.len(), 2, "{agenda:?}");
    assert!(agenda.iter().all(|l| !l.pending));
    assert!(
        !agenda
            .iter()
            .any(|l| l.appointment_id == ia || l.appointment_id == ib)
    );
    // The call is on the server and on the phone, no longer pending.
    let file = pa.situation(id(&sit)).unwrap();
    assert_eq!(file.attempts.len(), 1);
    assert!(!file.attempts[0].1);
    assert_eq!(
        file.attempts[0].0.note.as_deref(),
        Some("rappeler après 18 h")
    );
    assert!(file.person.unwrap().file.is_some());
    let _ = call;
    // Discarding the rejection is explicit.
    pa.discard(ia).unwrap();
    assert!(pa.status().unwrap().rejected.is_empty());

    // A retry of an applied intent returns the first answer, and applies nothing again.
    let (st, replay) = s
        .post(
            "/api/v1/sync/intents",
            Some(&a.coordinator.token),
            json!({"intents": []}),
        )
        .await;
    assert_eq!(st, 403, "a web session does not sync: {replay}");
    s.stop().await;
}

#[tokio::test]
async fn what_the_server_changed_meanwhile_is_refused_with_a_reason_and_holds_what_follows() {
    let s = Server::start().await;
    let a = org(&s, "Entre-temps").await;
    let sit = situation(&s, &a.coordinator, a.person_id).await;
    let d = Dir::new();
    let p = phone(&s, &a.coordinator, &d, 1).await;
    p.sync().await.unwrap();
    // Offline, the coordinator logs a call, then plans a callback.
    let call = p
        .log_attempt(
            id(&sit),
            AttemptChannel::Call,
            AttemptResult::Answered,
            None,
            Utc::now(),
        )
        .unwrap();
    let cb = p.situation_event(
        id(&sit),
        SituationEventInput {
            event: Event::FollowUp,
            version: 0,
            close_reason: None,
            callback: None,
            appointment_id: None,
        },
    );
    // Follow-up is not allowed while still calling, on the phone either: the same state machine.
    assert!(matches!(cb, Err(CoreError::Refused { .. })), "{cb:?}");
    let ack = p
        .situation_event(
            id(&sit),
            SituationEventInput {
                event: Event::ScheduleCallback,
                version: 0,
                close_reason: None,
                callback: Some(relais_domain::outreach::CallbackWindow {
                    start: Utc::now() + Duration::hours(2),
                    end: Utc::now() + Duration::hours(3),
                }),
                appointment_id: None,
            },
        )
        .unwrap();
    // Meanwhile on the server, the situation is closed by the desk.
    let (_, cur) = s
        .get(
            &format!("/api/v1/situations/{}", id(&sit)),
            &a.coordinator.token,
        )
        .await;
    let v = cur["version"].as_i64().unwrap();
    for (event, extra) in [
        ("acknowledge", json!({})),
        ("close", json!({"close_reason": "resolved"})),
    ] {
        let (_, cur) = s
            .get(
                &format!("/api/v1/situations/{}", id(&sit)),
                &a.coordinator.token,
            )
            .await;
        let mut body = json!({"event": event, "version": cur["version"]});
        if let Some(o) = extra.as_object() {
            for (k, x) in o {
                body[k] = x.clone();
            }
        }
        let (st, r) = s
            .post(
                &format!("/api/v1/situations/{}/events", id(&sit)),
                Some(&a.coordinator.token),
                body,
            )
            .await;
        assert_eq!(st, 200, "{event}: {r}");
    }
    let _ = v;
    let r = p.sync().await.unwrap();
    assert_eq!((r.applied, r.rejected), (0, 1), "{r:?}");
    let st = p.status().unwrap();
    assert_eq!(st.rejected[0].id, call);
    assert_eq!(st.rejected[0].code.as_deref(), Some("situation_closed"));
    // The callback waits behind the refused call: held, not sent, not lost.
    assert_eq!(st.held, 1);
    let file = p.intents(Some(id(&sit))).unwrap();
    assert_eq!(
        file.iter().find(|i| i.id == ack).unwrap().state,
        IntentState::Held
    );
    // Let the refusal go: the held intent is tried, and refused in turn (closed).
    p.discard(call).unwrap();
    let r = p.sync().await.unwrap();
    assert_eq!(r.rejected, 1, "{r:?}");
    let st = p.status().unwrap();
    assert_eq!((st.pending, st.held, st.rejected.len()), (0, 0, 1));
    // The closed situation left the queue.
    assert!(
        !p.call_back_queue(Utc::now())
            .unwrap()
            .iter()
            .any(|l| l.situation_id == id(&sit))
    );
    s.stop().await;
}

#[tokio::test]
async fn linked_parties_booked_offline_are_kept_apart_and_safe_contact_is_checked_on_the_phone() {
    let s = Server::start().await;
    let a = org(&s, "Liés").await;
    let c = &a.coordinator.token;
    let (st, other) = s
        .post(
            "/api/v1/persons",
            Some(c),
            json!({"first_name": "Dominique", "last_name": "Auteur", "phone": "06 99 88 77 66"}),
        )
        .await;
    assert_eq!(st, 201, "{other}");
    let (st, link) = s
        .post(
            &format!("/api/v1/persons/{}/links", a.person_id),
            Some(c),
            json!({"other_person_id": other["id"], "relation": "victim_alleged_perpetrator"}),
        )
        .await;
    assert_eq!(st, 201, "{link}");
    // The victim has a situation (so the phone holds them) with no safe-contact profile.
    let sit = situation(&s, &a.coordinator, a.person_id).await;
    let d = Dir::new();
    let p = phone(&s, &a.coordinator, &d, 1).await;
    p.sync().await.unwrap();
    // An SMS to a person who never set a safe-contact profile: refused on the phone.
    let sms = p.log_attempt(
        id(&sit),
        AttemptChannel::Sms,
        AttemptResult::NoAnswer,
        None,
        Utc::now(),
    );
    match sms {
        Err(CoreError::Refused { code, reason, .. }) => {
            assert_eq!(code, relais_domain::problem::ProblemCode::UnsafeChannel);
            assert!(reason.contains("jamais été vérifié"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(p.status().unwrap().pending, 0);
    // The alleged perpetrator booked offline at the site on the victim's half-day (the
    // fixture's 09:00): refused by the server, with the reason.
    let day = workday(7);
    let i = p
        .book(booking(&a, a.coordinator.account_id, id(&other), day, 11))
        .unwrap();
    let r = p.sync().await.unwrap();
    assert_eq!(r.rejected, 1, "{r:?}");
    let st = p.status().unwrap();
    assert_eq!(st.rejected[0].id, i);
    assert_eq!(
        st.rejected[0].code.as_deref(),
        Some("linked_party_same_half_day")
    );
    // The phone never held the other party's file.
    for (_, body) in p.store().all("person").unwrap() {
        let txt = String::from_utf8_lossy(&body);
        assert!(
            !txt.contains("Auteur") && !txt.contains("Dominique"),
            "{txt}"
        );
    }
    s.stop().await;
}

#[tokio::test]
async fn a_situation_handed_over_leaves_the_phone_and_a_revoked_device_is_wiped() {
    let s = Server::start().await;
    let a = org(&s, "Périmètre").await;
    let b = colleague(&s, &a, "claire").await;
    let sit = situation(&s, &a.coordinator, a.person_id).await;
    let d = Dir::new();
    let p = phone(&s, &a.coordinator, &d, 1).await;
    sync_until(&p, "the situation", |p| p.situation(id(&sit)).is_ok()).await;
    let (st, r) = s
        .post(
            &format!("/api/v1/situations/{}/assign", id(&sit)),
            Some(&a.coordinator.token),
            json!({"assigned_to": b.account_id, "version": sit["version"]}),
        )
        .await;
    assert_eq!(st, 200, "{r}");
    sync_until(&p, "the situation handed over", |p| {
        matches!(p.situation(id(&sit)), Err(CoreError::NotHere))
    })
    .await;
    assert!(
        !p.call_back_queue(Utc::now())
            .unwrap()
            .iter()
            .any(|l| l.situation_id == id(&sit))
    );
    // The person still has the site's appointment: still held (by initials and file).
    assert!(p.store().get("person", a.person_id).unwrap().is_some());

    // An intent queued, then the device revoked from the desk: the next sync wipes the
    // phone and says how many intents were lost.
    let appt = a.appointment_id;
    p.seen(appt).unwrap();
    let device = p.client().device_id().unwrap();
    let (st, r) = s
        .call(
            reqwest::Method::DELETE,
            &format!("/api/v1/devices/{device}"),
            Some(&a.admin.token),
            None,
        )
        .await;
    assert!(st == 204 || st == 200, "{st} {r}");
    let e = p.sync().await;
    assert!(
        matches!(e, Err(CoreError::Client(ClientError::SessionEnded))),
        "{e:?}"
    );
    assert!(p.store().all("appointment").unwrap().is_empty());
    assert!(p.store().all("person").unwrap().is_empty());
    let st = p.status().unwrap();
    assert_eq!((st.pending, st.lost_by_last_wipe), (0, 1));
    s.stop().await;
}

#[tokio::test]
async fn the_raw_store_holds_no_name_number_note_or_code_word_and_ages_out() {
    let s = Server::start().await;
    let a = org(&s, "Fichier brut").await;
    let c = &a.coordinator.token;
    let profile = json!({"phone_call": true, "sms": true, "safe_phone": "06 55 44 33 22", "code_word": "mimosa",
                         "checked_at": Utc::now().to_rfc3339()});
    let (st, p1) = s
        .post(
            "/api/v1/persons",
            Some(c),
            json!({"first_name": "Gwendoline", "last_name": "Zabulon", "phone": "06 55 44 33 22",
               "notes": "carnet bleu", "safe_contact": profile}),
        )
        .await;
    assert_eq!(st, 201, "{p1}");
    let sit = situation(&s, &a.coordinator, id(&p1)).await;
    let d = Dir::new();
    let p = phone(&s, &a.coordinator, &d, 1).await;
    p.sync().await.unwrap();
    // The file is on the phone (the coordinator may read it)…
    let file = p.situation(id(&sit)).unwrap();
    let person = file.person.unwrap().file.unwrap();
    assert_eq!(person.last_name, "Zabulon");
    // …and an SMS is allowed by the profile: queued with a note.
    p.log_attempt(
        id(&sit),
        AttemptChannel::Sms,
        AttemptResult::NoAnswer,
        Some("parapluie orange".into()),
        Utc::now(),
    )
    .unwrap();
    // The pull was audited as a read of the file.
    use relais_server::store::entities::audit_log;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let reads = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("person_read"))
        .filter(audit_log::Column::RecordId.eq(id(&p1)))
        .filter(audit_log::Column::AccountId.eq(a.coordinator.account_id))
        .all(s.state.db())
        .await
        .unwrap();
    assert!(!reads.is_empty());
    // Written many at once, the chain still holds.
    assert!(matches!(
        relais_server::audit::verify(s.state.db()).await.unwrap(),
        relais_server::audit::ChainCheck::Intact { .. }
    ));
    // Nothing readable in the file, its journal or its shared memory.
    let mut raw = Vec::new();
    for suffix in ["", "-wal", "-shm"] {
        let mut path = d.db().into_os_string();
        path.push(suffix);
        if let Ok(b) = std::fs::read(&path) {
            raw.extend(b);
        }
    }
    assert!(raw.len() > 10_000);
    let text = String::from_utf8_lossy(&raw).to_lowercase();
    for secret in [
        "gwendoline",
        "zabulon",
        "0655443322",
        "06 55 44 33 22",
        "+33655443322",
        "655443322",
        "carnet bleu",
        "mimosa",
        "parapluie",
        "camille",
    ] {
        assert!(!text.contains(secret), "{secret} readable in the raw store");
    }
    // 72 hours without a successful sync: everything goes, and the phone says how much.
    assert!(!p.check_age(Utc::now()).unwrap());
    assert!(p.check_age(Utc::now() + Duration::hours(73)).unwrap());
    assert!(p.store().all("situation").unwrap().is_empty());
    assert_eq!(p.status().unwrap().lost_by_last_wipe, 1);
    s.stop().await;
}

#[tokio::test]
async fn the_sync_endpoints_refuse_what_they_must_and_never_fail() {
    let s = Server::start().await;
    let a = org(&s, "Accès sync A").await;
    let b = org(&s, "Accès sync B").await;
    let sit = situation(&s, &a.coordinator, a.person_id).await;
    // A web session does not sync; a referrer's device does not either.
    let (st, _) = s.get("/api/v1/sync/changes", &a.coordinator.token).await;
    assert_eq!(st, 403);
    let login = |who: &Actor, step: i64| json!({"email": who.email, "password": PASSWORD, "totp_code": totp_code(&who.totp_secret, step), "device_name": "t"});
    let (st, g) = s
        .post("/api/v1/auth/device", None, login(&a.referrer, 1))
        .await;
    assert_eq!(st, 200, "{g}");
    let (st, _) = s
        .get("/api/v1/sync/changes", g["access_token"].as_str().unwrap())
        .await;
    assert_eq!(st, 403);
    // B's coordinator's device: none of A's records, and A's situation is out of reach.
    let (st, g) = s
        .post("/api/v1/auth/device", None, login(&b.coordinator, 1))
        .await;
    assert_eq!(st, 200, "{g}");
    let tb = g["access_token"].as_str().unwrap().to_owned();
    let mut since: Option<String> = None;
    loop {
        let path = match &since {
            Some(c) => format!("/api/v1/sync/changes?limit=3&since={c}"),
            None => "/api/v1/sync/changes?limit=3".into(),
        };
        let (st, page) = s.get(&path, &tb).await;
        assert_eq!(st, 200, "{page}");
        let text = page.to_string();
        assert!(!text.contains(&a.person_id.to_string()) && !text.contains(&a.site_id.to_string()));
        since = page["cursor"].as_str().map(str::to_owned);
        if !page["has_more"].as_bool().unwrap() {
            break;
        }
    }
    let intent = |iid: Uuid, seq: i64| json!({"id": iid, "seq": seq, "action": {"kind": "log_attempt", "situation_id": sit["id"], "input": {"channel": "call", "result": "no_answer"}}});
    let i1 = Uuid::new_v4();
    let (st, r) = s
        .post(
            "/api/v1/sync/intents",
            Some(&tb),
            json!({"intents": [intent(i1, 1)]}),
        )
        .await;
    assert_eq!(st, 200, "{r}");
    assert_eq!(r["answers"][0]["outcome"], "rejected", "{r}");
    assert_eq!(r["answers"][0]["code"], "not_found");
    // A replay gets the same answer; the same position with another id is refused.
    let (_, again) = s
        .post(
            "/api/v1/sync/intents",
            Some(&tb),
            json!({"intents": [intent(i1, 1)]}),
        )
        .await;
    assert_eq!(again["answers"][0], r["answers"][0]);
    let (_, other) = s
        .post(
            "/api/v1/sync/intents",
            Some(&tb),
            json!({"intents": [intent(Uuid::new_v4(), 1)]}),
        )
        .await;
    assert_eq!(other["answers"][0]["outcome"], "rejected");
    assert_eq!(other["answers"][0]["code"], "conflict");
    // Malformed requests: clear 4xx naming the field.
    for (path, expect) in [
        ("/api/v1/sync/changes?since=nonsense", "since"),
        ("/api/v1/sync/changes?limit=0", "limit"),
        ("/api/v1/sync/changes?limit=abc", "limit"),
        ("/api/v1/sync/changes?bogus=1", ""),
    ] {
        let (st, p) = s.get(path, &tb).await;
        assert_eq!(st, 400, "{path}: {p}");
        if !expect.is_empty() {
            assert!(p.to_string().contains(expect), "{path}: {p}");
        }
    }
    for body in [
        json!({}),
        json!({"intents": "x"}),
        json!({"intents": [{"id": "x", "seq": 1, "action": {"kind": "log_attempt"}}]}),
        json!({"intents": [{"id": Uuid::new_v4(), "seq": 2, "action": {"kind": "fly"}}]}),
        json!({"intents": (0..101).map(|n| intent(Uuid::new_v4(), n + 10)).collect::<Vec<_>>()}),
    ] {
        let (st, p) = s
            .post("/api/v1/sync/intents", Some(&tb), body.clone())
            .await;
        assert!((400..500).contains(&st), "{body}: {st} {p}");
    }
    // A revoked device: 401.
    let device = g["device_id"].as_str().unwrap();
    let (st, _) = s
        .call(
            reqwest::Method::DELETE,
            &format!("/api/v1/devices/{device}"),
            Some(&b.admin.token),
            None,
        )
        .await;
    assert!(st == 204 || st == 200);
    let (st, _) = s.get("/api/v1/sync/changes", &tb).await;
    assert_eq!(st, 401);
    s.stop().await;
}

#[tokio::test]
async fn the_feed_never_skips_a_commit_while_others_write() {
    let s = Server::start().await;
    let a = org(&s, "Écritures").await;
    let (st, g) = s
        .post("/api/v1/auth/device", None, json!({"email": a.coordinator.email, "password": PASSWORD, "totp_code": totp_code(&a.coordinator.totp_secret, 1), "device_name": "t"}))
        .await;
    assert_eq!(st, 200, "{g}");
    let token = g["access_token"].as_str().unwrap().to_owned();
    // Four writers create situations while a reader pages through the feed.
    let writers: Vec<_> = (0..4)
        .map(|_| {
            let (http, base) = (s.http.clone(), s.base.clone());
            let tok = a.coordinator.token.clone();
            let person = a.person_id;
            tokio::spawn(async move {
                let mut ids = Vec::new();
                for _ in 0..10 {
                    let r = http
                        .post(format!("{base}/api/v1/situations"))
                        .bearer_auth(&tok)
                        .json(&json!({"person_id": person, "kind": "other", "channel": "phone", "initiative": "third_party", "person_role": "victim"}))
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(r.status().as_u16(), 201);
                    let v: Value = r.json().await.unwrap();
                    ids.push(v["id"].as_str().unwrap().to_owned());
                }
                ids
            })
        })
        .collect();
    let mut seen = std::collections::HashSet::new();
    let mut since: Option<String> = None;
    let mut expected = std::collections::HashSet::new();
    let mut writers = Some(writers);
    loop {
        let path = match &since {
            Some(c) => format!("/api/v1/sync/changes?limit=4&since={c}"),
            None => "/api/v1/sync/changes?limit=4".into(),
        };
        let (st, page) = s.get(&path, &token).await;
        assert_eq!(st, 200, "{page}");
        for c in page["changes"].as_array().unwrap() {
            if c["op"] == "put" && c["table"] == "situation" {
                seen.insert(c["record"]["situation"]["id"].as_str().unwrap().to_owned());
            }
        }
        since = page["cursor"].as_str().map(str::to_owned);
        if page["has_more"].as_bool().unwrap() {
            continue;
        }
        match writers.take() {
            // The writers are done: one more pass from the cursor, then stop.
            Some(ws) if ws.iter().all(|w| w.is_finished()) => {
                for w in ws {
                    expected.extend(w.await.unwrap());
                }
            }
            Some(ws) => {
                writers = Some(ws);
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
            None => break,
        }
    }
    assert_eq!(expected.len(), 40);
    for i in &expected {
        assert!(seen.contains(i), "situation {i} skipped by the feed");
    }
    s.stop().await;
}

/// Run the phone process until it has printed `lines` lines (or `after` has passed), then
/// kill it with SIGKILL, wherever it is.
async fn kill_phone_process(args: &[String], lines: usize, after: std::time::Duration) -> usize {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_relais-phone"))
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut out = tokio::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut seen = 0;
    let deadline = tokio::time::Instant::now() + after;
    loop {
        tokio::select! {
            l = out.next_line() => match l.unwrap() {
                Some(_) => {
                    seen += 1;
                    if seen >= lines {
                        break;
                    }
                }
                None => {
                    let mut err = String::new();
                    use tokio::io::AsyncReadExt;
                    let _ = child.stderr.take().unwrap().read_to_string(&mut err).await;
                    panic!("the phone process stopped by itself: {err}");
                }
            },
            _ = tokio::time::sleep_until(deadline) => break,
        }
    }
    child.start_kill().unwrap(); // SIGKILL
    let status = child.wait().await.unwrap();
    assert!(
        !status.success() || seen < lines,
        "the phone process was meant to die"
    );
    seen
}

fn integrity(db: &std::path::Path) {
    let c = rusqlite::Connection::open(db).unwrap();
    let ok: String = c
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(ok, "ok");
}

#[tokio::test]
async fn kill_9_while_writing_the_queue_and_while_pushing_loses_nothing_and_applies_nothing_twice()
{
    let s = Server::start().await;
    let a = org(&s, "Kill -9").await;
    let sit = situation(&s, &a.coordinator, a.person_id).await;
    let d = Dir::new();
    {
        let p = phone(&s, &a.coordinator, &d, 1).await;
        p.sync().await.unwrap();
    }
    let db = d.db().to_string_lossy().into_owned();
    let sid = id(&sit).to_string();
    // Killed while queueing: every printed intent is in the queue, and the store is whole.
    let mut printed = 0usize;
    for round in 0..3u64 {
        let first = (round * 1_000).to_string();
        let n = kill_phone_process(
            &[
                s.base.clone(),
                db.clone(),
                "write".into(),
                sid.clone(),
                first,
                "500".into(),
            ],
            20 + 15 * round as usize,
            std::time::Duration::from_secs(20),
        )
        .await;
        assert!(n >= 20, "the phone process queued only {n}");
        printed += n;
        integrity(&d.db());
    }
    let queued = {
        let p = Phone::open(&s.base, &d.db(), &KEY).unwrap();
        let q = p.intents(None).unwrap();
        assert!(q.iter().all(|i| i.state == IntentState::Pending));
        q.len()
    };
    // At most one more than printed per round: killed between the commit and the print.
    assert!(
        queued >= printed && queued <= printed + 3,
        "{queued} queued, {printed} printed"
    );
    // Killed while pushing, at several moments. At least one kill lands after the server
    // applied intents and before the phone heard of it: the window where a naive queue sends
    // them twice.
    let on_server = || async {
        let (_, full) = s
            .get(
                &format!("/api/v1/situations/{}", id(&sit)),
                &a.coordinator.token,
            )
            .await;
        full["attempts"].as_array().map_or(0, Vec::len)
    };
    let mut windows = Vec::new();
    // The moments spread from 15 ms to several seconds, scaled for the machine: on a slow
    // or loaded one the push reaches the server later, and the later kills find the window.
    for ms in [15u64, 60, 150, 300, 500, 800, 1_200, 2_000, 3_500, 6_000] {
        kill_phone_process(
            &[s.base.clone(), db.clone(), "sync".into()],
            usize::MAX,
            std::time::Duration::from_millis(relais_tests::scaled_ms(ms)),
        )
        .await;
        integrity(&d.db());
        let p = Phone::open(&s.base, &d.db(), &KEY).unwrap();
        let pending = p.intents(None).unwrap().len();
        let applied = on_server().await;
        windows.push((applied, pending));
        if pending == 0 {
            break;
        }
    }
    assert!(
        windows
            .iter()
            .any(|(applied, pending)| applied + pending > queued),
        "no kill landed between the server's answer and the phone's record: {windows:?} of {queued}"
    );
    // Back on: everything goes through, once.
    let p = Phone::open(&s.base, &d.db(), &KEY).unwrap();
    p.sync().await.unwrap();
    let st = p.status().unwrap();
    assert_eq!(
        (st.pending, st.held, st.rejected.len()),
        (0, 0, 0),
        "{st:?}"
    );
    let (code, full) = s
        .get(
            &format!("/api/v1/situations/{}", id(&sit)),
            &a.coordinator.token,
        )
        .await;
    assert_eq!(code, 200);
    let notes: Vec<String> = full["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["note"].as_str().unwrap_or("").to_owned())
        .collect();
    let unique: std::collections::HashSet<&String> = notes.iter().collect();
    assert_eq!(unique.len(), notes.len(), "an intent was applied twice");
    assert_eq!(notes.len(), queued, "an intent was lost");
    // The phone shows what the server has.
    assert_eq!(p.situation(id(&sit)).unwrap().attempts.len(), queued);
    s.stop().await;
}

#[tokio::test]
async fn a_phone_kept_in_sync_sends_what_is_queued_at_once() {
    let s = Server::start().await;
    let a = org(&s, "Boucle").await;
    let sit = situation(&s, &a.coordinator, a.person_id).await;
    let d = Dir::new();
    let p = std::sync::Arc::new(phone(&s, &a.coordinator, &d, 1).await);
    let attempts = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (p2, n2) = (p.clone(), attempts.clone());
    let task = tokio::spawn(async move {
        p2.keep_synced(std::time::Duration::from_secs(3_600), |_| {
            n2.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        })
        .await
    });
    let wait_for = |what: &'static str, f: Box<dyn Fn() -> bool + Send>| async move {
        // Polled every 25 ms for up to 30 s (scaled): an event awaited, not a race won.
        for _ in 0..relais_tests::scaled_ms(30_000) / 25 {
            if f() {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(25)).await;
        }
        panic!("{what}");
    };
    let p3 = p.clone();
    wait_for(
        "first sync",
        Box::new(move || p3.status().unwrap().last_success.is_some()),
    )
    .await;
    // Queued: sent at once, not at the next hourly tick.
    p.log_attempt(
        id(&sit),
        AttemptChannel::Call,
        AttemptResult::NoAnswer,
        None,
        Utc::now(),
    )
    .unwrap();
    let p3 = p.clone();
    wait_for(
        "queued call sent",
        Box::new(move || {
            p3.situation(id(&sit))
                .unwrap()
                .attempts
                .iter()
                .any(|(_, pending)| !pending)
        }),
    )
    .await;
    let n = attempts.clone();
    wait_for(
        "second sync reported",
        Box::new(move || n.load(std::sync::atomic::Ordering::SeqCst) >= 2),
    )
    .await;
    task.abort();
    s.stop().await;
}

/// A device session for `who`, by the API (`access_token`).
async fn device_token(s: &Server, who: &Actor, step: i64) -> String {
    let (st, g) = s
        .post(
            "/api/v1/auth/device",
            None,
            json!({"email": who.email, "password": PASSWORD,
                   "totp_code": totp_code(&who.totp_secret, step), "device_name": "t"}),
        )
        .await;
    assert_eq!(st, 200, "{g}");
    g["access_token"].as_str().unwrap().to_owned()
}

// Issue 24 §5: an intent's recorded answer holds ids only (the database holds no name or
// number of the file it sent back), a replay reads the records again as the device may
// hold them now (nothing once the situation was handed over), and old intents are pruned
// but each device's latest kept, so an older one sent again is refused, never re-applied.
#[tokio::test]
async fn recorded_intents_hold_ids_only_replay_what_the_device_may_read_and_are_pruned() {
    let s = Server::start().await;
    let a = org(&s, "Réponses").await;
    let b = colleague(&s, &a, "bea").await;
    let (st, p) = s
        .post("/api/v1/persons", Some(&a.coordinator.token),
              json!({"first_name": "Gwenaëlle", "last_name": "Zorrinovska", "phone": "06 98 76 51 32"}))
        .await;
    assert_eq!(st, 201, "{p}");
    let pid = id(&p);
    let sit = situation(&s, &a.coordinator, pid).await;
    let tok = device_token(&s, &a.coordinator, 1).await;
    let intent = |iid: Uuid, seq: i64| json!({"id": iid, "seq": seq, "action": {"kind": "log_attempt", "situation_id": sit["id"], "input": {"channel": "call", "result": "no_answer"}}});
    let push = |body: Value| {
        let (s, tok) = (&s, tok.clone());
        async move {
            let (st, r) = s.post("/api/v1/sync/intents", Some(&tok), body).await;
            assert_eq!(st, 200, "{r}");
            r["answers"][0].clone()
        }
    };
    let (i1, i2) = (Uuid::new_v4(), Uuid::new_v4());
    let first = push(json!({"intents": [intent(i1, 1)]})).await;
    assert_eq!(first["outcome"], "applied", "{first}");
    assert!(
        first["records"].to_string().contains("Zorrinovska"),
        "{first}"
    );
    let second = push(json!({"intents": [intent(i2, 2)]})).await;
    assert_eq!(second["outcome"], "applied", "{second}");
    crate::persons::assert_no_plaintext(&s, &["Zorrinovska", "Gwenaëlle", "98765132"]).await;
    // A replay while the device holds the situation: the records, read again.
    let again = push(json!({"intents": [intent(i1, 1)]})).await;
    assert_eq!(again["outcome"], "applied");
    assert!(
        again["records"].to_string().contains("Zorrinovska"),
        "{again}"
    );
    // Handed over to a colleague: the replay says it was applied, and sends nothing of it.
    let (_, now) = s
        .get(
            &format!("/api/v1/situations/{}", id(&sit)),
            &a.coordinator.token,
        )
        .await;
    let (st, r) = s
        .post(
            &format!("/api/v1/situations/{}/assign", id(&sit)),
            Some(&a.coordinator.token),
            json!({"assigned_to": b.account_id, "version": now["version"]}),
        )
        .await;
    assert_eq!(st, 200, "{r}");
    let gone = push(json!({"intents": [intent(i1, 1)]})).await;
    assert_eq!(gone["outcome"], "applied", "{gone}");
    assert_eq!(gone["records"], json!([]), "{gone}");
    // 91 days on: the first intent is forgotten, the device's latest kept; the first sent
    // again is refused as out of order and nothing is applied twice.
    use relais_server::store::entities::{contact_attempt, sync_intent};
    use sea_orm::{EntityTrait, PaginatorTrait};
    let attempts = contact_attempt::Entity::find()
        .count(s.state.db())
        .await
        .unwrap();
    relais_server::retention::housekeeping(&s.state, Utc::now() + Duration::days(91))
        .await
        .unwrap();
    let kept: Vec<Uuid> = sync_intent::Entity::find()
        .all(s.state.db())
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.intent_id)
        .collect();
    assert_eq!(kept, vec![i2]);
    let late = push(json!({"intents": [intent(i1, 1)]})).await;
    assert_eq!(late["outcome"], "rejected", "{late}");
    assert_eq!(late["code"], "conflict", "{late}");
    assert_eq!(
        contact_attempt::Entity::find()
            .count(s.state.db())
            .await
            .unwrap(),
        attempts
    );
    s.stop().await;
}

// Issue 24 §6: what leaves the phone's scope takes its persons along: the person of a
// situation handed over, the person of an appointment moved to another site's coordinator
// (the appointment stays as busy time only); the person still needed by another held row
// stays.
#[tokio::test]
async fn what_leaves_the_phone_takes_its_persons_along() {
    let s = Server::start().await;
    let a = org(&s, "Départs").await;
    let b = colleague(&s, &a, "bertrand").await;
    let adm = a.admin.token.as_str();
    let new_person = |last: &'static str| {
        let s = &s;
        let t = a.coordinator.token.clone();
        async move {
            let (st, p) = s
                .post(
                    "/api/v1/persons",
                    Some(&t),
                    json!({"first_name": "Inès", "last_name": last}),
                )
                .await;
            assert_eq!(st, 201, "{p}");
            id(&p)
        }
    };
    let queued = new_person("Situation").await;
    let booked = new_person("Rendezvous").await;
    let both = new_person("Lesdeux").await;
    let sit = situation(&s, &a.coordinator, queued).await;
    let sit_both = situation(&s, &a.coordinator, both).await;
    let day = workday(8);
    let (st, moved) = s
        .post("/api/v1/appointments", Some(&a.coordinator.token),
              json!({"type_id": a.type_id, "site_id": a.site_id, "coordinator_id": a.coordinator.account_id,
                     "person_id": booked, "start": paris(day, 10, 0)}))
        .await;
    assert_eq!(st, 201, "{moved}");
    let (st, kept) = s
        .post("/api/v1/appointments", Some(&a.coordinator.token),
              json!({"type_id": a.type_id, "site_id": a.site_id, "coordinator_id": a.coordinator.account_id,
                     "person_id": both, "start": paris(day, 11, 0)}))
        .await;
    assert_eq!(st, 201, "{kept}");
    let d = Dir::new();
    let p = phone(&s, &a.coordinator, &d, 1).await;
    sync_until(&p, "the four persons", |p| {
        [queued, booked, both, a.person_id]
            .iter()
            .all(|who| p.store().get("person", *who).unwrap().is_some())
    })
    .await;
    // Another site, its own coordinator and hours.
    let (st, site2) = s
        .post(
            "/api/v1/sites",
            Some(adm),
            json!({"name": "Antenne Nord", "address": "3 rue du Port, 71100 Chalon-sur-Saône"}),
        )
        .await;
    assert_eq!(st, 201, "{site2}");
    let email = format!(
        "nord-{}@example.org",
        &Uuid::new_v4().simple().to_string()[..8]
    );
    let (st, acc) = s
        .post("/api/v1/accounts", Some(adm), json!({"email": email, "display_name": "Nord", "role": "coordinator", "password": PASSWORD, "site_ids": [site2["id"]]}))
        .await;
    assert_eq!(st, 201, "{acc}");
    let nord = enrol(&s, &email).await;
    let (st, w) = s
        .post("/api/v1/opening-windows", Some(&nord.token), json!({"coordinator_id": nord.account_id, "site_id": site2["id"], "days": [1,2,3,4,5], "start": "09:00", "end": "17:00"}))
        .await;
    assert_eq!(st, 201, "{w}");
    // The situation handed over, the appointment moved to the other site's coordinator,
    // and the second situation handed over too (its person keeps her appointment here).
    for sv in [&sit, &sit_both] {
        let (st, r) = s
            .post(
                &format!("/api/v1/situations/{}/assign", id(sv)),
                Some(&a.coordinator.token),
                json!({"assigned_to": b.account_id, "version": sv["version"]}),
            )
            .await;
        assert_eq!(st, 200, "{r}");
    }
    let (st, r) = s
        .post(&format!("/api/v1/appointments/{}/move", id(&moved)), Some(&a.coordinator.token),
              json!({"start": paris(day, 14, 0), "site_id": site2["id"], "coordinator_id": nord.account_id,
                     "version": moved["version"]}))
        .await;
    assert_eq!(st, 200, "{r}");
    sync_until(&p, "the moved appointment", |p| {
        p.store()
            .get("appointment", id(&moved))
            .unwrap()
            .is_some_and(|b| String::from_utf8_lossy(&b).contains("busy"))
            && p.store().get("person", queued).unwrap().is_none()
    })
    .await;
    assert!(
        p.store().get("person", queued).unwrap().is_none(),
        "the handed-over situation's person"
    );
    assert!(
        p.store().get("person", booked).unwrap().is_none(),
        "the moved appointment's person"
    );
    assert!(
        p.store().get("person", both).unwrap().is_some(),
        "still booked here"
    );
    assert!(p.store().get("person", a.person_id).unwrap().is_some());
    let held = p.store().get("appointment", id(&moved)).unwrap();
    let body = String::from_utf8(held.unwrap_or_default()).unwrap();
    assert!(
        body.contains("busy") && !body.contains(&booked.to_string()),
        "only busy time: {body}"
    );
    s.stop().await;
}
