//! The rate limit's token bucket, written once: the server enforces it on each connection and
//! the browser paces its own sends under it. Time comes in as seconds from any fixed origin,
//! so the core stays free of clocks.

// The numbers live with the other limits; kept here too, where the client paces by them.
pub use crate::limits::{BURST, DEFAULT_RATE};

/// A token bucket that may go into debt: a command is let through while the bucket holds at
/// least one token, and then charged what it really cost (the events it produced), so one
/// message carrying hundreds of events is paid for by waiting afterwards.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenBucket {
    per_second: f64,
    burst: f64,
    tokens: f64,
    at: f64,
}

impl TokenBucket {
    /// A full bucket at time `now` (seconds).
    pub fn new(per_second: f64, burst: f64, now: f64) -> Self {
        Self {
            per_second,
            burst,
            tokens: burst,
            at: now,
        }
    }

    pub fn per_second(&self) -> f64 {
        self.per_second
    }

    fn refill(&mut self, now: f64) {
        if now > self.at {
            self.tokens = (self.tokens + (now - self.at) * self.per_second).min(self.burst);
            self.at = now;
        }
    }

    /// Tokens available at `now`; negative while a big change is being paid off.
    pub fn tokens(&mut self, now: f64) -> f64 {
        self.refill(now);
        self.tokens
    }

    /// Whether a command may go now.
    pub fn ready(&mut self, now: f64) -> bool {
        self.tokens(now) >= 1.0
    }

    /// Whether the sender has been quiet long enough for the bucket to fill up again.
    pub fn is_full(&mut self, now: f64) -> bool {
        self.tokens(now) >= self.burst
    }

    /// Takes `cost` tokens; the balance may go below zero.
    pub fn charge(&mut self, cost: f64) {
        self.tokens -= cost;
    }
}

/// How many events a command will most likely produce, before it runs: what a client paces
/// itself by. The server charges what it really produced (deleting a sticky also deletes its
/// arrows), so this may fall short, never the rule.
pub fn expected_events(command: &crate::Command) -> usize {
    use crate::Command;
    match command {
        Command::Batch { commands, .. } => commands.iter().map(expected_events).sum::<usize>(),
        Command::MoveStickies { moves } => moves.len(),
        Command::DeleteStickies { ids } => ids.len(),
        _ => 1,
    }
    .max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_the_rate() {
        let mut b = TokenBucket::new(50.0, 200.0, 0.0);
        for _ in 0..200 {
            assert!(b.ready(0.0));
            b.charge(1.0);
        }
        assert!(!b.ready(0.0));
        assert!(b.ready(0.02), "one token back after 1/50 s");
        assert!(!b.is_full(1.0));
        assert!(b.is_full(4.0));
    }

    #[test]
    fn a_big_command_is_paid_for_afterwards() {
        let mut b = TokenBucket::new(50.0, 200.0, 0.0);
        assert!(b.ready(0.0));
        b.charge(500.0);
        assert!(!b.ready(0.0));
        // 300 tokens of debt, plus one to send: 301 / 50 s.
        assert!(!b.ready(6.0));
        assert!(b.ready(6.03));
    }

    #[test]
    fn time_going_backwards_changes_nothing() {
        let mut b = TokenBucket::new(50.0, 200.0, 10.0);
        b.charge(200.0);
        assert_eq!(b.tokens(5.0), 0.0);
    }
}
