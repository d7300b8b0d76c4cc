//! Two real server processes on one PostgreSQL database, with clients on each: one board, one
//! order, contiguous seqs, idempotency across servers, presence across servers, and a server
//! killed mid-burst whose clients go on at the other. Skipped on SQLite, where one server
//! holds the file.

use crate::common::TestDb;
use futures::{SinkExt, StreamExt};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::Duration;
use stormwall_core::protocol::{ClientMsg, LoggedEvent, ServerMsg};
use stormwall_core::{BoardId, Command, Position, Role};
use stormwall_testkit::client::board_url;
use stormwall_testkit::commands::add_sticky;
use stormwall_testkit::http::new_board;
use stormwall_testkit::{links, Client, ServerProcess};
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

fn postgres_only(db: &TestDb) -> bool {
    if !db.is_postgres() {
        eprintln!("skipped on SQLite: only PostgreSQL is shared by several servers");
    }
    db.is_postgres()
}

async fn instance(db: &TestDb) -> ServerProcess {
    let args: Vec<String> = [
        "--database",
        &db.url(),
        "--addr",
        "127.0.0.1:0",
        "--rate-limit",
        "100000",
    ]
    .map(String::from)
    .to_vec();
    ServerProcess::spawn(Path::new(env!("CARGO_BIN_EXE_stormwall")), &args)
        .await
        .expect("the server starts")
}

