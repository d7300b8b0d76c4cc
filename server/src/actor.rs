//! The board actor: one tokio task per open board, the only writer of that board's events.
//!
//! For each command it runs the core's `execute`, appends the events to the store, and only
//! after the commit applies them and broadcasts them with their sequence numbers. Joining is a
//! message too, so a new participant's snapshot and its event subscription start at exactly
//! the same point in the log.

use crate::store::{EventStore, StoreError};
use std::collections::HashMap;
use std::sync::Arc;
use stormwall_core::protocol::ServerMsg;
use stormwall_core::{execute, Board, BoardId, Command};
use thiserror::Error;
use tokio::sync::{broadcast, mpsc, oneshot};
use uuid::Uuid;

/// Mailbox size: senders wait (back-pressure) rather than pile up memory.
const MAILBOX: usize = 256;
/// Events kept for slow receivers; one that falls further behind gets a fresh welcome.
const BROADCAST_BUFFER: usize = 1024;

#[derive(Debug, Error)]
pub enum BoardError {
    #[error(transparent)]
    Rejected(#[from] stormwall_core::Error),
    #[error("the change could not be saved; nothing was stored, please try again")]
    Storage(#[source] StoreError),
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

/// A stored event as it goes out: its seq, and the `event` message serialised once for all.
#[derive(Debug)]
pub struct Outgoing {
    pub seq: u64,
    pub json: String,
}

/// What a participant gets on joining: the board as of `seq`, and every event after it.
pub struct Joined {
    pub board: Board,
    pub seq: u64,
    pub events: broadcast::Receiver<Arc<Outgoing>>,
}

enum Msg {
    State {
        reply: oneshot::Sender<(Board, u64)>,
    },
    Join {
        reply: oneshot::Sender<Joined>,
    },
    Execute {
        command_id: Option<Uuid>,
        author: Option<String>,
        command: Command,
        reply: oneshot::Sender<Result<u64, BoardError>>,
    },
}

/// A cloneable handle to a board actor. The actor ends when the last handle is dropped.
#[derive(Clone)]
pub struct BoardHandle {
    id: BoardId,
    tx: mpsc::Sender<Msg>,
}

impl BoardHandle {
    /// Starts the actor for a board whose log has been loaded into `board` up to `seq`. It
    /// writes a snapshot every `snapshot_every` events (0: never).
    pub fn spawn(store: EventStore, board: Board, seq: u64, snapshot_every: u64) -> Self {
        Self::spawn_with(store, board, seq, snapshot_every, HashMap::new())
    }

    /// As `spawn`, knowing the commands the board has already executed (for idempotency).
    pub fn spawn_with(
        store: EventStore,
        board: Board,
        seq: u64,
        snapshot_every: u64,
        executed: HashMap<Uuid, u64>,
    ) -> Self {
        let (tx, rx) = mpsc::channel(MAILBOX);
        let id = board.id;
        let (events, _) = broadcast::channel(BROADCAST_BUFFER);
        let actor = BoardActor {
            store,
            board,
            seq,
            events,
            snapshot_every,
            snapshot_seq: seq,
            executed,
        };
        tokio::spawn(actor.run(rx));
        Self { id, tx }
    }

    pub fn id(&self) -> BoardId {
        self.id
    }

    /// The board as it is now, and its seq.
    pub async fn state(&self) -> Result<(Board, u64), BoardError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Msg::State { reply })
            .await
            .map_err(|_| BoardError::Closed)?;
        rx.await.map_err(|_| BoardError::Closed)
    }

    pub async fn join(&self) -> Result<Joined, BoardError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Msg::Join { reply })
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
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Msg::Execute {
                command_id,
                author,
                command,
                reply,
            })
            .await
            .map_err(|_| BoardError::Closed)?;
        rx.await.map_err(|_| BoardError::Closed)?
    }
}

