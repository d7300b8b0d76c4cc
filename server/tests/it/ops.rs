//! What an operator relies on: health and readiness for a load balancer, a backup of a
//! running server, and a stop on SIGTERM that closes every socket cleanly.

use crate::common::TestDb;
use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;
use stormwall::store::EventStore;
use stormwall_core::protocol::ServerMsg;
use stormwall_testkit::commands::add_sticky;
use stormwall_testkit::http::new_board;
use stormwall_testkit::process::POSTGRES_ENV;
use stormwall_testkit::{Client, ServerProcess, TempDb};
use uuid::Uuid;

#[tokio::test]
async fn the_server_runs_on_the_database_the_suite_was_given() {
    let db = TestDb::new();
    let server = db.start().await;
    let given = std::env::var(POSTGRES_ENV).is_ok_and(|url| !url.is_empty());
    assert_eq!(server.registry().store().is_postgres(), given);
    assert_eq!(db.url().starts_with("postgres://"), given);
    server.stop().await;
}

/// `GET path` with this `Host`: status and body.
async fn get_as(addr: SocketAddr, path: &str, host: &str) -> (u16, String) {
    let response = reqwest::Client::new()
        .get(format!("http://{addr}{path}"))
        .header(reqwest::header::HOST, host)
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn health_and_readiness_answer_a_load_balancer_and_follow_the_database() {
    let db = TestDb::new();
    let server = db.start().await;
    let addr = server.addr;
    // A balancer asks by an internal name the public URL does not list.
    assert_eq!(
        get_as(addr, "/healthz", "lb.internal").await,
        (200, "ok\n".into())
    );
    assert_eq!(
        get_as(addr, "/readyz", "lb.internal").await,
        (200, "ready\n".into())
    );
    // Everything else still refuses a host the server does not serve.
    assert_eq!(get_as(addr, "/api/stats", "lb.internal").await.0, 421);
    // Only reading is exempt.
    let posted = reqwest::Client::new()
        .post(format!("http://{addr}/healthz"))
        .header(reqwest::header::HOST, "lb.internal")
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status().as_u16(), 421);

    // The database gone: not ready, though alive.
    server.registry().store().close().await;
    let (status, body) = get_as(addr, "/readyz", "lb.internal").await;
    assert_eq!((status, body.as_str()), (503, "database unavailable\n"));
    assert_eq!(get_as(addr, "/healthz", "lb.internal").await.0, 200);
    server.stop().await;
}

#[tokio::test]
async fn readiness_turns_off_as_soon_as_the_server_begins_to_stop() {
    let db = TestDb::new();
    let server = db.start().await;
    server.registry().stop().await;
    let (status, body) = get_as(server.addr, "/readyz", "127.0.0.1").await;
    assert_eq!((status, body.as_str()), (503, "stopping\n"));
    server.stop().await;
}

