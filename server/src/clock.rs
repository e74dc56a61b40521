//! The server's time, from one place. Every rule that looks at "now" (horizons, lead times,
//! expiry, retention, quiet hours, stale contacts, leases) asks `AppState::now()` or
//! `Scope::now()`, never the system clock directly, so a test can move the server's time
//! (`AppState::clock().advance(..)`) and see a year pass in a second. In production the
//! offset is zero and never changes: nothing outside a test moves it.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Duration, Utc};

/// The system clock plus an offset a test may move forward or back. Clones share the offset.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    offset_micros: Arc<AtomicI64>,
}

impl Clock {
    /// Now, as the server sees it.
    #[allow(clippy::disallowed_methods)]
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::microseconds(self.offset_micros.load(Ordering::SeqCst))
    }

    /// Move the server's time by `by` (negative goes back). Time keeps flowing from there.
    pub fn advance(&self, by: Duration) {
        let us = by.num_microseconds().unwrap_or(i64::MAX);
        self.offset_micros.fetch_add(us, Ordering::SeqCst);
    }

    /// How far the server's time is from the system clock.
    pub fn offset(&self) -> Duration {
        Duration::microseconds(self.offset_micros.load(Ordering::SeqCst))
    }
}

/// The machine's own clock, unmoved: only to compare with another machine's clock (a
/// gateway's `Retry-After` date), to stamp the data key's check before any state exists, or
/// to show a person at a terminal the code of this instant. Never for a rule.
#[allow(clippy::disallowed_methods)]
pub fn wall() -> DateTime<Utc> {
    Utc::now()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_moves_every_clone_and_time_keeps_flowing() {
        let c = Clock::default();
        let other = c.clone();
        let before = c.now();
        c.advance(Duration::days(400));
        let after = other.now();
        assert!(after - before >= Duration::days(400));
        assert!(after - before < Duration::days(400) + Duration::minutes(1));
        assert_eq!(other.offset(), Duration::days(400));
        c.advance(Duration::days(-400));
        assert_eq!(c.offset(), Duration::zero());
    }
}
