//! The event store: an append-only log per board, written only by board actors, in SQLite (a
//! file, the default) or PostgreSQL. Every query is written once, with `$n` placeholders
//! both databases read, and runs on either through `on_db!`.

use crate::access::LinkRow;
use crate::actor::RecentCommands;
use sqlx::migrate::MigrateDatabase;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{QueryBuilder, Row};
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
    #[error("`backup` copies a SQLite database; back up PostgreSQL with pg_dump")]
    NotSqlite,
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

impl StoreError {
    /// Whether an append lost a race: another server stored events at the same seqs, or the
    /// same command id, first. The writer then catches up and decides again.
    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Database(sqlx::Error::Database(e)) if e.is_unique_violation())
    }
}

const NOTIFY: &str = "SELECT pg_notify('stormwall', $1)";

/// What one server tells the others on `PG_CHANNEL` after changing a board: "e <board> <seq>
/// [events]" (events up to seq stored; the events themselves, as JSON, when they fit in a
/// notice, so the others need not read them back), "l <board>" (its links changed), "b
/// <board>" (a ballot changed).
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    /// The events come as JSON (`[StoredEvent]`), read only by a board that lacks them: a
    /// server hears its own notices too.
    Events(BoardId, u64, Option<String>),
    Links(BoardId),
    Ballots(BoardId),
}

/// The most bytes of a notice: PostgreSQL refuses 8,000 or more.
pub const MAX_NOTICE: usize = 7_900;

impl Notice {
    pub fn payload(&self) -> String {
        match self {
            Notice::Events(b, seq, None) => format!("e {b} {seq}"),
            Notice::Events(b, seq, Some(json)) => events_notice(*b, *seq, json),
            Notice::Links(b) => format!("l {b}"),
            Notice::Ballots(b) => format!("b {b}"),
        }
    }

    /// `None` for anything else (a notice from a newer server, say): ignored.
    pub fn parse(payload: &str) -> Option<Notice> {
        let mut parts = payload.splitn(4, ' ');
        let kind = parts.next()?;
        let board = BoardId(parts.next()?.parse().ok()?);
        let notice = match kind {
            "e" => {
                let seq = parts.next()?.parse().ok()?;
                Notice::Events(board, seq, parts.next().map(str::to_owned))
            }
            "l" => Notice::Links(board),
            "b" => Notice::Ballots(board),
            _ => return None,
        };
        parts.next().is_none().then_some(notice)
    }
}

/// An events notice, with the events when they fit.
fn events_notice(board: BoardId, seq: u64, json: &str) -> String {
    let bare = format!("e {board} {seq}");
    if bare.len() + 1 + json.len() <= MAX_NOTICE {
        format!("{bare} {json}")
    } else {
        bare
    }
}

/// The notice of a group commit stored after `last_seq`, with its events when they fit.
fn carried_notice(board: BoardId, last_seq: u64, commands: &[Appended<'_>], now: &str) -> String {
    let mut seq = last_seq;
    let mut carried = Vec::new();
    for command in commands {
        for event in command.events {
            seq += 1;
            carried.push(Carried {
                seq,
                command_id: command.command_id,
                author: command.author,
                recorded_at: now,
                event,
            });
        }
    }
    // Big batches are read back from the table instead (their JSON is not even made).
    if carried.len() > 64 {
        return format!("e {board} {seq}");
    }
    let json = serde_json::to_string(&carried).expect("events serialise");
    events_notice(board, seq, &json)
}

/// A stored event as a notice carries it: `StoredEvent`'s fields, borrowed.
#[derive(serde::Serialize)]
struct Carried<'a> {
    seq: u64,
    command_id: Option<Uuid>,
    author: Option<&'a str>,
    recorded_at: &'a str,
    event: &'a Event,
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

/// The database behind the store.
#[derive(Clone)]
enum Db {
    Sqlite {
        pool: SqlitePool,
        /// One connection for every write: writers queue here in order instead of in
        /// SQLite's busy handler, which sleeps and retries (long tails when many boards write
        /// at once).
        writer: SqlitePool,
    },
    Postgres {
        pool: PgPool,
    },
}

/// Runs the same code on whichever database the store has: `$pool` reads, `$writer` writes
/// (on PostgreSQL both are its one pool). The body is compiled once per database, so each
/// runs on its own driver.
macro_rules! on_db {
    ($db:expr, |$pool:ident, $writer:ident| $body:expr) => {
        match $db {
            Db::Sqlite {
                pool: $pool,
                writer: $writer,
            } => $body,
            Db::Postgres { pool: $pool } => {
                let $writer = $pool;
                $body
            }
        }
    };
}

/// What keeps a second server off a SQLite file: a lock on it, released when dropped. On
/// PostgreSQL several servers share the database; its keys are the guard (see `append_batch`).
enum Guard {
    // Held for its lock, never read.
    #[allow(dead_code)]
    File(File),
}

/// The channel on which PostgreSQL servers ring each other after a commit (payload: see
/// `Notice`). Only a doorbell: the events table is the truth.
pub const PG_CHANNEL: &str = "stormwall";

#[derive(Clone)]
pub struct EventStore {
    db: Db,
    /// Transactions that appended events, for `GET /api/stats` (group commit shows here).
    commits: Arc<std::sync::atomic::AtomicU64>,
    /// Snapshots written, for `GET /api/stats`.
    snapshots: Arc<std::sync::atomic::AtomicU64>,
    /// The lock on the database: held until `close`, or until the last clone drops.
    lock: Arc<Mutex<Option<Guard>>>,
}

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres:") || url.starts_with("postgresql:")
}

