//! `stormwall-load`: puts N WebSocket clients on M boards of a real Stormwall server (which it
//! starts itself, on a fresh database) and measures what users feel: the time from a command
//! being sent to its event reaching every other client on the board. With `--crash-cycles` it
//! also kills the server with SIGKILL during the load, restarts it, lets the clients reconnect
//! and resend what was not acknowledged, and then checks the log: every acknowledged command
//! exactly once, sequence numbers contiguous. `--memory` measures the server's resident memory
//! per idle client and per open board instead; `--stuck N` the memory held by N sockets that
//! never read, on a board of about 6 MB, and whether the send deadline lets go of it.

use clap::Parser;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use stormwall::store::EventStore;
use stormwall_core::protocol::ServerMsg;
use stormwall_core::sync::{self, Effect, Engine, Status};
use stormwall_core::ErrorCode;
use stormwall_core::{BoardId, Command, Position, Role, StickyId};
use stormwall_testkit::client::board_url;
use stormwall_testkit::{commands, http, Client, ServerProcess};
use uuid::Uuid;

/// Load, latency and crash-safety figures for a Stormwall server.
#[derive(Parser, Debug, Clone)]
#[command(name = "stormwall-load")]
struct Args {
    /// The server binary to start (build it with `cargo leptos build --release`).
    #[arg(long, default_value = "target/release/stormwall")]
    server_bin: PathBuf,
    /// WebSocket clients, spread round-robin over the boards.
    #[arg(long, default_value_t = 50)]
    clients: usize,
    /// Boards.
    #[arg(long, default_value_t = 1)]
    boards: usize,
    /// Commands per second, all clients together. 0: as fast as the server acknowledges, each
    /// client keeping `--pipeline` commands in flight (throughput).
    #[arg(long, default_value_t = 200.0)]
    rate: f64,
    /// Commands in flight per client when `--rate 0`.
    #[arg(long, default_value_t = 16)]
    pipeline: usize,
    /// Seconds of load measured (after one second of warm-up).
    #[arg(long, default_value_t = 10.0)]
    duration: f64,
    /// The database to run the server on; by default a new SQLite file in a temporary folder.
    /// For PostgreSQL name a database that does not exist yet (the server creates it), e.g.
    /// `postgres://postgres@localhost/load1?host=/tmp/pg`.
    #[arg(long)]
    database: Option<String>,
    /// The server's `--synchronous` level: full or normal (SQLite only).
    #[arg(long, default_value = "full")]
    synchronous: String,
    /// The server's per-connection rate limit. High by default: this tool measures the server,
    /// not the limiter that protects it from one abusive client.
    #[arg(long, default_value_t = 100_000.0)]
    rate_limit: f64,
    /// Kill the server with SIGKILL this many times during the load, restarting it each time.
    /// With several instances, each kill takes the next instance in turn.
    #[arg(long, default_value_t = 0)]
    crash_cycles: u32,
    /// Server processes on the one database (PostgreSQL only for more than 1). Clients are
    /// spread over them round-robin; a client whose instance dies goes to the next one.
    #[arg(long, default_value_t = 1)]
    instances: usize,
    /// Seconds between kills.
    #[arg(long, default_value_t = 2.0)]
    crash_every: f64,
    /// Measure memory per idle client and per open board instead of load.
    #[arg(long)]
    memory: bool,
    /// Measure the memory held by this many sockets that never read, on a ~6 MB board.
    #[arg(long, default_value_t = 0)]
    stuck: usize,
}

/// The server process under test.
struct Server {
    process: ServerProcess,
    addr: String,
}

impl Server {
    async fn start(args: &Args, db: &str, addr: &str) -> Result<Self, String> {
        let argv: Vec<String> = [
            "--database",
            db,
            "--addr",
            addr,
            "--synchronous",
            &args.synchronous,
            "--rate-limit",
            &args.rate_limit.to_string(),
            "--idle-board-secs",
            "100000",
            // Every simulated client comes from 127.0.0.1.
            "--max-connections",
            "1000000",
            "--max-connections-per-address",
            "1000000",
        ]
        .map(String::from)
        .to_vec();
        // A just-killed server's port may be briefly busy.
        let mut last = String::new();
        for attempt in 0..50 {
            match ServerProcess::spawn(&args.server_bin, &argv).await {
                Ok(process) => {
                    let addr = process.addr.clone();
                    return Ok(Self { process, addr });
                }
                Err(e) if e.starts_with("no server binary") => return Err(e),
                Err(e) => last = e,
            }
            tokio::time::sleep(Duration::from_millis(100 * attempt.min(5) + 50)).await;
        }
        Err(format!("the server did not start on {addr}: {last}"))
    }

