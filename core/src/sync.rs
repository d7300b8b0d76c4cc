//! The client's side of the board protocol as a pure state machine: the browser's
//! `BoardClient` and the load tool's clients both drive it, and its tests run without either.
//!
//! It is fed server messages, local commands, connection changes and the time, and answers
//! with [`Effect`]s (messages to send, notices to show, what to persist) for its caller to
//! carry out. It owns:
//! - the **confirmed** board, as the server stored it up to `seq`;
//! - the **pending** commands of this user, in order, each under the id it keeps for good;
//! - the **view**: the confirmed board with the pending commands re-executed on top, so an
//!   event of someone else slides in underneath them (rebase) and a refused command simply
//!   drops out with its reason (rollback);
//! - the **outbox**: at most [`WINDOW`] commands in flight, paced by the same token bucket the
//!   server enforces, sent again after a reconnect under the same ids (the server never
//!   executes an id twice);
//! - this user's **undo and redo stacks**, computed from what the server actually stored.
//!
//! Nothing here reads a clock, makes an id or touches a socket: `now` is milliseconds by the
//! caller's clock, and command ids come from the caller.

use crate::code::ErrorCode;
use crate::pace::{self, TokenBucket};
use crate::protocol::{ClientMsg, ServerMsg, PROTOCOL_VERSION};
use crate::workshop::authorize;
use crate::{execute, undo, Board, Command, Event, Role};
use uuid::Uuid;

/// Commands sent and not yet answered, at most: the rest wait their turn, so a long offline
/// queue is not thrown at the server (and its rate limit) all at once.
pub const WINDOW: usize = 32;

/// The client's own pace: a little under the server's default limit, so that a long queue
/// goes out in order instead of being refused half way.
pub const CLIENT_BURST: f64 = pace::BURST * 0.75;
pub const CLIENT_RATE: f64 = pace::DEFAULT_RATE * 0.8;

/// How long to wait before trying a command again that the server turned away for the moment
/// (rate, a board restarting), in milliseconds.
pub const RETRY_AFTER_MS: f64 = 1_000.0;

/// How soon to look again when the pace or the window held commands back, in milliseconds.
pub const PUMP_AGAIN_MS: f64 = 250.0;

/// Why a command was sent: its inverse goes to the undo or the redo stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Do,
    Undo,
    Redo,
}

/// Whether the socket is up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Before the first welcome.
    Connecting,
    /// A welcome or resume arrived on this connection: commands go out.
    Live,
    /// The connection dropped: commands queue until the next one.
    Offline,
    /// The server will not have this client (a refused link, a newer protocol): stop.
    Stopped,
}

/// A command of this user's that the server has not answered yet.
#[derive(Clone, Debug, PartialEq)]
pub struct Pending {
    pub command_id: Uuid,
    pub command: Command,
    purpose: Purpose,
    /// Sent on the current connection (and not turned away for the moment).
    sent: bool,
    /// The confirmed board before this command's first event, and its events as the server
    /// stored them (for undo). Once an event has arrived the command is in the confirmed
    /// board and is no longer re-executed on top of it.
    before: Option<Board>,
    events: Vec<Event>,
    /// The events it produced when applied here: when the server's are the same, the view
    /// already shows them and needs no rebuild.
    optimistic: Vec<Event>,
}

/// What changed on the board on screen.
#[derive(Clone, Debug, PartialEq)]
pub enum ViewChange {
    /// These events were applied to the view, in order (the common case: cheap to follow).
    Applied(Vec<Event>),
    /// Anything may have changed: read the view again ([`Engine::view`]). Comes at most once
    /// per step, and then supersedes the step's `Applied` effects.
    Rebuilt,
}

/// Why the client stops for good.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stop {
    /// The server refused the link (`unauthorized`, `forbidden`, `link_revoked`).
    Refused { code: ErrorCode, message: String },
    /// The server speaks another protocol version: the page must be reloaded.
    Protocol { server: u32 },
}

impl Stop {
    pub fn message(&self) -> String {
        match self {
            Stop::Refused { message, .. } => message.clone(),
            Stop::Protocol { server } if *server > PROTOCOL_VERSION => {
                "Stormwall was updated on the server. Reload the page to continue; \
                 your unsaved changes are kept."
                    .into()
            }
            Stop::Protocol { .. } => {
                "This page is newer than the server it talks to. Reload the page to continue; \
                 your unsaved changes are kept."
                    .into()
            }
        }
    }
}

