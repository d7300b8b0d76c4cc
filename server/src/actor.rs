//! The board actor: one tokio task per open board, the only writer of that board's events.
//!
//! It runs the core's `execute` for each command, appends the events to the store, and only
//! after the commit applies them and broadcasts them with their sequence numbers. Commands
//! that queue up while a commit is on disk are committed together (group commit: one
//! transaction, one fsync), each still acknowledged only after that commit. Joining is a
//! message too, so a new participant's snapshot and its event subscription start at exactly
//! the same point in the log. Presence (who is here, pointers, editing) lives here as well,
//! in memory only.

use crate::store::{Appended, EventStore, StoreError};
use axum::body::Bytes;
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use stormwall_core::protocol::{welcome_json, Participant, ServerMsg};
use stormwall_core::{execute, Board, BoardId, Command, Event, Position, StickyId};
use thiserror::Error;
use tokio::sync::{broadcast, mpsc, oneshot, watch};
use uuid::Uuid;

/// Mailbox size: senders wait (back-pressure) rather than pile up memory.
const MAILBOX: usize = 1024;
/// Events kept for slow receivers; one that falls further behind gets a fresh welcome.
const BROADCAST_BUFFER: usize = 1024;
/// Presence updates kept for slow receivers; older ones are simply skipped.
const PRESENCE_BUFFER: usize = 256;
/// Most commands in one group commit.
const MAX_BATCH: usize = 512;

/// Pointer colours, handed out in order to the people on a board.
const COLOURS: [&str; 10] = [
    "#e8590c", "#1971c2", "#2f9e44", "#9c36b5", "#c2255c", "#0c8599", "#e67700", "#5f3dc4",
    "#087f5b", "#495057",
];

/// A text message as it goes on the wire: JSON serialised once, shared (a cheap clone) by
/// every session.
pub type Wire = Bytes;

#[derive(Debug, Error)]
pub enum BoardError {
    #[error(transparent)]
    Rejected(#[from] stormwall_core::Error),
    #[error("the change could not be saved; nothing was stored, please try again")]
    Storage(#[source] Arc<StoreError>),
    #[error("the board is closing; reconnect and try again")]
    Closed,
}

impl BoardError {
    pub fn code(&self) -> &'static str {
        match self {
            BoardError::Rejected(e) => e.code(),
            BoardError::Storage(_) => "storage_failed",
            BoardError::Closed => "board_closed",
        }
    }
}

/// A command's outcome once stored: the board's seq after its events, and how many events it
/// produced (0 for a retry of a stored command, or a change that changed nothing).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Done {
    pub seq: u64,
    pub events: u64,
}

/// A stored event as it goes out: its seq, and the `event` message serialised once for all.
#[derive(Debug)]
pub struct Outgoing {
    pub seq: u64,
    pub json: Wire,
}

/// A presence message as it goes out, serialised once; `from` does not need its own echo.
#[derive(Debug)]
pub struct PresenceOut {
    pub from: Uuid,
    pub json: Wire,
}

/// What a participant gets on joining: the `welcome` (the board as of `seq`, serialised once
/// per version of the board and shared by everyone joining it), every event after it, the
/// people on the board (themselves included) and their presence updates from now on.
pub struct Joined {
    pub seq: u64,
    pub welcome: Wire,
    pub events: broadcast::Receiver<Arc<Outgoing>>,
    pub presence: broadcast::Receiver<Arc<PresenceOut>>,
    pub roster: Vec<Participant>,
}

struct Execute {
    command_id: Option<Uuid>,
    author: Option<String>,
    command: Command,
    reply: oneshot::Sender<Result<Done, BoardError>>,
}

enum Msg {
    State {
        reply: oneshot::Sender<(Arc<Board>, u64)>,
    },
    Join {
        /// `None` for a watcher that is not a person (tools).
        who: Option<(Uuid, String)>,
        reply: oneshot::Sender<Joined>,
    },
    Execute(Execute),
    Presence {
        id: Uuid,
        cursor: Option<Position>,
        editing: Option<StickyId>,
    },
    Leave {
        id: Uuid,
    },
}

/// The command ids a board executed lately, with the seq after their events. Bounded: the
/// `commands` table is the truth, and is asked about ids not found here unless this set still
/// holds every id the board ever executed (`complete`).
#[derive(Debug, Default)]
pub struct RecentCommands {
    seq_of: HashMap<Uuid, u64>,
    order: VecDeque<Uuid>,
    incomplete: bool,
}

