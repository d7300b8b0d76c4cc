//! Snapshots and the history endpoint, against a real server and SQLite file.

use crate::common::TestDb;
use stormwall::store::EventStore;
use stormwall::{Config, RunningServer};
use stormwall_core::protocol::ServerMsg;
use stormwall_core::{Command, Position, StickyId, StickyKind};
use stormwall_testkit::{
    http::{get, new_board},
    Client,
};
use uuid::Uuid;

async fn add_stickies(client: &mut Client, n: usize) {
    for i in 0..n {
        client
            .command(Command::AddSticky {
                id: StickyId(Uuid::new_v4()),
                kind: StickyKind::DomainEvent,
                text: format!("Event {i}"),
                pos: Position::new(i as i32 * 10, 0),
                size: None,
            })
            .await
            .unwrap();
        let _event = client.recv().await;
        let ack = client.recv().await;
        assert!(matches!(ack, ServerMsg::Ack { .. }), "{ack:?}");
    }
}

#[tokio::test]
async fn a_board_reopens_from_its_latest_snapshot_plus_the_tail() {
    let db = TestDb::new();
    let mut config = Config::for_database(db.url());
    config.snapshot_every = 4;
    let server = RunningServer::start(config.clone()).await.unwrap();
    let board = new_board(server.addr, "Snapshots").await;
    let (mut client, _) = Client::join_board(server.addr, board).await;
    add_stickies(&mut client, 10).await; // seq 2..=11
    let (_, before) = Client::join_board(server.addr, board).await;

    // Read while the server runs (WAL lets a reader in).
    let store = EventStore::open_read_only(&db.url()).await.unwrap();
    // One snapshot every 4 events: at seq 4 and at seq 8.
    assert_eq!(store.snapshot_count(board).await.unwrap(), 2);
    let opened = store.open_board(board).await.unwrap().unwrap();
    assert_eq!(opened.seq, 11);
    assert_eq!(
        opened.replayed, 3,
        "only the tail after the snapshot at seq 8"
    );
    let full = store.load(board).await.unwrap();
    let replayed = stormwall_core::Board::replay(board, full.iter().map(|e| &e.event));
    assert_eq!(opened.board, replayed, "snapshot + tail equals full replay");
    store.close().await;

    // A board that closes leaves a snapshot of where it stopped, so it reopens at once.
    server.stop().await;
    let store = EventStore::open_read_only(&db.url()).await.unwrap();
    assert_eq!(store.snapshot_count(board).await.unwrap(), 3);
    assert_eq!(store.open_board(board).await.unwrap().unwrap().replayed, 0);
    store.close().await;

    let server = RunningServer::start(config).await.unwrap();
    let (_, after) = Client::join_board(server.addr, board).await;
    assert_eq!(after, before);
    server.stop().await;
}

#[tokio::test]
async fn the_history_endpoint_serves_event_ranges() {
    let db = TestDb::new();
    let server = db.start().await;
    let board = new_board(server.addr, "History").await;
    let (mut client, _) = Client::join_board(server.addr, board).await;
    add_stickies(&mut client, 5).await;
    let base = format!("http://{}/api/boards/{board}/events", server.addr);

    let all: serde_json::Value = get(&base).await.unwrap().json().await.unwrap();
    let seqs: Vec<u64> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_u64().unwrap())
        .collect();
    assert_eq!(seqs, vec![1, 2, 3, 4, 5, 6]);
    assert_eq!(all[0]["event"]["type"], "board_created");
    assert!(all[1]["recorded_at"].as_str().unwrap().ends_with('Z'));
    assert!(all[1]["command_id"].is_string());

    let some: serde_json::Value = get(format!("{base}?from=3&to=4"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(some.as_array().unwrap().len(), 2);
    assert_eq!(some[0]["seq"], 3);

    let bad = get(format!("{base}?from=5&to=2")).await.unwrap();
    assert_eq!(bad.status(), 400);
    let unknown = get(format!(
        "http://{}/api/boards/{}/events",
        server.addr,
        Uuid::new_v4()
    ))
    .await
    .unwrap();
    assert_eq!(unknown.status(), 401, "no key opens an unknown board");
    server.stop().await;
}
