//! The browser end of the board protocol (`stormwall_core::protocol`). It keeps the board as the
//! server confirmed it, applies each event with the core's own `apply`, and reconnects with
//! backoff when the socket drops; on reconnect the server's welcome replaces the local board.

use leptos::prelude::*;
use std::collections::HashMap;
use std::time::Duration;
use stormwall_core::protocol::{ClientMsg, Participant, ServerMsg};
use stormwall_core::{undo, Board, BoardId, Command, Event, Position, StickyId};
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

thread_local! {
    /// Open sockets by client instance. A WebSocket is a browser object that must never leave
    /// its thread, so it lives here rather than in the (thread-safe) reactive arena; on the
    /// server the map simply stays empty.
    static SOCKETS: std::cell::RefCell<HashMap<u64, web_sys::WebSocket>> =
        std::cell::RefCell::new(HashMap::new());
}

static NEXT_INSTANCE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Why a command was sent: its inverse goes to the undo or the redo stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Purpose {
    Do,
    Undo,
    Redo,
}

/// A command of this user's in flight: the board before its first event, and its events.
struct InFlight {
    purpose: Purpose,
    before: Option<Board>,
    events: Vec<Event>,
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
    /// This user's display name, sent when connecting and stored with their events.
    pub name: RwSignal<String>,
    /// This user's own changes, newest last, as the commands that revert them.
    pub undo_stack: RwSignal<Vec<Command>>,
    pub redo_stack: RwSignal<Vec<Command>>,
    /// This connection's participant id, and everyone on the board (this user included).
    pub me: RwSignal<Option<Uuid>>,
    pub people: RwSignal<Vec<Participant>>,
    in_flight: StoredValue<HashMap<Uuid, InFlight>>,
    /// Key of this client's socket in `SOCKETS`.
    instance: u64,
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
            name: RwSignal::new(String::new()),
            undo_stack: RwSignal::new(Vec::new()),
            redo_stack: RwSignal::new(Vec::new()),
            me: RwSignal::new(None),
            people: RwSignal::new(Vec::new()),
            in_flight: StoredValue::new(HashMap::new()),
            instance: NEXT_INSTANCE.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            closed: StoredValue::new(false),
            attempts: StoredValue::new(0),
            notice_serial: StoredValue::new(0),
        }
    }

    /// Sends a command; returns its id. When the socket is down the command is not sent and
    /// the user is told so.
    pub fn send(&self, command: Command) -> Option<Uuid> {
        self.send_as(command, Purpose::Do)
    }

    /// Undoes this user's last change (Ctrl/Cmd+Z).
    pub fn undo(&self) {
        self.replay_from(self.undo_stack, Purpose::Undo, "Nothing of yours to undo.");
    }

    /// Redoes this user's last undone change (Shift+Ctrl/Cmd+Z).
    pub fn redo(&self) {
        self.replay_from(self.redo_stack, Purpose::Redo, "Nothing to redo.");
    }

    fn replay_from(&self, stack: RwSignal<Vec<Command>>, purpose: Purpose, empty: &str) {
        let Some(command) = stack.try_update(|s| s.pop()).flatten() else {
            self.show_notice(empty.into());
            return;
        };
        if self.send_as(command.clone(), purpose).is_none() {
            stack.update(|s| s.push(command));
        }
    }

    fn send_as(&self, command: Command, purpose: Purpose) -> Option<Uuid> {
        let command_id = random_uuid();
        let text = serde_json::to_string(&ClientMsg::Command {
            command_id,
            command,
        })
        .expect("commands always serialise");
        let sent = self.with_socket(|ws| match ws {
            Some(ws) if ws.ready_state() == web_sys::WebSocket::OPEN => {
                ws.send_with_str(&text).is_ok()
            }
            _ => false,
        });
        if sent {
            self.in_flight.update_value(|m| {
                m.insert(
                    command_id,
                    InFlight {
                        purpose,
                        before: None,
                        events: Vec::new(),
                    },
                );
            });
            Some(command_id)
        } else {
            self.show_notice(
                "You are offline: that change was not saved. Try again once the board says Live."
                    .into(),
            );
            None
        }
    }

    /// A command of this user's was stored: its inverse goes on the undo (or redo) stack.
    fn settled(&self, command_id: Uuid) {
        let Some(flight) = self
            .in_flight
            .try_update_value(|m| m.remove(&command_id))
            .flatten()
        else {
            return;
        };
        let Some(before) = flight.before else {
            return; // it changed nothing
        };
        let inverse = self.board.with_untracked(|after| {
            after
                .as_ref()
                .and_then(|a| undo::undo(&before, a, &flight.events))
        });
        let Some(inverse) = inverse else { return };
        match flight.purpose {
            Purpose::Do => {
                self.undo_stack.update(|s| s.push(inverse));
                self.redo_stack.update(|s| s.clear());
            }
            Purpose::Undo => self.redo_stack.update(|s| s.push(inverse)),
            Purpose::Redo => self.undo_stack.update(|s| s.push(inverse)),
        }
    }

    /// Moves one or several stickies; they stay where they were dropped until answered.
    pub fn move_stickies(&self, moves: Vec<(StickyId, Position)>) {
        let command = match moves.as_slice() {
            [] => return,
            [(id, pos)] => Command::MoveSticky { id: *id, pos: *pos },
            _ => Command::MoveStickies {
                moves: moves
                    .iter()
                    .map(|(id, pos)| stormwall_core::StickyMove { id: *id, pos: *pos })
                    .collect(),
            },
        };
        if let Some(command_id) = self.send(command) {
            self.moving.update(|m| {
                for (id, pos) in moves {
                    m.insert(id, (command_id, pos));
                }
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
                self.in_flight.update_value(|m| m.clear());
                self.attempts.set_value(0);
                self.status.set(ConnStatus::Live);
            }
            ServerMsg::Resume { .. } => {
                // The board as of our seq stays; the missed events follow. Answers to what was
                // in flight when the connection dropped will not come.
                self.moving.update(|m| m.clear());
                self.in_flight.update_value(|m| m.clear());
                self.attempts.set_value(0);
                self.status.set(ConnStatus::Live);
            }
            ServerMsg::Event {
                seq,
                event,
                command_id,
            } => {
                let expected = self.seq.get_untracked() + 1;
                if seq < expected {
                    return; // already applied
                }
                if seq > expected {
                    // A gap means this view is out of date: start over from a fresh welcome.
                    self.reconnect_now();
                    return;
                }
                if let Some(command_id) = command_id {
                    self.track(command_id, &event);
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
            ServerMsg::Roster { you, participants } => {
                self.me.set(Some(you));
                self.people.set(participants);
            }
            ServerMsg::Presence { participant } => self.people.update(|people| {
                match people.iter_mut().find(|p| p.id == participant.id) {
                    Some(p) => *p = participant,
                    None => people.push(participant),
                }
            }),
            ServerMsg::Left { participant_id } => self
                .people
                .update(|people| people.retain(|p| p.id != participant_id)),
            ServerMsg::Ack { command_id, .. } => {
                self.settle(command_id);
                self.settled(command_id);
            }
            ServerMsg::Error {
                message,
                command_id,
                ..
            } => {
                if let Some(command_id) = command_id {
                    self.settle(command_id);
                    self.in_flight.update_value(|m| {
                        m.remove(&command_id);
                    });
                }
                self.show_notice(message);
            }
        }
    }

    /// Remembers the board before this user's command's first event, and its events.
    fn track(&self, command_id: Uuid, event: &Event) {
        let board = self.board;
        self.in_flight.update_value(|m| {
            if let Some(flight) = m.get_mut(&command_id) {
                if flight.before.is_none() {
                    flight.before = board.get_untracked();
                }
                flight.events.push(event.clone());
            }
        });
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

    fn with_socket<R>(&self, f: impl FnOnce(Option<&web_sys::WebSocket>) -> R) -> R {
        SOCKETS.with(|s| f(s.borrow().get(&self.instance)))
    }

    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    fn set_socket(&self, ws: Option<web_sys::WebSocket>) {
        SOCKETS.with(|s| match ws {
            Some(ws) => s.borrow_mut().insert(self.instance, ws),
            None => s.borrow_mut().remove(&self.instance),
        });
    }

    /// Stops for good (the page is being left).
    pub fn close(&self) {
        self.closed.set_value(true);
        self.with_socket(|ws| {
            if let Some(ws) = ws {
                let _ = ws.close();
            }
        });
        self.set_socket(None);
    }

    /// Drops the connection; it comes back by itself (used after a name change, or a gap).
    pub fn reconnect_now(&self) {
        // Not live from this moment: nothing may be sent into the closing socket.
        self.status.set(ConnStatus::Reconnecting);
        self.with_socket(|ws| {
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
        let name = String::from(js_sys::encode_uri_component(&self.name.get_untracked()));
        // After a drop, ask for just the events missed since the last one applied.
        let since = if self.board.with_untracked(|b| b.is_some()) {
            format!("&since={}", self.seq.get_untracked())
        } else {
            String::new()
        };
        let url = format!(
            "{scheme}//{host}/ws/boards/{}?name={name}{since}",
            self.board_id
        );
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
            let current = self.with_socket(|s| s == Some(&this_socket));
            if current {
                self.set_socket(None);
                self.schedule_reconnect();
            }
        });
        ws.set_onclose(Some(onclose.as_ref().unchecked_ref()));
        onclose.forget();
        self.set_socket(Some(ws));
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

/// Key of the display name in the browser's local storage.
#[cfg(feature = "hydrate")]
const NAME_KEY: &str = "stormwall.name";

/// This browser's display name, or a fresh "Guest 1234" (remembered for next time).
#[cfg(feature = "hydrate")]
pub fn stored_name() -> String {
    let storage = window().local_storage().ok().flatten();
    if let Some(name) = storage
        .as_ref()
        .and_then(|s| s.get_item(NAME_KEY).ok().flatten())
    {
        if !name.trim().is_empty() {
            return name;
        }
    }
    let name = format!("Guest {}", (js_sys::Math::random() * 9000.0) as u32 + 1000);
    store_name(&name);
    name
}

#[cfg(feature = "hydrate")]
pub fn store_name(name: &str) {
    if let Some(storage) = window().local_storage().ok().flatten() {
        let _ = storage.set_item(NAME_KEY, name);
    }
}
