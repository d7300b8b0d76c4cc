//! Board id -> actor handle. A board is opened (its snapshot and log tail replayed) on first
//! use, and closed again once nobody has used it for a while.

use crate::access::{Keys, LinkRow};
use crate::actor::{BoardError, BoardHandle, Opening, RecentCommands};
use crate::cluster::{self, Beacon, Peers};
use crate::store::{Appended, EventStore, Notice, StoreError};
use serde::Serialize;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};
use stormwall_core::export::json::BoardFile;
use stormwall_core::protocol::Created;
use stormwall_core::workshop::VoteStatus;
use stormwall_core::{Board, BoardId, Command, Role};
use thiserror::Error;
use tokio::sync::watch;

/// The knobs of the running server that sessions and board actors need.
#[derive(Clone, Debug)]
pub struct Settings {
    /// A snapshot every N events or so (0: never).
    pub snapshot_every: u64,
    /// Events per second a connection's commands may produce on average.
    pub rate_limit: f64,
    /// A board nobody has used for this long is closed.
    pub idle_board: Duration,
    /// WebSocket connections at once, in all and from one address.
    pub max_connections: usize,
    pub max_connections_per_address: usize,
    /// How long one message to a client may take to leave before the client is dropped.
    pub send_timeout: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            snapshot_every: 500,
            rate_limit: stormwall_core::limits::DEFAULT_RATE,
            idle_board: Duration::from_secs(300),
            max_connections: 1000,
            max_connections_per_address: 50,
            send_timeout: Duration::from_secs(10),
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
    /// Board snapshots written since the server started.
    pub snapshots: u64,
    /// Appends that lost a race to another server on the same PostgreSQL database, and were
    /// decided again after catching up.
    pub races_lost: u64,
}

/// Why a WebSocket connection was not accepted.
#[derive(Debug, Error)]
pub enum ConnectionRefused {
    #[error("the server holds its most connections ({0}); try again later")]
    Full(usize),
    #[error("too many connections from your address (at most {0}); close some tabs and try again")]
    TooManyFromAddress(usize),
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

/// One board's place in the registry. Its own lock is held while the board loads, so two
/// sessions opening the same board end up with one actor, never two writers, while opening
/// other boards goes on meanwhile.
type Slot = Arc<tokio::sync::Mutex<Option<Open>>>;

pub(crate) struct Inner {
    store: EventStore,
    settings: Settings,
    /// Held only to find or remove a slot, never across an await.
    boards: std::sync::Mutex<HashMap<BoardId, Slot>>,
    /// Flips to true once when the server stops; sessions watch it and close their sockets.
    stopping: watch::Sender<bool>,
    connections: AtomicUsize,
    /// Open WebSocket connections per address (IPv6: per /64 network).
    per_address: std::sync::Mutex<HashMap<IpAddr, usize>>,
    /// The other servers on the same PostgreSQL database, for presence (none on SQLite).
    peers: Option<Peers>,
}

/// Counts a WebSocket session for as long as it lives.
pub struct Connection {
    inner: Arc<Inner>,
    address: IpAddr,
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.inner.connections.fetch_sub(1, Ordering::Relaxed);
        let mut per = self
            .inner
            .per_address
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(n) = per.get_mut(&self.address) {
            *n -= 1;
            if *n == 0 {
                per.remove(&self.address);
            }
        }
    }
}

/// The unit the per-address cap counts: an IPv4 address, or an IPv6 /64 (one host usually
/// has a whole /64 to pick addresses from).
fn address_key(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => {
            let bits = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(bits.into())
        }
        v4 => v4,
    }
}

