//! The board actor: one tokio task per open board, the only writer of that board's events.
//!
//! A batch of commands goes through three steps: decide (rights, the server's stamps and the
//! core's `execute`, on a working copy of the board), commit (the events appended to the
//! store), publish (only after the commit: the working copy becomes the live board, the
//! events are broadcast with their sequence numbers, each command is answered). Commands
//! that queue up while a commit is on disk are committed together (group commit: one
//! transaction, one fsync), each still acknowledged only after that commit. Joining is a
//! message too, so a new participant's snapshot and its event subscription start at exactly
//! the same point in the log. Presence (who is here, pointers, editing) is kept here as well,
//! in memory only (see `roster`).

use crate::access::{self, Granted, Keys, LinkRow};
use crate::cluster::{self, Beacon, Peers, Said};
use crate::event_log::EventLog;
use crate::outbox::{self, Frames, Outbox};
use crate::roster::Roster;
use crate::store::{Appended, Notice, StoreError, StoredEvent};
use axum::body::Bytes;
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Instant;
use stormwall_core::protocol::{welcome_json, Participant, ServerMsg, View};
use stormwall_core::workshop::{self, authorize, VoteId, VoteStatus};
use stormwall_core::ErrorCode;
use stormwall_core::{execute, Board, BoardId, Command, Event, Position, Role, StickyId};
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
/// Races lost in a row before a batch is answered `storage_failed` (PostgreSQL, several
/// servers writing one board); each lost race means another server made progress.
const MAX_RACES: u32 = 64;

/// Commits that lost a race to another server, since this process started (`/api/stats`).
static RACES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// Appends that lost a race to another server and were decided again, since start.
pub fn races_lost() -> u64 {
    RACES.load(std::sync::atomic::Ordering::Relaxed)
}

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
    #[error("this link does not open this board: it may have been revoked or mistyped; ask the facilitator for a new one")]
    Denied,
}

