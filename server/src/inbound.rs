//! What a WebSocket session lets through from its client, before anything reaches the board:
//! the size limit, the rate limit, the presence and follow throttles, and the end of patience
//! with a client that keeps being refused. Pure: the time comes in, verdicts go out, and the
//! session (`ws`) does the IO.

use std::time::{Duration, Instant};
use stormwall_core::limits::{BURST, MAX_MESSAGE_BYTES};
use stormwall_core::pace::TokenBucket;
use stormwall_core::protocol::ClientMsg;
use stormwall_core::ErrorCode;
use thiserror::Error;

/// Presence updates (and follow-me views) closer together than this are dropped: pointers
/// need no more than ~40 frames a second, and the next update supersedes a dropped one anyway.
pub const PRESENCE_INTERVAL: Duration = Duration::from_millis(20);

/// Commands a connection may send: while its token bucket (`stormwall_core::pace`, bursts of
/// `BURST`, then the configured rate on average) holds a token, each then charged the events
/// it produced. Beyond that each message is refused with `rate_limited` (the connection stays
/// open). A client that has `ABUSE` messages refused without once pausing long enough for its
/// bucket to fill up again is disconnected: under a flood that happens at the 2,001st
/// refusal, whatever the timing. Presence updates are throttled separately.
pub const ABUSE: u32 = 2_000;

/// A text frame that is not a message the server can read.
#[derive(Debug, Error)]
pub enum Unreadable {
    #[error(
        "message of {len} bytes is over the limit of {} bytes",
        MAX_MESSAGE_BYTES
    )]
    TooLarge { len: usize },
    #[error("could not read that message: {0}")]
    Malformed(#[from] serde_json::Error),
}

impl Unreadable {
    pub fn code(&self) -> ErrorCode {
        match self {
            Unreadable::TooLarge { .. } => ErrorCode::MessageTooLarge,
            Unreadable::Malformed(_) => ErrorCode::BadMessage,
        }
    }
}

/// Reads a text frame: at most `MAX_MESSAGE_BYTES`, then JSON (a bigger one is not parsed).
pub fn parse(text: &str) -> Result<ClientMsg, Unreadable> {
    if text.len() > MAX_MESSAGE_BYTES {
        return Err(Unreadable::TooLarge { len: text.len() });
    }
    Ok(serde_json::from_str(text)?)
}

/// What to do with a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Go on with it.
    Accept,
    /// Drop it silently: presence (or a view to follow) too soon after the last one.
    Drop,
    /// Refuse it with `rate_limited`; the connection stays open.
    RateLimited,
    /// Refuse it and close the connection: too many refusals without a pause.
    Disconnect,
}

/// At most one thing per interval.
#[derive(Clone, Debug)]
pub struct Throttle {
    interval: Duration,
    last: Option<Instant>,
}

impl Throttle {
    pub fn new(interval: Duration) -> Self {
        Self {
            interval,
            last: None,
        }
    }

    /// Whether something may pass at `now`: the first does, then one at least `interval`
    /// after the last that passed. `always` lets it pass regardless, and counts as passing.
    pub fn pass(&mut self, now: Instant, always: bool) -> bool {
        let due = self
            .last
            .is_none_or(|at| now.saturating_duration_since(at) >= self.interval);
        if due || always {
            self.last = Some(now);
        }
        due || always
    }
}

/// One connection's inbound rules.
#[derive(Clone, Debug)]
pub struct Inbound {
    bucket: TokenBucket,
    /// The bucket's time origin.
    start: Instant,
    refused_since_calm: u32,
    presence: Throttle,
    follow: Throttle,
}

impl Inbound {
    /// A connection opened at `now`, allowed `per_second` events on average after a burst.
    pub fn new(per_second: f64, now: Instant) -> Self {
        Self {
            bucket: TokenBucket::new(per_second, BURST, 0.0),
            start: now,
            refused_since_calm: 0,
            presence: Throttle::new(PRESENCE_INTERVAL),
            follow: Throttle::new(PRESENCE_INTERVAL),
        }
    }

    pub fn per_second(&self) -> f64 {
        self.bucket.per_second()
    }

    /// The verdict on a message read at `now`. Presence and follow-me are throttled and never
    /// charged (a stop to following always passes: it must not be lost); everything else,
    /// unreadable messages included, goes through the rate limit, charged one event for now.
    pub fn judge(&mut self, msg: &Result<ClientMsg, Unreadable>, now: Instant) -> Verdict {
        let passes = match msg {
            Ok(ClientMsg::Presence { .. }) => self.presence.pass(now, false),
            Ok(ClientMsg::Follow { view }) => self.follow.pass(now, view.is_none()),
            _ => return self.admit(now),
        };
        if passes {
            Verdict::Accept
        } else {
            Verdict::Drop
        }
    }

