//! The browser end of the board protocol (`stormwall_core::protocol`).
//!
//! Optimistic: a command is checked and applied at once with the core's own `execute` and
//! `apply` (the exact code the server runs), shown, and kept pending until the server answers.
//! The board on screen is always the confirmed board (as of `seq`) with the pending commands
//! re-executed on top, so a server event from someone else slides in underneath them; a
//! refused command simply drops out, with its reason shown. Offline, commands queue up; on
//! reconnect (backoff with jitter, resuming from `seq`) the queue is sent again with the same
//! command ids, which the server never executes twice.
//!
//! Every connection opens with the board link's key ([`access`]); the role it gives is
//! checked here before a command is offered (the server checks it again). [`room`] holds what
//! a workshop shares live but never stores: this participant's dots and the view the room
//! follows.

mod access;
mod room;

pub use access::{browser_id, Access, Refusal, REVOKED};
pub use room::Room;

use leptos::prelude::*;
use std::collections::HashMap;
use std::time::Duration;
use stormwall_core::pace::{self, TokenBucket};
use stormwall_core::protocol::{ClientMsg, Participant, ServerMsg};
use stormwall_core::workshop::authorize;
use stormwall_core::{execute, undo, Board, BoardId, Command, Event, Position, Role, StickyId};
use uuid::Uuid;

use crate::board::scene::Changes;

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
}

thread_local! {
    /// Open sockets by client instance. A WebSocket is a browser object that must never leave
    /// its thread, so it lives here rather than in the (thread-safe) reactive arena; on the
    /// server the map simply stays empty.
    static SOCKETS: std::cell::RefCell<HashMap<u64, web_sys::WebSocket>> =
        std::cell::RefCell::new(HashMap::new());
}

static NEXT_INSTANCE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Commands sent and not yet answered, at most: the rest wait their turn, so a long offline
/// queue is not thrown at the server (and its rate limit) all at once.
const WINDOW: usize = 32;

/// The client's own pace, a little under the server's default limit (the same token bucket).
const CLIENT_BURST: f64 = pace::BURST * 0.75;
const CLIENT_RATE: f64 = pace::DEFAULT_RATE * 0.8;

/// Milliseconds since the Unix epoch by the page's clock (0 on the server).
fn js_now() -> f64 {
    #[cfg(feature = "hydrate")]
    {
        js_sys::Date::now()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        0.0
    }
}

/// Pointer updates go out at most this often.
const PRESENCE_EVERY: Duration = Duration::from_millis(50);

/// Why a command was sent: its inverse goes to the undo or the redo stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Purpose {
    Do,
    Undo,
    Redo,
}

/// A command of this user's that the server has not answered yet.
struct Pending {
    command_id: Uuid,
    command: Command,
    purpose: Purpose,
    /// Sent on the current connection (and not refused for the rate).
    sent: bool,
    /// The confirmed board before this command's first event, and its events as the server
    /// stored them (for undo). Once an event has arrived, the command is in the confirmed
    /// board and is no longer re-applied on top.
    before: Option<Board>,
    events: Vec<Event>,
}

/// Handles to the signals of one open board. `Copy`, so every closure can hold one.
#[derive(Clone, Copy)]
pub struct BoardClient {
    pub board_id: BoardId,
    /// The link this page uses: key, role, the links it may share, the server's clock.
    pub access: Access,
    /// This participant's dots and the view the room follows.
    pub room: Room,
    /// What the screen shows: the confirmed board with this user's pending commands applied;
    /// `None` until the server's welcome arrives.
    pub board: RwSignal<Option<Board>>,
    /// What changed in `board` since the wall last looked (so it updates only those cells).
    pub(crate) changes: StoredValue<Changes>,
    /// The board as the server stored it, as of `seq`.
    confirmed: StoredValue<Option<Board>>,
    pub seq: RwSignal<u64>,
    pub status: RwSignal<ConnStatus>,
    /// Commands not yet confirmed by the server (queued offline, or in flight).
    pub unsaved: RwSignal<usize>,
    /// The last refusal or problem, shown to the user until it fades.
    pub notice: RwSignal<Option<String>>,
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
    pending: StoredValue<Vec<Pending>>,
    /// The send pacing bucket, in seconds of the page's clock.
    pace: StoredValue<TokenBucket>,
    pump_due: StoredValue<bool>,
    /// Whether a previous visit's queue has been taken up.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    restored: StoredValue<bool>,
    /// The presence last asked for, and whether a send is already scheduled.
    presence: StoredValue<(Option<Position>, Option<StickyId>)>,
    presence_due: StoredValue<bool>,
    /// Key of this client's socket in `SOCKETS`.
    instance: u64,
    closed: StoredValue<bool>,
    attempts: StoredValue<u32>,
    notice_serial: StoredValue<u64>,
}