/// What the caller must do after a step.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Send this on the socket.
    Send(ClientMsg),
    /// Show this to the user.
    Notice(String),
    /// The unconfirmed commands changed: keep [`Engine::queue`] (empty: forget it), so that
    /// a closed tab loses nothing: the next visit sends them again with the same ids. (Only
    /// the caller that keeps them pays for copying them.)
    Persist,
    /// The view changed.
    View(ViewChange),
    /// The connection is out of date (a gap in the events): drop it and connect again.
    Reconnect,
    /// Call [`Engine::pump`] again after this many milliseconds.
    PumpIn(f64),
    /// Never reconnect; say why.
    Stop(Stop),
    /// A message about the room, not the board (roster, presence, access, ballot, follow):
    /// the caller's.
    Room(Box<ServerMsg>),
}

/// Why a local command was not taken.
#[derive(Clone, Debug, PartialEq)]
pub enum Declined {
    /// Before the first welcome there is no board to check it on.
    Loading,
    /// The client has stopped for good.
    Stopped(String),
    /// The core refused it on the board as shown (or the role does not allow it).
    Refused(crate::Error),
    /// It would change nothing; nothing is sent.
    NoChange,
    /// Undo or redo with an empty stack.
    NothingTo(Purpose),
}

impl std::fmt::Display for Declined {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Declined::Loading => f.write_str("The board is still loading; try again in a moment."),
            Declined::Stopped(why) => f.write_str(why),
            Declined::Refused(e) => write!(f, "{e}"),
            Declined::NoChange => f.write_str("That changes nothing."),
            Declined::NothingTo(Purpose::Redo) => f.write_str("Nothing to redo."),
            Declined::NothingTo(_) => f.write_str("Nothing of yours to undo."),
        }
    }
}

/// One open board, as one client sees it.
#[derive(Clone, Debug)]
pub struct Engine {
    role: Role,
    status: Status,
    confirmed: Option<Board>,
    seq: u64,
    view: Option<Board>,
    /// The view lags the confirmed board and the pending commands: it is rebuilt when next
    /// asked for, so a burst of events costs one rebuild, not one each.
    stale: bool,
    pending: Vec<Pending>,
    window: usize,
    pace: TokenBucket,
    undo: Vec<Command>,
    redo: Vec<Command>,
    /// The server's clock minus the caller's, in ms (from the last `access`).
    offset: f64,
}

impl Engine {
    /// A client with `role`, pacing itself from `now` (ms).
    pub fn new(role: Role, now: f64) -> Self {
        Engine {
            role,
            status: Status::Connecting,
            confirmed: None,
            seq: 0,
            view: None,
            stale: false,
            pending: Vec::new(),
            window: WINDOW,
            pace: TokenBucket::new(CLIENT_RATE, CLIENT_BURST, now / 1000.0),
            undo: Vec::new(),
            redo: Vec::new(),
            offset: 0.0,
        }
    }

    /// A client paced by another bucket (the load tool measures the server at its limit).
    pub fn with_pace(mut self, per_second: f64, burst: f64, now: f64) -> Self {
        self.pace = TokenBucket::new(per_second, burst, now / 1000.0);
        self
    }

    /// At most `window` commands in flight (the load tool pipelines deeper than a browser).
    pub fn with_window(mut self, window: usize) -> Self {
        self.window = window.max(1);
        self
    }

    /// The board on screen: `None` until the first welcome.
    pub fn view(&mut self) -> Option<&Board> {
        self.refresh();
        self.view.as_ref()
    }

    /// The board as the server stored it, as of [`Engine::seq`].
    pub fn confirmed(&self) -> Option<&Board> {
        self.confirmed.as_ref()
    }

    pub fn seq(&self) -> u64 {
        self.seq
    }

    pub fn status(&self) -> Status {
        self.status
    }

    pub fn role(&self) -> Role {
        self.role
    }

    /// Commands the server has not confirmed yet (queued offline, or in flight).
    pub fn unsaved(&self) -> usize {
        self.pending.len()
    }

    pub fn pending(&self) -> &[Pending] {
        &self.pending
    }

    pub fn can_undo(&self) -> bool {
        !self.undo.is_empty()
    }

    pub fn can_redo(&self) -> bool {
        !self.redo.is_empty()
    }