    fn admit(&mut self, now: Instant) -> Verdict {
        let now = now.saturating_duration_since(self.start).as_secs_f64();
        if self.bucket.is_full(now) {
            self.refused_since_calm = 0;
        }
        if self.bucket.ready(now) {
            self.bucket.charge(1.0);
            return Verdict::Accept;
        }
        self.refused_since_calm += 1;
        if self.refused_since_calm > ABUSE {
            Verdict::Disconnect
        } else {
            Verdict::RateLimited
        }
    }

    /// The rest of what an accepted command cost, once known: the events beyond the first.
    pub fn produced(&mut self, events: u64) {
        self.bucket.charge(events.saturating_sub(1) as f64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use stormwall_core::limits::DEFAULT_RATE;
    use stormwall_core::protocol::View;

    const BURST_N: usize = BURST as usize;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn command() -> Result<ClientMsg, Unreadable> {
        parse(
            r#"{"type":"command","command_id":"6f1c0c56-1d2e-4a4b-9d7e-0a6f5a1c2b3d","command":{"type":"rename_board","title":"T"}}"#,
        )
    }

    fn presence() -> Result<ClientMsg, Unreadable> {
        Ok(ClientMsg::Presence {
            cursor: None,
            editing: None,
        })
    }

    fn follow(view: bool) -> Result<ClientMsg, Unreadable> {
        let view = view.then_some(View {
            x: 0.0,
            y: 0.0,
            zoom: 1.0,
        });
        Ok(ClientMsg::Follow { view })
    }

    /// Sends `n` commands at `at`; how many were accepted.
    fn flood(inbound: &mut Inbound, at: Instant, n: usize) -> usize {
        (0..n)
            .filter(|_| inbound.judge(&command(), at) == Verdict::Accept)
            .count()
    }

    #[test]
    fn a_message_at_the_size_limit_is_read_and_one_byte_more_is_not() {
        let msg = r#"{"type":"presence","cursor":null,"editing":null}"#;
        let at_limit = format!("{msg}{}", " ".repeat(MAX_MESSAGE_BYTES - msg.len()));
        assert_eq!(at_limit.len(), MAX_MESSAGE_BYTES);
        assert!(matches!(parse(&at_limit), Ok(ClientMsg::Presence { .. })));

        let over = format!("{at_limit} ");
        let refused = parse(&over).unwrap_err();
        assert!(matches!(refused, Unreadable::TooLarge { len } if len == MAX_MESSAGE_BYTES + 1));
        assert_eq!(refused.code(), ErrorCode::MessageTooLarge);
        assert_eq!(
            refused.to_string(),
            format!("message of 65537 bytes is over the limit of {MAX_MESSAGE_BYTES} bytes")
        );
    }

    #[test]
    fn an_unreadable_message_is_a_bad_message() {
        assert!(command().is_ok());
        let refused = parse("{not json").unwrap_err();
        assert_eq!(refused.code(), ErrorCode::BadMessage);
        assert!(refused
            .to_string()
            .starts_with("could not read that message: "));
    }

    #[test]
    fn commands_pass_for_a_burst_then_at_the_rate() {
        let t0 = Instant::now();
        let mut inbound = Inbound::new(DEFAULT_RATE, t0);
        assert_eq!(flood(&mut inbound, t0, BURST_N), BURST_N);
        assert_eq!(inbound.judge(&command(), t0), Verdict::RateLimited);
        // One token comes back every 1/50 s.
        assert_eq!(inbound.judge(&command(), t0 + ms(19)), Verdict::RateLimited);
        assert_eq!(inbound.judge(&command(), t0 + ms(20)), Verdict::Accept);
        assert_eq!(inbound.judge(&command(), t0 + ms(20)), Verdict::RateLimited);
        assert_eq!(inbound.per_second(), DEFAULT_RATE);
    }

    #[test]
    fn unreadable_messages_are_charged_like_commands() {
        let t0 = Instant::now();
        let mut inbound = Inbound::new(DEFAULT_RATE, t0);
        let junk = parse("junk");
        for _ in 0..BURST_N {
            assert_eq!(inbound.judge(&junk, t0), Verdict::Accept);
        }
        assert_eq!(inbound.judge(&junk, t0), Verdict::RateLimited);
        assert_eq!(inbound.judge(&command(), t0), Verdict::RateLimited);
    }

    #[test]
    fn a_big_command_is_paid_for_by_waiting_afterwards() {
        let t0 = Instant::now();
        let mut inbound = Inbound::new(DEFAULT_RATE, t0);
        assert_eq!(inbound.judge(&command(), t0), Verdict::Accept);
        inbound.produced(100);
        // 200 - 100 events: exactly 100 more one-event commands.
        assert_eq!(flood(&mut inbound, t0, 1_000), 100);
        // A command that changed nothing costs its one event, never less.
        let mut other = Inbound::new(DEFAULT_RATE, t0);
        assert_eq!(other.judge(&command(), t0), Verdict::Accept);
        other.produced(0);
        assert_eq!(flood(&mut other, t0, 1_000), BURST_N - 1);
    }

    #[test]
    fn presence_is_throttled_to_one_per_interval_and_never_charged() {
        let t0 = Instant::now();
        let mut inbound = Inbound::new(DEFAULT_RATE, t0);
        assert_eq!(inbound.judge(&presence(), t0), Verdict::Accept);
        assert_eq!(inbound.judge(&presence(), t0 + ms(19)), Verdict::Drop);
        assert_eq!(inbound.judge(&presence(), t0 + ms(20)), Verdict::Accept);
        // A dropped update does not restart the interval.
        assert_eq!(inbound.judge(&presence(), t0 + ms(39)), Verdict::Drop);
        assert_eq!(inbound.judge(&presence(), t0 + ms(40)), Verdict::Accept);
        for n in 0..1_000 {
            inbound.judge(&presence(), t0 + ms(40 + n * 20));
        }
        // Presence and follow-me have their own throttles.
        assert_eq!(inbound.judge(&follow(true), t0 + ms(40)), Verdict::Accept);
        let late = t0 + ms(40 + 999 * 20);
        assert_eq!(flood(&mut inbound, late, BURST_N + 1), BURST_N);
    }

    #[test]
    fn follow_is_throttled_but_a_stop_always_passes() {
        let t0 = Instant::now();
        let mut inbound = Inbound::new(DEFAULT_RATE, t0);
        assert_eq!(inbound.judge(&follow(true), t0), Verdict::Accept);
        assert_eq!(inbound.judge(&follow(true), t0 + ms(1)), Verdict::Drop);
        assert_eq!(inbound.judge(&follow(false), t0 + ms(2)), Verdict::Accept);
        assert_eq!(inbound.judge(&follow(false), t0 + ms(3)), Verdict::Accept);
        // The stop counts as the last one through.
        assert_eq!(inbound.judge(&follow(true), t0 + ms(22)), Verdict::Drop);
        assert_eq!(inbound.judge(&follow(true), t0 + ms(23)), Verdict::Accept);
        // Never charged: the whole burst is still there.
        assert_eq!(flood(&mut inbound, t0 + ms(23), BURST_N), BURST_N);
    }

    #[test]
    fn the_throttle_passes_at_exactly_the_interval() {
        let t0 = Instant::now();
        let mut t = Throttle::new(ms(20));
        assert!(t.pass(t0, false));
        assert!(!t.pass(t0 + ms(20) - Duration::from_nanos(1), false));
        assert!(t.pass(t0 + ms(20), false));
        // Time going backwards lets nothing through early.
        assert!(!t.pass(t0, false));
        assert!(t.pass(t0, true));
    }

    #[test]
    fn the_2001st_refusal_without_a_pause_disconnects() {
        let t0 = Instant::now();
        let mut inbound = Inbound::new(DEFAULT_RATE, t0);
        assert_eq!(flood(&mut inbound, t0, BURST_N), BURST_N);
        for _ in 0..ABUSE {
            assert_eq!(inbound.judge(&command(), t0), Verdict::RateLimited);
        }
        assert_eq!(inbound.judge(&command(), t0), Verdict::Disconnect);
    }

    #[test]
    fn refusals_are_counted_until_the_bucket_fills_up_again() {
        let t0 = Instant::now();
        let mut inbound = Inbound::new(DEFAULT_RATE, t0);
        flood(&mut inbound, t0, BURST_N);
        for _ in 0..ABUSE {
            assert_eq!(inbound.judge(&command(), t0), Verdict::RateLimited);
        }
        // Just short of a full bucket (199.5 tokens): accepted, but nothing is forgiven.
        let almost = t0 + ms(3_990);
        assert_eq!(flood(&mut inbound, almost, 199), 199);
        assert_eq!(inbound.judge(&command(), almost), Verdict::Disconnect);

        let mut calm = Inbound::new(DEFAULT_RATE, t0);
        flood(&mut calm, t0, BURST_N);
        for _ in 0..ABUSE {
            calm.judge(&command(), t0);
        }
        // A full bucket (200 tokens after 4 s at 50 a second): the refusals are forgiven.
        let full = t0 + ms(4_000);
        assert_eq!(flood(&mut calm, full, BURST_N), BURST_N);
        for _ in 0..ABUSE {
            assert_eq!(calm.judge(&command(), full), Verdict::RateLimited);
        }
        assert_eq!(calm.judge(&command(), full), Verdict::Disconnect);
    }

    #[test]
    fn a_flood_spread_over_time_is_disconnected_all_the_same() {
        let t0 = Instant::now();
        let mut inbound = Inbound::new(DEFAULT_RATE, t0);
        let mut refused = 0;
        // A message every millisecond: one in twenty gets a token, the bucket never fills.
        for n in 0.. {
            match inbound.judge(&command(), t0 + ms(n)) {
                Verdict::Accept => {}
                Verdict::RateLimited => refused += 1,
                Verdict::Disconnect => break,
                Verdict::Drop => unreachable!("commands are never dropped"),
            }
        }
        assert_eq!(refused, ABUSE);
    }
}