    async fn kill(&mut self) {
        self.process.kill().await; // SIGKILL
    }

    fn cpu(&self) -> Option<Duration> {
        self.process.cpu()
    }

    fn rss_kib(&self) -> u64 {
        self.process.rss_kib()
    }

    async fn stats(&self) -> serde_json::Value {
        http::stats(&self.addr).await
    }

    /// A new board; its edit key is kept for this tool's clients.
    async fn create_board(&self, title: &str) -> Result<BoardId, String> {
        Ok(http::create_board(&self.addr, title).await?.id)
    }

    async fn import_board(&self, file: String) -> Result<BoardId, String> {
        Ok(http::import_board(&self.addr, file).await?.id)
    }
}

/// The edit key of a board this tool created (the kit keeps every board's links): its clients
/// open the boards with it.
fn key(board: BoardId) -> String {
    stormwall_testkit::key(board, Role::Edit)
}

/// What every client reports into, shared.
#[derive(Default)]
struct Shared {
    /// command id -> (sent at, sender, board index)
    sent: HashMap<Uuid, (Instant, usize, usize)>,
    /// send -> receipt by another client, every receipt (ms).
    receipts: Vec<f64>,
    /// command id -> (receipts by other clients so far, slowest so far)
    spread: HashMap<Uuid, (usize, f64)>,
    /// send -> receipt by the slowest other client on the board, per command (ms).
    slowest: Vec<f64>,
    /// send -> ack to the sender (ms).
    acks: Vec<f64>,
    acked: HashSet<Uuid>,
    errors: HashMap<ErrorCode, u64>,
    reconnects: u64,
    /// Fresh welcomes to clients that fell too far behind (events skipped, not received).
    rewelcomes: u64,
    /// From a client's connection dropping to its next ack, on whichever instance (ms).
    outages: Vec<f64>,
}

struct Run {
    args: Args,
    shared: Mutex<Shared>,
    /// Receipts are counted only for commands sent inside the measured window.
    measuring: AtomicBool,
    /// No new commands once set; clients then wait for their outstanding answers.
    stopping: AtomicBool,
    /// Events received by clients (their own included) while measuring: the deliveries the
    /// server's CPU time is divided by.
    deliveries: AtomicU64,
    clients_per_board: Vec<usize>,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[i]
}

fn summary(name: &str, values: &mut [f64]) {
    values.sort_by(|a, b| a.total_cmp(b));
    println!(
        "{name:<40} n={:<8} p50={:>8.2} p90={:>8.2} p99={:>8.2} p99.9={:>8.2} max={:>8.2} ms",
        values.len(),
        percentile(values, 50.0),
        percentile(values, 90.0),
        percentile(values, 99.0),
        percentile(values, 99.9),
        values.last().copied().unwrap_or(f64::NAN),
    );
}

