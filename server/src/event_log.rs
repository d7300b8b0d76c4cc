//! What a board actor needs from storage, as a trait: the SQLite [`EventStore`] in service,
//! and a test double (see [`crate::flaky`]) that makes a commit fail on demand.

use crate::access::LinkRow;
use crate::actor::RecentCommands;
use crate::store::{Appended, EventStore, OpenedBoard, StoreError, StoredEvent};
use std::collections::HashMap;
use std::future::Future;
use stormwall_core::workshop::VoteId;
use stormwall_core::{BoardId, StickyId};
use uuid::Uuid;

/// A board's durable state as its actor uses it: the event log (commit, open, the executed
/// command ids), snapshots, links and ballots. Futures are `Send`: an actor is a tokio task.
pub trait EventLog: Send + Sync + 'static {
    /// Stores the events of a group of commands after `last_seq`: all or nothing.
    fn commit(
        &self,
        board: BoardId,
        last_seq: u64,
        commands: &[Appended<'_>],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The board as stored (latest snapshot plus the events after it); `None` without events.
    fn open_board(
        &self,
        board: BoardId,
    ) -> impl Future<Output = Result<Option<OpenedBoard>, StoreError>> + Send;

    /// The events stored after `seq`, in order: those another server appended (PostgreSQL).
    fn events_after(
        &self,
        board: BoardId,
        seq: u64,
    ) -> impl Future<Output = Result<Vec<StoredEvent>, StoreError>> + Send;

    /// The dots of every voter in a vote.
    fn ballots(
        &self,
        board: BoardId,
        vote: VoteId,
    ) -> impl Future<Output = Result<HashMap<String, Vec<StickyId>>, StoreError>> + Send;

    /// The command ids the board executed last, with the seq after each one's events.
    fn recent_commands(
        &self,
        board: BoardId,
    ) -> impl Future<Output = Result<RecentCommands, StoreError>> + Send;

    /// Which of these command ids the board executed, with the seq after their events.
    fn find_commands(
        &self,
        board: BoardId,
        ids: &[Uuid],
    ) -> impl Future<Output = Result<HashMap<Uuid, u64>, StoreError>> + Send;

    /// Stores the board's serialised state as of `seq` (a cache for opening it).
    fn save_snapshot(
        &self,
        board: BoardId,
        seq: u64,
        state: String,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    fn links(
        &self,
        board: BoardId,
    ) -> impl Future<Output = Result<Vec<LinkRow>, StoreError>> + Send;

    fn save_links(
        &self,
        board: BoardId,
        rows: &[LinkRow],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    fn save_ballot(
        &self,
        board: BoardId,
        vote: VoteId,
        voter: &str,
        dots: &[StickyId],
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

// Each forwards to the store's inherent method of the same meaning.
impl EventLog for EventStore {
    async fn commit(
        &self,
        board: BoardId,
        last_seq: u64,
        commands: &[Appended<'_>],
    ) -> Result<(), StoreError> {
        self.append_batch(board, last_seq, commands).await
    }

    async fn open_board(&self, board: BoardId) -> Result<Option<OpenedBoard>, StoreError> {
        EventStore::open_board(self, board).await
    }

    async fn events_after(&self, board: BoardId, seq: u64) -> Result<Vec<StoredEvent>, StoreError> {
        self.load_range(board, seq.saturating_add(1), u64::MAX)
            .await
    }

    async fn ballots(
        &self,
        board: BoardId,
        vote: VoteId,
    ) -> Result<HashMap<String, Vec<StickyId>>, StoreError> {
        EventStore::ballots(self, board, vote).await
    }

    async fn recent_commands(&self, board: BoardId) -> Result<RecentCommands, StoreError> {
        EventStore::recent_commands(self, board).await
    }

    async fn find_commands(
        &self,
        board: BoardId,
        ids: &[Uuid],
    ) -> Result<HashMap<Uuid, u64>, StoreError> {
        EventStore::find_commands(self, board, ids).await
    }

    async fn save_snapshot(
        &self,
        board: BoardId,
        seq: u64,
        state: String,
    ) -> Result<(), StoreError> {
        EventStore::save_snapshot(self, board, seq, state).await
    }

    async fn links(&self, board: BoardId) -> Result<Vec<LinkRow>, StoreError> {
        EventStore::links(self, board).await
    }

    async fn save_links(&self, board: BoardId, rows: &[LinkRow]) -> Result<(), StoreError> {
        EventStore::save_links(self, board, rows).await
    }

    async fn save_ballot(
        &self,
        board: BoardId,
        vote: VoteId,
        voter: &str,
        dots: &[StickyId],
    ) -> Result<(), StoreError> {
        EventStore::save_ballot(self, board, vote, voter, dots).await
    }
}