impl Registry {
    /// A registry over `store`; from inside a tokio runtime, as it starts the idle sweeper.
    pub fn new(store: EventStore, settings: Settings) -> Self {
        let inner = Arc::new(Inner {
            settings,
            boards: Default::default(),
            stopping: watch::channel(false).0,
            connections: AtomicUsize::new(0),
            per_address: Default::default(),
            peers: store.pg_pool().map(|pool| Peers::start(pool.clone())),
            store,
        });
        tokio::spawn(sweep(Arc::downgrade(&inner)));
        if let Some(pool) = inner.store.pg_pool() {
            tokio::spawn(cluster::listen(pool.clone(), Arc::downgrade(&inner)));
            tokio::spawn(cluster::beat(Arc::downgrade(&inner)));
        }
        Self { inner }
    }

    /// Passes another server's presence notice to the board's actor, if open here.
    pub(crate) fn beacon(&self, beacon: Beacon) {
        let ours = self.inner.peers.as_ref().map(Peers::instance);
        if ours == Some(beacon.from) {
            return;
        }
        if let Some(handle) = self.open_handle(beacon.board) {
            handle.beacon(beacon);
        }
    }

    /// Every open board says who is on its sockets and forgets those of dead servers.
    pub(crate) fn beat_all(&self) {
        for handle in self.open_handles() {
            handle.beat();
        }
    }

    /// Starts the actor of a board just made here (nobody else knows it yet).
    fn spawn_new(&self, board: Board, seq: u64, links: Vec<LinkRow>) -> BoardHandle {
        let opening = Opening {
            executed: RecentCommands::from_latest(Vec::new(), true),
            links,
            ballots: HashMap::new(),
            peers: self.inner.peers.clone(),
        };
        BoardHandle::spawn_with(
            self.inner.store.clone(),
            board,
            seq,
            self.inner.settings.snapshot_every,
            opening,
        )
    }

    /// The registry behind a weak reference, while the server runs.
    pub(crate) fn upgrade(inner: &Weak<Inner>) -> Option<Registry> {
        inner.upgrade().map(|inner| Registry { inner })
    }

    /// Passes another server's notice to the board's actor, if the board is open here (a
    /// board opened later reads its log then).
    pub(crate) fn notice(&self, notice: Notice) {
        let (Notice::Events(id, ..) | Notice::Links(id) | Notice::Ballots(id)) = notice;
        if let Some(handle) = self.open_handle(id) {
            handle.notice(notice);
        }
    }

    /// Every open board reads what it may have missed: notices were lost while the listening
    /// connection was down.
    pub(crate) fn catch_up_all(&self) {
        for handle in self.open_handles() {
            let id = handle.id();
            handle.notice(Notice::Events(id, u64::MAX, None));
            handle.notice(Notice::Links(id));
            handle.notice(Notice::Ballots(id));
        }
    }

    /// The actors of every board open here now (see `open_handle`).
    fn open_handles(&self) -> Vec<BoardHandle> {
        let ids: Vec<BoardId> = self.slots().keys().copied().collect();
        ids.into_iter()
            .filter_map(|id| self.open_handle(id))
            .collect()
    }

    /// The actor of a board open here now, without opening it. A board being opened right
    /// now is skipped: it reads the log's end once opened.
    fn open_handle(&self, id: BoardId) -> Option<BoardHandle> {
        let slot = self.slots().get(&id)?.clone();
        let open = slot.try_lock().ok()?;
        open.as_ref()
            .filter(|o| !o.handle.is_closed())
            .map(|o| o.handle.clone())
    }

    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// Admits a WebSocket connection from `ip`, within the caps.
    pub fn connection(&self, ip: IpAddr) -> Result<Connection, ConnectionRefused> {
        let settings = &self.inner.settings;
        let address = address_key(ip);
        let mut per = self
            .inner
            .per_address
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if self.inner.connections.load(Ordering::Relaxed) >= settings.max_connections {
            return Err(ConnectionRefused::Full(settings.max_connections));
        }
        let from_here = per.entry(address).or_insert(0);
        if *from_here >= settings.max_connections_per_address {
            return Err(ConnectionRefused::TooManyFromAddress(
                settings.max_connections_per_address,
            ));
        }
        *from_here += 1;
        self.inner.connections.fetch_add(1, Ordering::Relaxed);
        Ok(Connection {
            inner: self.inner.clone(),
            address,
        })
    }

