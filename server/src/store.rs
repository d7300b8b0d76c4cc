//! The event store: an append-only log per board in SQLite, written only by board actors.

use crate::access::LinkRow;
use crate::actor::RecentCommands;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{QueryBuilder, Row, Sqlite};
use std::collections::HashMap;
use std::fs::File;
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use stormwall_core::protocol::BoardSummary;
use stormwall_core::snapshot::{self, FORMAT as SNAPSHOT_FORMAT};
use stormwall_core::workshop::VoteId;
use stormwall_core::{Board, BoardId, Event};
use stormwall_core::{Role, StickyId};
use thiserror::Error;
use uuid::Uuid;

#[derive(Debug, Error)]
pub enum StoreError {
    #[error("invalid database URL {url:?}: {source}")]
    BadUrl { url: String, source: sqlx::Error },
    #[error(
        "another Stormwall server is already using the database {path} (it holds a lock on \
         the file); stop that server first, or start this one with another --database"
    )]
    InUse { path: String },
    #[error("cannot open the database file {lock} to lock it: {source}")]
    Lock {
        lock: String,
        source: std::io::Error,
    },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("board {board} has an unreadable event at seq {seq}: {reason}")]
    Corrupt {
        board: BoardId,
        seq: i64,
        reason: String,
    },
}

/// One stored event with its place in the board's log.
pub type StoredEvent = stormwall_core::protocol::LoggedEvent;

/// A board as it is opened: the latest usable snapshot (if any) with the events after it.
pub struct OpenedBoard {
    pub board: Board,
    pub seq: u64,
    /// How many events were replayed on top of the snapshot.
    pub replayed: usize,
}

/// How hard a commit is pushed to disk. Both survive a killed server (in WAL mode a commit is
/// in the OS's page cache once `COMMIT` returns); only `Full` also survives a power cut or a
/// kernel crash, at the price of an fsync per commit (see docs/benchmarks.md).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Synchronous {
    #[default]
    Full,
    Normal,
}

/// Rows per multi-row INSERT: 8 values each stays well under SQLite's 32,766 variables.
const INSERT_CHUNK: usize = 500;

/// Snapshots kept per board: the latest, and two older ones should it be unreadable.
pub const SNAPSHOTS_KEPT: usize = 3;

/// One command's share of a group commit.
pub struct Appended<'a> {
    pub command_id: Option<Uuid>,
    pub author: Option<&'a str>,
    pub events: &'a [Event],
}

#[derive(Clone)]
pub struct EventStore {
    pool: SqlitePool,
    /// One connection for every write: writers queue here in order instead of in SQLite's
    /// busy handler, which sleeps and retries (long tails when many boards write at once).
    writer: SqlitePool,
    /// Transactions that appended events, for `GET /api/stats` (group commit shows here).
    commits: Arc<std::sync::atomic::AtomicU64>,
    /// Snapshots written, for `GET /api/stats`.
    snapshots: Arc<std::sync::atomic::AtomicU64>,
    /// The lock on the database file: held until `close`, or until the last clone drops.
    lock: Arc<Mutex<Option<File>>>,
}