    /// The server's clock at the caller's `now`, as well as the last `access` told (ms).
    pub fn server_now(&self, now: f64) -> i64 {
        (now + self.offset).round() as i64
    }

    /// Whether a resume (`since=seq`) can be asked for on the next connection.
    pub fn can_resume(&self) -> bool {
        self.confirmed.is_some()
    }

    /// Commands a previous visit left unconfirmed, queued before anything made since (they
    /// are older); ids already pending are not queued twice.
    pub fn restore(&mut self, queue: Vec<(Uuid, Command)>) -> Vec<Effect> {
        let known: Vec<Uuid> = self.pending.iter().map(|p| p.command_id).collect();
        let mut restored: Vec<Pending> = queue
            .into_iter()
            .filter(|(id, _)| !known.contains(id))
            .map(|(command_id, command)| Pending::new(command_id, command, Purpose::Do))
            .collect();
        if restored.is_empty() {
            return Vec::new();
        }
        restored.append(&mut self.pending);
        self.pending = restored;
        let mut effects = vec![self.persist()];
        self.rebuild(&mut effects);
        effects
    }

    /// A command of this user's: checked with the core on the board as shown, applied at once,
    /// and sent (or queued). `command_id` is the id it keeps until the server answers.
    pub fn local(
        &mut self,
        command_id: Uuid,
        command: Command,
        now: f64,
    ) -> Result<Vec<Effect>, Declined> {
        self.take_local(command_id, command, Purpose::Do, now)
    }

    /// Undoes this user's last change (or redoes the last undone one), under `command_id`.
    pub fn undo(
        &mut self,
        purpose: Purpose,
        command_id: Uuid,
        now: f64,
    ) -> Result<Vec<Effect>, Declined> {
        let stack = match purpose {
            Purpose::Redo => &mut self.redo,
            _ => &mut self.undo,
        };
        let Some(command) = stack.pop() else {
            return Err(Declined::NothingTo(purpose));
        };
        let purpose = if purpose == Purpose::Redo {
            Purpose::Redo
        } else {
            Purpose::Undo
        };
        self.take_local(command_id, command.clone(), purpose, now)
            .inspect_err(|_| match purpose {
                Purpose::Redo => self.redo.push(command),
                _ => self.undo.push(command),
            })
    }

    fn take_local(
        &mut self,
        command_id: Uuid,
        mut command: Command,
        purpose: Purpose,
        now: f64,
    ) -> Result<Vec<Effect>, Declined> {
        if self.status == Status::Stopped {
            return Err(Declined::Stopped(
                "This board is closed to this page.".into(),
            ));
        }
        authorize(self.role, &command).map_err(Declined::Refused)?;
        // The server stamps the time again; this estimate makes the optimistic timer right.
        if command.needs_stamp() {
            command.stamp(self.server_now(now), Vec::new);
        }
        self.refresh();
        let view = self.view.as_mut().ok_or(Declined::Loading)?;
        let events = execute(view, command.clone()).map_err(Declined::Refused)?;
        if events.is_empty() {
            return Err(Declined::NoChange);
        }
        for e in &events {
            view.apply_mut(e);
        }
        let mut pending = Pending::new(command_id, command, purpose);
        pending.optimistic = events.clone();
        self.pending.push(pending);
        let mut effects = vec![Effect::View(ViewChange::Applied(events)), self.persist()];
        effects.extend(self.pump(now));
        Ok(effects)
    }

    /// Sends queued commands while the connection is live and the window and the pace allow.
    pub fn pump(&mut self, now: f64) -> Vec<Effect> {
        let mut effects = Vec::new();
        if self.status != Status::Live {
            return effects;
        }
        let in_flight = self.pending.iter().filter(|p| p.sent).count();
        let mut room = self.window.saturating_sub(in_flight);
        for p in self.pending.iter_mut().filter(|p| !p.sent) {
            if room == 0 || !self.pace.ready(now / 1000.0) {
                break;
            }
            // Charged what it will most likely cost; a big change is paid off after.
            self.pace.charge(pace::expected_events(&p.command) as f64);
            effects.push(Effect::Send(ClientMsg::Command {
                command_id: p.command_id,
                command: p.command.clone(),
            }));
            p.sent = true;
            room -= 1;
        }
        if self.pending.iter().any(|p| !p.sent) {
            effects.push(Effect::PumpIn(PUMP_AGAIN_MS));
        }
        effects
    }

