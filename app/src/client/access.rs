//! What this page's link lets it do: the link's key, the role it gives, the links it may hand
//! out, and the server's clock (timers count down by it). Also the end of the road: a link
//! refused or revoked by the server, after which the page never reconnects.

use super::{js_now, BoardClient};
use crate::recent;
use leptos::prelude::*;
use stormwall_core::protocol::close;
use stormwall_core::protocol::{ClientMsg, Link};
use stormwall_core::{BoardId, ErrorCode, Role};
use uuid::Uuid;

/// What the page says when the facilitator replaced this page's link (the server's words,
/// unless it sent none).
pub const REVOKED: &str = "This link was revoked; ask the facilitator for a new one.";

/// Why this page can no longer use the board.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The facilitator rotated the link this page was opened with.
    Revoked(String),
    /// The key never opened this board (wrong, or revoked before this page connected).
    Denied,
    /// The server speaks a newer (or older) protocol than this page: reload.
    Outdated(String),
}

impl Refusal {
    /// The refusal an error code stands for, if it is one.
    pub fn from_code(code: ErrorCode, message: &str) -> Option<Refusal> {
        match code {
            ErrorCode::LinkRevoked => Some(Refusal::Revoked(if message.is_empty() {
                REVOKED.into()
            } else {
                message.into()
            })),
            c if c.ends_access() => Some(Refusal::Denied),
            _ => None,
        }
    }

    /// The refusal a WebSocket close code stands for (the backstop when the error message
    /// did not arrive first).
    pub fn from_close(close: u16) -> Option<Refusal> {
        match close {
            close::REVOKED => Self::from_code(ErrorCode::LinkRevoked, ""),
            close::FORBIDDEN | close::UNAUTHORIZED => Some(Refusal::Denied),
            _ => None,
        }
    }

    /// The heading the page shows above the message.
    pub fn title(&self) -> &'static str {
        match self {
            Refusal::Outdated(_) => "This page is out of date",
            _ => "You are no longer on this board",
        }
    }

    pub fn message(&self) -> &str {
        match self {
            Refusal::Revoked(m) => m,
            Refusal::Denied => crate::api::DENIED,
            Refusal::Outdated(m) => m,
        }
    }
}

#[derive(Clone, Copy)]
pub struct Access {
    key: StoredValue<String>,
    pub role: RwSignal<Role>,
    /// The links this role may hand out (its own included), from the server.
    pub links: RwSignal<Vec<Link>>,
    /// The server's clock minus this page's, in milliseconds.
    offset: StoredValue<f64>,
    pub refused: RwSignal<Option<Refusal>>,
}

impl Access {
    pub fn new(key: String, role: Role) -> Self {
        Access {
            key: StoredValue::new(key),
            role: RwSignal::new(role),
            links: RwSignal::new(Vec::new()),
            offset: StoredValue::new(0.0),
            refused: RwSignal::new(None),
        }
    }

    pub fn key(&self) -> String {
        self.key.get_value()
    }

    /// The server's clock now (ms since the Unix epoch), as well as this page can tell: the
    /// page's clock corrected by the offset the last `access` message showed.
    pub fn server_now(&self) -> i64 {
        (js_now() + self.offset.get_value()).round() as i64
    }

    pub fn role_untracked(&self) -> Role {
        self.role.get_untracked()
    }

    /// Folds in an `access` message. A rotated own link (the facilitator replacing theirs)
    /// becomes this page's key, here and in the browser's list, so reconnecting still works.
    pub(super) fn granted(&self, board: BoardId, role: Role, links: Vec<Link>, now: i64) {
        // The message's transit time is not known; it is small next to a timer's seconds.
        self.offset.set_value(now as f64 - js_now());
        if let Some(own) = links.iter().find(|l| l.role == role) {
            if own.key != self.key.get_value() {
                self.key.set_value(own.key.clone());
                recent::update(board, |e| e.key = own.key.clone());
            }
        }
        if self.role.get_untracked() != role {
            self.role.set(role);
            recent::update(board, |e| e.role = role);
        }
        self.links.set(links);
    }
}

impl BoardClient {
    /// The first message on every connection: the key, and who this browser is (for votes).
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    pub(super) fn hello(&self) -> String {
        let msg = ClientMsg::Hello {
            key: self.access.key(),
            browser: Some(browser_id()),
        };
        serde_json::to_string(&msg).expect("hello always serialises")
    }

    /// The server refused this page's link: nothing more is sent, nothing reconnects.
    pub(super) fn refuse(&self, refusal: Refusal) {
        if self.access.refused.with_untracked(|r| r.is_some()) {
            return;
        }
        self.access.refused.set(Some(refusal));
        self.close();
    }

    /// Facilitator only: replaces a link's key; whoever uses the old one is disconnected.
    pub fn rotate(&self, role: Role) {
        if self.access.role_untracked() != Role::Facilitator {
            self.show_notice(stormwall_core::Error::FacilitatorOnly.to_string());
            return;
        }
        if !self.send_msg(&ClientMsg::RotateLink { role }) {
            self.show_notice("Offline: the link can be replaced once the board is back.".into());
        }
    }
}

/// The id this browser keeps (localStorage `stormwall.browser`): with the display name, it is
/// who votes, so a reload keeps one's dots.
pub fn browser_id() -> Uuid {
    #[cfg(feature = "hydrate")]
    {
        const KEY: &str = "stormwall.browser";
        let storage = window().local_storage().ok().flatten();
        if let Some(id) = storage
            .as_ref()
            .and_then(|s| s.get_item(KEY).ok().flatten())
            .and_then(|s| s.parse().ok())
        {
            return id;
        }
        let id = super::random_uuid();
        if let Some(s) = storage {
            let _ = s.set_item(KEY, &id.to_string());
        }
        id
    }
    #[cfg(not(feature = "hydrate"))]
    Uuid::nil()
}
