//! Board id -> actor handle. A board is opened (its snapshot and log tail replayed) on first
//! use, and closed again once nobody has used it for a while.

use crate::actor::{BoardError, BoardHandle};
use crate::store::{EventStore, StoreError};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};
use stormwall_core::{Board, BoardId, Command};
use tokio::sync::{watch, Mutex};

/// The knobs of the running server that sessions and board actors need.
#[derive(Clone, Debug)]
pub struct Settings {
    /// A snapshot every N events (0: never).
    pub snapshot_every: u64,
    /// Commands per second a connection may send on average.
    pub rate_limit: f64,
    /// A board nobody has used for this long is closed.
    pub idle_board: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            snapshot_every: 500,
            rate_limit: 50.0,
            idle_board: Duration::from_secs(300),
        }
    }
}

/// What `GET /api/stats` reports.
#[derive(Clone, Debug, Serialize)]
pub struct Stats {
    pub open_boards: usize,
    pub connections: usize,
    /// Transactions that appended events since the server started.
    pub commits: u64,
}

#[derive(Clone)]
pub struct Registry {
    inner: Arc<Inner>,
}

struct Open {
    handle: BoardHandle,
    /// Last time the sweeper saw the board in use.
    used: Instant,
}

struct Inner {
    store: EventStore,
    settings: Settings,
    // A tokio mutex, held while a board's log is loaded: two sessions opening the same board
    // at once must end up with one actor, never two writers.
    boards: Mutex<HashMap<BoardId, Open>>,
    /// Flips to true once when the server stops; sessions watch it and close their sockets.
    stopping: watch::Sender<bool>,
    connections: AtomicUsize,
}

/// Counts a WebSocket session for as long as it lives.
pub struct Connection(Arc<Inner>);

impl Drop for Connection {
    fn drop(&mut self) {
        self.0.connections.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Registry {
    /// A registry over `store`; from inside a tokio runtime, as it starts the idle sweeper.
    pub fn new(store: EventStore, settings: Settings) -> Self {
        let inner = Arc::new(Inner {
            store,
            settings,
            boards: Mutex::new(HashMap::new()),
            stopping: watch::channel(false).0,
            connections: AtomicUsize::new(0),
        });
        tokio::spawn(sweep(Arc::downgrade(&inner)));
        Self { inner }
    }

    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    pub fn connection(&self) -> Connection {
        self.inner.connections.fetch_add(1, Ordering::Relaxed);
        Connection(self.inner.clone())
    }

    pub async fn stats(&self) -> Stats {
        Stats {
            open_boards: self.inner.boards.lock().await.len(),
            connections: self.inner.connections.load(Ordering::Relaxed),
            commits: self.inner.store.commits(),
        }
    }

    pub fn store(&self) -> &EventStore {
        &self.inner.store
    }

    /// Resolves when the server is stopping.
    pub fn stopping(&self) -> impl std::future::Future<Output = ()> + Send + 'static {
        let mut rx = self.inner.stopping.subscribe();
        async move {
            let _ = rx.wait_for(|stopping| *stopping).await;
        }
    }

    /// Tells every session to close and drops every board actor's handle.
    /// Waits (up to 5 s) for the actors to finish, so they leave their snapshots before the
    /// store closes.
    pub async fn stop(&self) {
        self.inner.stopping.send_replace(true);
        let finished: Vec<_> = self
            .inner
            .boards
            .lock()
            .await
            .drain()
            .map(|(_, open)| open.handle.finished())
            .collect();
        let all = futures::future::join_all(finished);
        if tokio::time::timeout(Duration::from_secs(5), all)
            .await
            .is_err()
        {
            tracing::warn!("some boards did not finish within 5 s of stopping");
        }
    }

    /// The actor of an existing board, or `None` when no such board was ever created.
    pub async fn open(&self, id: BoardId) -> Result<Option<BoardHandle>, StoreError> {
        let mut boards = self.inner.boards.lock().await;
        if let Some(open) = boards.get_mut(&id) {
            if !open.handle.is_closed() {
                open.used = Instant::now();
                return Ok(Some(open.handle.clone()));
            }
        }
        let Some(opened) = self.inner.store.open_board(id).await? else {
            return Ok(None);
        };
        tracing::debug!(board = %id, seq = opened.seq, replayed = opened.replayed, "board opened");
        let executed = self.inner.store.executed_commands(id).await?;
        let handle = BoardHandle::spawn_with(
            self.inner.store.clone(),
            opened.board,
            opened.seq,
            self.inner.settings.snapshot_every,
            executed,
        );
        boards.insert(id, Open::new(handle.clone()));
        Ok(Some(handle))
    }

    /// Creates a new board from an exported board file. The whole import is checked on a
    /// scratch board first, so a file the core refuses creates nothing.
    pub async fn import(
        &self,
        file: &stormwall_core::export::json::BoardFile,
    ) -> Result<BoardId, BoardError> {
        let id = BoardId(uuid::Uuid::new_v4());
        let (create, fill) = stormwall_core::export::json::import_commands(id, file);
        let mut scratch = Board::new(id);
        for command in [create.clone(), fill.clone()] {
            for e in stormwall_core::execute(&scratch, command)? {
                scratch.apply_mut(&e);
            }
        }
        let handle = BoardHandle::spawn(
            self.inner.store.clone(),
            Board::new(id),
            0,
            self.inner.settings.snapshot_every,
        );
        handle.execute(None, None, create).await?;
        handle.execute(None, None, fill).await?;
        self.inner.boards.lock().await.insert(id, Open::new(handle));
        Ok(id)
    }

    /// Creates a new board with a fresh id.
    pub async fn create(&self, title: String) -> Result<BoardId, BoardError> {
        let id = BoardId(uuid::Uuid::new_v4());
        let handle = BoardHandle::spawn(
            self.inner.store.clone(),
            Board::new(id),
            0,
            self.inner.settings.snapshot_every,
        );
        handle
            .execute(None, None, Command::CreateBoard { title })
            .await?;
        self.inner.boards.lock().await.insert(id, Open::new(handle));
        Ok(id)
    }
}

impl Open {
    fn new(handle: BoardHandle) -> Self {
        Self {
            handle,
            used: Instant::now(),
        }
    }
}

/// Closes boards nobody has used for `idle_board`: dropping the registry's handle, the last
/// one, ends the actor (which leaves a snapshot) and returns its memory. Sessions and requests
/// hold a handle while they use a board, and opening one takes the same lock, so a board in
/// use is never closed.
async fn sweep(inner: Weak<Inner>) {
    let period = match inner.upgrade() {
        Some(inner) => (inner.settings.idle_board / 4).max(Duration::from_millis(20)),
        None => return,
    };
    let mut tick = tokio::time::interval(period);
    loop {
        tick.tick().await;
        let Some(inner) = inner.upgrade() else { return };
        let idle = inner.settings.idle_board;
        let now = Instant::now();
        inner.boards.lock().await.retain(|id, open| {
            if open.handle.is_closed() {
                return false;
            }
            if open.handle.users() > 1 {
                open.used = now;
                return true;
            }
            let keep = now.duration_since(open.used) < idle;
            if !keep {
                tracing::debug!(board = %id, "closing idle board");
            }
            keep
        });
    }
}