    /// The connection dropped (or is being replaced): everything unanswered goes out again
    /// on the next one.
    pub fn disconnected(&mut self) {
        if self.status != Status::Stopped {
            self.status = Status::Offline;
        }
        self.pending.iter_mut().for_each(|p| p.sent = false);
    }

    /// Folds one server message in.
    pub fn receive(&mut self, msg: ServerMsg, now: f64) -> Vec<Effect> {
        let mut effects = Vec::new();
        if self.status == Status::Stopped {
            return effects;
        }
        match msg {
            ServerMsg::Welcome {
                protocol,
                board,
                seq,
            } => {
                if self.protocol_differs(protocol, &mut effects) {
                    return effects;
                }
                self.confirmed = Some(board);
                self.seq = seq;
                self.connected(now, &mut effects);
            }
            ServerMsg::Resume { protocol, .. } => {
                if self.protocol_differs(protocol, &mut effects) {
                    return effects;
                }
                // The board as of our seq stays; the missed events follow.
                self.connected(now, &mut effects);
            }
            ServerMsg::Event {
                seq,
                event,
                command_id,
            } => self.event(seq, event, command_id, &mut effects),
            ServerMsg::Ack { command_id, .. } => {
                if let Some(done) = self.take(command_id, &mut effects) {
                    if done.events.is_empty() {
                        // It turned out to change nothing (or was stored before a welcome
                        // that already showed it): its optimistic effect goes.
                        self.rebuild(&mut effects);
                    }
                    self.settled(done);
                }
                effects.extend(self.pump(now));
            }
            ServerMsg::Error {
                code,
                message,
                command_id: None,
            } => {
                if code.ends_access() {
                    self.stop(Stop::Refused { code, message }, &mut effects);
                } else {
                    effects.push(Effect::Notice(message));
                }
            }
            ServerMsg::Error {
                code,
                message,
                command_id: Some(command_id),
            } => {
                if code.is_transient() {
                    // Not refused on its merits: the same command goes again shortly.
                    if let Some(p) = self.pending.iter_mut().find(|p| p.command_id == command_id) {
                        p.sent = false;
                    }
                    effects.push(Effect::PumpIn(RETRY_AFTER_MS));
                    return effects;
                }
                if self.take(command_id, &mut effects).is_some() {
                    self.rebuild(&mut effects);
                    effects.push(Effect::Notice(format!("Your change was undone: {message}")));
                } else {
                    effects.push(Effect::Notice(message));
                }
                effects.extend(self.pump(now));
            }
            msg @ ServerMsg::Access { role, now: at, .. } => {
                self.role = role;
                self.offset = at as f64 - now;
                effects.push(Effect::Room(Box::new(msg)));
            }
            other => effects.push(Effect::Room(Box::new(other))),
        }
        effects
    }

    fn protocol_differs(&mut self, protocol: u32, effects: &mut Vec<Effect>) -> bool {
        if protocol == PROTOCOL_VERSION {
            return false;
        }
        self.stop(Stop::Protocol { server: protocol }, effects);
        true
    }

    fn stop(&mut self, why: Stop, effects: &mut Vec<Effect>) {
        self.status = Status::Stopped;
        effects.push(Effect::Stop(why));
    }

    /// A welcome or resume: the view is rebuilt on the server's board and whatever is pending
    /// goes out again under the same ids.
    fn connected(&mut self, now: f64, effects: &mut Vec<Effect>) {
        self.status = Status::Live;
        self.pending.iter_mut().for_each(|p| p.sent = false);
        self.rebuild(effects);
        effects.extend(self.pump(now));
    }