/// One client: connects (again and again, if the server dies), adds its sticky, then moves it
/// at its share of the rate. Its commands go through the core's sync engine, as a browser's
/// do: applied at once, sent under the window, resent under the same ids after a reconnect.
async fn client(
    run: Arc<Run>,
    me: usize,
    board_index: usize,
    board: BoardId,
    addrs: Arc<[Arc<str>]>,
) {
    let args = &run.args;
    let sticky = StickyId(Uuid::new_v4());
    let started = Instant::now();
    let now = move || started.elapsed().as_secs_f64() * 1000.0;
    // The tool keeps its own rate (or pipeline): the engine's pace must not slow it down.
    let mut engine = Engine::new(Role::Edit, now())
        .with_pace(1e9, 1e9, now())
        .with_window(if args.rate > 0.0 {
            sync::WINDOW
        } else {
            args.pipeline.max(1)
        });
    let mut added = false;
    let mut moves: i32 = 0;
    let period = if args.rate > 0.0 {
        Duration::from_secs_f64(args.clients as f64 / args.rate)
    } else {
        Duration::from_millis(1)
    };
    // Spread the clients' ticks over the period rather than all at once.
    let offset = period.mul_f64(me as f64 / args.clients as f64);
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + offset, period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut backoff = Duration::from_millis(50);
    // Instances in turn, from this client's own; a connection lost moves on to the next.
    let mut instance = me % addrs.len();
    let mut first = true;
    // When the last connection dropped, until the next ack (an outage as the user sees it).
    let mut lost_at: Option<Instant> = None;
    'connection: loop {
        engine.disconnected();
        if !first {
            lost_at.get_or_insert_with(Instant::now);
            instance = (instance + 1) % addrs.len();
        }
        first = false;
        if run.stopping.load(Ordering::Relaxed) && engine.unsaved() == 0 && added {
            return;
        }
        let url = format!("{}?name=load{me}", board_url(&addrs[instance], board));
        let mut ws = match Client::connect(&url).await {
            Ok(ws) => ws,
            Err(_) => {
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(1));
                continue;
            }
        };
        backoff = Duration::from_millis(50);
        // The welcome first: the engine then sends what is still unanswered, same ids.
        let welcome = match ws.hello(&key(board)).await {
            Ok(()) => ws.welcome().await,
            Err(e) => Err(e),
        };
        let Ok(welcome) = welcome else {
            run.shared.lock().unwrap().reconnects += 1;
            continue 'connection;
        };
        let mut pump_at: Option<tokio::time::Instant> = None;
        let effects = engine.receive(welcome, now());
        if carry_out(&run, &mut ws, effects, &mut pump_at)
            .await
            .is_err()
        {
            continue 'connection;
        }
        if !added && engine.unsaved() == 0 {
            let command = Command::AddSticky {
                id: sticky,
                kind: stormwall_core::StickyKind::DomainEvent,
                text: format!("Load {me}"),
                pos: Position::new(me as i32 * 10, 0),
                size: None,
            };
            if local(
                &run,
                &mut ws,
                &mut engine,
                &mut pump_at,
                me,
                board_index,
                command,
                now(),
            )
            .await
            .is_err()
            {
                continue 'connection;
            }
        }
        loop {
            let stopping = run.stopping.load(Ordering::Relaxed);
            if stopping && engine.unsaved() == 0 {
                ws.close().await;
                return;
            }
            let may_send =
                added && !stopping && (args.rate > 0.0 || engine.unsaved() < args.pipeline.max(1));
            let pump_due = pump_at.unwrap_or_else(tokio::time::Instant::now);
            tokio::select! {
                // At a rate, on the client's tick; unbounded, whenever the window has room.
                _ = async {
                    if args.rate > 0.0 {
                        tick.tick().await;
                    }
                }, if may_send => {
                    moves += 1;
                    let pos = Position::new(me as i32 * 10, moves % 900_000 + 1);
                    let command = commands::move_sticky(sticky, pos);
                    if local(&run, &mut ws, &mut engine, &mut pump_at, me, board_index, command, now())
                        .await
                        .is_err()
                    {
                        continue 'connection;
                    }
                }
                _ = tokio::time::sleep_until(pump_due), if pump_at.is_some() => {
                    pump_at = None;
                    let effects = engine.pump(now());
                    if carry_out(&run, &mut ws, effects, &mut pump_at).await.is_err() {
                        continue 'connection;
                    }
                }
                msg = ws.next() => {
                    let msg = match msg {
                        Ok(msg) => msg,
                        Err(stormwall_testkit::Error::Unreadable(_)) => continue,
                        Err(_) => {
                            run.shared.lock().unwrap().reconnects += 1;
                            continue 'connection;
                        }
                    };
                    let at = Instant::now();
                    match &msg {
                        ServerMsg::Event { command_id, .. } => {
                            if run.measuring.load(Ordering::Relaxed) {
                                run.deliveries.fetch_add(1, Ordering::Relaxed);
                            }
                            if let Some(c) = command_id {
                                received(&run, *c, me, at);
                            }
                        }
                        ServerMsg::Ack { command_id, .. } => {
                            added = true;
                            let mut shared = run.shared.lock().unwrap();
                            if let Some(lost) = lost_at.take() {
                                shared.outages.push(at.duration_since(lost).as_secs_f64() * 1000.0);
                            }
                            shared.acked.insert(*command_id);
                            if let Some((sent, _, _)) = shared.sent.get(command_id).copied() {
                                if run.measuring.load(Ordering::Relaxed) {
                                    shared.acks.push(at.duration_since(sent).as_secs_f64() * 1000.0);
                                }
                            }
                        }
                        // A receiver that fell too far behind gets the board afresh instead
                        // of the events it missed: those never count as receipts.
                        ServerMsg::Welcome { .. } => {
                            run.shared.lock().unwrap().rewelcomes += 1;
                        }
                        ServerMsg::Error { code, .. } => {
                            *run.shared.lock().unwrap().errors.entry(*code).or_default() += 1;
                        }
                        _ => {}
                    }
                    let effects = engine.receive(msg, now());
                    if carry_out(&run, &mut ws, effects, &mut pump_at).await.is_err() {
                        continue 'connection;
                    }
                    if engine.status() == Status::Stopped {
                        return;
                    }
                }
            }
        }
    }
}