impl RecentCommands {
    /// Ids kept in memory per open board.
    pub const CAPACITY: usize = 4096;

    /// From the latest executed commands, oldest first; `complete` when they are all there are.
    pub fn from_latest(latest: Vec<(Uuid, u64)>, complete: bool) -> Self {
        let mut recent = Self {
            incomplete: !complete,
            ..Self::default()
        };
        for (id, seq) in latest {
            recent.insert(id, seq);
        }
        recent
    }

    fn get(&self, id: &Uuid) -> Option<u64> {
        self.seq_of.get(id).copied()
    }

    fn insert(&mut self, id: Uuid, seq: u64) {
        if self.seq_of.insert(id, seq).is_none() {
            self.order.push_back(id);
        }
        while self.order.len() > Self::CAPACITY {
            if let Some(old) = self.order.pop_front() {
                self.seq_of.remove(&old);
                self.incomplete = true;
            }
        }
    }

    pub fn len(&self) -> usize {
        self.seq_of.len()
    }

    pub fn is_empty(&self) -> bool {
        self.seq_of.is_empty()
    }
}

/// A cloneable handle to a board actor. The actor ends when the last handle is dropped.
#[derive(Clone)]
pub struct BoardHandle {
    id: BoardId,
    tx: mpsc::Sender<Msg>,
    /// Closed (its sender dropped) when the actor has finished, final snapshot included.
    finished: watch::Receiver<()>,
}

impl BoardHandle {
    /// Starts the actor for a board whose log has been loaded into `board` up to `seq`, with
    /// no executed commands known (a new board).
    pub fn spawn(store: EventStore, board: Board, seq: u64, snapshot_every: u64) -> Self {
        Self::spawn_with(
            store,
            board,
            seq,
            snapshot_every,
            RecentCommands::from_latest(Vec::new(), true),
        )
    }

    /// As `spawn`, knowing the commands the board executed lately (for idempotency). It
    /// writes a snapshot every `snapshot_every` events or so (0: never; see `maybe_snapshot`).
    pub fn spawn_with(
        store: EventStore,
        board: Board,
        seq: u64,
        snapshot_every: u64,
        executed: RecentCommands,
    ) -> Self {
        let (tx, rx) = mpsc::channel(MAILBOX);
        let id = board.id;
        let (done, finished) = watch::channel(());
        let actor = BoardActor {
            store,
            board: Arc::new(board),
            seq,
            events: broadcast::channel(BROADCAST_BUFFER).0,
            presence: broadcast::channel(PRESENCE_BUFFER).0,
            roster: Vec::new(),
            welcome: None,
            snapshot_every,
            snapshot_seq: seq,
            backlog_bytes: 0,
            snapshot_bytes: 0,
            executed,
        };
        tokio::spawn(async move {
            actor.run(rx).await;
            drop(done);
        });
        Self { id, tx, finished }
    }

    pub fn id(&self) -> BoardId {
        self.id
    }