struct BoardActor {
    store: EventStore,
    board: Board,
    seq: u64,
    events: broadcast::Sender<Arc<Outgoing>>,
    snapshot_every: u64,
    /// The seq of the last snapshot written (or of the state loaded at start).
    snapshot_seq: u64,
    /// Command ids already stored, with the seq after their events.
    executed: HashMap<Uuid, u64>,
}

impl BoardActor {
    async fn run(mut self, mut rx: mpsc::Receiver<Msg>) {
        while let Some(msg) = rx.recv().await {
            match msg {
                Msg::State { reply } => {
                    let _ = reply.send((self.board.clone(), self.seq));
                }
                Msg::Join { reply } => {
                    let _ = reply.send(Joined {
                        board: self.board.clone(),
                        seq: self.seq,
                        events: self.events.subscribe(),
                    });
                }
                Msg::Execute {
                    command_id,
                    author,
                    command,
                    reply,
                } => {
                    let outcome = self.execute(command_id, author.as_deref(), command).await;
                    let _ = reply.send(outcome);
                    self.maybe_snapshot().await;
                }
            }
        }
        tracing::debug!(board = %self.board.id, "board actor stopped");
    }

    async fn execute(
        &mut self,
        command_id: Option<Uuid>,
        author: Option<&str>,
        command: Command,
    ) -> Result<u64, BoardError> {
        // A retried command gets its original outcome; it never produces events twice.
        if let Some(seq) = command_id.and_then(|c| self.executed.get(&c)) {
            return Ok(*seq);
        }
        let events = execute(&self.board, command)?;
        if events.is_empty() {
            return Ok(self.seq);
        }
        if let Err(e) = self
            .store
            .append(self.board.id, self.seq, command_id, author, &events)
            .await
        {
            tracing::error!(board = %self.board.id, error = %e, "append failed");
            // A failed commit may still have reached the disk (say, the connection broke after
            // COMMIT): re-read the log so memory never disagrees with what is stored.
            self.reload().await;
            return Err(BoardError::Storage(e));
        }
        if let Some(c) = command_id {
            self.executed.insert(c, self.seq + events.len() as u64);
        }
        // Stored: now, and only now, the events become visible.
        for event in events {
            self.seq += 1;
            self.board.apply_mut(&event);
            let msg = ServerMsg::Event {
                seq: self.seq,
                command_id,
                event,
            };
            let json = serde_json::to_string(&msg).expect("server messages always serialise");
            // No receivers is fine: nobody is watching.
            let _ = self.events.send(Arc::new(Outgoing {
                seq: self.seq,
                json,
            }));
        }
        Ok(self.seq)
    }

    /// Snapshots are a cache for opening the board: a failure is logged, never returned.
    async fn maybe_snapshot(&mut self) {
        if self.snapshot_every == 0 || self.seq - self.snapshot_seq < self.snapshot_every {
            return;
        }
        match self.store.save_snapshot(&self.board, self.seq).await {
            Ok(()) => self.snapshot_seq = self.seq,
            Err(e) => tracing::warn!(board = %self.board.id, error = %e, "snapshot failed"),
        }
    }

    async fn reload(&mut self) {
        match self.store.load(self.board.id).await {
            Ok(log) if log.len() as u64 != self.seq => {
                tracing::warn!(board = %self.board.id, "log changed under a failed append; reloading");
                let board = Board::replay(self.board.id, log.iter().map(|e| &e.event));
                self.seq = log.len() as u64;
                self.board = board;
                if let Ok(executed) = self.store.executed_commands(self.board.id).await {
                    self.executed = executed;
                }
                // Receivers may have missed events; dropping the sender makes each session
                // rejoin and start from a fresh welcome.
                self.events = broadcast::channel(BROADCAST_BUFFER).0;
            }
            Ok(_) => {}
            Err(e) => tracing::error!(board = %self.board.id, error = %e, "reload failed"),
        }
    }
}
