//! The slot search on arbitrary opening windows, exceptions, absences, appointments and
//! rules: never a panic; slots in time order, inside the search's notice and horizon,
//! never overlapping a busy span or an absence (buffers included).
#![no_main]
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use libfuzzer_sys::fuzz_target;
use relais_domain::schedule::{
    Calendar, DateException, Interval, SlotRules, WeeklyWindow, free_slots,
};

struct Bytes<'a>(&'a [u8]);
impl Bytes<'_> {
    fn u8(&mut self) -> u8 {
        match self.0.split_first() {
            Some((b, rest)) => {
                self.0 = rest;
                *b
            }
            None => 0,
        }
    }
    fn u16(&mut self) -> u16 {
        u16::from(self.u8()) << 8 | u16::from(self.u8())
    }
    fn time(&mut self) -> NaiveTime {
        let m = u32::from(self.u16()) % (24 * 60);
        NaiveTime::from_hms_opt(m / 60, m % 60, 0).unwrap_or(NaiveTime::MIN)
    }
}

fuzz_target!(|data: &[u8]| {
    let mut b = Bytes(data);
    let tz = [
        chrono_tz::Europe::Paris,
        chrono_tz::America::Cayenne,
        chrono_tz::Pacific::Noumea,
    ][usize::from(b.u8()) % 3];
    let from = NaiveDate::from_ymd_opt(2026, 3, 20).unwrap_or_default()
        + Duration::days(i64::from(b.u8() % 60));
    let to = from + Duration::days(i64::from(b.u8() % 15));
    let t0 = from.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let mut windows = Vec::new();
    for _ in 0..(b.u8() % 4) {
        windows.push(WeeklyWindow {
            days: (1..=7)
                .filter(|d| b.u8() & (1 << (d - 1)) != 0 || *d == 1)
                .collect(),
            start: b.time(),
            end: b.time(),
            valid_from: None,
            valid_until: None,
        });
    }
    let mut exceptions = Vec::new();
    for _ in 0..(b.u8() % 3) {
        let date = from + Duration::days(i64::from(b.u8() % 15));
        exceptions.push(if b.u8() % 2 == 0 {
            DateException::Closed { date }
        } else {
            DateException::Extra {
                date,
                start: b.time(),
                end: b.time(),
            }
        });
    }
    let span = |b: &mut Bytes, base: DateTime<Utc>| {
        let s = base + Duration::minutes(i64::from(b.u16()) % (20 * 24 * 60));
        Interval {
            start: s,
            end: s + Duration::minutes(1 + i64::from(b.u8())),
        }
    };
    let absences: Vec<Interval> = (0..(b.u8() % 3)).map(|_| span(&mut b, t0)).collect();
    let mut busy: Vec<Interval> = (0..(b.u8() % 6)).map(|_| span(&mut b, t0)).collect();
    busy.sort();
    busy.dedup_by(|x, y| x.overlaps(y));
    let mins = |b: &mut Bytes, lo: i64, m: u8| Duration::minutes(lo + i64::from(b.u8() % m));
    let rules = SlotRules {
        duration: mins(&mut b, 5, 120),
        step: mins(&mut b, 5, 60),
        buffer_before: mins(&mut b, 0, 30),
        buffer_after: mins(&mut b, 0, 30),
        min_notice: Duration::hours(i64::from(b.u8() % 72)),
        horizon: Duration::days(1 + i64::from(b.u8() % 90)),
    };
    let holidays = relais_domain::holidays::holiday_dates(from, to, false);
    let cal = Calendar {
        tz,
        windows: &windows,
        exceptions: &exceptions,
        recurring_absences: &[],
        absences: &absences,
        busy: &busy,
        holidays: &holidays,
    };
    let now = t0 - Duration::hours(i64::from(b.u8()));
    let mut out = Vec::new();
    free_slots(&cal, &rules, from, to, now, &mut out);
    for w in out.windows(2) {
        assert!(
            w[0].start < w[1].start,
            "slots in order: {:?} then {:?}; windows {windows:?}, exceptions {exceptions:?}, tz {tz}",
            w[0],
            w[1]
        );
    }
    for s in &out {
        assert_eq!(s.end - s.start, rules.duration);
        assert!(s.start >= now + rules.min_notice);
        assert!(s.start <= now + rules.horizon);
        let span = rules.busy_span(s.start);
        assert!(
            !busy.iter().any(|x| x.overlaps(&span)),
            "over an appointment"
        );
        assert!(
            !absences.iter().any(|x| x.overlaps(&span)),
            "over an absence"
        );
    }
});
