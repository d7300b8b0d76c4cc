//! A test double for [`EventLog`]: the real store, with commits that can be made to fail or
//! to wait. Shipped in the library (not `cfg(test)`) so the integration tests can drive a
//! board actor over it; nothing in the server uses it.

use crate::access::LinkRow;
use crate::actor::RecentCommands;
use crate::event_log::EventLog;
use crate::store::{Appended, EventStore, OpenedBoard, StoreError, StoredEvent};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use stormwall_core::workshop::VoteId;
use stormwall_core::{BoardId, StickyId};
use tokio::sync::watch;
use uuid::Uuid;

/// How a planned failure happens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// Nothing is written; the commit reports an error.
    BeforeWriting,
    /// The events are stored, then the commit reports an error anyway (as when the
    /// connection breaks after `COMMIT`): the caller cannot tell what happened.
    AfterWriting,
}

/// The real store behind a switch. Clones share the switch: keep one, give one to the actor.
#[derive(Clone)]
pub struct FlakyStore {
    inner: EventStore,
    state: Arc<Shared>,
}

struct Shared {
    next_failure: Mutex<Option<Failure>>,
    /// True while commits wait at the gate.
    held: watch::Sender<bool>,
    /// The number of commands in each commit asked for, in order (failed ones included).
    commits: watch::Sender<Vec<usize>>,
}

impl FlakyStore {
    pub fn new(inner: EventStore) -> Self {
        Self {
            inner,
            state: Arc::new(Shared {
                next_failure: Mutex::new(None),
                held: watch::channel(false).0,
                commits: watch::channel(Vec::new()).0,
            }),
        }
    }

    /// The next commit to arrive fails, the way `failure` says; later ones succeed again.
    pub fn fail_next_commit(&self, failure: Failure) {
        *self.lock() = Some(failure);
    }

    /// Commits wait, once they have arrived (and taken any planned failure), until `release`.
    /// Meanwhile commands queue up in the actor's mailbox and make one group.
    pub fn hold_commits(&self) {
        self.state.held.send_replace(true);
    }

    pub fn release_commits(&self) {
        self.state.held.send_replace(false);
    }

    /// Resolves once `n` commits have arrived since the store was made.
    pub async fn commits_arrived(&self, n: usize) {
        let mut commits = self.state.commits.subscribe();
        let _ = commits.wait_for(|c| c.len() >= n).await;
    }

    /// The number of commands in each commit asked for so far.
    pub fn commit_sizes(&self) -> Vec<usize> {
        self.state.commits.borrow().clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Failure>> {
        self.state
            .next_failure
            .lock()
            .unwrap_or_else(|e| e.into_inner())
    }
}

fn injected() -> StoreError {
    StoreError::Database(sqlx::Error::Io(std::io::Error::other(
        "injected by the test double",
    )))
}

impl EventLog for FlakyStore {
    async fn commit(
        &self,
        board: BoardId,
        last_seq: u64,
        commands: &[Appended<'_>],
    ) -> Result<(), StoreError> {
        // The failure is taken on arrival: one planned while this commit waits at the gate
        // is for the next one.
        let failure = self.lock().take();
        self.state.commits.send_modify(|c| c.push(commands.len()));
        let mut held = self.state.held.subscribe();
        let _ = held.wait_for(|held| !*held).await;
        match failure {
            None => self.inner.append_batch(board, last_seq, commands).await,
            Some(Failure::BeforeWriting) => Err(injected()),
            Some(Failure::AfterWriting) => {
                self.inner.append_batch(board, last_seq, commands).await?;
                Err(injected())
            }
        }
    }

    async fn open_board(&self, board: BoardId) -> Result<Option<OpenedBoard>, StoreError> {
        self.inner.open_board(board).await
    }

    async fn events_after(&self, board: BoardId, seq: u64) -> Result<Vec<StoredEvent>, StoreError> {
        self.inner.events_after(board, seq).await
    }

    async fn ballots(
        &self,
        board: BoardId,
        vote: VoteId,
    ) -> Result<HashMap<String, Vec<StickyId>>, StoreError> {
        EventLog::ballots(&self.inner, board, vote).await
    }

    async fn recent_commands(&self, board: BoardId) -> Result<RecentCommands, StoreError> {
        self.inner.recent_commands(board).await
    }

    async fn find_commands(
        &self,
        board: BoardId,
        ids: &[Uuid],
    ) -> Result<HashMap<Uuid, u64>, StoreError> {
        self.inner.find_commands(board, ids).await
    }

    async fn save_snapshot(
        &self,
        board: BoardId,
        seq: u64,
        state: String,
    ) -> Result<(), StoreError> {
        self.inner.save_snapshot(board, seq, state).await
    }

    async fn links(&self, board: BoardId) -> Result<Vec<LinkRow>, StoreError> {
        self.inner.links(board).await
    }

    async fn save_links(&self, board: BoardId, rows: &[LinkRow]) -> Result<(), StoreError> {
        self.inner.save_links(board, rows).await
    }

    async fn save_ballot(
        &self,
        board: BoardId,
        vote: VoteId,
        voter: &str,
        dots: &[StickyId],
    ) -> Result<(), StoreError> {
        self.inner.save_ballot(board, vote, voter, dots).await
    }
}
