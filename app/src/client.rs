//! The browser end of the board protocol (`stormwall_core::protocol`). It keeps the board as the
//! server confirmed it, applies each event with the core's own `apply`, and reconnects with
//! backoff when the socket drops; on reconnect the server's welcome replaces the local board.

use leptos::prelude::*;
use std::collections::HashMap;
use std::time::Duration;
use stormwall_core::protocol::{ClientMsg, ServerMsg};
use stormwall_core::{Board, BoardId, Command, Event, Position, StickyId};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnStatus {
    Connecting,
    Live,
    Reconnecting,
}

impl ConnStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ConnStatus::Connecting => "connecting",
            ConnStatus::Live => "live",
            ConnStatus::Reconnecting => "reconnecting",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ConnStatus::Connecting => "Connecting…",
            ConnStatus::Live => "Live",
            ConnStatus::Reconnecting => "Offline · reconnecting…",
        }
    }
}

/// Handles to the signals of one open board. `Copy`, so every closure can hold one.
#[derive(Clone, Copy)]
pub struct BoardClient {
    pub board_id: BoardId,
    /// The board as of `seq`; `None` until the server's welcome arrives.
    pub board: RwSignal<Option<Board>>,
    pub seq: RwSignal<u64>,
    pub status: RwSignal<ConnStatus>,
    /// The last refusal or problem, shown to the user until it fades.
    pub notice: RwSignal<Option<String>>,
    /// Drops sent but not yet answered: the sticky stays where it was dropped instead of
    /// jumping back to its old place until the server confirms or refuses the move.
    pub moving: RwSignal<HashMap<StickyId, (Uuid, Position)>>,
    /// A sticky this user just placed: its editor opens as soon as it arrives.
    pub edit_on_arrival: RwSignal<Option<StickyId>>,
    socket: StoredValue<Option<web_sys::WebSocket>, LocalStorage>,
    closed: StoredValue<bool>,
    attempts: StoredValue<u32>,
    notice_serial: StoredValue<u64>,
}

impl BoardClient {
    pub fn new(board_id: BoardId) -> Self {
        Self {
            board_id,
            board: RwSignal::new(None),
            seq: RwSignal::new(0),
            status: RwSignal::new(ConnStatus::Connecting),
            notice: RwSignal::new(None),
            moving: RwSignal::new(HashMap::new()),
            edit_on_arrival: RwSignal::new(None),
            socket: StoredValue::new_local(None),
            closed: StoredValue::new(false),
            attempts: StoredValue::new(0),
            notice_serial: StoredValue::new(0),
        }
    }

    /// Sends a command; returns its id. When the socket is down the command is not sent and
    /// the user is told so.
    pub fn send(&self, command: Command) -> Option<Uuid> {
        let command_id = random_uuid();
        let text = serde_json::to_string(&ClientMsg::Command {
            command_id,
            command,
        })
        .expect("commands always serialise");
        let sent = self.socket.with_value(|ws| match ws {
            Some(ws) if ws.ready_state() == web_sys::WebSocket::OPEN => {
                ws.send_with_str(&text).is_ok()
            }
            _ => false,
        });
        if sent {
            Some(command_id)
        } else {
            self.show_notice(
                "You are offline: that change was not saved. Try again once the board says Live."
                    .into(),
            );
            None
        }
    }

    pub fn move_sticky(&self, id: StickyId, pos: Position) {
        if let Some(command_id) = self.send(Command::MoveSticky { id, pos }) {
            self.moving.update(|m| {
                m.insert(id, (command_id, pos));
            });
        }
    }

    pub fn show_notice(&self, message: String) {
        let serial = self.notice_serial.get_value() + 1;
        self.notice_serial.set_value(serial);
        self.notice.set(Some(message));
        let me = *self;
        set_timeout(
            move || {
                if me.notice_serial.try_get_value() == Some(serial) {
                    me.notice.set(None);
                }
            },
            Duration::from_secs(6),
        );
    }