/// A command of this client's through the engine (timed from here when measuring).
#[allow(clippy::too_many_arguments)]
async fn local(
    run: &Run,
    ws: &mut Client,
    engine: &mut Engine,
    pump_at: &mut Option<tokio::time::Instant>,
    me: usize,
    board_index: usize,
    command: Command,
    now: f64,
) -> Result<(), ()> {
    let command_id = Uuid::new_v4();
    let Ok(effects) = engine.local(command_id, command, now) else {
        return Ok(()); // refused on the board as the client sees it: nothing to send
    };
    if run.measuring.load(Ordering::Relaxed) {
        run.shared
            .lock()
            .unwrap()
            .sent
            .insert(command_id, (Instant::now(), me, board_index));
    }
    carry_out(run, ws, effects, pump_at).await
}

/// Does what the engine asked: sends, and remembers when to pump again; `Err` when the
/// connection must be made again.
async fn carry_out(
    run: &Run,
    ws: &mut Client,
    effects: Vec<Effect>,
    pump_at: &mut Option<tokio::time::Instant>,
) -> Result<(), ()> {
    for effect in effects {
        match effect {
            Effect::Send(msg) if ws.send(&msg).await.is_err() => {
                run.shared.lock().unwrap().reconnects += 1;
                return Err(());
            }
            Effect::PumpIn(ms) => {
                let at = tokio::time::Instant::now() + Duration::from_secs_f64(ms / 1000.0);
                *pump_at = Some(pump_at.map_or(at, |p| p.min(at)));
            }
            Effect::Reconnect => {
                run.shared.lock().unwrap().reconnects += 1;
                return Err(());
            }
            _ => {}
        }
    }
    Ok(())
}

/// An event reached client `me`: a receipt, when someone else on the board sent it.
fn received(run: &Run, command_id: Uuid, me: usize, now: Instant) {
    let mut shared = run.shared.lock().unwrap();
    let Some((at, sender, board)) = shared.sent.get(&command_id).copied() else {
        return;
    };
    if sender == me {
        return;
    }
    let ms = now.duration_since(at).as_secs_f64() * 1000.0;
    shared.receipts.push(ms);
    let others = run.clients_per_board[board] - 1;
    let entry = shared.spread.entry(command_id).or_insert((0, 0.0));
    entry.0 += 1;
    entry.1 = entry.1.max(ms);
    let (count, slowest) = *entry;
    if count == others {
        shared.spread.remove(&command_id);
        shared.slowest.push(slowest);
    }
}