impl BoardClient {
    pub fn new(board_id: BoardId, key: String, role: Role) -> Self {
        Self {
            board_id,
            access: Access::new(key, role),
            room: Room::new(),
            board: RwSignal::new(None),
            changes: StoredValue::new(Changes::everything()),
            confirmed: StoredValue::new(None),
            seq: RwSignal::new(0),
            status: RwSignal::new(ConnStatus::Connecting),
            unsaved: RwSignal::new(0),
            notice: RwSignal::new(None),
            edit_on_arrival: RwSignal::new(None),
            name: RwSignal::new(String::new()),
            undo_stack: RwSignal::new(Vec::new()),
            redo_stack: RwSignal::new(Vec::new()),
            me: RwSignal::new(None),
            people: RwSignal::new(Vec::new()),
            pending: StoredValue::new(Vec::new()),
            pace: StoredValue::new(TokenBucket::new(
                CLIENT_RATE,
                CLIENT_BURST,
                js_now() / 1000.0,
            )),
            pump_due: StoredValue::new(false),
            restored: StoredValue::new(false),
            presence: StoredValue::new((None, None)),
            presence_due: StoredValue::new(false),
            instance: NEXT_INSTANCE.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            closed: StoredValue::new(false),
            attempts: StoredValue::new(0),
            notice_serial: StoredValue::new(0),
        }
    }

    /// What the status pill says.
    pub fn status_label(&self) -> String {
        let unsaved = self.unsaved.get();
        match (self.status.get(), unsaved) {
            (ConnStatus::Connecting, _) => "Connecting…".into(),
            (ConnStatus::Live, 0) => "Live · saved".into(),
            (ConnStatus::Live, _) => "Live · saving…".into(),
            (ConnStatus::Reconnecting, 0) => "Offline · reconnecting…".into(),
            (ConnStatus::Reconnecting, 1) => "Offline · 1 change waiting".into(),
            (ConnStatus::Reconnecting, n) => format!("Offline · {n} changes waiting"),
        }
    }

    /// Applies a command at once and sends it (or queues it while offline); returns its id.
    /// A command the core refuses on the board as shown is not sent: the reason is shown.
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

    fn send_as(&self, mut command: Command, purpose: Purpose) -> Option<Uuid> {
        if let Err(e) = authorize(self.access.role_untracked(), &command) {
            self.show_notice(e.to_string());
            return None;
        }
        if let Some(refusal) = self.access.refused.get_untracked() {
            self.show_notice(refusal.message().to_owned());
            return None;
        }
        // The server stamps the time again; this estimate makes the optimistic timer right.
        if command.needs_stamp() {
            command.stamp(self.access.server_now(), Vec::new);
        }
        let checked = self.board.with_untracked(|b| {
            b.as_ref()
                .map(|b| execute(b, command.clone()).map_err(|e| e.to_string()))
        });
        let events = match checked {
            None => {
                self.show_notice("The board is still loading; try again in a moment.".into());
                return None;
            }
            Some(Err(reason)) => {
                self.show_notice(reason);
                return None;
            }
            Some(Ok(events)) if events.is_empty() => return None, // changes nothing
            Some(Ok(events)) => events,
        };
        self.changes
            .update_value(|c| c.targets.extend(events.iter().map(Event::target)));
        self.board.update(|b| {
            if let Some(b) = b {
                for e in &events {
                    b.apply_mut(e);
                }
            }
        });
        let command_id = random_uuid();
        self.pending.update_value(|p| {
            p.push(Pending {
                command_id,
                command,
                purpose,
                sent: false,
                before: None,
                events: Vec::new(),
            })
        });
        self.count_unsaved();
        self.pump();
        Some(command_id)
    }

    /// Sends queued commands while the connection is live and the window has room.
    fn pump(&self) {
        if self.status.get_untracked() != ConnStatus::Live {
            return;
        }
        let mut out = Vec::new();
        let mut bucket = self.pace.get_value();
        let now = js_now() / 1000.0;
        self.pending.update_value(|pending| {
            let in_flight = pending.iter().filter(|p| p.sent).count();
            let room = WINDOW.saturating_sub(in_flight);
            for p in pending.iter_mut().filter(|p| !p.sent).take(room) {
                // Stays under the server's rate limit, so that a long offline queue goes out in
                // order instead of being refused half way; a big change is paid off after.
                if !bucket.ready(now) {
                    break;
                }
                bucket.charge(pace::expected_events(&p.command) as f64);
                let msg = ClientMsg::Command {
                    command_id: p.command_id,
                    command: p.command.clone(),
                };
                out.push(serde_json::to_string(&msg).expect("commands always serialise"));
                p.sent = true;
            }
        });
        self.pace.set_value(bucket);
        let delivered = self.with_socket(|ws| match ws {
            Some(ws) if ws.ready_state() == web_sys::WebSocket::OPEN => {
                out.iter().all(|text| ws.send_with_str(text).is_ok())
            }
            _ => out.is_empty(),
        });
        if !delivered {
            // The socket is going away; everything is sent again on the next connection.
            self.unsend_all();
        }
        let waiting = self.pending.with_value(|p| p.iter().any(|p| !p.sent));
        if waiting && !self.pump_due.get_value() {
            // Out of tokens (or window): try again shortly.
            self.pump_due.set_value(true);
            let me = *self;
            set_timeout(
                move || {
                    if me.pump_due.try_set_value(false).is_none() {
                        me.pump();
                    }
                },
                Duration::from_millis(250),
            );
        }
    }

