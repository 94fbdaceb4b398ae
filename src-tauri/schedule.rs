//! When a source is fetched again: the policy as pure functions of the clock, so it is tested without
//! waiting. The window's background refresh asks [`due_at`]; every sync asks [`held_back`] and records
//! [`fresh_until`] and [`retry_after_until`].
//!
//! The rules, in order: a server that asked to be left alone (Retry-After on a 429 or 503) is not asked
//! again before that time, not even by a manual refresh; a failing source waits longer after each
//! failure, doubling from its interval up to [`MAX_BACKOFF`]; a healthy one waits its interval, or longer
//! when its caching headers or its feed's `ttl` say nothing will change before then.

/// Seconds in a minute, for intervals set in minutes.
pub const MINUTE: i64 = 60;

/// The background refresh interval when the reader set none.
pub const DEFAULT_INTERVAL: i64 = 30 * MINUTE;

/// A failing source is tried at least this often, however many times it failed.
pub const MAX_BACKOFF: i64 = 12 * 60 * MINUTE;

/// The longest wait a server's headers or Retry-After can impose: a day. A server that asks for a year
/// is asked again tomorrow.
pub const MAX_SERVER_WAIT: i64 = 24 * 60 * MINUTE;

/// A manual refresh does not fetch a source again within this many seconds of its last fetch, so
/// pressing Refresh repeatedly costs the servers nothing.
pub const MANUAL_GAP: i64 = 20;

/// What the cache knows of a source's timing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Clock {
    /// When it was last fetched, successfully or not (Unix seconds); `None` if never.
    pub last_attempt_at: Option<i64>,
    /// Failures since the last success.
    pub error_count: u32,
    /// Caching headers or `ttl`: nothing new expected before this time.
    pub fresh_until: Option<i64>,
    /// Retry-After: no request before this time.
    pub retry_after_at: Option<i64>,
}

/// The wait after `failures` failures in a row: the interval, doubled for each failure after the first,
/// at most [`MAX_BACKOFF`] (or the interval itself when that is longer).
pub fn backoff(interval: i64, failures: u32) -> i64 {
    let doublings = failures.saturating_sub(1).min(20);
    interval.saturating_mul(1 << doublings).min(MAX_BACKOFF.max(interval))
}

/// When a source with this clock is next fetched by the background refresh, every `interval` seconds.
/// A source never fetched is due at once.
pub fn due_at(clock: &Clock, interval: i64) -> i64 {
    let Some(last) = clock.last_attempt_at else {
        return clock.retry_after_at.unwrap_or(i64::MIN);
    };
    let regular = if clock.error_count > 0 {
        last.saturating_add(backoff(interval, clock.error_count))
    } else {
        last.saturating_add(interval).max(clock.fresh_until.unwrap_or(i64::MIN))
    };
    regular.max(clock.retry_after_at.unwrap_or(i64::MIN))
}

/// Why a refresh passes a source over now, if it does: the server's Retry-After for every refresh, and
/// for a manual one also a fetch less than [`MANUAL_GAP`] seconds ago.
pub fn held_back(clock: &Clock, now: i64, manual: bool) -> Option<Hold> {
    if let Some(until) = clock.retry_after_at.filter(|&t| t > now) {
        return Some(Hold::RetryAfter { until });
    }
    let recent = clock.last_attempt_at.is_some_and(|t| now - t < MANUAL_GAP);
    (manual && recent).then_some(Hold::JustFetched)
}

/// Why a source was passed over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hold {
    /// Its server asked not to be asked before `until`.
    RetryAfter { until: i64 },
    /// It was fetched a moment ago.
    JustFetched,
}

/// Until when a fetch at `now` stays fresh by the server's word, worth recording only when that is later
/// than the regular `interval` brings: `fresh_for` seconds from the caching headers, `ttl_minutes` from
/// the feed, whichever is longer, capped at [`MAX_SERVER_WAIT`].
pub fn fresh_until(now: i64, interval: i64, fresh_for: Option<u64>, ttl_minutes: Option<u32>) -> Option<i64> {
    let from_headers = fresh_for.map(|s| s.min(MAX_SERVER_WAIT as u64) as i64);
    let from_ttl = ttl_minutes.map(|m| (i64::from(m) * MINUTE).min(MAX_SERVER_WAIT));
    let wait = from_headers.max(from_ttl)?;
    (wait > interval).then_some(now + wait)
}