/// A temporary folder, and the database: `--database`, or a SQLite file in that folder.
fn temp_db(args: &Args) -> (PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("stormwall-load-{}", Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let url = match &args.database {
        Some(url) => url.clone(),
        None => format!("sqlite://{}", dir.join("load.db").display()),
    };
    (dir, url)
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let result = if args.memory {
        memory(args).await
    } else if args.stuck > 0 {
        stuck(args).await
    } else {
        load(args).await
    };
    if let Err(e) = result {
        eprintln!("stormwall-load: {e}");
        std::process::exit(1);
    }
}

async fn load(args: Args) -> Result<(), String> {
    let (dir, db) = temp_db(&args);
    if args.instances > 1 && !db.starts_with("postgres") {
        return Err(
            "several --instances share a PostgreSQL database: give --database postgres://…".into(),
        );
    }
    let mut servers = Vec::new();
    for _ in 0..args.instances.max(1) {
        servers.push(Server::start(&args, &db, "127.0.0.1:0").await?);
    }
    let addrs: Arc<[Arc<str>]> = servers.iter().map(|s| Arc::from(s.addr.as_str())).collect();
    let mut boards = Vec::new();
    for i in 0..args.boards.max(1) {
        boards.push(servers[0].create_board(&format!("Load {i}")).await?);
    }
    let mut clients_per_board = vec![0; boards.len()];
    for c in 0..args.clients {
        clients_per_board[c % boards.len()] += 1;
    }
    let run = Arc::new(Run {
        args: args.clone(),
        shared: Mutex::new(Shared::default()),
        measuring: AtomicBool::new(false),
        stopping: AtomicBool::new(false),
        deliveries: AtomicU64::new(0),
        clients_per_board,
    });
    let mut tasks = Vec::new();
    for c in 0..args.clients {
        let b = c % boards.len();
        tasks.push(tokio::spawn(client(
            run.clone(),
            c,
            b,
            boards[b],
            addrs.clone(),
        )));
    }
    // Warm-up: connections made, stickies added.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (commits_before, races_before) = totals(&servers).await;
    let acked_before = run.shared.lock().unwrap().acked.len();
    let cpu_before = cpu(&servers);
    run.measuring.store(true, Ordering::Relaxed);
    let started = Instant::now();
    let duration = Duration::from_secs_f64(args.duration);
    let mut kills = 0;
    while started.elapsed() < duration {
        let next = if args.crash_cycles > kills {
            Duration::from_secs_f64(args.crash_every)
        } else {
            duration.saturating_sub(started.elapsed())
        };
        tokio::time::sleep(next.min(duration.saturating_sub(started.elapsed()))).await;
        if args.crash_cycles > kills && started.elapsed() < duration {
            let victim = kills as usize % servers.len();
            servers[victim].kill().await;
            kills += 1;
            println!("killed instance {victim} (SIGKILL), cycle {kills}; restarting it");
            let addr = addrs[victim].to_string();
            servers[victim] = Server::start(&args, &db, &addr).await?;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    run.measuring.store(false, Ordering::Relaxed);
    let cpu_after = cpu(&servers);
    let (commits_after, races_after) = totals(&servers).await;
    let acked_in_window = run.shared.lock().unwrap().acked.len() - acked_before;
    run.stopping.store(true, Ordering::Relaxed);
    let drained =
        tokio::time::timeout(Duration::from_secs(60), futures::future::join_all(tasks)).await;
    if drained.is_err() {
        println!("warning: some clients still had unanswered commands after 60 s");
    }

    let mut shared = std::mem::take(&mut *run.shared.lock().unwrap());
    println!(
        "{} clients on {} boards{}, rate {} cmd/s{}, synchronous={}, {:.1} s measured{}",
        args.clients,
        boards.len(),
        if servers.len() > 1 {
            format!(" over {} instances", servers.len())
        } else {
            String::new()
        },
        if args.rate > 0.0 {
            args.rate.to_string()
        } else {
            "unbounded".into()
        },
        if args.rate > 0.0 {
            String::new()
        } else {
            format!(" (pipeline {})", args.pipeline)
        },
        args.synchronous,
        elapsed,
        if kills > 0 {
            format!(", {kills} SIGKILLs")
        } else {
            String::new()
        }
    );
    summary("send -> receipt, every other client", &mut shared.receipts);
    summary("send -> receipt, slowest other client", &mut shared.slowest);
    summary("send -> ack (durable), sender", &mut shared.acks);
    let per_second = acked_in_window as f64 / elapsed;
    println!("throughput: {per_second:.0} acknowledged commands/s = durable events/s");
    if kills == 0 {
        let commits = commits_after.saturating_sub(commits_before).max(1);
        println!(
            "group commit: {commits} transactions, {:.1} commands each on average",
            acked_in_window as f64 / commits as f64
        );
        if servers.len() > 1 {
            let races = races_after.saturating_sub(races_before);
            println!(
                "conflict retries: {races} appends lost a race to another instance and were decided again ({:.1} % of {commits} commits)",
                races as f64 * 100.0 / commits as f64
            );
        }
    }
    if !shared.outages.is_empty() {
        summary("outage: connection lost -> next ack", &mut shared.outages);
    }
    println!(
        "errors: {:?}; reconnects: {}; fresh welcomes to clients that fell behind: {}",
        shared.errors, shared.reconnects, shared.rewelcomes
    );
    println!(
        "commands received by every other client on their board: {} of {}",
        shared.slowest.len(),
        shared.sent.len()
    );
    let deliveries = run.deliveries.load(Ordering::Relaxed);
    match (cpu_before, cpu_after) {
        (Some(before), Some(after)) if kills == 0 && deliveries > 0 => {
            let cpu = after.saturating_sub(before);
            println!(
                "server CPU: {:.2} s in {elapsed:.1} s ({:.0} % of one core), {deliveries} events delivered, {:.2} CPU-µs per delivery",
                cpu.as_secs_f64(),
                cpu.as_secs_f64() / elapsed * 100.0,
                cpu.as_secs_f64() * 1e6 / deliveries as f64
            );
        }
        _ => println!("server CPU: not measured"),
    }

    for server in &mut servers {
        server.kill().await;
    }
    let mut ok = true;
    if kills > 0 {
        ok = check_log(&db, &boards, &shared.acked).await?;
    }
    let _ = std::fs::remove_dir_all(dir);
    if ok {
        Ok(())
    } else {
        Err("acknowledged commands were lost or duplicated".into())
    }
}

/// Commits and lost races over every instance, from their `/api/stats`.
async fn totals(servers: &[Server]) -> (u64, u64) {
    let (mut commits, mut races) = (0, 0);
    for server in servers {
        let stats = server.stats().await;
        commits += stats["commits"].as_u64().unwrap_or(0);
        races += stats["races_lost"].as_u64().unwrap_or(0);
    }
    (commits, races)
}

/// The CPU time of every instance together.
fn cpu(servers: &[Server]) -> Option<Duration> {
    servers.iter().map(Server::cpu).sum()
}

/// After crashes: every acknowledged command is in the log exactly once, and each board's
/// sequence numbers run 1..=n.
async fn check_log(db: &str, boards: &[BoardId], acked: &HashSet<Uuid>) -> Result<bool, String> {
    let store = EventStore::open_read_only(db)
        .await
        .map_err(|e| e.to_string())?;
    let mut stored: HashMap<Uuid, u32> = HashMap::new();
    let mut gaps = 0;
    let mut commands_rows = 0;
    for board in boards {
        let log = store.load(*board).await.map_err(|e| e.to_string())?;
        for (i, e) in log.iter().enumerate() {
            if e.seq != i as u64 + 1 {
                gaps += 1;
            }
            if let Some(c) = e.command_id {
                *stored.entry(c).or_default() += 1;
            }
        }
        commands_rows += store
            .command_count(*board)
            .await
            .map_err(|e| e.to_string())?;
    }
    let lost = acked.iter().filter(|c| !stored.contains_key(c)).count();
    let duplicated = stored.values().filter(|n| **n > 1).count();
    println!(
        "log check: {} acknowledged commands, {} stored commands ({} rows in `commands`), lost {lost}, duplicated {duplicated}, seq gaps {gaps}",
        acked.len(),
        stored.len(),
        commands_rows
    );
    store.close().await;
    Ok(lost == 0 && duplicated == 0 && gaps == 0)
}

/// A socket on a board whose welcome has been read, so its session is fully set up.
async fn joined(addr: &str, board: BoardId) -> Result<Client, String> {
    let (ws, _) = Client::join(&board_url(addr, board), &key(board))
        .await
        .map_err(|e| e.to_string())?;
    Ok(ws)
}

/// Resident memory while `--stuck` sockets that never read (a tiny receive window, never
/// polled) sit on a board of 5,000 stickies of ~1,000 characters: the peak, and what is left
/// once the server's send deadline (10 s by default) has dropped them.
async fn stuck(args: Args) -> Result<(), String> {
    let (dir, db) = temp_db(&args);
    let server = Server::start(&args, &db, "127.0.0.1:0").await?;
    let board =
        stormwall_core::sample::wall("Stuck", 5_000, |i| format!("{i} {}", "w".repeat(990)));
    let board = server
        .import_board(stormwall_core::export::json::to_string(&board))
        .await?;
    // One reader first, so the board and its shared welcome are counted as the base.
    let first = joined(&server.addr, board).await?;
    drop(first);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    // First as many clients that read their welcome and then stay, idle.
    let base = server.rss_kib();
    let mut readers = Vec::with_capacity(args.stuck);
    for _ in 0..args.stuck {
        readers.push(joined(&server.addr, board).await?);
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let with_readers = server.rss_kib();
    println!(
        "{} clients that read their welcome and stay: {base} KiB -> {with_readers} KiB, {:.0} KiB per client",
        args.stuck,
        with_readers.saturating_sub(base) as f64 / args.stuck as f64
    );
    drop(readers);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let before = server.rss_kib();
    let mut sockets = Vec::with_capacity(args.stuck);
    for _ in 0..args.stuck {
        let tcp = tokio::net::TcpSocket::new_v4().map_err(|e| e.to_string())?;
        tcp.set_recv_buffer_size(4096).map_err(|e| e.to_string())?;
        let addr = server.addr.parse().map_err(|e| format!("{e}"))?;
        let stream = tcp.connect(addr).await.map_err(|e| e.to_string())?;
        let url = board_url(&server.addr, board);
        let mut ws = Client::connect_on(&url, stream)
            .await
            .map_err(|e| e.to_string())?;
        ws.hello(&key(board)).await.map_err(|e| e.to_string())?;
        sockets.push(ws);
    }
    let start = Instant::now();
    let mut peak = before;
    let mut released = None;
    while start.elapsed() < Duration::from_secs(20) {
        tokio::time::sleep(Duration::from_millis(250)).await;
        peak = peak.max(server.rss_kib());
        if released.is_none() && server.stats().await["connections"] == 0 {
            released = Some(start.elapsed());
        }
    }
    let after = server.rss_kib();
    println!(
        "{} sockets that never read on a board of 5,000 stickies: {before} KiB before, peak {peak} KiB (+{:.1} MiB, {:.0} KiB per socket), {after} KiB after 20 s; {}",
        args.stuck,
        peak.saturating_sub(before) as f64 / 1024.0,
        peak.saturating_sub(before) as f64 / args.stuck as f64,
        match released {
            Some(t) => format!("all dropped by the server after {:.1} s", t.as_secs_f64()),
            None => "still connected after 20 s".to_owned(),
        }
    );
    drop(sockets);
    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}

/// Resident memory of the server: per idle connected client, and per open board.
async fn memory(args: Args) -> Result<(), String> {
    let (dir, db) = temp_db(&args);
    let server = Server::start(&args, &db, "127.0.0.1:0").await?;
    let settle = || tokio::time::sleep(Duration::from_millis(1500));
    let board = server.create_board("Memory").await?;
    // One connection first, so that lazily built state is not counted per client.
    let _first = joined(&server.addr, board).await?;
    settle().await;
    let m = args.boards.max(1);
    let before = server.rss_kib();
    for i in 0..m {
        let id = server.create_board(&format!("Board {i}")).await?;
        let mut ws = joined(&server.addr, id).await?;
        for s in 0..20 {
            let text = format!("Something Happened {s}");
            let (_, command) = commands::add_sticky_at(&text, Position::new(s * 150, 300));
            ws.command(command).await.map_err(|e| e.to_string())?;
        }
        let mut acks = 0;
        while acks < 20 {
            match ws.next().await {
                Ok(ServerMsg::Ack { .. }) => acks += 1,
                Ok(_) | Err(stormwall_testkit::Error::Unreadable(_)) => {}
                Err(_) => return Err("a board connection closed early".into()),
            }
        }
        ws.close().await;
    }
    settle().await;
    let with_boards = server.rss_kib();
    let stats = server.stats().await;
    println!(
        "{m} open boards of 20 stickies (nobody connected; open_boards={}): {} KiB -> {} KiB, {:.1} KiB per open board",
        stats["open_boards"],
        before,
        with_boards,
        (with_boards.saturating_sub(before)) as f64 / m as f64
    );
    // Clients after boards: memory a client frees is kept by the allocator for reuse.
    let base = server.rss_kib();
    let n = args.clients;
    let mut idle = Vec::with_capacity(n);
    for _ in 0..n {
        idle.push(joined(&server.addr, board).await?);
    }
    settle().await;
    let with_clients = server.rss_kib();
    println!(
        "{n} idle clients: {} KiB -> {} KiB, {:.1} KiB per idle client",
        base,
        with_clients,
        (with_clients.saturating_sub(base)) as f64 / n as f64
    );
    drop(idle);

    let _ = std::fs::remove_dir_all(dir);
    Ok(())
}
