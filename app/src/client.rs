//! The browser end of the board protocol: a thin adapter from the core's sync engine
//! (`stormwall_core::sync`, where every rule of optimistic sync lives and is tested) to Leptos
//! signals, the WebSocket ([`socket`]) and localStorage ([`storage`]).
//!
//! The engine decides; this module carries out its effects: it sends what the engine hands
//! over, shows its notices, keeps its queue in the browser, mirrors its view into the `board`
//! signal, and schedules the next pump. Every connection opens with the board link's key
//! ([`access`]); [`room`] holds what a workshop shares live but never stores (dots, follow me),
//! [`presence`] the pointers.

mod access;
mod presence;
mod room;
mod socket;
mod storage;

pub use access::{browser_id, Access, Refusal, REVOKED};
pub use room::Room;
pub use socket::random_uuid;
#[cfg(feature = "hydrate")]
pub use storage::{store_name, stored_name};

use leptos::prelude::*;
use std::time::Duration;
use stormwall_core::protocol::{Participant, ServerMsg};
use stormwall_core::sync::Declined;
use stormwall_core::sync::{Effect, Engine, Purpose, Status, Stop, ViewChange};
use stormwall_core::{Board, BoardId, Command, Event, Position, Role, StickyId};
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

/// Handles to the signals of one open board. `Copy`, so every closure can hold one.
#[derive(Clone, Copy)]
pub struct BoardClient {
    pub board_id: BoardId,
    /// The link this page uses: key, role, the links it may share, the server's clock.
    pub access: Access,
    /// This participant's dots and the view the room follows.
    pub room: Room,
    /// The engine's view, mirrored for the page: the confirmed board with this user's pending
    /// commands applied; `None` until the server's welcome arrives.
    pub board: RwSignal<Option<Board>>,
    /// What changed in `board` since the wall last looked (so it updates only those cells).
    pub(crate) changes: StoredValue<Changes>,
    engine: StoredValue<Engine>,
    pub seq: RwSignal<u64>,
    pub status: RwSignal<ConnStatus>,
    /// Commands not yet confirmed by the server (queued offline, or in flight).
    pub unsaved: RwSignal<usize>,
    pub can_undo: RwSignal<bool>,
    pub can_redo: RwSignal<bool>,
    /// The last refusal or problem, shown to the user until it fades.
    pub notice: RwSignal<Option<String>>,
    /// A sticky this user just placed: its editor opens as soon as it arrives.
    pub edit_on_arrival: RwSignal<Option<StickyId>>,
    /// This user's display name, sent when connecting and stored with their events.
    pub name: RwSignal<String>,
    /// This connection's participant id, and everyone on the board (this user included).
    pub me: RwSignal<Option<Uuid>>,
    pub people: RwSignal<Vec<Participant>>,
    pump_due: StoredValue<bool>,
    /// The presence last asked for, and whether a send is already scheduled.
    presence: StoredValue<(Option<Position>, Option<StickyId>)>,
    presence_due: StoredValue<bool>,
    /// Key of this client's socket in the page's socket table.
    instance: u64,
    closed: StoredValue<bool>,
    attempts: StoredValue<u32>,
    /// Whether a previous visit's queue has been taken up.
    #[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
    restored: StoredValue<bool>,
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
            engine: StoredValue::new(Engine::new(role, js_now())),
            seq: RwSignal::new(0),
            status: RwSignal::new(ConnStatus::Connecting),
            unsaved: RwSignal::new(0),
            can_undo: RwSignal::new(false),
            can_redo: RwSignal::new(false),
            notice: RwSignal::new(None),
            edit_on_arrival: RwSignal::new(None),
            name: RwSignal::new(String::new()),
            me: RwSignal::new(None),
            people: RwSignal::new(Vec::new()),
            pump_due: StoredValue::new(false),
            presence: StoredValue::new((None, None)),
            presence_due: StoredValue::new(false),
            instance: socket::next_instance(),
            closed: StoredValue::new(false),
            attempts: StoredValue::new(0),
            restored: StoredValue::new(false),
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
        let command_id = random_uuid();
        let now = js_now();
        let taken = self
            .engine
            .try_update_value(|e| e.local(command_id, command, now))?;
        self.after(taken).then_some(command_id)
    }

    /// Undoes this user's last change (Ctrl/Cmd+Z).
    pub fn undo(&self) {
        self.replay(Purpose::Undo);
    }

    /// Redoes this user's last undone change (Shift+Ctrl/Cmd+Z).
    pub fn redo(&self) {
        self.replay(Purpose::Redo);
    }

    fn replay(&self, purpose: Purpose) {
        let (command_id, now) = (random_uuid(), js_now());
        if let Some(taken) = self
            .engine
            .try_update_value(|e| e.undo(purpose, command_id, now))
        {
            self.after(taken);
        }
    }

    /// Carries out a local step's effects, or shows why it was declined; true when taken.
    fn after(&self, taken: Result<Vec<Effect>, Declined>) -> bool {
        match taken {
            Ok(effects) => {
                self.run(effects);
                true
            }
            Err(Declined::NoChange) => false,
            Err(declined) => {
                self.show_notice(declined.to_string());
                self.sync_signals();
                false
            }
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

    /// Folds one server message in.
    pub fn handle(&self, msg: ServerMsg) {
        let now = js_now();
        if let Some(effects) = self.engine.try_update_value(|e| e.receive(msg, now)) {
            self.run(effects);
        }
    }

    /// Sends what the engine lets go now.
    fn pump(&self) {
        let now = js_now();
        if let Some(effects) = self.engine.try_update_value(|e| e.pump(now)) {
            self.run(effects);
        }
    }

    /// Carries out what the engine decided.
    fn run(&self, effects: Vec<Effect>) {
        // A rebuilt view supersedes the step's applied events: the page copies it once.
        let rebuilt = effects
            .iter()
            .any(|e| matches!(e, Effect::View(ViewChange::Rebuilt)));
        for effect in effects {
            match effect {
                Effect::Send(msg) => {
                    if !self.send_now(&msg) {
                        // The socket is going away; the engine sends it all again next time.
                        self.engine.update_value(|e| e.disconnected());
                    }
                }
                Effect::Notice(message) => self.show_notice(message),
                Effect::Persist => {
                    let queue = self.engine.with_value(|e| e.queue());
                    self.persist(&queue);
                }
                Effect::View(ViewChange::Applied(events)) if !rebuilt => self.mirror(&events),
                Effect::View(_) => {}
                Effect::Reconnect => self.reconnect_now(),
                Effect::PumpIn(ms) => self.pump_in(ms),
                Effect::Stop(Stop::Refused { code, message }) => {
                    self.refuse(Refusal::from_code(code, &message).unwrap_or(Refusal::Denied))
                }
                Effect::Stop(stop @ Stop::Protocol { .. }) => {
                    self.refuse(Refusal::Outdated(stop.message()))
                }
                Effect::Room(msg) => self.room_msg(*msg),
            }
        }
        if rebuilt {
            self.changes.set_value(Changes::everything());
            let view = self
                .engine
                .try_update_value(|e| e.view().cloned())
                .flatten();
            self.board.set(view);
        }
        let was_live = self.status.get_untracked() == ConnStatus::Live;
        self.sync_signals();
        if rebuilt && !was_live && self.status.get_untracked() == ConnStatus::Live {
            // A (re)connection: the server has forgotten who leads the room.
            self.attempts.set_value(0);
            self.lead_again();
        }
    }

    /// The engine's view gained these events: the page's copy follows, touching only them.
    fn mirror(&self, events: &[Event]) {
        self.changes
            .update_value(|c| c.targets.extend(events.iter().map(Event::target)));
        self.board.update(|b| {
            if let Some(b) = b {
                for e in events {
                    b.apply_mut(e);
                }
            }
        });
    }

    /// The small signals the page reads, from the engine (set only when they change).
    fn sync_signals(&self) {
        let Some((seq, unsaved, undo, redo, status)) = self
            .engine
            .try_with_value(|e| (e.seq(), e.unsaved(), e.can_undo(), e.can_redo(), e.status()))
        else {
            return;
        };
        let status = match status {
            Status::Connecting => ConnStatus::Connecting,
            Status::Live => ConnStatus::Live,
            Status::Offline | Status::Stopped => ConnStatus::Reconnecting,
        };
        set_if_changed(self.seq, seq);
        set_if_changed(self.unsaved, unsaved);
        set_if_changed(self.can_undo, undo);
        set_if_changed(self.can_redo, redo);
        set_if_changed(self.status, status);
    }

    /// Tries again shortly (out of tokens or window, or turned away for the moment).
    fn pump_in(&self, ms: f64) {
        if self.pump_due.get_value() {
            return;
        }
        self.pump_due.set_value(true);
        let me = *self;
        set_timeout(
            move || {
                if me.pump_due.try_set_value(false).is_none() {
                    me.pump();
                }
            },
            Duration::from_millis(ms as u64),
        );
    }

    /// What the room (not the board) says: people, access, dots, the view to follow.
    fn room_msg(&self, msg: ServerMsg) {
        match msg {
            ServerMsg::Roster { you, participants } => {
                self.me.set(Some(you));
                self.people.set(participants);
                self.leader_gone();
                // Tell the others where this user is, now that they can see them.
                self.presence_again();
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
            _ => {}
        }
    }
}

fn set_if_changed<T: PartialEq + Send + Sync + 'static>(signal: RwSignal<T>, value: T) {
    if signal.with_untracked(|v| *v != value) {
        signal.set(value);
    }
}