/// Until when a server that answered 429 or 503 with `Retry-After: seconds` is left alone.
pub fn retry_after_until(now: i64, seconds: Option<u64>) -> Option<i64> {
    seconds.map(|s| now + s.min(MAX_SERVER_WAIT as u64) as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_800_000_000;

    #[test]
    fn a_healthy_source_waits_its_interval_or_what_its_server_says() {
        let clock = Clock { last_attempt_at: Some(T), ..Clock::default() };
        assert_eq!(due_at(&clock, DEFAULT_INTERVAL), T + 1800);
        assert_eq!(due_at(&clock, 5 * MINUTE), T + 300);
        let fresh = Clock { fresh_until: Some(T + 7200), ..clock };
        assert_eq!(due_at(&fresh, DEFAULT_INTERVAL), T + 7200, "max-age longer than the interval wins");
        let stale = Clock { fresh_until: Some(T + 60), ..clock };
        assert_eq!(due_at(&stale, DEFAULT_INTERVAL), T + 1800, "a shorter max-age does not hurry us");
        assert_eq!(due_at(&Clock::default(), DEFAULT_INTERVAL), i64::MIN, "never fetched: due now");
    }

    #[test]
    fn a_failing_source_backs_off_exponentially_up_to_a_cap() {
        let waits: Vec<i64> = (1..=8).map(|n| backoff(DEFAULT_INTERVAL, n) / MINUTE).collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 720, 720, 720]);
        assert_eq!(backoff(DEFAULT_INTERVAL, u32::MAX), MAX_BACKOFF, "no overflow");
        assert_eq!(backoff(24 * 60 * MINUTE, 3), 24 * 60 * MINUTE, "never sooner than the interval");
        let failing = Clock { last_attempt_at: Some(T), error_count: 3, ..Clock::default() };
        assert_eq!(due_at(&failing, DEFAULT_INTERVAL), T + 120 * MINUTE);
        let fresh = Clock { fresh_until: Some(T + 100 * 60 * MINUTE), ..failing };
        assert_eq!(due_at(&fresh, DEFAULT_INTERVAL), T + 120 * MINUTE, "freshness of a failing source is moot");
    }

    #[test]
    fn retry_after_holds_every_refresh_and_manual_ones_are_throttled() {
        let asked = Clock {
            last_attempt_at: Some(T),
            error_count: 1,
            retry_after_at: retry_after_until(T, Some(3 * 3600)),
            ..Clock::default()
        };
        assert_eq!(due_at(&asked, DEFAULT_INTERVAL), T + 3 * 3600);
        assert_eq!(held_back(&asked, T + 3600, true), Some(Hold::RetryAfter { until: T + 3 * 3600 }));
        assert_eq!(held_back(&asked, T + 3600, false), Some(Hold::RetryAfter { until: T + 3 * 3600 }));
        assert_eq!(held_back(&asked, T + 3 * 3600, true), None, "the wait is over");

        let just = Clock { last_attempt_at: Some(T), ..Clock::default() };
        assert_eq!(held_back(&just, T + 5, true), Some(Hold::JustFetched));
        assert_eq!(held_back(&just, T + 5, false), None, "the schedule decides for itself");
        assert_eq!(held_back(&just, T + MANUAL_GAP, true), None);
        assert_eq!(held_back(&Clock::default(), T, true), None);
        let never_yet = Clock { retry_after_at: Some(T + 60), ..Clock::default() };
        assert_eq!(due_at(&never_yet, DEFAULT_INTERVAL), T + 60);
    }

    #[test]
    fn server_waits_are_recorded_only_past_the_interval_and_capped() {
        assert_eq!(fresh_until(T, DEFAULT_INTERVAL, Some(600), None), None);
        assert_eq!(fresh_until(T, DEFAULT_INTERVAL, Some(7200), None), Some(T + 7200));
        assert_eq!(fresh_until(T, DEFAULT_INTERVAL, None, Some(120)), Some(T + 7200), "ttl is in minutes");
        assert_eq!(fresh_until(T, DEFAULT_INTERVAL, Some(3600), Some(180)), Some(T + 3 * 3600), "the longer wins");
        assert_eq!(fresh_until(T, DEFAULT_INTERVAL, Some(u64::MAX), None), Some(T + MAX_SERVER_WAIT));
        assert_eq!(fresh_until(T, DEFAULT_INTERVAL, None, None), None);
        assert_eq!(retry_after_until(T, Some(90)), Some(T + 90));
        assert_eq!(retry_after_until(T, Some(10_u64.pow(12))), Some(T + MAX_SERVER_WAIT));
        assert_eq!(retry_after_until(T, None), None);
    }
}