fn pg_options(url: &str) -> Result<PgConnectOptions, StoreError> {
    PgConnectOptions::from_str(url).map_err(|source| StoreError::BadUrl {
        url: redacted(url),
        source,
    })
}

/// A URL fit for a message or a log: without its password.
pub fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

impl EventStore {
    /// Opens (creating and migrating if needed) the database at `url`. A second server on the
    /// same file is refused: two processes with their own board actors would both believe they
    /// are a board's only writer.
    pub async fn open(url: &str) -> Result<Self, StoreError> {
        Self::open_with(url, Synchronous::Full).await
    }

    /// As `open`, with SQLite's `synchronous` level chosen (see `Synchronous`; PostgreSQL
    /// commits with its own `synchronous_commit`, on by default).
    pub async fn open_with(url: &str, synchronous: Synchronous) -> Result<Self, StoreError> {
        if is_postgres(url) {
            return Self::open_postgres(url, Access::Server).await;
        }
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
            Some(path) => Some(Guard::File(lock_file(path)?)),
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
        Ok(Self::with(Db::Sqlite { pool, writer }, lock))
    }

    fn with(db: Db, lock: Option<Guard>) -> Self {
        Self {
            db,
            commits: Default::default(),
            snapshots: Default::default(),
            lock: Arc::new(Mutex::new(lock)),
        }
    }

    /// PostgreSQL: the database is created if missing and migrated (but for reading). Several
    /// servers may run on it at once (see `append_batch`).
    async fn open_postgres(url: &str, access: Access) -> Result<Self, StoreError> {
        let mut options = pg_options(url)?;
        if access == Access::ReadOnly {
            options = options.options([("default_transaction_read_only", "on")]);
        } else if !sqlx::Postgres::database_exists(url).await? {
            // Another process may create it at the same moment; either way it exists now.
            if let Err(e) = sqlx::Postgres::create_database(url).await {
                if !sqlx::Postgres::database_exists(url).await? {
                    return Err(e.into());
                }
            }
        }
        let pool = PgPoolOptions::new()
            .max_connections(if access == Access::Server { 8 } else { 1 })
            .connect_with(options)
            .await?;
        if access != Access::ReadOnly {
            sqlx::migrate!("../migrations/postgres").run(&pool).await?;
        }
        Ok(Self::with(Db::Postgres { pool }, None))
    }

    /// Opens the database for an operator's command (`stormwall links`) while a server may be
    /// running on it: read-write, migrated, but without the lock. Only link rows are written
    /// this way; events are written by the server's board actors alone.
    pub async fn open_admin(url: &str) -> Result<Self, StoreError> {
        if is_postgres(url) {
            return Self::open_postgres(url, Access::Admin).await;
        }
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
        Ok(Self::with(
            Db::Sqlite {
                writer: pool.clone(),
                pool,
            },
            None,
        ))
    }

