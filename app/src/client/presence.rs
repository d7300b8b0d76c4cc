//! Where this user points and what they edit: shared with the others at most every 50 ms,
//! never stored, and not the sync engine's business.

use super::BoardClient;
use leptos::prelude::*;
use std::time::Duration;
use stormwall_core::protocol::ClientMsg;
use stormwall_core::{Position, StickyId};

/// Pointer updates go out at most this often.
const PRESENCE_EVERY: Duration = Duration::from_millis(50);

impl BoardClient {
    /// Shares where this user points and what they edit, at most every 50 ms (the latest
    /// state always goes out).
    pub fn share_presence(&self, cursor: Option<Position>, editing: Option<StickyId>) {
        if self.presence.get_value() == (cursor, editing) {
            return;
        }
        self.presence.set_value((cursor, editing));
        if self.presence_due.get_value() {
            return;
        }
        self.presence_due.set_value(true);
        let me = *self;
        set_timeout(
            move || {
                if me.presence_due.try_set_value(false).is_some() {
                    return; // the page is gone
                }
                me.send_presence();
            },
            PRESENCE_EVERY,
        );
    }

    /// Where this user's pointer was last shared.
    pub fn presence_cursor(&self) -> Option<Position> {
        self.presence.with_value(|(cursor, _)| *cursor)
    }

    /// After a roster: the others can see this user now, so say where they are.
    pub(super) fn presence_again(&self) {
        let (cursor, editing) = self.presence.get_value();
        if cursor.is_some() || editing.is_some() {
            self.send_presence();
        }
    }

    fn send_presence(&self) {
        let (cursor, editing) = self.presence.get_value();
        // Not before the welcome: the first message of a connection must be its hello.
        self.send_msg(&ClientMsg::Presence { cursor, editing });
    }
}