    fn slots(&self) -> std::sync::MutexGuard<'_, HashMap<BoardId, Slot>> {
        self.inner.boards.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub async fn stats(&self) -> Stats {
        // A slot locked right now is a board being opened: counted as open.
        let open_boards = self
            .slots()
            .values()
            .filter(|slot| slot.try_lock().map_or(true, |open| open.is_some()))
            .count();
        Stats {
            open_boards,
            connections: self.inner.connections.load(Ordering::Relaxed),
            commits: self.inner.store.commits(),
            snapshots: self.inner.store.snapshots_written(),
            races_lost: crate::actor::races_lost(),
        }
    }

    pub fn store(&self) -> &EventStore {
        &self.inner.store
    }

    /// Whether the server has begun to stop.
    pub fn is_stopping(&self) -> bool {
        *self.inner.stopping.borrow()
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
        let slots: Vec<Slot> = self.slots().drain().map(|(_, slot)| slot).collect();
        let mut finished = Vec::new();
        for slot in slots {
            if let Some(open) = slot.lock().await.take() {
                finished.push(open.handle.finished());
            }
        }
        let all = futures::future::join_all(finished);
        if tokio::time::timeout(Duration::from_secs(5), all)
            .await
            .is_err()
        {
            tracing::warn!("some boards did not finish within 5 s of stopping");
        }
    }

    /// The actor of an existing board, or `None` when no such board was ever created. Only
    /// this board's slot is locked while its log loads: one slow board never holds up others.
    pub async fn open(&self, id: BoardId) -> Result<Option<BoardHandle>, StoreError> {
        loop {
            let slot = self.slots().entry(id).or_default().clone();
            let mut open = slot.lock().await;
            // The sweeper may have removed this slot while we waited for it: take the new one.
            let current = self.slots().get(&id).is_some_and(|s| Arc::ptr_eq(s, &slot));
            if !current {
                continue;
            }
            if let Some(o) = open.as_mut() {
                if !o.handle.is_closed() {
                    o.used = Instant::now();
                    return Ok(Some(o.handle.clone()));
                }
            }
            let Some(opened) = self.inner.store.open_board(id).await? else {
                drop(open);
                self.forget_if_empty(id, &slot);
                return Ok(None);
            };
            tracing::debug!(board = %id, seq = opened.seq, replayed = opened.replayed, "board opened");
            let store = &self.inner.store;
            let vote = opened.board.workshop.vote.as_ref();
            let ballots = match vote.filter(|v| v.status == VoteStatus::Open) {
                Some(v) => store.ballots(id, v.id).await?,
                None => Default::default(),
            };
            let opening = Opening {
                executed: store.recent_commands(id).await?,
                links: store.links(id).await?,
                ballots,
                peers: self.inner.peers.clone(),
            };
            let handle = BoardHandle::spawn_with(
                store.clone(),
                opened.board,
                opened.seq,
                self.inner.settings.snapshot_every,
                opening,
            );
            // Another server may have stored events since the log was read, and its notice
            // found no actor here to tell.
            if self.inner.store.is_postgres() {
                handle.notice(Notice::Events(id, u64::MAX, None));
            }
            *open = Some(Open::new(handle.clone()));
            return Ok(Some(handle));
        }
    }

    /// Removes a slot that holds no board (an unknown id was asked for).
    fn forget_if_empty(&self, id: BoardId, slot: &Slot) {
        let mut slots = self.slots();
        let empty = slot.try_lock().is_ok_and(|open| open.is_none());
        if empty && slots.get(&id).is_some_and(|s| Arc::ptr_eq(s, slot)) {
            slots.remove(&id);
        }
    }

    fn insert(&self, id: BoardId, handle: BoardHandle) {
        let slot: Slot = Arc::new(tokio::sync::Mutex::new(Some(Open::new(handle))));
        self.slots().insert(id, slot);
    }

