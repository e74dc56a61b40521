//! The lockout rule (pure): N failures on one account within a window lock it for a while.
//! Per-address throttling is on top, in `ip_throttle`.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub threshold: i32,
    pub window: Duration,
    pub lock_for: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct State {
    pub failed: i32,
    pub first_failed_at: Option<DateTime<Utc>>,
    pub locked_until: Option<DateTime<Utc>>,
}

impl Policy {
    pub fn is_locked(&self, s: &State, now: DateTime<Utc>) -> bool {
        s.locked_until.is_some_and(|t| now < t)
    }

    /// State after one more failure at `now`.
    pub fn after_failure(&self, s: &State, now: DateTime<Utc>) -> State {
        let in_window = s.first_failed_at.is_some_and(|t| now - t < self.window)
            && s.locked_until.is_none_or(|t| now < t);
        let (failed, first) = if in_window {
            (s.failed + 1, s.first_failed_at)
        } else {
            (1, Some(now))
        };
        let locked_until = if failed >= self.threshold {
            Some(now + self.lock_for)
        } else {
            None
        };
        State {
            failed,
            first_failed_at: first,
            locked_until,
        }
    }
}

/// Failures per key (a client address, a token prefix) in a fixed window, kept in memory
/// (per instance).
pub struct Throttle<K> {
    limit: u32,
    window: Duration,
    hits: Mutex<HashMap<K, (u32, DateTime<Utc>)>>,
}

/// Failed logins per client address.
pub type IpThrottle = Throttle<IpAddr>;

impl<K: std::hash::Hash + Eq> Throttle<K> {
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            hits: Mutex::new(HashMap::new()),
        }
    }

    pub fn is_blocked(&self, key: K, now: DateTime<Utc>) -> bool {
        let hits = self.hits.lock().unwrap_or_else(|e| e.into_inner());
        hits.get(&key)
            .is_some_and(|(n, since)| now - *since < self.window && *n >= self.limit)
    }

    pub fn failure(&self, key: K, now: DateTime<Utc>) {
        let mut hits = self.hits.lock().unwrap_or_else(|e| e.into_inner());
        if hits.len() > 100_000 {
            hits.retain(|_, (_, since)| now - *since < self.window);
        }
        let e = hits.entry(key).or_insert((0, now));
        if now - e.1 >= self.window {
            *e = (0, now);
        }
        e.0 += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn p() -> Policy {
        Policy {
            threshold: 5,
            window: Duration::minutes(15),
            lock_for: Duration::minutes(15),
        }
    }

    #[test]
    fn five_failures_in_fifteen_minutes_lock_for_fifteen() {
        let t0 = Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0).unwrap();
        let mut s = State::default();
        for i in 0..4 {
            s = p().after_failure(&s, t0 + Duration::minutes(i * 3));
            assert!(!p().is_locked(&s, t0 + Duration::minutes(i * 3)));
        }
        s = p().after_failure(&s, t0 + Duration::minutes(14));
        assert!(p().is_locked(&s, t0 + Duration::minutes(14)));
        assert!(p().is_locked(&s, t0 + Duration::minutes(28)));
        assert!(!p().is_locked(&s, t0 + Duration::minutes(29)));
    }

    #[test]
    fn failures_spread_out_do_not_lock() {
        let t0 = Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0).unwrap();
        let mut s = State::default();
        for i in 0..10 {
            s = p().after_failure(&s, t0 + Duration::minutes(i * 4));
        }
        assert!(!p().is_locked(&s, t0 + Duration::minutes(40)));
    }

    #[test]
    fn ip_throttle() {
        let t0 = Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0).unwrap();
        let th = IpThrottle::new(3, Duration::minutes(15));
        let ip: IpAddr = "127.0.0.2".parse().unwrap();
        for _ in 0..3 {
            assert!(!th.is_blocked(ip, t0));
            th.failure(ip, t0);
        }
        assert!(th.is_blocked(ip, t0));
        assert!(!th.is_blocked(ip, t0 + Duration::minutes(16)));
    }
}