    /// Folds one server message into the local state.
    pub fn handle(&self, msg: ServerMsg) {
        match msg {
            ServerMsg::Welcome { board, seq, .. } => {
                self.board.set(Some(board));
                self.seq.set(seq);
                self.moving.update(|m| m.clear());
                self.attempts.set_value(0);
                self.status.set(ConnStatus::Live);
            }
            ServerMsg::Event { seq, event, .. } => {
                let expected = self.seq.get_untracked() + 1;
                if seq < expected {
                    return; // already applied
                }
                if seq > expected {
                    // A gap means this view is out of date: start over from a fresh welcome.
                    self.reconnect_now();
                    return;
                }
                self.board.update(|b| {
                    if let Some(b) = b {
                        b.apply_mut(&event);
                    }
                });
                self.seq.set(seq);
                if let Event::StickyDeleted { id } = event {
                    self.moving.update(|m| {
                        m.remove(&id);
                    });
                }
            }
            ServerMsg::Ack { command_id, .. } => self.settle(command_id),
            ServerMsg::Error {
                message,
                command_id,
                ..
            } => {
                if let Some(command_id) = command_id {
                    self.settle(command_id);
                }
                self.show_notice(message);
            }
        }
    }

    fn settle(&self, command_id: Uuid) {
        if self
            .moving
            .with_untracked(|m| m.values().any(|(c, _)| *c == command_id))
        {
            self.moving
                .update(|m| m.retain(|_, (c, _)| *c != command_id));
        }
    }

    /// Stops for good (the page is being left).
    pub fn close(&self) {
        self.closed.set_value(true);
        self.socket.with_value(|ws| {
            if let Some(ws) = ws {
                let _ = ws.close();
            }
        });
    }

    fn reconnect_now(&self) {
        self.socket.with_value(|ws| {
            if let Some(ws) = ws {
                let _ = ws.close();
            }
        });
    }

    /// Opens the socket (browser only). Reconnects on close with exponential backoff and jitter.
    #[cfg(feature = "hydrate")]
    pub fn connect(self) {
        use wasm_bindgen::closure::Closure;
        use wasm_bindgen::JsCast;

        if self.closed.try_get_value() != Some(false) {
            return;
        }
        let location = window().location();
        let scheme = if location.protocol().unwrap_or_default() == "https:" {
            "wss:"
        } else {
            "ws:"
        };
        let host = location.host().unwrap_or_default();
        let url = format!("{scheme}//{host}/ws/boards/{}", self.board_id);
        let ws = match web_sys::WebSocket::new(&url) {
            Ok(ws) => ws,
            Err(_) => return self.schedule_reconnect(),
        };
        let onmessage =
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
                let Some(text) = ev.data().as_string() else {
                    return;
                };
                match serde_json::from_str::<ServerMsg>(&text) {
                    Ok(msg) => self.handle(msg),
                    Err(e) => leptos::logging::warn!("unreadable server message: {e}"),
                }
            });
        ws.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
        // The handlers live as long as the socket; one pair per connection is a few bytes.
        onmessage.forget();
        let this_socket = ws.clone();
        let onclose = Closure::<dyn FnMut(web_sys::CloseEvent)>::new(move |_| {
            let current = self
                .socket
                .try_with_value(|s| s.as_ref() == Some(&this_socket))
                .unwrap_or(false);
            if current {
                self.socket.set_value(None);
                self.schedule_reconnect();
            }
        });
        ws.set_onclose(Some(onclose.as_ref().unchecked_ref()));
        onclose.forget();
        self.socket.set_value(Some(ws));
    }

    #[cfg(feature = "hydrate")]
    fn schedule_reconnect(self) {
        if self.closed.try_get_value() != Some(false) {
            return;
        }
        self.status.set(ConnStatus::Reconnecting);
        let attempt = self.attempts.get_value();
        self.attempts.set_value(attempt.saturating_add(1));
        let base = 250u64.saturating_mul(1 << attempt.min(6)).min(10_000);
        let jitter = (js_sys::Math::random() * base as f64 * 0.5) as u64;
        set_timeout(move || self.connect(), Duration::from_millis(base + jitter));
    }
}

/// A version 4 UUID from the browser's CSPRNG (the core never makes ids itself).
pub fn random_uuid() -> Uuid {
    let mut bytes = [0u8; 16];
    let crypto = window().crypto().expect("this browser has no Web Crypto");
    crypto
        .get_random_values_with_u8_array(&mut bytes)
        .expect("getRandomValues failed");
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}