    /// The board as it is now (shared, not copied), and its seq.
    pub async fn state(&self) -> Result<(Arc<Board>, u64), BoardError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Msg::State { reply })
            .await
            .map_err(|_| BoardError::Closed)?;
        rx.await.map_err(|_| BoardError::Closed)
    }

    /// Joins as `who` (a connection's participant id and display name), or as a watcher.
    pub async fn join(&self, who: Option<(Uuid, String)>) -> Result<Joined, BoardError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Msg::Join { who, reply })
            .await
            .map_err(|_| BoardError::Closed)?;
        rx.await.map_err(|_| BoardError::Closed)
    }

    /// Executes a command; on success returns the board's seq after its events are stored.
    pub async fn execute(
        &self,
        command_id: Option<Uuid>,
        author: Option<String>,
        command: Command,
    ) -> Result<u64, BoardError> {
        Ok(self.submit(command_id, author, command).await?.await?.seq)
    }

    /// Queues a command (waiting only for room in the mailbox, so commands keep their order)
    /// and returns the answer to come, so a session can go on forwarding events and reading
    /// commands while this one is being committed.
    pub async fn submit(
        &self,
        command_id: Option<Uuid>,
        author: Option<String>,
        command: Command,
    ) -> Result<impl std::future::Future<Output = Result<Done, BoardError>>, BoardError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Msg::Execute(Execute {
                command_id,
                author,
                command,
                reply,
            }))
            .await
            .map_err(|_| BoardError::Closed)?;
        Ok(async move { rx.await.map_err(|_| BoardError::Closed)? })
    }

    /// Shares a participant's pointer and editing state with the others. Dropped, not
    /// queued, when the board is busy: presence is ephemeral and the next update supersedes it.
    pub fn presence(&self, id: Uuid, cursor: Option<Position>, editing: Option<StickyId>) {
        let _ = self.tx.try_send(Msg::Presence {
            id,
            cursor,
            editing,
        });
    }

    /// A participant's connection ended.
    pub async fn leave(&self, id: Uuid) {
        let _ = self.tx.send(Msg::Leave { id }).await;
    }

    /// A future that resolves once the actor has finished (after every handle is dropped).
    pub fn finished(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut finished = self.finished.clone();
        async move { while finished.changed().await.is_ok() {} }
    }

    /// Handles alive, this one included; 1 means nobody but the holder uses the board.
    pub fn users(&self) -> usize {
        self.tx.strong_count()
    }

    /// True once the actor has stopped (its store failed and it could not recover).
    pub fn is_closed(&self) -> bool {
        self.tx.is_closed()
    }
}

struct BoardActor {
    store: EventStore,
    /// Shared with exports and snapshots while they read it; copied only if it changes then.
    board: Arc<Board>,
    seq: u64,
    events: broadcast::Sender<Arc<Outgoing>>,
    presence: broadcast::Sender<Arc<PresenceOut>>,
    /// The people connected, in the order they came.
    roster: Vec<Participant>,
    /// The `welcome` for the board at a seq, kept while the board does not change.
    welcome: Option<(u64, Wire)>,
    snapshot_every: u64,
    /// The seq of the last snapshot written (or of the state loaded at start).
    snapshot_seq: u64,
    /// Bytes of the events stored since the last snapshot.
    backlog_bytes: usize,
    /// Size of the last snapshot written (0 before the first).
    snapshot_bytes: usize,
    executed: RecentCommands,
}

/// What a command in a group commit comes to, once the commit is known.
enum Outcome {
    /// Refused, or a retry of a stored command: its answer does not depend on the commit.
    Known(Result<Done, BoardError>),
    /// Its outcome, once the commit succeeds.
    Committed(Done),
}