impl BoardError {
    pub fn code(&self) -> ErrorCode {
        match self {
            BoardError::Rejected(e) => e.code(),
            BoardError::Storage(_) => ErrorCode::StorageFailed,
            BoardError::Closed => ErrorCode::BoardClosed,
            BoardError::Denied => ErrorCode::Forbidden,
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
    /// Events and presence for an in-process subscriber (`join`); closed for a socket
    /// (`join_socket`), whose outbox the actor writes to instead.
    pub events: broadcast::Receiver<Arc<Outgoing>>,
    pub presence: broadcast::Receiver<Arc<PresenceOut>>,
    pub roster: Vec<Participant>,
    /// What the key opened: the role, and the keys it may hand out.
    pub granted: Granted,
    /// The generation of each role's link (see [`Generations`]) and its changes.
    pub revocations: watch::Receiver<Generations>,
    /// This participant's dots, when a vote is open.
    pub ballot: Option<(VoteId, Vec<StickyId>)>,
    /// Who leads the room's view, and where they look.
    pub leading: Option<(Uuid, View)>,
}

/// How often each role's link was replaced (facilitator, edit, view): a session compares its
/// own role's number with the one it joined under, and ends when it changed.
pub type Generations = [u64; 3];

pub fn generation_of(g: &Generations, role: Role) -> u64 {
    g[role_index(role)]
}

fn role_index(role: Role) -> usize {
    match role {
        Role::Facilitator => 0,
        Role::Edit => 1,
        Role::View => 2,
    }
}

/// A person joining: their connection's id, display name and voter identity (browser id and
/// name).
pub struct Who {
    pub id: Uuid,
    pub name: String,
    pub voter: String,
}

struct Execute {
    command_id: Option<Uuid>,
    author: Option<String>,
    role: Role,
    command: Command,
    reply: oneshot::Sender<Result<Done, BoardError>>,
}

enum Msg {
    State {
        reply: oneshot::Sender<(Arc<Board>, u64)>,
    },
    Join {
        who: Who,
        key: String,
        outbox: Option<Arc<Outbox>>,
        reply: oneshot::Sender<Result<Joined, BoardError>>,
    },
    Authorize {
        key: String,
        reply: oneshot::Sender<Option<Granted>>,
    },
    Rotate {
        role: Role,
        key: String,
        reply: oneshot::Sender<Result<Granted, BoardError>>,
    },
    Dot {
        voter: String,
        vote: VoteId,
        sticky: StickyId,
        add: bool,
        reply: oneshot::Sender<Result<Vec<StickyId>, BoardError>>,
    },
    Follow {
        id: Uuid,
        view: Option<View>,
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
    /// Another server changed the board (PostgreSQL): read what it stored.
    Notice(Notice),
    /// Presence from another server.
    Beacon(Box<Beacon>),
    /// Time to say who is here, and to forget the people of servers gone quiet.
    Beat,
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

/// What an actor starts with besides the board: the commands it executed lately (for
/// idempotency), its link rows, and the dots of its open vote by voter.
pub struct Opening {
    pub executed: RecentCommands,
    pub links: Vec<LinkRow>,
    pub ballots: HashMap<String, Vec<StickyId>>,
    /// The other servers on the same PostgreSQL database, for presence (none on SQLite).
    pub peers: Option<Peers>,
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
    /// Starts the actor for a new board whose log has been loaded into `board` up to `seq`,
    /// with its links and no executed commands known.
    pub fn spawn(
        store: impl EventLog,
        board: Board,
        seq: u64,
        snapshot_every: u64,
        links: Vec<LinkRow>,
    ) -> Self {
        let opening = Opening {
            executed: RecentCommands::from_latest(Vec::new(), true),
            links,
            ballots: HashMap::new(),
            peers: None,
        };
        Self::spawn_with(store, board, seq, snapshot_every, opening)
    }

    /// As `spawn`, knowing what was read with the board (see [`Opening`]). It writes a
    /// snapshot every `snapshot_every` events or so (0: never; see `maybe_snapshot`).
    pub fn spawn_with(
        store: impl EventLog,
        board: Board,
        seq: u64,
        snapshot_every: u64,
        opening: Opening,
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
            sockets: Vec::new(),
            roster: Roster::default(),
            welcome: None,
            snapshot_every,
            snapshot_seq: seq,
            backlog_bytes: 0,
            snapshot_bytes: 0,
            executed: opening.executed,
            links: opening.links,
            generations: watch::channel([0; 3]).0,
            ballots: opening.ballots,
            peers: opening.peers,
            remote: HashMap::new(),
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

    async fn ask<T>(&self, msg: impl FnOnce(oneshot::Sender<T>) -> Msg) -> Result<T, BoardError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(msg(reply))
            .await
            .map_err(|_| BoardError::Closed)?;
        rx.await.map_err(|_| BoardError::Closed)
    }

    /// Joins as `who` with a link's key; `Denied` when the key does not open this board.
    /// Events and presence come on `Joined`'s channels.
    pub async fn join(&self, who: Who, key: String) -> Result<Joined, BoardError> {
        self.ask(|reply| Msg::Join {
            who,
            key,
            outbox: None,
            reply,
        })
        .await?
    }

    /// Joins as `join` does, for a socket: the actor writes the board's events and presence
    /// to `outbox` itself, held until the session calls [`Outbox::live`] after the welcome.
    pub async fn join_socket(
        &self,
        who: Who,
        key: String,
        outbox: Arc<Outbox>,
    ) -> Result<Joined, BoardError> {
        self.ask(|reply| Msg::Join {
            who,
            key,
            outbox: Some(outbox),
            reply,
        })
        .await?
    }

    /// What a link's key opens on this board, if anything.
    pub async fn authorize(&self, key: String) -> Result<Option<Granted>, BoardError> {
        self.ask(|reply| Msg::Authorize { key, reply }).await
    }

    /// Replaces a link's key, for a facilitator holding `key`; connections opened with the old
    /// key are told and closed. Returns the links the facilitator now holds.
    pub async fn rotate(&self, role: Role, key: String) -> Result<Granted, BoardError> {
        self.ask(|reply| Msg::Rotate { role, key, reply }).await?
    }

    /// Places or takes back one of `voter`'s dots; their dots after it.
    pub async fn dot(
        &self,
        voter: String,
        vote: VoteId,
        sticky: StickyId,
        add: bool,
    ) -> Result<Vec<StickyId>, BoardError> {
        self.ask(|reply| Msg::Dot {
            voter,
            vote,
            sticky,
            add,
            reply,
        })
        .await?
    }

    /// The facilitator's view for everyone to follow (`None`: stop). Dropped when busy, like
    /// presence.
    pub fn follow(&self, id: Uuid, view: Option<View>) {
        let _ = self.tx.try_send(Msg::Follow { id, view });
    }

    /// Executes a command with a role's rights; on success returns the board's seq after its
    /// events are stored.
    pub async fn execute(
        &self,
        command_id: Option<Uuid>,
        author: Option<String>,
        role: Role,
        command: Command,
    ) -> Result<u64, BoardError> {
        Ok(self
            .submit(command_id, author, role, command)
            .await?
            .await?
            .seq)
    }

    /// Queues a command (waiting only for room in the mailbox, so commands keep their order)
    /// and returns the answer to come, so a session can go on forwarding events and reading
    /// commands while this one is being committed.
    pub async fn submit(
        &self,
        command_id: Option<Uuid>,
        author: Option<String>,
        role: Role,
        command: Command,
    ) -> Result<impl std::future::Future<Output = Result<Done, BoardError>>, BoardError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Msg::Execute(Execute {
                command_id,
                author,
                role,
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

    /// Another server changed this board (PostgreSQL). Never dropped: a notice not read
    /// would leave this server's sockets behind until the next one.
    pub fn notice(&self, notice: Notice) {
        if let Err(mpsc::error::TrySendError::Full(msg)) = self.tx.try_send(Msg::Notice(notice)) {
            let tx = self.tx.clone();
            tokio::spawn(async move {
                let _ = tx.send(msg).await;
            });
        }
    }

    /// Presence from another server; dropped when the board is busy, like local presence.
    pub fn beacon(&self, beacon: Beacon) {
        let _ = self.tx.try_send(Msg::Beacon(Box::new(beacon)));
    }

    /// See `Msg::Beat`; skipped when the board is busy (the next one comes soon).
    pub fn beat(&self) {
        let _ = self.tx.try_send(Msg::Beat);
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

struct BoardActor<L> {
    store: L,
    /// Shared with exports and snapshots while they read it; copied only if it changes then.
    board: Arc<Board>,
    seq: u64,
    /// In-process subscribers (tests); sockets are written to directly, through `sockets`.
    events: broadcast::Sender<Arc<Outgoing>>,
    presence: broadcast::Sender<Arc<PresenceOut>>,
    /// The sockets on this board by participant: each batch of events is encoded into frames
    /// once and written to each of them from here (see `outbox`).
    sockets: Vec<(Uuid, Arc<Outbox>)>,
    /// The people connected, their presence, and who leads the room's view.
    roster: Roster,
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
    links: Vec<LinkRow>,
    generations: watch::Sender<Generations>,
    /// The open vote's dots by voter; never sent to anyone but the voter before the reveal.
    ballots: HashMap<String, Vec<StickyId>>,
    /// The other servers (PostgreSQL): this board's presence goes to them too.
    peers: Option<Peers>,
    /// The people on the roster who are on another server's sockets, and when that server
    /// last spoke of them.
    remote: HashMap<Uuid, Instant>,
}

/// What a command in a group commit comes to, once the commit is known.
enum Outcome {
    /// Refused, or a retry of a stored command: its answer does not depend on the commit.
    Known(Result<Done, BoardError>),
    /// Its outcome, once the commit succeeds.
    Committed(Done),
}

/// One command's share of a batch's commit.
struct Stored {
    command_id: Option<Uuid>,
    author: Option<String>,
    events: Vec<Event>,
}

/// A batch decided: the board after it (the working copy), the events to store, and every
/// command's answer to come, in the batch's order.
struct Decided {
    board: Arc<Board>,
    stored: Vec<Stored>,
    outcomes: Vec<Outcome>,
}

/// Decide: each command of the batch, in order, checked against the role's rights, stamped
/// with the server's clock (`now`) and the kept ballots, and executed on `board` (the
/// working copy). `seq` is the board's seq; `earlier` the outcomes of commands already
/// stored. Pure: nothing is stored, sent or answered here, and the batch is only read, so
/// that it can be decided again after losing a race to another server.
fn decide(
    mut board: Arc<Board>,
    seq: u64,
    ballots: &HashMap<String, Vec<StickyId>>,
    earlier: &HashMap<Uuid, u64>,
    now: i64,
    batch: &[Execute],
) -> Decided {
    let mut seq = seq;
    let mut outcomes = Vec::with_capacity(batch.len());
    let mut stored = Vec::new();
    let mut in_batch: HashMap<Uuid, u64> = HashMap::new();
    for Execute {
        command_id,
        author,
        role,
        command,
        ..
    } in batch
    {
        let command_id = *command_id;
        // A retried command gets its original outcome; it never produces events twice.
        if let Some(c) = command_id {
            if let Some(&done) = earlier.get(&c) {
                let done = Done {
                    seq: done,
                    events: 0,
                };
                outcomes.push(Outcome::Known(Ok(done)));
                continue;
            }
            if let Some(&done) = in_batch.get(&c) {
                let done = Done {
                    seq: done,
                    events: 0,
                };
                outcomes.push(Outcome::Committed(done));
                continue;
            }
        }
        // Rights are checked here, by the board's only writer, whatever the door checked.
        if let Err(e) = authorize(*role, command) {
            outcomes.push(Outcome::Known(Err(e.into())));
            continue;
        }
        // The server's clock and the kept ballots, never a client's word for them.
        let mut command = command.clone();
        let current = &board;
        command.stamp(now, || {
            workshop::tally(current, ballots.values().map(Vec::as_slice))
        });
        // Each command sees the ones before it in the batch.
        match execute(&board, command) {
            Err(e) => outcomes.push(Outcome::Known(Err(e.into()))),
            Ok(events) => {
                if !events.is_empty() {
                    let working = Arc::make_mut(&mut board);
                    for event in &events {
                        working.apply_mut(event);
                    }
                }
                let count = events.len() as u64;
                seq += count;
                if !events.is_empty() {
                    if let Some(c) = command_id {
                        in_batch.insert(c, seq);
                    }
                    stored.push(Stored {
                        command_id,
                        author: author.clone(),
                        events,
                    });
                }
                let done = Done { seq, events: count };
                outcomes.push(Outcome::Committed(done));
            }
        }
    }
    Decided {
        board,
        stored,
        outcomes,
    }
}

/// Answers every command of a batch: those that depend on the commit get its failure, if any.
fn answer(batch: Vec<Execute>, outcomes: Vec<Outcome>, failure: Option<&Arc<StoreError>>) {
    for (command, outcome) in batch.into_iter().zip(outcomes) {
        let answer = match (outcome, failure) {
            (Outcome::Known(answer), _) => answer,
            (Outcome::Committed(done), None) => Ok(done),
            (Outcome::Committed(_), Some(e)) => Err(BoardError::Storage(e.clone())),
        };
        let _ = command.reply.send(answer);
    }
}

impl<L: EventLog> BoardActor<L> {
    async fn run(mut self, mut rx: mpsc::Receiver<Msg>) {
        while let Some(msg) = rx.recv().await {
            let Msg::Execute(first) = msg else {
                self.handle(msg).await;
                continue;
            };
            // Whatever queued up behind the first command goes into the same commit; other
            // messages are answered on the way (they see the board before this batch).
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match rx.try_recv() {
                    Ok(Msg::Execute(next)) => batch.push(next),
                    Ok(other) => self.handle(other).await,
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

    async fn handle(&mut self, msg: Msg) {
        match msg {
            Msg::State { reply } => {
                let _ = reply.send((self.board.clone(), self.seq));
            }
            Msg::Join {
                who,
                key,
                outbox,
                reply,
            } => {
                let Some(granted) = self.check_key(&key).await else {
                    let _ = reply.send(Err(BoardError::Denied));
                    return;
                };
                let socket = outbox.is_some();
                if let Some(outbox) = outbox {
                    outbox.hold();
                    self.sockets.retain(|(id, _)| *id != who.id);
                    self.sockets.push((who.id, outbox));
                }
                if let Some(arrived) = self.roster.arrive(who.id, who.name, granted.role) {
                    self.share(who.id, &arrived);
                    self.tell_peers(arrived);
                }
                let ballot = self.open_vote().map(|vote| {
                    let dots = self.ballots.get(&who.voter).cloned().unwrap_or_default();
                    (vote, dots)
                });
                // A socket's events go to its outbox; its channels are closed ones.
                let (events, presence) = if socket {
                    (broadcast::channel(1).1, broadcast::channel(1).1)
                } else {
                    (self.events.subscribe(), self.presence.subscribe())
                };
                let _ = reply.send(Ok(Joined {
                    seq: self.seq,
                    welcome: self.welcome(),
                    events,
                    presence,
                    roster: self.roster.participants().to_vec(),
                    granted,
                    revocations: self.generations.subscribe(),
                    ballot,
                    leading: self.roster.leading(),
                }));
            }
            Msg::Authorize { key, reply } => {
                let _ = reply.send(self.check_key(&key).await);
            }
            Msg::Rotate { role, key, reply } => {
                let _ = reply.send(self.rotate(role, &key).await);
            }
            Msg::Dot {
                voter,
                vote,
                sticky,
                add,
                reply,
            } => {
                let _ = reply.send(self.dot(voter, vote, sticky, add).await);
            }
            Msg::Follow { id, view } => {
                if let Some(follow) = self.roster.follow(id, view) {
                    self.share(id, &follow);
                    self.tell_peers(follow);
                }
            }
            Msg::Presence {
                id,
                cursor,
                editing,
            } => {
                if self.remote.contains_key(&id) {
                    return;
                }
                if let Some(presence) = self.roster.update(id, cursor, editing) {
                    self.share(id, &presence);
                    self.tell_peers(presence);
                }
            }
            Msg::Leave { id } => {
                self.sockets.retain(|(socket, _)| *socket != id);
                if self.remote.contains_key(&id) {
                    return;
                }
                for msg in self.roster.leave(id) {
                    self.share(id, &msg);
                    self.tell_peers(msg);
                }
            }
            Msg::Beacon(beacon) => self.beacon(*beacon),
            Msg::Beat => self.beat(),
            Msg::Notice(Notice::Events(_, seq, events)) => {
                self.catch_up(Some(seq), events).await;
            }
            Msg::Notice(Notice::Links(_)) => self.reload_links().await,
            Msg::Notice(Notice::Ballots(_)) => {
                if let Some(vote) = self.open_vote() {
                    match self.store.ballots(self.board.id, vote).await {
                        Ok(ballots) => self.ballots = ballots,
                        Err(e) => {
                            tracing::warn!(board = %self.board.id, error = %e, "reading ballots failed")
                        }
                    }
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

    /// What a key opens. A key not among the rows this actor knows is looked up once more in
    /// the store, where an operator may have replaced the links (`stormwall links`); if they
    /// changed, every connection opened with an old key ends.
    async fn check_key(&mut self, key: &str) -> Option<Granted> {
        if let Some(granted) = access::check(&self.links, key) {
            return Some(granted);
        }
        self.reload_links().await;
        access::check(&self.links, key)
    }

    /// The links as stored; if a key changed (an operator, or a facilitator on another
    /// server, replaced it), every connection opened with the old key ends.
    async fn reload_links(&mut self) {
        let stored = match self.store.links(self.board.id).await {
            Ok(stored) => stored,
            Err(e) => {
                tracing::warn!(board = %self.board.id, error = %e, "reading links failed");
                return;
            }
        };
        // A role whose key changed (not merely re-sealed): its connections end, the others'
        // go on (a facilitator on another server rotated one link, or an operator all three).
        let hash = |rows: &[LinkRow], role: Role| {
            rows.iter()
                .find(|r| r.role == role)
                .map(|r| r.key_hash.clone())
        };
        for role in Role::ALL {
            if hash(&stored, role) != hash(&self.links, role) {
                self.generations.send_modify(|g| g[role_index(role)] += 1);
            }
        }
        self.links = stored;
    }

    async fn rotate(&mut self, role: Role, key: &str) -> Result<Granted, BoardError> {
        let granted = self.check_key(key).await.ok_or(BoardError::Denied)?;
        if granted.role != Role::Facilitator {
            return Err(stormwall_core::Error::FacilitatorOnly.into());
        }
        let mut keys = granted.keys.0;
        keys.insert(role, access::new_key());
        let keys = Keys(keys);
        let rows = keys.rows();
        self.store
            .save_links(self.board.id, &rows)
            .await
            .map_err(|e| BoardError::Storage(Arc::new(e)))?;
        self.links = rows;
        self.generations.send_modify(|g| g[role_index(role)] += 1);
        tracing::info!(board = %self.board.id, role = role.name(), "link rotated");
        Ok(Granted {
            role: Role::Facilitator,
            keys,
        })
    }

    /// The vote taking dots now, if any; the ballots kept belong to it.
    fn open_vote(&self) -> Option<VoteId> {
        self.board
            .workshop
            .vote
            .as_ref()
            .filter(|v| v.status == VoteStatus::Open)
            .map(|v| v.id)
    }

    async fn dot(
        &mut self,
        voter: String,
        vote: VoteId,
        sticky: StickyId,
        add: bool,
    ) -> Result<Vec<StickyId>, BoardError> {
        let mine = self.ballots.get(&voter).map(Vec::as_slice).unwrap_or(&[]);
        let dots = workshop::cast(&self.board, vote, mine, sticky, add)?;
        self.store
            .save_ballot(self.board.id, vote, &voter, &dots)
            .await
            .map_err(|e| BoardError::Storage(Arc::new(e)))?;
        self.ballots.insert(voter, dots.clone());
        Ok(dots)
    }

    fn share(&mut self, from: Uuid, msg: &ServerMsg) {
        let json = serde_json::to_string(msg).expect("server messages always serialise");
        if !self.sockets.is_empty() {
            let frame = outbox::text(json.as_bytes());
            self.sockets
                .retain(|(id, socket)| *id == from || socket.presence(&frame));
        }
        if self.presence.receiver_count() > 0 {
            let _ = self.presence.send(Arc::new(PresenceOut {
                from,
                json: json.into(),
            }));
        }
    }

    /// A presence message of someone on this server's sockets, for the other servers.
    fn tell_peers(&self, msg: ServerMsg) {
        if let Some(peers) = &self.peers {
            let msg = Box::new(msg);
            peers.say(self.board.id, Said::Msg { msg });
        }
    }

    /// Presence from another server, shared with this server's sockets.
    fn beacon(&mut self, beacon: Beacon) {
        let Beacon { said, .. } = beacon;
        let msg = match said {
            Said::Here { people } => {
                for p in people {
                    self.remote_presence(p);
                }
                return;
            }
            Said::Msg { msg } => *msg,
        };
        match msg {
            ServerMsg::Presence { participant } => self.remote_presence(participant),
            ServerMsg::Left { participant_id } if self.remote.remove(&participant_id).is_some() => {
                for msg in self.roster.leave(participant_id) {
                    self.share(participant_id, &msg);
                }
            }
            ServerMsg::Follow { leader, view } if self.remote.contains_key(&leader) => {
                if let Some(follow) = self.roster.follow(leader, view) {
                    self.share(leader, &follow);
                }
            }
            _ => {}
        }
    }

    /// Someone on another server's sockets: added to the roster as that server describes
    /// them (colour included), or their pointer moved; shared only if something changed.
    fn remote_presence(&mut self, p: Participant) {
        let known = self.roster.participants().iter().find(|q| q.id == p.id);
        if known.is_some() && !self.remote.contains_key(&p.id) {
            // On this server's own sockets: it knows best.
            return;
        }
        self.remote.insert(p.id, Instant::now());
        let id = p.id;
        let msg = match known {
            Some(q) if q.cursor == p.cursor && q.editing == p.editing => None,
            Some(_) => self.roster.update(id, p.cursor, p.editing),
            None => self.roster.arrive_as(p),
        };
        if let Some(msg) = msg {
            self.share(id, &msg);
        }
    }

    /// Forgets the people of servers not heard of within `EXPIRY`, and says who is here.
    fn beat(&mut self) {
        let now = Instant::now();
        let gone: Vec<Uuid> = self
            .remote
            .iter()
            .filter(|(_, heard)| now.duration_since(**heard) > cluster::EXPIRY)
            .map(|(id, _)| *id)
            .collect();
        for id in gone {
            self.remote.remove(&id);
            for msg in self.roster.leave(id) {
                self.share(id, &msg);
            }
        }
        if let Some(peers) = &self.peers {
            let here: Vec<Participant> = self
                .roster
                .participants()
                .iter()
                .filter(|p| !self.remote.contains_key(&p.id))
                .cloned()
                .collect();
            if !here.is_empty() {
                peers.here(self.board.id, &here);
            }
        }
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
    /// answers each: decide, commit, publish. A commit that lost a race to another server
    /// (PostgreSQL) catches up with what that server stored and decides the batch again: a
    /// command may then be refused, or found already done. Returns false when the board
    /// cannot go on (see `reload`).
    async fn execute_batch(&mut self, batch: Vec<Execute>) -> bool {
        let mut races = 0;
        loop {
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
            // The live board moves into the working copy rather than being copied (a board
            // nobody else holds is changed in place); it comes back when published, or is
            // read again from the store should the commit fail. The empty board standing in
            // meanwhile is read for its id alone.
            let id = self.board.id;
            // With other writers (PostgreSQL) a race may be lost: the board as it was is
            // kept to catch up from, at the price of a copy when the working copy changes.
            let kept = self.peers.is_some().then(|| self.board.clone());
            let live = std::mem::replace(&mut self.board, Arc::new(Board::new(id)));
            let decided = decide(live, self.seq, &self.ballots, &earlier, now_ms(), &batch);
            match self.commit(&decided).await {
                Ok(()) => {
                    self.publish(decided, batch);
                    return true;
                }
                Err(e) if e.is_conflict() && races < MAX_RACES => {
                    races += 1;
                    RACES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    tracing::debug!(board = %id, seq = self.seq, races, "append conflict: another server wrote first; catching up");
                    let caught_up = match kept {
                        Some(board) => {
                            self.board = board;
                            self.catch_up(None, None).await
                        }
                        None => false,
                    };
                    if !caught_up && !self.recover().await {
                        let e = Arc::new(e);
                        answer(batch, decided.outcomes, Some(&e));
                        return false;
                    }
                }
                Err(e) => {
                    tracing::error!(board = %id, error = %e, commands = decided.stored.len(), "append failed");
                    let healthy = self.reload().await;
                    answer(batch, decided.outcomes, Some(&Arc::new(e)));
                    return healthy;
                }
            }
        }
    }

    /// Commit: the decided events go to the store in one transaction (none: nothing to do).
    async fn commit(&self, decided: &Decided) -> Result<(), StoreError> {
        if decided.stored.is_empty() {
            return Ok(());
        }
        let appended: Vec<Appended> = decided
            .stored
            .iter()
            .map(|s| Appended {
                command_id: s.command_id,
                author: s.author.as_deref(),
                events: &s.events,
            })
            .collect();
        self.store
            .commit(decided.board.id, self.seq, &appended)
            .await
    }

    /// Publish, once stored: the decided board becomes the live one, its events go out with
    /// their seqs (now, and only now, they become visible), and every command is answered.
    fn publish(&mut self, decided: Decided, batch: Vec<Execute>) {
        let Decided {
            board,
            stored,
            outcomes,
        } = decided;
        self.board = board;
        let mut out = Vec::new();
        for Stored {
            command_id, events, ..
        } in stored
        {
            for event in events {
                self.seq += 1;
                out.push(self.outgoing(self.seq, command_id, event));
            }
        }
        // Out before the answers: a session acknowledges a command after its events.
        self.send_events(out);
        // A new vote starts with no dots (the old vote's stay in the store, unread).
        if self.open_vote().is_none() {
            self.ballots.clear();
        }
        answer(batch, outcomes, None);
    }

    /// An event as it goes out, once stored at `seq`; its command counts as executed.
    fn outgoing(&mut self, seq: u64, command_id: Option<Uuid>, event: Event) -> (u64, String) {
        if let Some(c) = command_id {
            self.executed.insert(c, seq);
        }
        let msg = ServerMsg::Event {
            seq,
            command_id,
            event,
        };
        let json = serde_json::to_string(&msg).expect("server messages always serialise");
        self.backlog_bytes += json.len();
        (seq, json)
    }

    /// Stored events out to every socket and subscriber, in seq order.
    fn send_events(&mut self, out: Vec<(u64, String)>) {
        if out.is_empty() {
            return;
        }
        self.welcome = None;
        if !self.sockets.is_empty() {
            let frames = Arc::new(Frames::encode(
                out.iter().map(|(seq, json)| (*seq, json.as_bytes())),
            ));
            self.sockets.retain(|(_, socket)| socket.events(&frames));
        }
        if self.events.receiver_count() > 0 {
            for (seq, json) in out {
                let _ = self.events.send(Arc::new(Outgoing {
                    seq,
                    json: json.into(),
                }));
            }
        }
    }

    /// Takes in what another server stored after this actor's seq (PostgreSQL): applied,
    /// sent to this server's sockets, and its command ids remembered. Nothing when there is
    /// nothing new; `known` is the seq a notice announced, if any, and `carried` the events
    /// it brought: used when they are exactly the ones missing, else the table is read.
    /// False when the table could not be read.
    async fn catch_up(&mut self, known: Option<u64>, carried: Option<String>) -> bool {
        if known.is_some_and(|seq| seq <= self.seq) {
            return true;
        }
        let carried: Option<Vec<StoredEvent>> =
            carried.and_then(|json| serde_json::from_str(&json).ok());
        let next = self.seq + 1;
        let fits = |events: &Vec<StoredEvent>| {
            events
                .iter()
                .map(|e| e.seq)
                .eq(next..next + events.len() as u64)
                && events.last().map(|e| e.seq) == known
        };
        let events = match carried.filter(fits) {
            Some(events) => events,
            None => match self.store.events_after(self.board.id, self.seq).await {
                Ok(events) => events,
                Err(e) => {
                    tracing::warn!(board = %self.board.id, error = %e, "catching up failed; the next notice or commit tries again");
                    return false;
                }
            },
        };
        let mut out = Vec::with_capacity(events.len());
        for logged in events {
            Arc::make_mut(&mut self.board).apply_mut(&logged.event);
            self.seq = logged.seq;
            out.push(self.outgoing(logged.seq, logged.command_id, logged.event));
        }
        self.send_events(out);
        if self.open_vote().is_none() {
            self.ballots.clear();
        }
        true
    }

    /// After losing a race the live board is gone (the working copy took it, then was
    /// thrown away): it is read again from the store, and the events other servers stored
    /// meanwhile go out to the sockets as if caught up. False when the store cannot answer.
    async fn recover(&mut self) -> bool {
        let id = self.board.id;
        let opened = match self.store.open_board(id).await {
            Ok(Some(opened)) => opened,
            Ok(None) => return false,
            Err(e) => {
                tracing::error!(board = %id, error = %e, "reading the board after a race failed");
                return false;
            }
        };
        let events = match self.store.events_after(id, self.seq).await {
            Ok(events) => events,
            Err(e) => {
                tracing::error!(board = %id, error = %e, "reading the board after a race failed");
                return false;
            }
        };
        let mut out = Vec::new();
        for logged in events.into_iter().take_while(|e| e.seq <= opened.seq) {
            out.push(self.outgoing(logged.seq, logged.command_id, logged.event));
        }
        self.board = Arc::new(opened.board);
        self.seq = opened.seq;
        self.send_events(out);
        if self.open_vote().is_none() {
            self.ballots.clear();
        }
        true
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
        let state =
            match tokio::task::spawn_blocking(move || stormwall_core::snapshot::encode(&board))
                .await
            {
                Ok(state) => state,
                Err(_) => {
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
            // Receivers may have missed events; dropping the sender makes each subscriber
            // rejoin and start from a fresh welcome, and each socket's session does too.
            self.events = broadcast::channel(BROADCAST_BUFFER).0;
            for (_, socket) in self.sockets.drain(..) {
                socket.restart();
            }
        }
        self.board = Arc::new(opened.board);
        self.seq = opened.seq;
        self.executed = executed;
        self.welcome = None;
        true
    }
}

/// Milliseconds since the Unix epoch, by this server's clock.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use stormwall_core::{Position, StickyKind};

    type Answer = oneshot::Receiver<Result<Done, BoardError>>;

    fn exec(command_id: Option<Uuid>, role: Role, command: Command) -> (Execute, Answer) {
        let (reply, answer) = oneshot::channel();
        let execute = Execute {
            command_id,
            author: Some("Ann".into()),
            role,
            command,
            reply,
        };
        (execute, answer)
    }

    fn add_sticky() -> Command {
        Command::AddSticky {
            id: StickyId(Uuid::new_v4()),
            kind: StickyKind::DomainEvent,
            text: "Order placed".into(),
            pos: Position::new(0, 0),
            size: None,
        }
    }

    #[test]
    fn decide_works_on_a_copy_and_each_command_sees_the_ones_before() {
        let id = BoardId(Uuid::new_v4());
        let live = Arc::new(Board::new(id));
        // Someone reading the live board meanwhile (an export): it must not change.
        let reading = live.clone();
        let (retried, stored_earlier) = (Uuid::new_v4(), Uuid::new_v4());
        let earlier = HashMap::from([(stored_earlier, 7)]);
        let title = "T".to_owned();
        let batch = [
            exec(None, Role::Facilitator, Command::CreateBoard { title }),
            exec(Some(retried), Role::Edit, add_sticky()),
            exec(Some(retried), Role::Edit, add_sticky()),
            exec(None, Role::View, add_sticky()),
            exec(Some(stored_earlier), Role::Edit, add_sticky()),
        ];
        let (batch, _answers): (Vec<Execute>, Vec<Answer>) = batch.into_iter().unzip();

        let decided = decide(live, 0, &HashMap::new(), &earlier, 0, &batch);

        assert_eq!(*reading, Board::new(id), "the live board is untouched");
        assert!(decided.board.created);
        assert_eq!(decided.board.stickies.len(), 1);
        let stored: Vec<(Option<Uuid>, usize)> = decided
            .stored
            .iter()
            .map(|s| (s.command_id, s.events.len()))
            .collect();
        assert_eq!(stored, [(None, 1), (Some(retried), 1)]);
        let outcomes: Vec<&Outcome> = decided.outcomes.iter().collect();
        assert!(matches!(
            outcomes.as_slice(),
            [
                Outcome::Committed(Done { seq: 1, events: 1 }),
                Outcome::Committed(Done { seq: 2, events: 1 }),
                // The retry in the same batch: the first one's outcome, no events.
                Outcome::Committed(Done { seq: 2, events: 0 }),
                Outcome::Known(Err(BoardError::Rejected(stormwall_core::Error::ReadOnly))),
                Outcome::Known(Ok(Done { seq: 7, events: 0 })),
            ]
        ));
    }

    #[test]
    fn answers_that_wait_for_the_commit_share_its_failure() {
        let (known, known_rx) = exec(None, Role::View, add_sticky());
        let (committed, committed_rx) = exec(None, Role::Edit, add_sticky());
        let failure = Arc::new(StoreError::Database(sqlx::Error::PoolClosed));
        let refused = Err(BoardError::Rejected(stormwall_core::Error::ReadOnly));
        answer(
            vec![known, committed],
            vec![
                Outcome::Known(refused),
                Outcome::Committed(Done { seq: 3, events: 1 }),
            ],
            Some(&failure),
        );
        let known = known_rx.blocking_recv().unwrap().unwrap_err();
        assert_eq!(known.code(), ErrorCode::ReadOnly);
        let committed = committed_rx.blocking_recv().unwrap().unwrap_err();
        assert_eq!(committed.code(), ErrorCode::StorageFailed);
    }
}