/// `stormwall --database URL backup --out FILE`.
async fn backup(database: &str, out: &Path) -> std::process::Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_stormwall"))
        .args(["--database", database, "backup", "--out"])
        .arg(out)
        .output()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_backup_taken_under_load_holds_every_command_acknowledged_before_it_and_restores() {
    let db = TestDb::new();
    if db.is_postgres() {
        // `backup` is SQLite's; on PostgreSQL it points to pg_dump.
        let out = backup(&db.url(), &db.dir.path().join("x.db")).await;
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"));
        return;
    }
    // The load here is one client flat out, far above the limit that protects a workshop.
    let server = db.start_with(|c| c.rate_limit = 100_000.0).await;
    let board = new_board(server.addr, "Backed up").await;
    let (mut client, _) = Client::join_board(server.addr, board).await;
    let out = db.dir.path().join("backup.db");

    // Commands keep coming, 16 in flight, before, during and after the backup.
    let mut in_flight = 0;
    let mut acked: Vec<Uuid> = Vec::new();
    let mut before_backup: Option<HashSet<Uuid>> = None;
    let mut running = None;
    let mut after = 0;
    let mut sent = 0;
    loop {
        let stop_sending =
            matches!(&running, Some(h) if tokio::task::JoinHandle::is_finished(h)) && after >= 50;
        while in_flight < 16 && !stop_sending {
            client
                .command(add_sticky(&format!("Note {sent}")))
                .await
                .unwrap();
            sent += 1;
            in_flight += 1;
        }
        if stop_sending && in_flight == 0 {
            break;
        }
        match client.next_within(Duration::from_secs(10)).await.unwrap() {
            ServerMsg::Ack { command_id, .. } => {
                acked.push(command_id);
                in_flight -= 1;
                if running.is_some() {
                    after += 1;
                }
            }
            error @ ServerMsg::Error { .. } => panic!("refused: {error:?}"),
            _ => {}
        }
        if acked.len() == 200 && running.is_none() {
            before_backup = Some(acked.iter().copied().collect());
            let (database, out) = (db.url(), out.clone());
            running = Some(tokio::spawn(async move { backup(&database, &out).await }));
        }
    }
    let done = running.unwrap().await.unwrap();
    assert!(
        done.status.success(),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    assert!(String::from_utf8_lossy(&done.stdout).starts_with("wrote "));
    server.stop().await;

    // The copy has every command acknowledged before it began, once each, seqs contiguous.
    let copy = EventStore::open_read_only(&format!("sqlite://{}", out.display()))
        .await
        .unwrap();
    let events = copy.load(board).await.unwrap();
    let seqs: Vec<u64> = events.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=events.len() as u64).collect::<Vec<_>>());
    let ids: Vec<Uuid> = events.iter().filter_map(|e| e.command_id).collect();
    let unique: HashSet<Uuid> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "no command twice");
    let missing = before_backup.unwrap().difference(&unique).count();
    assert_eq!(
        missing, 0,
        "every command acknowledged before the backup is in it"
    );
    assert!(
        ids.len() < acked.len(),
        "the load went on after the copy was taken"
    );
    copy.close().await;

    // Restored: a server on the copy serves the board as of the copy, with its links.
    let restored = TempDb::new();
    std::fs::copy(&out, restored.path()).unwrap();
    let restored = TestDb::from(restored);
    let server = restored.start().await;
    let (_, welcome) = Client::join_board(server.addr, board).await;
    let ServerMsg::Welcome { seq, .. } = welcome else {
        panic!("no welcome")
    };
    assert_eq!(seq, events.len() as u64);
    server.stop().await;

    // A backup never overwrites.
    let again = backup(&db.url(), &out).await;
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}

#[tokio::test]
async fn sigterm_closes_every_socket_as_going_away_and_keeps_what_was_acknowledged() {
    let db = TempDb::new();
    let args = vec![
        "--database".to_owned(),
        db.url(),
        "--addr".to_owned(),
        "127.0.0.1:0".to_owned(),
    ];
    let bin = Path::new(env!("CARGO_BIN_EXE_stormwall"));
    let mut server = ServerProcess::spawn(bin, &args).await.unwrap();
    let board = new_board(&server.addr, "Stopping").await;
    let (mut client, _) = Client::join_board(&server.addr, board).await;
    let id = client.command(add_sticky("Kept")).await.unwrap();
    assert!(matches!(
        client.answer(id).await.unwrap(),
        ServerMsg::Ack { .. }
    ));

    server.terminate();
    let (code, _) = client.closed().await;
    assert_eq!(code, 1001, "going away: the browser reconnects");
    let status = server.exited_within(Duration::from_secs(10)).await;
    assert!(matches!(status, Some(s) if s.success()), "{status:?}");

    // The database is free at once (lock released) and has the acknowledged command.
    let mut again = ServerProcess::spawn(bin, &args).await.unwrap();
    let (_, welcome) = Client::join_board(&again.addr, board).await;
    let ServerMsg::Welcome { seq, .. } = welcome else {
        panic!("no welcome")
    };
    assert_eq!(seq, 2, "the board and its sticky");
    again.kill().await;
}