impl BoardActor {
    async fn run(mut self, mut rx: mpsc::Receiver<Msg>) {
        while let Some(msg) = rx.recv().await {
            let Msg::Execute(first) = msg else {
                self.handle(msg);
                continue;
            };
            // Whatever queued up behind the first command goes into the same commit; other
            // messages are answered on the way (they see the board before this batch).
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(Msg::Execute(next)) => batch.push(next),
                    Ok(other) => self.handle(other),
                    Err(_) => break,
                }
            }
            if !self.execute_batch(batch).await {
                tracing::error!(board = %self.board.id, "board stopped: its log could not be reloaded");
                return;
            }
            self.maybe_snapshot().await;
        }
        // Leaving a snapshot makes the next opening quick.
        if self.snapshot_every > 0 && self.seq > self.snapshot_seq {
            self.snapshot().await;
        }
        tracing::debug!(board = %self.board.id, "board actor stopped");
    }

    fn handle(&mut self, msg: Msg) {
        match msg {
            Msg::State { reply } => {
                let _ = reply.send((self.board.clone(), self.seq));
            }
            Msg::Join { who, reply } => {
                if let Some((id, name)) = who {
                    self.arrive(id, name);
                }
                let _ = reply.send(Joined {
                    seq: self.seq,
                    welcome: self.welcome(),
                    events: self.events.subscribe(),
                    presence: self.presence.subscribe(),
                    roster: self.roster.clone(),
                });
            }
            Msg::Presence {
                id,
                cursor,
                editing,
            } => {
                let Some(p) = self.roster.iter_mut().find(|p| p.id == id) else {
                    return;
                };
                p.cursor = cursor;
                p.editing = editing;
                let participant = p.clone();
                self.share(id, &ServerMsg::Presence { participant });
            }
            Msg::Leave { id } => {
                let before = self.roster.len();
                self.roster.retain(|p| p.id != id);
                if self.roster.len() != before {
                    self.share(id, &ServerMsg::Left { participant_id: id });
                }
            }
            Msg::Execute(_) => unreachable!("commands are batched by run"),
        }
    }

    /// The welcome for the board as it is: serialised once per version, however many join.
    fn welcome(&mut self) -> Wire {
        match &self.welcome {
            Some((seq, json)) if *seq == self.seq => json.clone(),
            _ => {
                let json = Wire::from(welcome_json(&self.board, self.seq));
                self.welcome = Some((self.seq, json.clone()));
                json
            }
        }
    }

    /// Adds a participant (or keeps them, on a rejoin) and tells the others.
    fn arrive(&mut self, id: Uuid, name: String) {
        if self.roster.iter().any(|p| p.id == id) {
            return;
        }
        let colour = COLOURS
            .iter()
            .find(|c| !self.roster.iter().any(|p| p.colour == **c))
            .unwrap_or(&COLOURS[self.roster.len() % COLOURS.len()]);
        let participant = Participant {
            id,
            name,
            colour: (*colour).to_owned(),
            cursor: None,
            editing: None,
        };
        self.roster.push(participant.clone());
        self.share(id, &ServerMsg::Presence { participant });
    }

    fn share(&self, from: Uuid, msg: &ServerMsg) {
        let json = serde_json::to_string(msg).expect("server messages always serialise");
        // No receivers is fine: nobody is watching.
        let _ = self.presence.send(Arc::new(PresenceOut {
            from,
            json: json.into(),
        }));
    }

    /// The outcomes of the batch's commands that ran before (a retry), from memory or, for
    /// ids not remembered there, from the `commands` table.
    async fn earlier_outcomes(&self, batch: &[Execute]) -> Result<HashMap<Uuid, u64>, StoreError> {
        let mut known = HashMap::new();
        let mut ask = Vec::new();
        for id in batch.iter().filter_map(|e| e.command_id) {
            match self.executed.get(&id) {
                Some(seq) => {
                    known.insert(id, seq);
                }
                None if self.executed.incomplete => ask.push(id),
                None => {}
            }
        }
        if !ask.is_empty() {
            known.extend(self.store.find_commands(self.board.id, &ask).await?);
        }
        Ok(known)
    }

    /// Executes a batch of commands in order, stores all their events in one transaction and
    /// answers each. Returns false when the board cannot go on (see `reload`).
    async fn execute_batch(&mut self, batch: Vec<Execute>) -> bool {
        let earlier = match self.earlier_outcomes(&batch).await {
            Ok(earlier) => earlier,
            Err(e) => {
                tracing::error!(board = %self.board.id, error = %e, "reading executed commands failed");
                let e = Arc::new(e);
                for command in batch {
                    let _ = command.reply.send(Err(BoardError::Storage(e.clone())));
                }
                return true;
            }
        };
        let start_seq = self.seq;
        let mut seq = self.seq;
        let mut outcomes = Vec::with_capacity(batch.len());
        let mut stored: Vec<(Option<Uuid>, Option<String>, Vec<Event>)> = Vec::new();
        let mut in_batch: HashMap<Uuid, u64> = HashMap::new();
        for Execute {
            command_id,
            author,
            command,
            reply,
        } in batch
        {
            // A retried command gets its original outcome; it never produces events twice.
            if let Some(c) = command_id {
                if let Some(&done) = earlier.get(&c) {
                    let done = Done {
                        seq: done,
                        events: 0,
                    };
                    outcomes.push((reply, Outcome::Known(Ok(done))));
                    continue;
                }
                if let Some(&done) = in_batch.get(&c) {
                    let done = Done {
                        seq: done,
                        events: 0,
                    };
                    outcomes.push((reply, Outcome::Committed(done)));
                    continue;
                }
            }
            // Each command sees the ones before it in the batch: the board is updated at once
            // and rebuilt from the log should the commit fail.
            match execute(&self.board, command) {
                Err(e) => outcomes.push((reply, Outcome::Known(Err(e.into())))),
                Ok(events) => {
                    if !events.is_empty() {
                        let board = Arc::make_mut(&mut self.board);
                        for event in &events {
                            board.apply_mut(event);
                        }
                    }
                    let count = events.len() as u64;
                    seq += count;
                    if !events.is_empty() {
                        if let Some(c) = command_id {
                            in_batch.insert(c, seq);
                        }
                        stored.push((command_id, author, events));
                    }
                    let done = Done { seq, events: count };
                    outcomes.push((reply, Outcome::Committed(done)));
                }
            }
        }
        let mut healthy = true;
        let failure = if stored.is_empty() {
            None
        } else {
            let appended: Vec<Appended> = stored
                .iter()
                .map(|(command_id, author, events)| Appended {
                    command_id: *command_id,
                    author: author.as_deref(),
                    events,
                })
                .collect();
            match self
                .store
                .append_batch(self.board.id, start_seq, &appended)
                .await
            {
                Ok(()) => None,
                Err(e) => {
                    tracing::error!(board = %self.board.id, error = %e, commands = stored.len(), "append failed");
                    healthy = self.reload().await;
                    Some(Arc::new(e))
                }
            }
        };
        if failure.is_none() {
            // Stored: now, and only now, the events become visible.
            for (command_id, _, events) in stored {
                for event in events {
                    self.seq += 1;
                    let msg = ServerMsg::Event {
                        seq: self.seq,
                        command_id,
                        event,
                    };
                    let json =
                        serde_json::to_string(&msg).expect("server messages always serialise");
                    self.backlog_bytes += json.len();
                    let _ = self.events.send(Arc::new(Outgoing {
                        seq: self.seq,
                        json: json.into(),
                    }));
                }
                if let Some(c) = command_id {
                    self.executed.insert(c, self.seq);
                }
            }
            if self.seq != start_seq {
                self.welcome = None;
            }
        }
        for (reply, outcome) in outcomes {
            let answer = match (outcome, &failure) {
                (Outcome::Known(answer), _) => answer,
                (Outcome::Committed(done), None) => Ok(done),
                (Outcome::Committed(_), Some(e)) => Err(BoardError::Storage(e.clone())),
            };
            let _ = reply.send(answer);
        }
        healthy
    }

    /// Snapshots are a cache for opening the board: a failure is logged, never returned.
    /// One is due after `snapshot_every` events that also come to a quarter of the last
    /// snapshot's size: however the events are sent, snapshots never write more than about
    /// four times what the log itself grew by, and only the latest few are kept.
    async fn maybe_snapshot(&mut self) {
        let events = self.seq - self.snapshot_seq;
        if self.snapshot_every == 0
            || events < self.snapshot_every
            || self.backlog_bytes < self.snapshot_bytes / 4
        {
            return;
        }
        self.snapshot().await;
    }

    async fn snapshot(&mut self) {
        // Serialised off the async workers: a big board takes tens of milliseconds.
        let board = self.board.clone();
        let state = match tokio::task::spawn_blocking(move || serde_json::to_string(&*board)).await
        {
            Ok(Ok(state)) => state,
            _ => {
                tracing::warn!(board = %self.board.id, "snapshot could not be serialised");
                return;
            }
        };
        let bytes = state.len();
        match self
            .store
            .save_snapshot(self.board.id, self.seq, state)
            .await
        {
            Ok(()) => {
                self.snapshot_seq = self.seq;
                self.backlog_bytes = 0;
                self.snapshot_bytes = bytes;
            }
            Err(e) => tracing::warn!(board = %self.board.id, error = %e, "snapshot failed"),
        }
    }

    /// After a failed commit, memory is rebuilt from what is stored (a commit can fail after
    /// reaching the disk, say when the connection broke after COMMIT). False when even that
    /// fails: the actor then stops, and the board is reopened from the log on next use.
    async fn reload(&mut self) -> bool {
        let opened = match self.store.open_board(self.board.id).await {
            Ok(Some(opened)) => opened,
            Ok(None) => return false,
            Err(e) => {
                tracing::error!(board = %self.board.id, error = %e, "reload failed");
                return false;
            }
        };
        let Ok(executed) = self.store.recent_commands(self.board.id).await else {
            return false;
        };
        if opened.seq != self.seq {
            tracing::warn!(board = %self.board.id, "log changed under a failed append; reloading");
            // Receivers may have missed events; dropping the sender makes each session
            // rejoin and start from a fresh welcome.
            self.events = broadcast::channel(BROADCAST_BUFFER).0;
        }
        self.board = Arc::new(opened.board);
        self.seq = opened.seq;
        self.executed = executed;
        self.welcome = None;
        true
    }
}
