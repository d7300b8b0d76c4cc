//! The live side of a workshop that is never stored on the board: this participant's dots in
//! the open vote (secret until the reveal), and the facilitator's view the room follows.

use super::{BoardClient, ConnStatus};
use leptos::prelude::*;
use std::time::Duration;
use stormwall_core::protocol::{ClientMsg, View};
use stormwall_core::workshop::{self, VoteStatus};
use stormwall_core::{Error, Role, StickyId, VoteId};
use uuid::Uuid;

/// The leader's view goes out at most this often.
const LEAD_EVERY: Duration = Duration::from_millis(50);

#[derive(Clone, Copy)]
pub struct Room {
    /// This participant's dots, with the vote they are in.
    pub ballot: RwSignal<Option<(VoteId, Vec<StickyId>)>>,
    /// Who leads the room's view (a participant id), and where they look.
    pub leader: RwSignal<Option<(Uuid, View)>>,
    /// This wall follows the leader (until its user moves it themselves).
    pub following: RwSignal<bool>,
    /// This user leads the room's view.
    pub leading: RwSignal<bool>,
    /// The view last asked to be shared, and whether a send is scheduled.
    lead_view: StoredValue<Option<View>>,
    lead_sent: StoredValue<Option<View>>,
    lead_due: StoredValue<bool>,
}

impl Room {
    pub(crate) fn new() -> Self {
        Room {
            ballot: RwSignal::new(None),
            leader: RwSignal::new(None),
            following: RwSignal::new(false),
            leading: RwSignal::new(false),
            lead_view: StoredValue::new(None),
            lead_sent: StoredValue::new(None),
            lead_due: StoredValue::new(false),
        }
    }

    /// This participant's dots in `vote` (none when the ballot is of another vote).
    pub fn dots_in(&self, vote: VoteId) -> Vec<StickyId> {
        self.ballot.with_untracked(|b| match b {
            Some((v, dots)) if *v == vote => dots.clone(),
            _ => Vec::new(),
        })
    }
}

impl BoardClient {
    /// Puts one of this participant's dots on a sticky (`add`) or takes one back. Checked
    /// here with the server's own rule first; the server's `ballot` answer is what shows.
    pub fn dot(&self, sticky: StickyId, add: bool) {
        if self.access.role_untracked() < Role::Edit {
            return self.show_notice(Error::ReadOnly.to_string());
        }
        let checked = self.board.with_untracked(|b| {
            let b = b.as_ref()?;
            let vote = b
                .workshop
                .vote
                .as_ref()
                .filter(|v| v.status == VoteStatus::Open)?
                .id;
            let mine = self.room.dots_in(vote);
            Some(workshop::cast(b, vote, &mine, sticky, add).map(|_| vote))
        });
        match checked {
            None => self.show_notice(Error::VoteNotOpen.to_string()),
            Some(Err(e)) => self.show_notice(e.to_string()),
            Some(Ok(vote)) => {
                if !self.send_msg(&ClientMsg::Dot { vote, sticky, add }) {
                    self.show_notice("Offline: dots can be placed once the board is back.".into());
                }
            }
        }
    }

    /// Starts or stops leading the room's view (facilitator only).
    pub fn set_leading(&self, on: bool) {
        if on && self.access.role_untracked() != Role::Facilitator {
            return self.show_notice(Error::FacilitatorOnly.to_string());
        }
        if self.room.leading.get_untracked() == on {
            return;
        }
        self.room.leading.set(on);
        if on {
            self.room.lead_sent.set_value(None);
            self.send_lead();
            if !self.room.lead_due.get_value() {
                self.lead_later();
            }
        } else {
            self.send_msg(&ClientMsg::Follow { view: None });
        }
    }

    /// Shares where this (leading) user looks: at once, then at most every 50 ms; the latest
    /// view always goes out. Sends stay 50 ms apart, trailing ones included: the server drops
    /// a view that follows the last one too closely, and a dropped last view would leave
    /// everyone following somewhere the leader no longer looks.
    pub fn lead(&self, view: View) {
        self.room.lead_view.set_value(Some(view));
        if !self.room.leading.get_untracked() || self.room.lead_due.get_value() {
            return;
        }
        self.send_lead();
        self.lead_later();
    }

    /// Sends the latest view in `LEAD_EVERY` if it is not the one sent, and waits as long
    /// again after that send.
    fn lead_later(&self) {
        self.room.lead_due.set_value(true);
        let me = *self;
        set_timeout(
            move || {
                if me.room.lead_due.try_set_value(false).is_some() {
                    return; // the page is gone
                }
                if me.room.leading.get_untracked()
                    && me.room.lead_view.get_value() != me.room.lead_sent.get_value()
                {
                    me.send_lead();
                    me.lead_later();
                }
            },
            LEAD_EVERY,
        );
    }

    fn send_lead(&self) {
        let Some(view) = self.room.lead_view.get_value() else {
            return;
        };
        if self.send_msg(&ClientMsg::Follow { view: Some(view) }) {
            self.room.lead_sent.set_value(Some(view));
        }
    }

    /// After a reconnection the server has forgotten who leads: tell it again.
    pub(super) fn lead_again(&self) {
        if self.room.leading.get_untracked() {
            self.room.lead_sent.set_value(None);
            self.send_lead();
        }
    }

    /// Someone leads (or stopped leading). A leader who starts brings every wall along; one
    /// who is merely still leading (a reconnection) does not undo a user's choice to look
    /// elsewhere.
    pub(super) fn followed(&self, leader: Uuid, view: Option<View>) {
        if self.me.get_untracked() == Some(leader) {
            return;
        }
        let current = self.room.leader.with_untracked(|l| l.map(|(id, _)| id));
        match view {
            None if current == Some(leader) => {
                self.room.leader.set(None);
                self.room.following.set(false);
            }
            None => {}
            Some(view) => {
                self.room.leader.set(Some((leader, view)));
                if current != Some(leader) {
                    self.room.following.set(true);
                }
            }
        }
    }

    /// The leader left (or is no longer on the roster after a reconnection).
    pub(super) fn leader_gone(&self) {
        let leader = self.room.leader.with_untracked(|l| l.map(|(id, _)| id));
        let Some(leader) = leader else { return };
        if self
            .people
            .with_untracked(|p| !p.iter().any(|p| p.id == leader))
        {
            self.room.leader.set(None);
            self.room.following.set(false);
        }
    }

    /// Sends a message that is not a command, when the connection is up; false otherwise.
    pub(super) fn send_msg(&self, msg: &ClientMsg) -> bool {
        self.status.get_untracked() == ConnStatus::Live && self.send_now(msg)
    }
}