    /// Opens an existing database for reading only: no lock, no migration, so exports work
    /// while a server is running on the same database (SQLite's WAL lets readers in).
    pub async fn open_read_only(url: &str) -> Result<Self, StoreError> {
        if is_postgres(url) {
            return Self::open_postgres(url, Access::ReadOnly).await;
        }
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
        Ok(Self::with(
            Db::Sqlite {
                writer: pool.clone(),
                pool,
            },
            None,
        ))
    }

    /// The PostgreSQL pool, for the connection that listens to other servers' notices.
    pub fn pg_pool(&self) -> Option<&PgPool> {
        match &self.db {
            Db::Postgres { pool } => Some(pool),
            Db::Sqlite { .. } => None,
        }
    }

    /// Whether this store is on PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        matches!(self.db, Db::Postgres { .. })
    }

    /// Whether the database answers (readiness).
    pub async fn ping(&self) -> Result<(), StoreError> {
        on_db!(&self.db, |pool, _w| {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }

    /// A consistent copy of a SQLite database in a new file (`VACUUM INTO`: one read
    /// transaction, so a server may go on writing meanwhile). The file must not exist yet.
    pub async fn backup(&self, out: &std::path::Path) -> Result<(), StoreError> {
        let Db::Sqlite { pool, .. } = &self.db else {
            return Err(StoreError::NotSqlite);
        };
        let path = out.to_string_lossy().into_owned();
        sqlx::query("VACUUM INTO $1")
            .bind(path)
            .execute(pool)
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
        let from = from.max(1);
        let rows = self.rows(board, from, to).await?;
        decode_all(rows, board, from)
    }

    /// The rows of events `from..=to` (`from` at least 1), as read.
    async fn rows(&self, board: BoardId, from: u64, to: u64) -> Result<Vec<Logged>, StoreError> {
        // Seqs are SQL integers: anything past i64::MAX matches nothing (and must not wrap).
        let max = i64::MAX as u64;
        if from > max {
            return Ok(Vec::new());
        }
        let sql = "SELECT seq, command_id, author, recorded_at, event_type, schema_version, \
                   payload FROM events \
                   WHERE board_id = $1 AND seq >= $2 AND seq <= $3 ORDER BY seq";
        on_db!(&self.db, |pool, _w| {
            let rows = sqlx::query(sql)
                .bind(board.to_string())
                .bind(from as i64)
                .bind(to.min(max) as i64)
                .fetch_all(pool)
                .await?;
            let mut logged = Vec::with_capacity(rows.len());
            for row in &rows {
                logged.push(Logged {
                    seq: row.try_get("seq")?,
                    command_id: row.try_get("command_id")?,
                    author: row.try_get("author")?,
                    recorded_at: row.try_get("recorded_at")?,
                    event_type: row.try_get("event_type")?,
                    schema_version: row.try_get("schema_version")?,
                    payload: row.try_get("payload")?,
                });
            }
            Ok(logged)
        })
    }

    /// Opens a board from its latest usable snapshot plus the events after it; `None` when the
    /// board has no events at all.
    pub async fn open_board(&self, board: BoardId) -> Result<Option<OpenedBoard>, StoreError> {
        let sql = "SELECT seq, state FROM snapshots WHERE board_id = $1 AND format_version = $2 \
                   ORDER BY seq DESC LIMIT 1";
        let snapshot: Option<(i64, String)> = on_db!(&self.db, |pool, _w| {
            sqlx::query_as(sql)
                .bind(board.to_string())
                .bind(i64::from(SNAPSHOT_FORMAT))
                .fetch_optional(pool)
                .await?
        });
        let (start, seq) = match snapshot {
            Some((seq, state)) => match snapshot::decode(&state) {
                Ok(b) if b.id == board => (b, seq as u64),
                // A snapshot is only a cache: if it cannot be read, replay everything.
                _ => {
                    tracing::warn!(%board, seq, "unreadable snapshot ignored");
                    (Board::new(board), 0)
                }
            },
            None => (Board::new(board), 0),
        };
        let rows = self.rows(board, seq + 1, u64::MAX).await?;
        if seq == 0 && rows.is_empty() {
            return Ok(None);
        }
        // Decoding and replaying a long tail is CPU work (tens of ms for thousands of
        // events): off the async workers, so that other boards and sockets go on meanwhile.
        let replay = move || {
            let tail = decode_all(rows, board, seq + 1)?;
            let replayed = tail.len();
            let last = tail.last().map_or(seq, |e| e.seq);
            let board = tail
                .iter()
                .map(|e| &e.event)
                .fold(start, stormwall_core::apply);
            Ok(OpenedBoard {
                board,
                seq: last,
                replayed,
            })
        };
        match tokio::task::spawn_blocking(replay).await {
            Ok(opened) => opened.map(Some),
            Err(e) => std::panic::resume_unwind(e.into_panic()),
        }
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
        let insert = "INSERT INTO snapshots (board_id, seq, format_version, state, created_at) \
                      VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING";
        let prune = "DELETE FROM snapshots WHERE board_id = $1 AND seq NOT IN \
                     (SELECT seq FROM snapshots WHERE board_id = $2 ORDER BY seq DESC LIMIT $3)";
        on_db!(&self.db, |_p, writer| {
            let mut tx = writer.begin().await?;
            sqlx::query(insert)
                .bind(&board_id)
                .bind(seq as i64)
                .bind(i64::from(SNAPSHOT_FORMAT))
                .bind(state)
                .bind(now_text())
                .execute(&mut *tx)
                .await?;
            sqlx::query(prune)
                .bind(&board_id)
                .bind(&board_id)
                .bind(SNAPSHOTS_KEPT as i64)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        });
        self.snapshots
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Ok(())
    }

    /// Snapshots written since the store was opened.
    pub fn snapshots_written(&self) -> u64 {
        self.snapshots.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A count or sum over one board's rows (for tests and diagnostics).
    async fn board_number(&self, sql: &'static str, board: BoardId) -> Result<u64, StoreError> {
        let n: i64 = on_db!(&self.db, |pool, _w| {
            sqlx::query_scalar(sql)
                .bind(board.to_string())
                .fetch_one(pool)
                .await?
        });
        Ok(n as u64)
    }

    /// Bytes of snapshot state stored for a board (for tests and diagnostics).
    pub async fn snapshot_bytes(&self, board: BoardId) -> Result<u64, StoreError> {
        let sql = "SELECT CAST(COALESCE(SUM(LENGTH(state)), 0) AS BIGINT) FROM snapshots \
                   WHERE board_id = $1";
        self.board_number(sql, board).await
    }

    /// How many snapshots a board has (for tests and diagnostics).
    pub async fn snapshot_count(&self, board: BoardId) -> Result<u64, StoreError> {
        let sql = "SELECT COUNT(*) FROM snapshots WHERE board_id = $1";
        self.board_number(sql, board).await
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
        let now = now_text();
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
        let rename = "UPDATE boards SET title = $1 WHERE id = $2";
        let create = "INSERT INTO boards (id, title, created_at) VALUES ($1, $2, $3)";
        on_db!(&self.db, |_p, writer| {
            let mut tx = writer.begin().await?;
            // Multi-row inserts: one statement per few hundred events rather than one each.
            for chunk in rows.chunks(INSERT_CHUNK) {
                let mut insert = QueryBuilder::new(
                    "INSERT INTO events (board_id, seq, event_type, schema_version, payload, \
                     command_id, author, recorded_at) ",
                );
                insert.push_values(chunk, |mut row, (seq, event, command_id, author)| {
                    row.push_bind(&board_id)
                        .push_bind(*seq as i64)
                        .push_bind(event.event_type())
                        .push_bind(i64::from(event.schema_version()))
                        .push_bind(event.payload().to_string())
                        .push_bind(command_id.clone())
                        .push_bind(*author)
                        .push_bind(&now);
                });
                insert.build().execute(&mut *tx).await?;
            }
            for (_, event, _, _) in &rows {
                if let Event::BoardRenamed { title } = event {
                    sqlx::query(rename)
                        .bind(title)
                        .bind(&board_id)
                        .execute(&mut *tx)
                        .await?;
                }
                if let Event::BoardCreated { title } = event {
                    sqlx::query(create)
                        .bind(&board_id)
                        .bind(title)
                        .bind(&now)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            // The primary key refuses a second set of events for the same command id.
            for chunk in executed.chunks(INSERT_CHUNK) {
                let mut insert =
                    QueryBuilder::new("INSERT INTO commands (board_id, command_id, seq) ");
                insert.push_values(chunk, |mut row, (command_id, seq)| {
                    row.push_bind(&board_id)
                        .push_bind(command_id)
                        .push_bind(*seq as i64);
                });
                insert.build().execute(&mut *tx).await?;
            }
            if self.is_postgres() {
                // Delivered with the commit, never before it, and never for a rollback.
                sqlx::query(NOTIFY)
                    .bind(carried_notice(board, last_seq, commands, &now))
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
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
        let sql = "SELECT command_id, seq FROM commands WHERE board_id = $1 \
                   ORDER BY seq DESC LIMIT $2";
        let rows: Vec<(String, i64)> = on_db!(&self.db, |pool, _w| {
            sqlx::query_as(sql)
                .bind(board.to_string())
                .bind(cap as i64 + 1)
                .fetch_all(pool)
                .await?
        });
        let complete = rows.len() <= cap;
        let mut latest = Vec::with_capacity(rows.len().min(cap));
        for (id, seq) in rows.iter().take(cap).rev() {
            if let Ok(id) = Uuid::parse_str(id) {
                latest.push((id, *seq as u64));
            }
        }
        Ok(RecentCommands::from_latest(latest, complete))
    }

    /// Rows in the `commands` table for a board (for the load tool's log check).
    pub async fn command_count(&self, board: BoardId) -> Result<u64, StoreError> {
        let sql = "SELECT COUNT(*) FROM commands WHERE board_id = $1";
        self.board_number(sql, board).await
    }

    /// Which of these command ids the board has executed, with the seq after their events.
    pub async fn find_commands(
        &self,
        board: BoardId,
        ids: &[Uuid],
    ) -> Result<std::collections::HashMap<Uuid, u64>, StoreError> {
        let mut found = std::collections::HashMap::new();
        for chunk in ids.chunks(INSERT_CHUNK) {
            let rows: Vec<(String, i64)> = on_db!(&self.db, |pool, _w| {
                let mut query =
                    QueryBuilder::new("SELECT command_id, seq FROM commands WHERE board_id = ");
                query
                    .push_bind(board.to_string())
                    .push(" AND command_id IN (");
                let mut list = query.separated(", ");
                for id in chunk {
                    list.push_bind(id.to_string());
                }
                query.push(")");
                query.build_query_as().fetch_all(pool).await?
            });
            for (id, seq) in rows {
                if let Ok(id) = Uuid::parse_str(&id) {
                    found.insert(id, seq as u64);
                }
            }
        }
        Ok(found)
    }

    /// All boards, newest first.
    pub async fn list_boards(&self) -> Result<Vec<BoardSummary>, StoreError> {
        let sql = "SELECT id, title, created_at FROM boards ORDER BY created_at DESC, id";
        let rows: Vec<(String, String, String)> = on_db!(&self.db, |pool, _w| {
            sqlx::query_as(sql).fetch_all(pool).await?
        });
        rows.into_iter().map(summary).collect()
    }

    pub async fn board_summary(&self, id: BoardId) -> Result<Option<BoardSummary>, StoreError> {
        let sql = "SELECT id, title, created_at FROM boards WHERE id = $1";
        let row: Option<(String, String, String)> = on_db!(&self.db, |pool, _w| {
            sqlx::query_as(sql)
                .bind(id.to_string())
                .fetch_optional(pool)
                .await?
        });
        row.map(summary).transpose()
    }

    /// A board's link rows (empty for a board created before links existed, or unknown).
    pub async fn links(&self, board: BoardId) -> Result<Vec<LinkRow>, StoreError> {
        let sql = "SELECT role, key_hash, sealed FROM links WHERE board_id = $1";
        let rows: Vec<(String, String, String)> = on_db!(&self.db, |pool, _w| {
            sqlx::query_as(sql)
                .bind(board.to_string())
                .fetch_all(pool)
                .await?
        });
        let mut links: Vec<LinkRow> = rows
            .into_iter()
            .filter_map(|(role, key_hash, sealed)| {
                Some(LinkRow {
                    role: Role::parse(&role)?,
                    key_hash,
                    sealed,
                })
            })
            .collect();
        links.sort_by_key(|l| l.role);
        Ok(links)
    }

    /// Replaces a board's link rows (all three at once: each seals the others' keys).
    pub async fn save_links(&self, board: BoardId, rows: &[LinkRow]) -> Result<(), StoreError> {
        let board_id = board.to_string();
        let now = now_text();
        let delete = "DELETE FROM links WHERE board_id = $1";
        let insert = "INSERT INTO links (board_id, role, key_hash, sealed, created_at) \
                      VALUES ($1, $2, $3, $4, $5)";
        on_db!(&self.db, |_p, writer| {
            let mut tx = writer.begin().await?;
            sqlx::query(delete)
                .bind(&board_id)
                .execute(&mut *tx)
                .await?;
            for row in rows {
                sqlx::query(insert)
                    .bind(&board_id)
                    .bind(row.role.name())
                    .bind(&row.key_hash)
                    .bind(&row.sealed)
                    .bind(&now)
                    .execute(&mut *tx)
                    .await?;
            }
            if self.is_postgres() {
                let notice = Notice::Links(board).payload();
                sqlx::query(NOTIFY).bind(notice).execute(&mut *tx).await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Every participant's dots in a vote.
    pub async fn ballots(
        &self,
        board: BoardId,
        vote: VoteId,
    ) -> Result<HashMap<String, Vec<StickyId>>, StoreError> {
        let sql = "SELECT voter, dots FROM ballots WHERE board_id = $1 AND vote_id = $2";
        let rows: Vec<(String, String)> = on_db!(&self.db, |pool, _w| {
            sqlx::query_as(sql)
                .bind(board.to_string())
                .bind(vote.to_string())
                .fetch_all(pool)
                .await?
        });
        let mut ballots = HashMap::new();
        for (voter, dots) in rows {
            let dots = serde_json::from_str(&dots).map_err(|e| StoreError::Corrupt {
                board,
                seq: 0,
                reason: format!("ballot: {e}"),
            })?;
            ballots.insert(voter, dots);
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
        let sql = "INSERT INTO ballots (board_id, vote_id, voter, dots) VALUES ($1, $2, $3, $4) \
                   ON CONFLICT (board_id, vote_id, voter) DO UPDATE SET dots = excluded.dots";
        let dots = serde_json::to_string(dots).expect("ids serialise");
        on_db!(&self.db, |_p, writer| {
            sqlx::query(sql)
                .bind(board.to_string())
                .bind(vote.to_string())
                .bind(voter)
                .bind(dots)
                .execute(writer)
                .await?;
            if self.is_postgres() {
                let notice = Notice::Ballots(board).payload();
                sqlx::query(NOTIFY).bind(notice).execute(writer).await?;
            }
        });
        Ok(())
    }

    /// Closes every connection and releases the lock; later calls on any clone fail.
    pub async fn close(&self) {
        on_db!(&self.db, |pool, writer| {
            writer.close().await;
            pool.close().await;
        });
        drop(self.lock.lock().unwrap_or_else(|e| e.into_inner()).take());
    }
}

/// Who opens the store: a server (migrated; a SQLite file locked), an operator's command
/// beside a server (migrated, not locked), or a reader (neither).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Access {
    Server,
    Admin,
    ReadOnly,
}

/// An `events` row as read, before its checks.
struct Logged {
    seq: i64,
    command_id: Option<String>,
    author: Option<String>,
    recorded_at: String,
    event_type: String,
    schema_version: i64,
    payload: String,
}

/// Rows read from `from` on, checked and decoded.
fn decode_all(
    rows: Vec<Logged>,
    board: BoardId,
    from: u64,
) -> Result<Vec<StoredEvent>, StoreError> {
    rows.into_iter()
        .enumerate()
        .map(|(i, row)| row.decode(board, from + i as u64))
        .collect()
}

impl Logged {
    /// The stored event, through the upcast step (old logs replay forever); `expected` is the
    /// seq it must have for the log to have no gap.
    fn decode(self, board: BoardId, expected: u64) -> Result<StoredEvent, StoreError> {
        let seq = self.seq;
        let corrupt = |reason: String| StoreError::Corrupt { board, seq, reason };
        if seq != expected as i64 {
            return Err(corrupt(format!("expected seq {expected}")));
        }
        let payload = serde_json::from_str(&self.payload).map_err(|e| corrupt(e.to_string()))?;
        let event = Event::decode(&self.event_type, self.schema_version as u32, payload)
            .map_err(|e| corrupt(e.to_string()))?;
        let command_id = self
            .command_id
            .map(|c| Uuid::parse_str(&c))
            .transpose()
            .map_err(|e| corrupt(e.to_string()))?;
        Ok(StoredEvent {
            seq: seq as u64,
            command_id,
            author: self.author,
            recorded_at: self.recorded_at,
            event,
        })
    }
}

/// The current time as stored in the tables: UTC, ISO 8601 with milliseconds
/// (`2026-11-28T11:46:54.123Z`), the same text on both databases.
fn now_text() -> String {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    utc_text(since.as_millis() as i64)
}

fn utc_text(ms: i64) -> String {
    let (days, ms_of_day) = (ms.div_euclid(86_400_000), ms.rem_euclid(86_400_000));
    // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    let (h, m) = (ms_of_day / 3_600_000, ms_of_day / 60_000 % 60);
    let (sec, milli) = (ms_of_day / 1_000 % 60, ms_of_day % 1_000);
    format!("{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{sec:02}.{milli:03}Z")
}

fn summary((id, title, created_at): (String, String, String)) -> Result<BoardSummary, StoreError> {
    let id = id.parse().map_err(|e: uuid::Error| StoreError::Corrupt {
        board: BoardId(Uuid::nil()),
        seq: 0,
        reason: format!("board id {id:?}: {e}"),
    })?;
    Ok(BoardSummary {
        id,
        title,
        created_at,
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
    #[test]
    fn notices_read_back_as_written_and_anything_else_is_ignored() {
        let board = BoardId(Uuid::new_v4());
        let event = StoredEvent {
            seq: 42,
            command_id: Some(Uuid::new_v4()),
            author: Some("Ann".into()),
            recorded_at: "2026-11-28T12:00:00.000Z".into(),
            event: stormwall_core::Event::BoardRenamed {
                title: "Τίτλος 'quoted' \"twice\"".into(),
            },
        };
        let json = serde_json::to_string(&[&event]).unwrap();
        for notice in [
            Notice::Events(board, 42, None),
            Notice::Events(board, 42, Some(json)),
            Notice::Links(board),
            Notice::Ballots(board),
        ] {
            assert_eq!(Notice::parse(&notice.payload()), Some(notice));
        }
        // Too big for one notice: the seq alone, and the events are read from the table.
        let many = serde_json::to_string(&vec![event; 100]).unwrap();
        let payload = Notice::Events(board, 42, Some(many)).payload();
        assert!(payload.len() < MAX_NOTICE);
        assert_eq!(
            Notice::parse(&payload),
            Some(Notice::Events(board, 42, None))
        );
        for junk in [
            "",
            "e",
            "x 1",
            &format!("e {board}"),
            &format!("l {board} 3"),
        ] {
            assert_eq!(Notice::parse(junk), None, "{junk:?}");
        }
    }

    use super::{file_path, redacted, utc_text, Notice, StoredEvent, MAX_NOTICE};
    use std::path::PathBuf;
    use stormwall_core::BoardId;
    use uuid::Uuid;

    #[test]
    fn times_are_written_as_utc_iso_8601_with_milliseconds() {
        assert_eq!(utc_text(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(utc_text(951_782_400_000), "2000-02-29T00:00:00.000Z");
        assert_eq!(utc_text(1_795_866_414_123), "2026-11-28T11:46:54.123Z");
        assert_eq!(utc_text(4_102_444_799_999), "2099-12-31T23:59:59.999Z");
        assert_eq!(utc_text(4_107_542_399_999), "2100-02-28T23:59:59.999Z");
    }

    #[test]
    fn passwords_stay_out_of_messages() {
        assert_eq!(
            redacted("postgres://app:secret@db.example/stormwall"),
            "postgres://app:***@db.example/stormwall"
        );
        assert_eq!(redacted("sqlite://x.db"), "sqlite://x.db");
    }

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
