use super::*;
use crate::dto::AppointmentStatus;
use crate::safe_contact::SafeWindow;
use chrono::{NaiveDate, NaiveTime, TimeZone};

fn at(d: u32, h: u32, m: u32) -> NaiveDateTime {
    // December 2026: the 7th is a Monday.
    NaiveDate::from_ymd_opt(2026, 12, d)
        .unwrap()
        .and_hms_opt(h, m, 0)
        .unwrap()
}

fn utc(d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, d, h, 0, 0).unwrap()
}

fn time(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

fn checked_sms() -> SafeContactProfile {
    SafeContactProfile {
        sms: true,
        safe_phone: Some("+33612345678".into()),
        checked_at: Some(utc(1, 9)),
        ..Default::default()
    }
}

#[test]
fn an_invitation_ends_once_and_stays_ended() {
    use InvitationEvent as E;
    use InvitationState as S;
    assert_eq!(S::Scheduled.next(E::Send), Some(S::Sent));
    assert_eq!(S::Sent.next(E::Open), Some(S::Opened));
    assert_eq!(S::Opened.next(E::Open), Some(S::Opened), "opened twice");
    assert_eq!(S::Opened.next(E::Book), Some(S::Booked));
    assert_eq!(S::Sent.next(E::Undeliverable), Some(S::Undeliverable));
    assert_eq!(S::Opened.next(E::Undeliverable), None, "opened: it arrived");
    assert_eq!(S::Scheduled.next(E::Open), None, "nothing to open yet");
    for s in [S::Scheduled, S::Sent, S::Opened] {
        assert!(s.is_open());
        for (e, to) in [
            (E::Book, S::Booked),
            (E::Expire, S::Expired),
            (E::Revoke, S::Revoked),
        ] {
            assert_eq!(s.next(e), Some(to), "{s:?} {e:?}");
        }
    }
    for s in [S::Booked, S::Expired, S::Revoked, S::Undeliverable] {
        assert!(!s.is_open());
        for e in [
            E::Send,
            E::Open,
            E::Book,
            E::Expire,
            E::Revoke,
            E::Undeliverable,
        ] {
            assert_eq!(s.next(e), None, "{s:?} {e:?}: ended");
        }
    }
}

#[test]
fn one_follow_up_while_the_link_has_two_days_left() {
    let sent = utc(7, 10);
    // A week's validity: the follow-up on day 3, five days before it ends.
    assert_eq!(
        follow_up_due(sent, sent + Duration::days(7), 3),
        Some(utc(10, 10))
    );
    // Four days' validity: day 3 leaves one day: no follow-up.
    assert_eq!(follow_up_due(sent, sent + Duration::days(4), 3), None);
    assert_eq!(
        follow_up_due(sent, sent + Duration::days(5), 3),
        Some(utc(10, 10)),
        "exactly two days left"
    );
    assert!(check_settings(DEFAULT_EXPIRY_DAYS, DEFAULT_FOLLOW_UP_DAYS).is_ok());
    assert_eq!(check_settings(1, 1).unwrap_err().0, "expiry_days");
    assert_eq!(check_settings(31, 3).unwrap_err().0, "expiry_days");
    assert_eq!(check_settings(4, 3).unwrap_err().0, "follow_up_days");
    assert_eq!(check_settings(7, 0).unwrap_err().0, "follow_up_days");
}

#[test]
fn a_message_needs_a_checked_profile_that_allows_its_channel_and_a_safe_address() {
    let p = checked_sms();
    assert_eq!(check_channel(&p, false, InvitationChannel::Sms), Ok(()));
    assert_eq!(
        check_channel(&p, false, InvitationChannel::Email),
        Err(Refused::ChannelNotAllowed)
    );
    assert_eq!(
        check_channel(&p, true, InvitationChannel::Sms),
        Err(Refused::NoMoreMessages)
    );
    let never = SafeContactProfile {
        checked_at: None,
        ..checked_sms()
    };
    assert_eq!(
        check_channel(&never, false, InvitationChannel::Sms),
        Err(Refused::NeverChecked)
    );
    let no_number = SafeContactProfile {
        safe_phone: None,
        ..checked_sms()
    };
    assert_eq!(
        check_channel(&no_number, false, InvitationChannel::Sms),
        Err(Refused::NoSafeAddress)
    );
    // Handed over in person: nothing is sent, nothing is asked of the profile.
    assert_eq!(
        check_channel(
            &SafeContactProfile::default(),
            true,
            InvitationChannel::InPerson
        ),
        Ok(())
    );
    for r in [
        Refused::NoMoreMessages,
        Refused::NeverChecked,
        Refused::ChannelNotAllowed,
        Refused::NoSafeAddress,
        Refused::AlreadyOpen,
        Refused::NoFreeSlot,
        Refused::Closed,
    ] {
        let said = r.said();
        assert!(!said.fr.is_empty() && !said.en.is_empty() && !r.field().is_empty());
    }
}

#[test]
fn a_message_waits_for_the_person_s_safe_window_outside_quiet_hours() {
    let quiet = QuietHours::default(); // 20:00–09:00
    let mut p = checked_sms();
    // No window given: any time outside quiet hours.
    assert_eq!(
        next_send_moment(&p, at(7, 14, 5), quiet),
        Some(at(7, 14, 5))
    );
    assert_eq!(next_send_moment(&p, at(7, 22, 0), quiet), Some(at(8, 9, 0)));
    assert_eq!(next_send_moment(&p, at(8, 3, 0), quiet), Some(at(8, 9, 0)));
    // Weekdays 10:00–12:00 (Monday 7th to Friday 11th).
    p.windows = vec![SafeWindow {
        days: vec![1, 2, 3, 4, 5],
        start: time(10, 0),
        end: time(12, 0),
    }];
    assert_eq!(
        next_send_moment(&p, at(7, 9, 30), quiet),
        Some(at(7, 10, 0))
    );
    assert_eq!(
        next_send_moment(&p, at(7, 11, 59), quiet),
        Some(at(7, 11, 59))
    );
    assert_eq!(
        next_send_moment(&p, at(7, 12, 0), quiet),
        Some(at(8, 10, 0))
    );
    // Friday afternoon: Monday morning.
    assert_eq!(
        next_send_moment(&p, at(11, 15, 0), quiet),
        Some(at(14, 10, 0))
    );
    // A window that begins in quiet hours: from the end of quiet hours.
    p.windows = vec![SafeWindow {
        days: vec![2],
        start: time(7, 0),
        end: time(10, 0),
    }];
    assert_eq!(next_send_moment(&p, at(7, 12, 0), quiet), Some(at(8, 9, 0)));
    // Only in quiet hours: never, said rather than left waiting.
    p.windows = vec![SafeWindow {
        days: vec![1, 2, 3, 4, 5, 6, 7],
        start: time(21, 0),
        end: time(23, 0),
    }];
    assert_eq!(next_send_moment(&p, at(7, 12, 0), quiet), None);
}

#[test]
fn the_queue_reads_the_later_of_the_invitation_and_the_appointment() {
    use AppointmentStatus as A;
    use InvitationState as I;
    use OutreachStatus as O;
    assert_eq!(outreach_status(None, None), O::NotInvited);
    assert_eq!(
        outreach_status(Some((utc(7, 9), I::Sent)), None),
        O::Invited
    );
    assert_eq!(
        outreach_status(Some((utc(7, 9), I::Opened)), None),
        O::Opened
    );
    let booked = Some((utc(8, 9), I::Booked));
    assert_eq!(
        outreach_status(booked, Some((utc(8, 9), A::Planned))),
        O::Booked
    );
    assert_eq!(
        outreach_status(booked, Some((utc(12, 9), A::Seen))),
        O::Seen
    );
    assert_eq!(
        outreach_status(booked, Some((utc(12, 9), A::NoShow))),
        O::NoShow
    );
    assert_eq!(
        outreach_status(booked, Some((utc(10, 9), A::Excused))),
        O::Cancelled
    );
    // Cancelled by the service: the invitation tells.
    assert_eq!(
        outreach_status(booked, Some((utc(10, 9), A::Revoked))),
        O::Booked
    );
    // A new invitation after a missed appointment.
    assert_eq!(
        outreach_status(Some((utc(14, 9), I::Sent)), Some((utc(12, 9), A::NoShow))),
        O::Invited
    );
    // Silence and a message that never arrived go back to a human, apart.
    let expired = outreach_status(Some((utc(14, 9), I::Expired)), None);
    let lost = outreach_status(Some((utc(14, 9), I::Undeliverable)), None);
    assert!(expired.to_call() && lost.to_call());
    assert_ne!(
        expired.label(crate::words::Lang::Fr),
        lost.label(crate::words::Lang::Fr)
    );
    assert!(!O::Invited.to_call() && !O::Booked.to_call() && !O::Seen.to_call());
    assert!(O::NoShow.to_call() && O::Cancelled.to_call());
}

#[test]
fn the_words_read_nothing_of_the_context() {
    let revealing = crate::wording::Revealing::default();
    for (fr, en) in InvitationKind::ALL.iter().map(|w| {
        (
            w.label(crate::words::Lang::Fr),
            w.label(crate::words::Lang::En),
        )
    }) {
        assert!(
            revealing.find(fr).is_none() && revealing.find(en).is_none(),
            "{fr}"
        );
    }
}

#[test]
fn an_open_invitation_reads_expired_once_its_day_is_past() {
    let exp = utc(14, 23);
    assert_eq!(
        InvitationState::Sent.at(exp, utc(14, 22)),
        InvitationState::Sent
    );
    assert_eq!(
        InvitationState::Opened.at(exp, utc(14, 23)),
        InvitationState::Expired
    );
    // An ended one keeps what ended it.
    assert_eq!(
        InvitationState::Booked.at(exp, utc(20, 9)),
        InvitationState::Booked
    );
}

#[test]
fn the_default_texts_are_neutral_and_one_gsm7_segment_with_the_link() {
    let link = "https://rdv.example.fr/r/abcdefghijklmnopqrstuvwx";
    let revealing = crate::wording::Revealing::default();
    for kind in InvitationKind::ALL {
        for m in InvitationMessage::ALL {
            let t = text(
                *kind,
                *m,
                "mercredi 30 septembre",
                Some(link),
                Some("01 23 45 67 89"),
            );
            let sms = crate::sms::for_sms(&t);
            let size = crate::sms::size(&sms);
            assert_eq!(
                (size.encoding, size.segments),
                (crate::sms::Encoding::Gsm7, 1),
                "{kind:?} {m:?}: {sms} ({} characters)",
                sms.chars().count()
            );
            assert_eq!(revealing.find(&t), None, "{t}");
            match kind {
                InvitationKind::Link => assert!(t.contains(link) && !t.contains("01 23")),
                InvitationKind::CallUs => assert!(t.contains("01 23") && !t.contains("http")),
            }
        }
    }
}

#[test]
fn the_last_day_is_the_day_before_a_midnight_expiry() {
    let tz = chrono_tz::Europe::Paris;
    // 15 December 2026 00:00 in Paris is 14 December 23:00 UTC: the last day is the 14th.
    assert_eq!(until_fr(utc(14, 23), tz), "lundi 14 décembre");
    assert_eq!(until_fr(utc(15, 10), tz), "mardi 15 décembre");
}