/// The stored log of a board, read over HTTP from `addr`.
async fn log(addr: &str, board: BoardId) -> Vec<LoggedEvent> {
    reqwest::Client::new()
        .get(format!("http://{addr}/api/boards/{board}/events"))
        .bearer_auth(links::key(board, Role::Facilitator))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Every command id in the log exactly once, seqs 1..=n: what "nothing lost, nothing twice"
/// means for a log.
fn check_log(log: &[LoggedEvent]) -> HashSet<Uuid> {
    let seqs: Vec<u64> = log.iter().map(|e| e.seq).collect();
    assert_eq!(
        seqs,
        (1..=log.len() as u64).collect::<Vec<_>>(),
        "seqs contiguous from 1"
    );
    let mut seen = HashSet::new();
    for e in log {
        if let Some(c) = e.command_id {
            assert!(seen.insert(c), "command {c} stored twice");
        }
    }
    seen
}

/// Reads until `events` events and the acks of `mine` have arrived: the events as (seq,
/// command id), in the order received, and the acks' seqs by command id.
async fn collect(
    client: &mut Client,
    events: usize,
    mine: &[Uuid],
) -> (Vec<(u64, Option<Uuid>)>, HashMap<Uuid, u64>) {
    let mut seen = Vec::new();
    let mut acks = HashMap::new();
    while seen.len() < events || mine.iter().any(|c| !acks.contains_key(c)) {
        match client.recv().await {
            ServerMsg::Event {
                seq, command_id, ..
            } => seen.push((seq, command_id)),
            ServerMsg::Ack { command_id, seq } => {
                acks.insert(command_id, seq);
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    (seen, acks)
}

#[tokio::test]
async fn two_servers_serve_one_board_in_one_order() {
    let db = TestDb::new();
    if !postgres_only(&db) {
        return;
    }
    let (a, b) = (instance(&db).await, instance(&db).await);
    let board = new_board(&a.addr, "Two servers").await;
    let (mut on_a, welcome) = Client::join_as(&a.addr, board, "Ann").await;
    let ServerMsg::Welcome { seq: start, .. } = welcome else {
        unreachable!()
    };
    let (mut on_b, _) = Client::join_as(&b.addr, board, "Ben").await;

    // Interleaved: both send before either reads, so the two servers race for each seq.
    let (mut from_a, mut from_b) = (Vec::new(), Vec::new());
    for i in 0..25 {
        from_a.push(on_a.command(add_sticky(&format!("A{i}"))).await.unwrap());
        from_b.push(on_b.command(add_sticky(&format!("B{i}"))).await.unwrap());
    }
    let (seen_a, acks_a) = collect(&mut on_a, 50, &from_a).await;
    let (seen_b, acks_b) = collect(&mut on_b, 50, &from_b).await;
    assert_eq!(
        seen_a, seen_b,
        "both clients see the same events in the same order"
    );
    let seqs: Vec<u64> = seen_a.iter().map(|(s, _)| *s).collect();
    assert_eq!(seqs, (start + 1..=start + 50).collect::<Vec<_>>());
    for (c, seq) in acks_a.iter().chain(&acks_b) {
        assert!(
            seen_a.contains(&(*seq, Some(*c))),
            "ack {c} at {seq} names its event"
        );
    }

    // A command acknowledged by A, sent again under the same id to B: B answers with A's
    // ack and stores nothing.
    let retried = from_a[3];
    on_b.command_with_id(retried, add_sticky("A3 again"))
        .await
        .unwrap();
    match on_b.answer(retried).await.unwrap() {
        ServerMsg::Ack { seq, .. } => assert_eq!(seq, acks_a[&retried]),
        other => panic!("expected the original ack, got {other:?}"),
    }
    on_b.expect_silence().await;
    on_a.expect_silence().await;

    // Either server's log: 1 board creation + 50, every command once.
    let stored = log(&b.addr, board).await;
    assert_eq!(stored.len() as u64, start + 50);
    let ids = check_log(&stored);
    assert!(from_a.iter().chain(&from_b).all(|c| ids.contains(c)));
}

#[tokio::test]
async fn presence_crosses_servers_and_leaves_with_a_dead_one() {
    let db = TestDb::new();
    if !postgres_only(&db) {
        return;
    }
    let (mut a, b) = (instance(&db).await, instance(&db).await);
    let board = new_board(&a.addr, "Presence").await;
    let (mut on_a, _) = Client::join_as(&a.addr, board, "Ann").await;
    let (mut on_b, _) = Client::join_as(&b.addr, board, "Ben").await;

    // Ann hears of Ben, though he is on the other server.
    let ben = loop {
        if let ServerMsg::Presence { participant } = on_a.recv_presence().await {
            if participant.name == "Ben" {
                break participant.id;
            }
        }
    };
    // Ann's pointer reaches Ben.
    on_a.presence(Some(Position::new(40, 50)), None)
        .await
        .unwrap();
    let ann = loop {
        if let ServerMsg::Presence { participant } = on_b.recv_presence().await {
            if participant.name == "Ann" && participant.cursor == Some(Position::new(40, 50)) {
                break participant.id;
            }
        }
    };
    assert_ne!(ann, ben);

    // A's process dies without a word: Ben sees Ann leave within seconds.
    a.kill().await;
    let killed = std::time::Instant::now();
    loop {
        match on_b.next_within(Duration::from_secs(12)).await {
            Ok(ServerMsg::Left { participant_id }) if participant_id == ann => break,
            Ok(_) => {}
            Err(e) => panic!("Ann stayed on Ben's roster after her server died: {e}"),
        }
    }
    let gone = killed.elapsed();
    eprintln!("Ann left Ben's roster {gone:?} after her server died");
    assert!(gone < Duration::from_secs(10), "{gone:?}");
}

/// Sends every command without waiting and reads acks until all came or the socket ends;
/// the acked ids.
async fn burst(addr: &str, board: BoardId, commands: Vec<(Uuid, Command)>) -> Vec<Uuid> {
    let total = commands.len();
    let (ws, _) = tokio_tungstenite::connect_async(board_url(addr, board))
        .await
        .unwrap();
    let (mut tx, mut rx) = ws.split();
    let hello = ClientMsg::Hello {
        key: links::key(board, Role::Edit),
        browser: None,
    };
    let text = |m: &ClientMsg| Message::Text(serde_json::to_string(m).unwrap().into());
    tx.send(text(&hello)).await.unwrap();
    tokio::spawn(async move {
        for (command_id, command) in commands {
            let msg = ClientMsg::Command {
                command_id,
                command,
            };
            if tx.send(text(&msg)).await.is_err() {
                break;
            }
            // Paced a little, so that the kill lands in the middle.
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    });
    let mut acks = Vec::new();
    while let Some(Ok(frame)) = rx.next().await {
        if let Message::Text(text) = frame {
            if let Ok(ServerMsg::Ack { command_id, .. }) = serde_json::from_str(&text) {
                acks.push(command_id);
                if acks.len() == total {
                    break;
                }
            }
        }
    }
    acks
}

#[tokio::test]
async fn a_server_killed_mid_burst_loses_nothing_its_clients_resend_to_the_other() {
    let db = TestDb::new();
    if !postgres_only(&db) {
        return;
    }
    let (mut a, b) = (instance(&db).await, instance(&db).await);
    let board = new_board(&a.addr, "Failover").await;
    let commands = |who: &str| -> Vec<(Uuid, Command)> {
        (0..400)
            .map(|i| (Uuid::new_v4(), add_sticky(&format!("{who}{i}"))))
            .collect()
    };
    let (to_a, to_b) = (commands("A"), commands("B"));
    let on_a = tokio::spawn(burst_owned(a.addr.clone(), board, to_a.clone()));
    let on_b = tokio::spawn(burst_owned(b.addr.clone(), board, to_b.clone()));
    // Killed once it has stored some of the burst (its log, read over HTTP).
    while log(&a.addr, board).await.len() < 100 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    a.kill().await;
    let acked_by_a = on_a.await.unwrap();
    let acked_by_b = on_b.await.unwrap();
    assert_eq!(acked_by_b.len(), 400, "B went on through A's death");
    assert!(
        !acked_by_a.is_empty(),
        "A acknowledged nothing before the kill"
    );
    assert!(
        acked_by_a.len() < 400,
        "the kill came too late to test anything"
    );

    // A's client goes to B and sends what A did not acknowledge, under the same ids; and
    // the acknowledged ones once more, as a client unsure of its last acks would.
    let (mut again, _) =
        Client::join_with_key(&b.addr, board, &links::key(board, Role::Edit)).await;
    for (id, command) in &to_a {
        again.command_with_id(*id, command.clone()).await.unwrap();
    }
    for (id, _) in &to_a {
        match again.answer(*id).await.unwrap() {
            ServerMsg::Ack { .. } => {}
            other => panic!("resent {id}: {other:?}"),
        }
    }
    let stored = log(&b.addr, board).await;
    let ids = check_log(&stored);
    assert!(
        to_a.iter().chain(&to_b).all(|(c, _)| ids.contains(c)),
        "every command stored once"
    );
    eprintln!(
        "A acknowledged {} of 400 before the kill; the log holds {} events",
        acked_by_a.len(),
        stored.len()
    );
}

async fn burst_owned(addr: String, board: BoardId, commands: Vec<(Uuid, Command)>) -> Vec<Uuid> {
    burst(&addr, board, commands).await
}

#[tokio::test]
async fn a_server_whose_listening_connection_drops_still_hears_of_every_event() {
    let db = TestDb::new();
    if !postgres_only(&db) {
        return;
    }
    let (a, b) = (instance(&db).await, instance(&db).await);
    let board = new_board(&a.addr, "Doorbell").await;
    let (mut on_a, _) = Client::join_board(&a.addr, board).await;
    let (mut on_b, _) = Client::join_board(&b.addr, board).await;
    let admin = sqlx::PgPool::connect(&db.url()).await.unwrap();
    for round in 0..3 {
        // Every server's listening connection is cut (as a proxy's idle timeout or a
        // database restart would), and B writes at once: its notice may go to nobody.
        let cut: Vec<i32> = sqlx::query_scalar(
            // Starts with: this query's own text names LISTEN too.
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() \
             AND query LIKE 'LISTEN %'",
        )
        .fetch_all(&admin)
        .await
        .unwrap();
        assert!(!cut.is_empty(), "no listening connection found");
        sqlx::query("SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid")
            .bind(&cut)
            .execute(&admin)
            .await
            .unwrap();
        on_b.run(add_sticky(&format!("While cut {round}"))).await;
        match on_a.recv().await {
            ServerMsg::Event { .. } => {}
            other => panic!("expected B's event on A, got {other:?}"),
        }
    }
    admin.close().await;
}

#[tokio::test]
async fn a_link_rotated_on_one_server_ends_its_connections_on_the_other() {
    let db = TestDb::new();
    if !postgres_only(&db) {
        return;
    }
    let (a, b) = (instance(&db).await, instance(&db).await);
    let board = new_board(&a.addr, "Rotate across").await;
    let edit = links::key(board, Role::Edit);
    let (mut editor, _) = Client::join_with_key(&b.addr, board, &edit).await;
    let view = links::key(board, Role::View);
    let (mut viewer, _) = Client::join_with_key(&b.addr, board, &view).await;
    let (mut facilitator, _) = Client::join_board(&a.addr, board).await;
    facilitator
        .send(&ClientMsg::RotateLink { role: Role::Edit })
        .await
        .unwrap();
    // The editor on B is told at once; the viewer on B goes on.
    let (code, _) = tokio::time::timeout(Duration::from_secs(5), editor.closed())
        .await
        .expect("the editor's connection on B ends");
    assert_eq!(code, 4410);
    facilitator.run(add_sticky("After the rotation")).await;
    match viewer.recv().await {
        ServerMsg::Event { .. } => {}
        other => panic!("the viewer on B should go on, got {other:?}"),
    }
}