impl EventStore {
    /// Opens (creating and migrating if needed) the database at `url`. A second server on the
    /// same file is refused: two processes with their own board actors would both believe they
    /// are a board's only writer.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        Self::open_with(url, Synchronous::Full).await
    }

    /// As `open`, with SQLite's `synchronous` level chosen (see `Synchronous`).
    pub async fn open_with(url: &str, synchronous: Synchronous) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|source| StoreError::BadUrl {
                url: url.into(),
                source,
            })?
            .create_if_missing(true)
            // WAL lets readers work while the writer commits.
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(match synchronous {
                Synchronous::Full => SqliteSynchronous::Full,
                Synchronous::Normal => SqliteSynchronous::Normal,
            })
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        let lock = match file_path(url) {
            Some(path) => Some(lock_file(path)?),
            None => None,
        };
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        sqlx::migrate!("../migrations/sqlite").run(&writer).await?;
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await?;
        Ok(Self {
            pool,
            writer,
            commits: Default::default(),
            snapshots: Default::default(),
            lock: Arc::new(Mutex::new(lock)),
        })
    }

    /// Opens the database for an operator's command (`stormwall links`) while a server may be
    /// running on it: read-write, migrated, but without the file lock. Only link rows are
    /// written this way; events are written by the server's board actors alone.
    pub async fn open_admin(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|source| StoreError::BadUrl {
                url: url.into(),
                source,
            })?
            .journal_mode(SqliteJournalMode::Wal)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await?;
        sqlx::migrate!("../migrations/sqlite").run(&pool).await?;
        Ok(Self {
            writer: pool.clone(),
            pool,
            commits: Default::default(),
            snapshots: Default::default(),
            lock: Arc::new(Mutex::new(None)),
        })
    }

    /// Opens an existing database for reading only: no lock, no migration, so exports work
    /// while a server is running on the same file (SQLite's WAL lets readers in).
    pub async fn open_read_only(url: &str) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(|source| StoreError::BadUrl {
                url: url.into(),
                source,
            })?
            .read_only(true)
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await?;
        Ok(Self {
            writer: pool.clone(),
            pool,
            commits: Default::default(),
            snapshots: Default::default(),
            lock: Arc::new(Mutex::new(None)),
        })
    }

    /// Whether the database answers (readiness).
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// A consistent copy of the whole database in a new file (`VACUUM INTO`: one read
    /// transaction, so a server may go on writing meanwhile). The file must not exist yet.
    pub async fn backup(&self, out: &std::path::Path) -> Result<(), StoreError> {
        let path = out.to_string_lossy().into_owned();
        sqlx::query("VACUUM INTO ?")
            .bind(path)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The whole log of one board, in order. Empty for an unknown board.
    pub async fn load(&self, board: BoardId) -> Result<Vec<StoredEvent>, StoreError> {
        self.load_range(board, 1, u64::MAX).await
    }

    /// Events `from..=to` of one board, in order (fewer at the end of the log).
    pub async fn load_range(
        &self,
        board: BoardId,
        from: u64,
        to: u64,
    ) -> Result<Vec<StoredEvent>, StoreError> {
        // Seqs are SQL integers: anything past i64::MAX matches nothing (and must not wrap).
        let max = i64::MAX as u64;
        if from > max {
            return Ok(Vec::new());
        }
        let from = from.max(1);
        let rows = sqlx::query(
            "SELECT seq, command_id, author, recorded_at, event_type, schema_version, payload \
             FROM events \
             WHERE board_id = ? AND seq >= ? AND seq <= ? ORDER BY seq",
        )
        .bind(board.to_string())
        .bind(from as i64)
        .bind(to.min(max) as i64)
        .fetch_all(&self.pool)
        .await?;
        let mut events = Vec::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            let seq: i64 = row.try_get("seq")?;
            let corrupt = |reason: String| StoreError::Corrupt { board, seq, reason };
            if seq != (from + i as u64) as i64 {
                return Err(corrupt(format!("expected seq {}", from + i as u64)));
            }
            let event_type: String = row.try_get("event_type")?;
            let version: i64 = row.try_get("schema_version")?;
            let payload: String = row.try_get("payload")?;
            let payload = serde_json::from_str(&payload).map_err(|e| corrupt(e.to_string()))?;
            // Every read goes through the upcast step: old logs replay forever.
            let event = Event::decode(&event_type, version as u32, payload)
                .map_err(|e| corrupt(e.to_string()))?;
            let command_id = row
                .try_get::<Option<String>, _>("command_id")?
                .map(|c| Uuid::parse_str(&c))
                .transpose()
                .map_err(|e| corrupt(e.to_string()))?;
            events.push(StoredEvent {
                seq: seq as u64,
                command_id,
                author: row.try_get("author")?,
                recorded_at: row.try_get("recorded_at")?,
                event,
            });
        }
        Ok(events)
    }

    /// Opens a board from its latest usable snapshot plus the events after it; `None` when the
    /// board has no events at all.
    pub async fn open_board(&self, board: BoardId) -> Result<Option<OpenedBoard>, StoreError> {
        let snapshot = sqlx::query(
            "SELECT seq, state FROM snapshots WHERE board_id = ? AND format_version = ? \
             ORDER BY seq DESC LIMIT 1",
        )
        .bind(board.to_string())
        .bind(i64::from(SNAPSHOT_FORMAT))
        .fetch_optional(&self.pool)
        .await?;
        let (start, seq) = match snapshot {
            Some(row) => {
                let seq: i64 = row.try_get("seq")?;
                let state: String = row.try_get("state")?;
                match snapshot::decode(&state) {
                    Ok(b) if b.id == board => (b, seq as u64),
                    // A snapshot is only a cache: if it cannot be read, replay everything.
                    _ => {
                        tracing::warn!(%board, seq, "unreadable snapshot ignored");
                        (Board::new(board), 0)
                    }
                }
            }
            None => (Board::new(board), 0),
        };
        let tail = self.load_range(board, seq + 1, u64::MAX).await?;
        if seq == 0 && tail.is_empty() {
            return Ok(None);
        }
        let replayed = tail.len();
        let last = tail.last().map_or(seq, |e| e.seq);
        let board = tail
            .iter()
            .map(|e| &e.event)
            .fold(start, stormwall_core::apply);
        Ok(Some(OpenedBoard {
            board,
            seq: last,
            replayed,
        }))
    }

    /// Stores a board's serialised state as of `seq` and drops all but its latest
    /// `SNAPSHOTS_KEPT` snapshots (a snapshot is a cache, and each is a whole board). Idempotent.
    pub async fn save_snapshot(
        &self,
        board: BoardId,
        seq: u64,
        state: String,
    ) -> Result<(), StoreError> {
        let board_id = board.to_string();
        let mut tx = self.writer.begin().await?;
        sqlx::query(
            "INSERT OR IGNORE INTO snapshots (board_id, seq, format_version, state, created_at) \
             VALUES (?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
        )
        .bind(&board_id)
        .bind(seq as i64)
        .bind(i64::from(SNAPSHOT_FORMAT))
        .bind(state)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "DELETE FROM snapshots WHERE board_id = ? AND seq NOT IN \
             (SELECT seq FROM snapshots WHERE board_id = ? ORDER BY seq DESC LIMIT ?)",
        )
        .bind(&board_id)
        .bind(&board_id)
        .bind(SNAPSHOTS_KEPT as i64)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.snapshots
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    /// Snapshots written since the store was opened.
    pub fn snapshots_written(&self) -> u64 {
        self.snapshots.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Bytes of snapshot state stored for a board (for tests and diagnostics).
    pub async fn snapshot_bytes(&self, board: BoardId) -> Result<u64, StoreError> {
        let row = sqlx::query(
            "SELECT COALESCE(SUM(LENGTH(state)), 0) AS n FROM snapshots WHERE board_id = ?",
        )
        .bind(board.to_string())
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get::<i64, _>("n")? as u64)
    }

    /// How many snapshots a board has (for tests and diagnostics).
    pub async fn snapshot_count(&self, board: BoardId) -> Result<u64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM snapshots WHERE board_id = ?")
            .bind(board.to_string())
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get::<i64, _>("n")? as u64)
    }

    /// Appends the events of one or several commands (group commit), in order after
    /// `last_seq`, in one transaction: one fsync for all of them, all or nothing. The primary
    /// key `(board_id, seq)` refuses a second writer that raced this one.
    pub async fn append_batch(
        &self,
        board: BoardId,
        last_seq: u64,
        commands: &[Appended<'_>],
    ) -> Result<(), StoreError> {
        let board_id = board.to_string();
        let mut rows = Vec::new();
        let mut executed = Vec::new();
        let mut seq = last_seq;
        for command in commands {
            let command_id = command.command_id.map(|c| c.to_string());
            for event in command.events {
                seq += 1;
                rows.push((seq, event, command_id.clone(), command.author));
            }
            if let Some(command_id) = command_id {
                executed.push((command_id, seq));
            }
        }
        let mut tx = self.writer.begin().await?;
        // Multi-row inserts: one statement per few hundred events rather than one each.
        for chunk in rows.chunks(INSERT_CHUNK) {
            let mut insert = QueryBuilder::<Sqlite>::new(
                "INSERT INTO events \
                 (board_id, seq, event_type, schema_version, payload, command_id, author, recorded_at) ",
            );
            insert.push_values(chunk, |mut row, (seq, event, command_id, author)| {
                row.push_bind(&board_id)
                    .push_bind(*seq as i64)
                    .push_bind(event.event_type())
                    .push_bind(i64::from(event.schema_version()))
                    .push_bind(event.payload().to_string())
                    .push_bind(command_id.clone())
                    .push_bind(*author)
                    .push("strftime('%Y-%m-%dT%H:%M:%fZ', 'now')");
            });
            insert.build().execute(&mut *tx).await?;
        }
        for (_, event, _, _) in &rows {
            if let Event::BoardRenamed { title } = event {
                sqlx::query("UPDATE boards SET title = ? WHERE id = ?")
                    .bind(title)
                    .bind(&board_id)
                    .execute(&mut *tx)
                    .await?;
            }
            if let Event::BoardCreated { title } = event {
                sqlx::query(
                    "INSERT INTO boards (id, title, created_at) \
                     VALUES (?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                )
                .bind(&board_id)
                .bind(title)
                .execute(&mut *tx)
                .await?;
            }
        }
        // The primary key refuses a second set of events for the same command id.
        for chunk in executed.chunks(INSERT_CHUNK) {
            let mut insert =
                QueryBuilder::<Sqlite>::new("INSERT INTO commands (board_id, command_id, seq) ");
            insert.push_values(chunk, |mut row, (command_id, seq)| {
                row.push_bind(&board_id)
                    .push_bind(command_id)
                    .push_bind(*seq as i64);
            });
            insert.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        self.commits
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    /// Appending transactions committed since the store was opened.
    pub fn commits(&self) -> u64 {
        self.commits.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The commands a board executed last (at most `RecentCommands::CAPACITY`), with the seq
    /// after each one's events; the rest stay in the table, where `find_commands` looks.
    pub async fn recent_commands(&self, board: BoardId) -> Result<RecentCommands, StoreError> {
        let cap = RecentCommands::CAPACITY;
        let rows = sqlx::query(
            "SELECT command_id, seq FROM commands WHERE board_id = ? ORDER BY seq DESC LIMIT ?",
        )
        .bind(board.to_string())
        .bind(cap as i64 + 1)
        .fetch_all(&self.pool)
        .await?;
        let complete = rows.len() <= cap;
        let mut latest = Vec::with_capacity(rows.len().min(cap));
        for row in rows.iter().take(cap).rev() {
            let id: String = row.try_get("command_id")?;
            if let Ok(id) = Uuid::parse_str(&id) {
                latest.push((id, row.try_get::<i64, _>("seq")? as u64));
            }
        }
        Ok(RecentCommands::from_latest(latest, complete))
    }

    /// Rows in the `commands` table for a board (for the load tool's log check).
    pub async fn command_count(&self, board: BoardId) -> Result<u64, StoreError> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM commands WHERE board_id = ?")
            .bind(board.to_string())
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get::<i64, _>("n")? as u64)
    }

    /// Which of these command ids the board has executed, with the seq after their events.
    pub async fn find_commands(
        &self,
        board: BoardId,
        ids: &[Uuid],
    ) -> Result<std::collections::HashMap<Uuid, u64>, StoreError> {
        let mut found = std::collections::HashMap::new();
        for chunk in ids.chunks(INSERT_CHUNK) {
            let mut query = QueryBuilder::<Sqlite>::new(
                "SELECT command_id, seq FROM commands WHERE board_id = ",
            );
            query
                .push_bind(board.to_string())
                .push(" AND command_id IN (");
            let mut list = query.separated(", ");
            for id in chunk {
                list.push_bind(id.to_string());
            }
            query.push(")");
            for row in query.build().fetch_all(&self.pool).await? {
                let id: String = row.try_get("command_id")?;
                if let Ok(id) = Uuid::parse_str(&id) {
                    found.insert(id, row.try_get::<i64, _>("seq")? as u64);
                }
            }
        }
        Ok(found)
    }

    /// All boards, newest first.
    pub async fn list_boards(&self) -> Result<Vec<BoardSummary>, StoreError> {
        let rows =
            sqlx::query("SELECT id, title, created_at FROM boards ORDER BY created_at DESC, id")
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(summary).collect()
    }

    pub async fn board_summary(&self, id: BoardId) -> Result<Option<BoardSummary>, StoreError> {
        let row = sqlx::query("SELECT id, title, created_at FROM boards WHERE id = ?")
            .bind(id.to_string())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(summary).transpose()
    }

    /// A board's link rows (empty for a board created before links existed, or unknown).
    pub async fn links(&self, board: BoardId) -> Result<Vec<LinkRow>, StoreError> {
        let rows = sqlx::query("SELECT role, key_hash, sealed FROM links WHERE board_id = ?")
            .bind(board.to_string())
            .fetch_all(&self.pool)
            .await?;
        let mut links = Vec::with_capacity(rows.len());
        for row in rows {
            let role: String = row.try_get("role")?;
            let Some(role) = Role::parse(&role) else {
                continue;
            };
            links.push(LinkRow {
                role,
                key_hash: row.try_get("key_hash")?,
                sealed: row.try_get("sealed")?,
            });
        }
        links.sort_by_key(|l| l.role);
        Ok(links)
    }

    /// Replaces a board's link rows (all three at once: each seals the others' keys).
    pub async fn save_links(&self, board: BoardId, rows: &[LinkRow]) -> Result<(), StoreError> {
        let board_id = board.to_string();
        let mut tx = self.writer.begin().await?;
        sqlx::query("DELETE FROM links WHERE board_id = ?")
            .bind(&board_id)
            .execute(&mut *tx)
            .await?;
        for row in rows {
            sqlx::query(
                "INSERT INTO links (board_id, role, key_hash, sealed, created_at)                  VALUES (?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
            )
            .bind(&board_id)
            .bind(row.role.name())
            .bind(&row.key_hash)
            .bind(&row.sealed)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Every participant's dots in a vote.
    pub async fn ballots(
        &self,
        board: BoardId,
        vote: VoteId,
    ) -> Result<HashMap<String, Vec<StickyId>>, StoreError> {
        let rows =
            sqlx::query("SELECT voter, dots FROM ballots WHERE board_id = ? AND vote_id = ?")
                .bind(board.to_string())
                .bind(vote.to_string())
                .fetch_all(&self.pool)
                .await?;
        let mut ballots = HashMap::new();
        for row in rows {
            let dots: String = row.try_get("dots")?;
            let dots = serde_json::from_str(&dots).map_err(|e| StoreError::Corrupt {
                board,
                seq: 0,
                reason: format!("ballot: {e}"),
            })?;
            ballots.insert(row.try_get("voter")?, dots);
        }
        Ok(ballots)
    }

    /// One participant's dots in a vote, replacing what they had.
    pub async fn save_ballot(
        &self,
        board: BoardId,
        vote: VoteId,
        voter: &str,
        dots: &[StickyId],
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO ballots (board_id, vote_id, voter, dots) VALUES (?, ?, ?, ?)              ON CONFLICT (board_id, vote_id, voter) DO UPDATE SET dots = excluded.dots",
        )
        .bind(board.to_string())
        .bind(vote.to_string())
        .bind(voter)
        .bind(serde_json::to_string(dots).expect("ids serialise"))
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// Closes every connection and releases the file lock; later calls on any clone fail.
    pub async fn close(&self) {
        self.writer.close().await;
        self.pool.close().await;
        self.lock.lock().unwrap_or_else(|e| e.into_inner()).take();
    }
}

fn summary(row: &sqlx::sqlite::SqliteRow) -> Result<BoardSummary, StoreError> {
    let id: String = row.try_get("id")?;
    let id = id.parse().map_err(|e: uuid::Error| StoreError::Corrupt {
        board: BoardId(Uuid::nil()),
        seq: 0,
        reason: format!("board id {id:?}: {e}"),
    })?;
    Ok(BoardSummary {
        id,
        title: row.try_get("title")?,
        created_at: row.try_get("created_at")?,
    })
}

/// The file behind an SQLite URL, or `None` for an in-memory database.
fn file_path(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path == ":memory:" || url.contains("mode=memory") {
        None
    } else {
        Some(PathBuf::from(path))
    }
}

/// Takes an exclusive advisory lock (`flock`) on the database file itself, creating it if
/// needed. The lock belongs to the file, not to its name: a second server reaching the same
/// file through a symlink, a hard link or another relative path is refused too. SQLite's own
/// locks are POSIX record locks, which `flock` does not touch, and this descriptor stays open
/// until `close` (closing another descriptor of the file would drop SQLite's locks). The OS
/// releases the lock when the process ends, however it ends, so a killed server never leaves
/// a stale lock behind.
fn lock_file(db: PathBuf) -> Result<File, StoreError> {
    let lock = db.display().to_string();
    let file = File::options()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&db)
        .map_err(|source| StoreError::Lock {
            lock: lock.clone(),
            source,
        })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(e) => {
            // Never closed: closing a descriptor of the file would drop the record locks
            // that SQLite connections of this process (a server under test) hold on it.
            std::mem::forget(file);
            Err(match e {
                std::fs::TryLockError::WouldBlock => StoreError::InUse { path: lock },
                std::fs::TryLockError::Error(source) => StoreError::Lock { lock, source },
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::file_path;
    use std::path::PathBuf;

    #[test]
    fn file_paths_are_read_from_sqlite_urls() {
        assert_eq!(
            file_path("sqlite://stormwall.db"),
            Some(PathBuf::from("stormwall.db"))
        );
        assert_eq!(
            file_path("sqlite:/tmp/x.db?mode=rwc"),
            Some(PathBuf::from("/tmp/x.db"))
        );
        assert_eq!(file_path("sqlite::memory:"), None);
        assert_eq!(file_path("postgres://localhost/x"), None);
    }
}