    fn unsend_all(&self) {
        self.pending
            .update_value(|p| p.iter_mut().for_each(|p| p.sent = false));
    }

    fn count_unsaved(&self) {
        let n = self.pending.with_value(|p| p.len());
        if self.unsaved.get_untracked() != n {
            self.unsaved.set(n);
        }
        self.persist();
    }

    /// Keeps the unconfirmed commands in the browser's storage, so that closing the tab while
    /// offline loses nothing: the next visit to the board sends them (same ids, so a command
    /// that did reach the server is not executed twice).
    fn persist(&self) {
        #[cfg(feature = "hydrate")]
        {
            let Some(storage) = window().local_storage().ok().flatten() else {
                return;
            };
            let key = self.queue_key();
            let queue: Vec<(Uuid, Command)> = self.pending.with_value(|p| {
                p.iter()
                    .map(|p| (p.command_id, p.command.clone()))
                    .collect()
            });
            if queue.is_empty() {
                let _ = storage.remove_item(&key);
            } else if let Ok(json) = serde_json::to_string(&queue) {
                let _ = storage.set_item(&key, &json);
            }
        }
    }

    /// Commands a previous visit left unconfirmed, queued again (once per page).
    fn restore_queue(&self) {
        #[cfg(feature = "hydrate")]
        {
            if self.restored.get_value() {
                return;
            }
            self.restored.set_value(true);
            let queue = window()
                .local_storage()
                .ok()
                .flatten()
                .and_then(|s| s.get_item(&self.queue_key()).ok().flatten())
                .and_then(|json| serde_json::from_str::<Vec<(Uuid, Command)>>(&json).ok())
                .unwrap_or_default();
            if queue.is_empty() {
                return;
            }
            self.pending.update_value(|pending| {
                // Before anything made on this page: they are older.
                let mut restored: Vec<Pending> = queue
                    .into_iter()
                    .filter(|(id, _)| !pending.iter().any(|p| p.command_id == *id))
                    .map(|(command_id, command)| Pending {
                        command_id,
                        command,
                        purpose: Purpose::Do,
                        sent: false,
                        before: None,
                        events: Vec::new(),
                    })
                    .collect();
                restored.append(pending);
                *pending = restored;
            });
            self.count_unsaved();
        }
    }

    #[cfg(feature = "hydrate")]
    fn queue_key(&self) -> String {
        format!("stormwall.queue.{}", self.board_id)
    }

    /// The board on screen again: the confirmed board, then every pending command that the
    /// server has not applied yet, re-executed on top (one that no longer applies is skipped;
    /// the server will refuse it and say why).
    fn rebuild(&self) {
        let Some(mut view) = self.confirmed.get_value() else {
            return;
        };
        self.pending.with_value(|pending| {
            for p in pending.iter().filter(|p| p.events.is_empty()) {
                if let Ok(events) = execute(&view, p.command.clone()) {
                    for e in &events {
                        view.apply_mut(e);
                    }
                }
            }
        });
        self.changes.set_value(Changes::everything());
        self.board.set(Some(view));
    }

