//! The safe-contact profile's rules: nothing allowed by default, a number and a window for
//! SMS, voicemail only with calls, staleness, validation, and what a change not confirmed
//! with the person does.
use super::*;
use chrono::{NaiveDate, TimeZone};

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(h, min, 0)
        .unwrap()
}

fn checked() -> SafeContactProfile {
    SafeContactProfile {
        checked_at: Some(Utc.with_ymd_and_hms(2026, 11, 1, 9, 0, 0).unwrap()),
        ..Default::default()
    }
}

#[test]
fn a_change_not_confirmed_with_the_person_is_no_longer_checked() {
    let now = Utc.with_ymd_and_hms(2026, 12, 7, 10, 0, 0).unwrap();
    let before = SafeContactProfile {
        sms: true,
        safe_phone: Some("+33612345678".into()),
        ..checked()
    };
    let same = SafeContactProfile {
        checked_at: None,
        ..before.clone()
    };
    assert_eq!(
        before.revised(same.clone(), false, now).checked_at,
        before.checked_at
    );
    assert_eq!(before.revised(same, true, now).checked_at, Some(now));
    let other = SafeContactProfile {
        safe_phone: Some("+33698765432".into()),
        ..before.clone()
    };
    assert_eq!(before.revised(other.clone(), false, now).checked_at, None);
    assert_eq!(before.revised(other, true, now).checked_at, Some(now));
}

#[test]
fn default_allows_nothing() {
    let p = SafeContactProfile::default();
    for c in [
        Channel::PhoneCall,
        Channel::Voicemail,
        Channel::Sms,
        Channel::Email,
        Channel::Letter,
    ] {
        assert!(p.decide(c, at(2026, 11, 2, 10, 0)).is_err());
    }
    let p = checked();
    for c in [
        Channel::PhoneCall,
        Channel::Voicemail,
        Channel::Sms,
        Channel::Email,
        Channel::Letter,
    ] {
        assert_eq!(
            p.decide(c, at(2026, 11, 2, 10, 0)),
            Err(Refusal::ChannelNotAllowed)
        );
    }
}

#[test]
fn sms_needs_a_safe_number_and_a_window() {
    let mut p = checked();
    p.sms = true;
    assert_eq!(
        p.decide(Channel::Sms, at(2026, 11, 2, 10, 0)),
        Err(Refusal::NoSafeAddress)
    );
    p.safe_phone = Some("+33612345678".into());
    assert_eq!(p.decide(Channel::Sms, at(2026, 11, 2, 10, 0)), Ok(()));
    p.windows = vec![SafeWindow {
        days: vec![1, 2, 3, 4, 5],
        start: NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
        end: NaiveTime::from_hms_opt(12, 0, 0).unwrap(),
    }];
    // 2026-11-02 is a Monday.
    assert_eq!(p.decide(Channel::Sms, at(2026, 11, 2, 10, 0)), Ok(()));
    assert_eq!(
        p.decide(Channel::Sms, at(2026, 11, 2, 12, 0)),
        Err(Refusal::OutsideSafeWindow)
    );
    assert_eq!(
        p.decide(Channel::Sms, at(2026, 11, 1, 10, 30)),
        Err(Refusal::OutsideSafeWindow)
    );
}

#[test]
fn voicemail_needs_calls_too() {
    let mut p = checked();
    p.voicemail = true;
    p.safe_phone = Some("+33612345678".into());
    assert_eq!(
        p.decide(Channel::Voicemail, at(2026, 11, 2, 10, 0)),
        Err(Refusal::ChannelNotAllowed)
    );
    p.phone_call = true;
    assert_eq!(p.decide(Channel::Voicemail, at(2026, 11, 2, 10, 0)), Ok(()));
}

#[test]
fn staleness() {
    let p = checked();
    assert!(!p.is_stale(Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap()));
    assert!(p.is_stale(Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap()));
    assert!(SafeContactProfile::default().is_stale(Utc::now()));
}

#[test]
fn validation_normalises_and_names_fields() {
    let now = Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0).unwrap();
    let mut p = SafeContactProfile {
        sms: true,
        email: true,
        safe_phone: Some("06 12 34 56 78".into()),
        ..Default::default()
    };
    let mut v = Validator::new();
    p.validate("safe_contact", now, &mut v);
    let errs = v.finish().unwrap_err();
    assert_eq!(p.safe_phone.as_deref(), Some("+33612345678"));
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].field, "safe_contact.safe_email");
}
