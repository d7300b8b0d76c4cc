//! Board id -> actor handle. A board is opened (its log replayed) on first use and stays open.

use crate::actor::{BoardError, BoardHandle};
use crate::store::{EventStore, StoreError};
use std::collections::HashMap;
use std::sync::Arc;
use stormwall_core::{Board, BoardId, Command};
use tokio::sync::{watch, Mutex};

#[derive(Clone)]
pub struct Registry {
    inner: Arc<Inner>,
}

struct Inner {
    store: EventStore,
    snapshot_every: u64,
    // A tokio mutex, held while a board's log is loaded: two sessions opening the same board
    // at once must end up with one actor, never two writers.
    boards: Mutex<HashMap<BoardId, BoardHandle>>,
    /// Flips to true once when the server stops; sessions watch it and close their sockets.
    stopping: watch::Sender<bool>,
}

impl Registry {
    pub fn new(store: EventStore, snapshot_every: u64) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                snapshot_every,
                boards: Mutex::new(HashMap::new()),
                stopping: watch::channel(false).0,
            }),
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
    pub async fn stop(&self) {
        self.inner.stopping.send_replace(true);
        self.inner.boards.lock().await.clear();
    }

    /// The actor of an existing board, or `None` when no such board was ever created.
    pub async fn open(&self, id: BoardId) -> Result<Option<BoardHandle>, StoreError> {
        let mut boards = self.inner.boards.lock().await;
        if let Some(handle) = boards.get(&id) {
            return Ok(Some(handle.clone()));
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
            self.inner.snapshot_every,
            executed,
        );
        boards.insert(id, handle.clone());
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
            self.inner.snapshot_every,
        );
        handle.execute(None, None, create).await?;
        handle.execute(None, None, fill).await?;
        self.inner.boards.lock().await.insert(id, handle);
        Ok(id)
    }

    /// Creates a new board with a fresh id.
    pub async fn create(&self, title: String) -> Result<BoardId, BoardError> {
        let id = BoardId(uuid::Uuid::new_v4());
        let handle = BoardHandle::spawn(
            self.inner.store.clone(),
            Board::new(id),
            0,
            self.inner.snapshot_every,
        );
        handle
            .execute(None, None, Command::CreateBoard { title })
            .await?;
        self.inner.boards.lock().await.insert(id, handle);
        Ok(id)
    }
}