    /// Creates a new board from an exported board file. The whole file is checked and turned
    /// into events on a blocking thread (a big board takes a while), so a file the core
    /// refuses creates nothing. The new board's first events are stored before its actor
    /// starts: nobody else can know its id yet.
    pub async fn import(&self, file: BoardFile) -> Result<Created, BoardError> {
        let id = BoardId(uuid::Uuid::new_v4());
        let built = tokio::task::spawn_blocking(move || {
            let (create, fill) = stormwall_core::export::json::import_commands(id, &file);
            let mut board = Board::new(id);
            let mut steps = Vec::new();
            for command in [create, fill] {
                let events = stormwall_core::execute(&board, command)?;
                for e in &events {
                    board.apply_mut(e);
                }
                steps.push(events);
            }
            Ok::<_, stormwall_core::Error>((board, steps))
        })
        .await
        .map_err(|_| BoardError::Closed)?;
        let (board, steps) = built?;
        let appended: Vec<Appended> = steps
            .iter()
            .map(|events| Appended {
                command_id: None,
                author: None,
                events,
            })
            .collect();
        self.inner
            .store
            .append_batch(id, 0, &appended)
            .await
            .map_err(|e| BoardError::Storage(Arc::new(e)))?;
        let seq = steps.iter().map(|e| e.len() as u64).sum();
        let (keys, rows) = self.new_links(id).await?;
        let handle = self.spawn_new(board, seq, rows);
        self.insert(id, handle);
        Ok(Created {
            id,
            links: keys.links(),
        })
    }

    /// Fresh links for a board nobody can reach yet, stored before its first event.
    /// The rows are made once: each sealing draws a fresh nonce, so rows made twice differ,
    /// and the actor must hold exactly what is stored.
    async fn new_links(&self, id: BoardId) -> Result<(Keys, Vec<LinkRow>), BoardError> {
        let keys = Keys::fresh();
        let rows = keys.rows();
        self.inner
            .store
            .save_links(id, &rows)
            .await
            .map_err(|e| BoardError::Storage(Arc::new(e)))?;
        Ok((keys, rows))
    }

    /// Creates a new board with a fresh id; returns its three links.
    pub async fn create(&self, title: String) -> Result<Created, BoardError> {
        let id = BoardId(uuid::Uuid::new_v4());
        let (keys, rows) = self.new_links(id).await?;
        let handle = self.spawn_new(Board::new(id), 0, rows);
        handle
            .execute(
                None,
                None,
                Role::Facilitator,
                Command::CreateBoard { title },
            )
            .await?;
        self.insert(id, handle);
        Ok(Created {
            id,
            links: keys.links(),
        })
    }

    /// The actor of a board `key` opens, and what the key gives there; `Denied` for a wrong
    /// or revoked key and for an unknown board alike (the id alone reveals nothing).
    pub async fn access(
        &self,
        id: BoardId,
        key: &str,
    ) -> Result<(BoardHandle, crate::access::Granted), BoardError> {
        let handle = match self.open(id).await {
            Ok(Some(handle)) => handle,
            Ok(None) => return Err(BoardError::Denied),
            Err(e) => return Err(BoardError::Storage(Arc::new(e))),
        };
        match handle.authorize(key.to_owned()).await? {
            Some(granted) => Ok((handle, granted)),
            None => Err(BoardError::Denied),
        }
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
/// hold a handle while they use a board, and a board being opened holds its slot's lock, so a
/// board in use is never closed.
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
        let mut slots = inner.boards.lock().unwrap_or_else(|e| e.into_inner());
        slots.retain(|id, slot| {
            // Locked: the board is being opened right now.
            let Ok(mut open) = slot.try_lock() else {
                return true;
            };
            let Some(o) = open.as_mut() else {
                return false;
            };
            if o.handle.is_closed() {
                return false;
            }
            if o.handle.users() > 1 {
                o.used = now;
                return true;
            }
            let keep = now.duration_since(o.used) < idle;
            if !keep {
                tracing::debug!(board = %id, "closing idle board");
                *open = None;
            }
            keep
        });
    }
}