    /// A command of this user's was stored: its inverse goes on the undo (or redo) stack.
    fn settled(&self, flight: Pending) {
        let Some(before) = flight.before else {
            return; // it changed nothing
        };
        let inverse = self.confirmed.with_value(|after| {
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

    /// Moves one or several stickies.
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
        self.send(command);
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

    fn send_presence(&self) {
        let (cursor, editing) = self.presence.get_value();
        // Not before the welcome: the first message of a connection must be its hello.
        self.send_msg(&ClientMsg::Presence { cursor, editing });
    }

    /// Folds one server message into the local state.
    pub fn handle(&self, msg: ServerMsg) {
        match msg {
            ServerMsg::Welcome { board, seq, .. } => {
                self.confirmed.set_value(Some(board));
                self.seq.set(seq);
                self.connected();
            }
            ServerMsg::Resume { .. } => {
                // The board as of our seq stays; the missed events follow.
                self.connected();
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
                let mine = command_id.is_some_and(|c| self.track(c, &event));
                let nothing_pending = self.pending.with_value(|p| p.is_empty());
                self.confirmed.update_value(|b| {
                    if let Some(b) = b {
                        b.apply_mut(&event);
                    }
                });
                self.seq.set(seq);
                if nothing_pending && !mine {
                    // The common case: the screen is the confirmed board; apply in place.
                    self.changes
                        .update_value(|c| c.targets.push(event.target()));
                    self.board.update(|b| {
                        if let Some(b) = b {
                            b.apply_mut(&event);
                        }
                    });
                } else {
                    self.rebuild();
                }
            }
            ServerMsg::Roster { you, participants } => {
                self.me.set(Some(you));
                self.people.set(participants);
                self.leader_gone();
                // Tell the others where this user is, now that they can see them.
                let (cursor, editing) = self.presence.get_value();
                if cursor.is_some() || editing.is_some() {
                    self.send_presence();
                }
            }
            ServerMsg::Presence { participant } => self.people.update(|people| {
                match people.iter_mut().find(|p| p.id == participant.id) {
                    Some(p) => *p = participant,
                    None => people.push(participant),
                }
            }),
            ServerMsg::Left { participant_id } => {
                self.people
                    .update(|people| people.retain(|p| p.id != participant_id));
                self.leader_gone();
            }
            ServerMsg::Access { role, links, now } => {
                self.access.granted(self.board_id, role, links, now)
            }
            ServerMsg::Ballot { vote, dots } => self.room.ballot.set(Some((vote, dots))),
            ServerMsg::Follow { leader, view } => self.followed(leader, view),
            ServerMsg::Ack { command_id, .. } => {
                if let Some(done) = self.take_pending(command_id) {
                    if done.events.is_empty() {
                        // It turned out to change nothing: its optimistic effect goes.
                        self.rebuild();
                    }
                    self.settled(done);
                }
                self.pump();
            }
            ServerMsg::Error {
                code,
                message,
                command_id,
            } => {
                let Some(command_id) = command_id else {
                    match Refusal::from_code(code, &message) {
                        Some(refusal) => self.refuse(refusal),
                        None => self.show_notice(message),
                    }
                    return;
                };
                if code.is_transient() {
                    // Not refused on its merits: send it again shortly.
                    self.pending.update_value(|p| {
                        if let Some(p) = p.iter_mut().find(|p| p.command_id == command_id) {
                            p.sent = false;
                        }
                    });
                    let me = *self;
                    set_timeout(move || me.pump(), Duration::from_secs(1));
                    return;
                }
                if self.take_pending(command_id).is_some() {
                    self.rebuild();
                    self.show_notice(format!("Your change was undone: {message}"));
                } else {
                    self.show_notice(message);
                }
                self.pump();
            }
        }
    }

    /// A (re)connection is up: the screen is rebuilt on the server's board and whatever is
    /// pending goes out again, under the same command ids.
    fn connected(&self) {
        self.attempts.set_value(0);
        self.restore_queue();
        self.unsend_all();
        self.rebuild();
        self.status.set(ConnStatus::Live);
        self.pump();
        self.lead_again();
    }

    fn take_pending(&self, command_id: Uuid) -> Option<Pending> {
        let taken = self
            .pending
            .try_update_value(|pending| {
                let i = pending.iter().position(|p| p.command_id == command_id)?;
                Some(pending.remove(i))
            })
            .flatten();
        self.count_unsaved();
        taken
    }

    /// Remembers the confirmed board before this user's command's first event, and its
    /// events; true when the event answers one of this user's pending commands.
    fn track(&self, command_id: Uuid, event: &Event) -> bool {
        let confirmed = self.confirmed;
        self.pending
            .try_update_value(|pending| {
                let Some(p) = pending.iter_mut().find(|p| p.command_id == command_id) else {
                    return false;
                };
                if p.events.is_empty() {
                    p.before = confirmed.get_value();
                }
                p.events.push(event.clone());
                true
            })
            .unwrap_or(false)
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
        let opened = ws.clone();
        let onopen = Closure::<dyn FnMut()>::new(move || {
            let _ = opened.send_with_str(&self.hello());
        });
        ws.set_onopen(Some(onopen.as_ref().unchecked_ref()));
        onopen.forget();
        let this_socket = ws.clone();
        let onclose =
            Closure::<dyn FnMut(web_sys::CloseEvent)>::new(move |e: web_sys::CloseEvent| {
                let current = self.with_socket(|s| s == Some(&this_socket));
                if current {
                    self.set_socket(None);
                    // The refusal normally came as an error just before; the code is the backstop.
                    if let Some(refusal) = Refusal::from_close(e.code()) {
                        return self.refuse(refusal);
                    }
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