    fn event(
        &mut self,
        seq: u64,
        event: Event,
        command_id: Option<Uuid>,
        effects: &mut Vec<Effect>,
    ) {
        let Some(confirmed) = self.confirmed.as_mut() else {
            return; // no welcome on this connection yet: the welcome will hold it
        };
        let expected = self.seq + 1;
        if seq < expected {
            return; // already applied
        }
        if seq > expected {
            // A gap means this view is out of date: start over from a fresh welcome.
            self.disconnected();
            effects.push(Effect::Reconnect);
            return;
        }
        let mut mine = false;
        // This user's oldest command, stored as it was shown: the view (confirmed board,
        // then the pending commands) stays what it is, only the line between them moves.
        let mut as_shown = false;
        if let Some(i) =
            command_id.and_then(|c| self.pending.iter().position(|p| p.command_id == c))
        {
            let p = &mut self.pending[i];
            as_shown = i == 0 && p.events.is_empty() && p.optimistic == [event.clone()];
            if p.events.is_empty() {
                p.before = Some(confirmed.clone());
            }
            p.events.push(event.clone());
            mine = true;
        }
        confirmed.apply_mut(&event);
        self.seq = seq;
        if as_shown {
            return;
        }
        if self.pending.is_empty() && !mine && !self.stale {
            // The common case: the view is the confirmed board; apply in place.
            if let Some(view) = self.view.as_mut() {
                view.apply_mut(&event);
            }
            effects.push(Effect::View(ViewChange::Applied(vec![event])));
        } else {
            self.rebuild(effects);
        }
    }

    fn take(&mut self, command_id: Uuid, effects: &mut Vec<Effect>) -> Option<Pending> {
        let i = self
            .pending
            .iter()
            .position(|p| p.command_id == command_id)?;
        let taken = self.pending.remove(i);
        effects.push(self.persist());
        Some(taken)
    }

    fn persist(&self) -> Effect {
        Effect::Persist
    }

    /// The unconfirmed commands, oldest first, with their ids: what to keep for a next visit.
    pub fn queue(&self) -> Vec<(Uuid, Command)> {
        self.pending
            .iter()
            .map(|p| (p.command_id, p.command.clone()))
            .collect()
    }

    /// The view is to be rebuilt (when next asked for); the caller hears of it once per step.
    fn rebuild(&mut self, effects: &mut Vec<Effect>) {
        if self.confirmed.is_none() {
            return;
        }
        self.stale = true;
        if !effects
            .iter()
            .any(|e| matches!(e, Effect::View(ViewChange::Rebuilt)))
        {
            effects.push(Effect::View(ViewChange::Rebuilt));
        }
    }

    /// The view again, if it lags: the confirmed board, then every pending command the server
    /// has not applied yet, re-executed on top (one that no longer applies is skipped: the
    /// server will refuse it and say why).
    fn refresh(&mut self) {
        if !self.stale {
            return;
        }
        self.stale = false;
        if let Some((view, applied)) = self.rebuilt() {
            // What each pending command now shows, for the shortcut in `event`.
            for (p, events) in self
                .pending
                .iter_mut()
                .filter(|p| p.events.is_empty())
                .zip(applied)
            {
                p.optimistic = events;
            }
            self.view = Some(view);
        }
    }

    /// The view computed from scratch (what [`Engine::view`] must always equal: the tests
    /// hold the shortcuts to it).
    pub fn fresh_view(&self) -> Option<Board> {
        self.rebuilt().map(|(view, _)| view)
    }

    /// The confirmed board with the unstored pending commands re-executed on top, and the
    /// events each produced (none for one that no longer applies).
    fn rebuilt(&self) -> Option<(Board, Vec<Vec<Event>>)> {
        let mut view = self.confirmed.clone()?;
        let mut applied = Vec::new();
        for p in self.pending.iter().filter(|p| p.events.is_empty()) {
            let events = execute(&view, p.command.clone()).unwrap_or_default();
            for e in &events {
                view.apply_mut(e);
            }
            applied.push(events);
        }
        Some((view, applied))
    }

    /// A command of this user's was stored: its inverse goes on the undo (or redo) stack.
    fn settled(&mut self, done: Pending) {
        let (Some(before), Some(after)) = (done.before, self.confirmed.as_ref()) else {
            return; // it changed nothing
        };
        let Some(inverse) = undo::undo(&before, after, &done.events) else {
            return;
        };
        match done.purpose {
            Purpose::Do => {
                self.undo.push(inverse);
                self.redo.clear();
            }
            Purpose::Undo => self.redo.push(inverse),
            Purpose::Redo => self.undo.push(inverse),
        }
    }
}

impl Pending {
    fn new(command_id: Uuid, command: Command, purpose: Purpose) -> Self {
        Pending {
            command_id,
            command,
            purpose,
            sent: false,
            before: None,
            events: Vec::new(),
            optimistic: Vec::new(),
        }
    }

    /// Sent on the current connection and not answered yet.
    pub fn in_flight(&self) -> bool {
        self.sent
    }
}
