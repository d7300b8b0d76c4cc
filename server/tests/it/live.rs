//! Group commit, presence, idle boards and the durability setting, through the real
//! interfaces (the board actor's handle, WebSocket clients, HTTP).

use crate::common::TestDb;
use std::time::Duration;
use stormwall::actor::BoardHandle;
use stormwall::store::{EventStore, Synchronous};
use stormwall::{Config, RunningServer};
use stormwall_core::protocol::ServerMsg;
use stormwall_core::ErrorCode;
use stormwall_core::{Board, BoardId, Command, Position, Role, StickyId};
use stormwall_testkit::{
    commands::add_sticky,
    http::{get, imported_board, new_board, stats},
    Client,
};
use uuid::Uuid;

#[tokio::test]
async fn commands_queued_together_are_committed_together_and_each_acknowledged() {
    let db = TestDb::new();
    let store = EventStore::open(&db.url()).await.unwrap();
    let id = BoardId(Uuid::new_v4());
    let handle = BoardHandle::spawn(store.clone(), Board::new(id), 0, 0, Vec::new());
    handle
        .execute(
            None,
            None,
            Role::Facilitator,
            Command::CreateBoard { title: "G".into() },
        )
        .await
        .unwrap();
    let before = store.commits();

    // Given 100 commands queued at once (one retried, one refused),
    let retried = Uuid::new_v4();
    let mut calls = Vec::new();
    for i in 0..98 {
        calls.push(handle.execute(
            Some(Uuid::new_v4()),
            None,
            Role::Facilitator,
            add_sticky(&format!("E{i}")),
        ));
    }
    calls.push(handle.execute(Some(retried), None, Role::Facilitator, add_sticky("Once")));
    calls.push(handle.execute(Some(retried), None, Role::Facilitator, add_sticky("Once")));
    calls.push(handle.execute(
        Some(Uuid::new_v4()),
        None,
        Role::Facilitator,
        add_sticky("  "),
    ));
    // when they are all waiting for the actor,
    let answers = futures::future::join_all(calls).await;

    // then they went to disk in one transaction,
    assert_eq!(store.commits() - before, 1, "one group commit");
    // each stored command was acknowledged with the seq after its own event,
    let seqs: Vec<u64> = answers[..98].iter().map(|a| *a.as_ref().unwrap()).collect();
    assert_eq!(seqs, (2..=99).collect::<Vec<_>>());
    // the retry got the original outcome without a second event,
    assert_eq!(answers[98].as_ref().unwrap(), &100);
    assert_eq!(answers[99].as_ref().unwrap(), &100);
    // the blank one was refused alone,
    assert_eq!(
        answers[100].as_ref().unwrap_err().code(),
        ErrorCode::EmptyText
    );
    // and the log is contiguous and holds what memory holds.
    let log = store.load(id).await.unwrap();
    assert_eq!(
        log.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (1..=100).collect::<Vec<_>>()
    );
    let (board, seq) = handle.state().await.unwrap();
    assert_eq!(seq, 100);
    assert_eq!(*board, Board::replay(id, log.iter().map(|e| &e.event)));
}

#[tokio::test]
async fn presence_shows_who_is_here_where_they_point_and_what_they_edit() {
    let db = TestDb::new();
    let server = db.start().await;
    let board = new_board(server.addr, "Presence").await;
    let (mut alice, _) = Client::join_as(server.addr, board, "Alice").await;
    let ServerMsg::Roster { you: alice_id, .. } = alice.recv_presence().await else {
        panic!("a roster after the welcome")
    };

    // Bob arrives: he sees both, Alice sees him come.
    let (mut bob, _) = Client::join_as(server.addr, board, "Bob").await;
    let ServerMsg::Roster {
        you: bob_id,
        participants,
    } = bob.recv_presence().await
    else {
        panic!("a roster")
    };
    let names: Vec<&str> = participants.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["Alice", "Bob"]);
    assert_ne!(participants[0].colour, participants[1].colour);
    let ServerMsg::Presence { participant } = alice.recv_presence().await else {
        panic!("Bob's arrival")
    };
    assert_eq!((participant.id, participant.name.as_str()), (bob_id, "Bob"));

    // Alice points and edits; Bob sees it (and Alice gets no echo of her own).
    let sticky = StickyId(Uuid::new_v4());
    alice
        .presence(Some(Position::new(40, -7)), Some(sticky))
        .await
        .unwrap();
    let ServerMsg::Presence { participant } = bob.recv_presence().await else {
        panic!("Alice's pointer")
    };
    assert_eq!(participant.id, alice_id);
    assert_eq!(participant.cursor, Some(Position::new(40, -7)));
    assert_eq!(participant.editing, Some(sticky));

    // Presence is never stored.
    let events: serde_json::Value =
        get(format!("http://{}/api/boards/{board}/events", server.addr))
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
    assert_eq!(events.as_array().unwrap().len(), 1, "only BoardCreated");

    // Alice leaves: Bob is told.
    alice.close().await;
    let ServerMsg::Left { participant_id } = bob.recv_presence().await else {
        panic!("Alice's leaving")
    };
    assert_eq!(participant_id, alice_id);
    server.stop().await;
}

#[tokio::test]
async fn a_board_nobody_uses_is_closed_and_reopens_as_it_was() {
    let db = TestDb::new();
    let mut config = Config::for_database(db.url());
    config.idle_board_secs = 0.2;
    let server = RunningServer::start(config).await.unwrap();
    let board = new_board(server.addr, "Idle").await;
    let (mut alice, _) = Client::join_board(server.addr, board).await;
    alice.command(add_sticky("Kept")).await.unwrap();
    let _event = alice.recv().await;
    let _ack = alice.recv().await;

    // While someone is connected the board stays open, however long it is quiet.
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(stats(server.addr).await["open_boards"], 1);
    assert_eq!(stats(server.addr).await["connections"], 1);

    alice.close().await;
    let mut closed = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let s = stats(server.addr).await;
        if s["open_boards"] == 0 && s["connections"] == 0 {
            closed = true;
            break;
        }
    }
    assert!(
        closed,
        "the idle board was not closed: {}",
        stats(server.addr).await
    );

    // It left a snapshot (its actor writes it on the way out), and comes back with everything.
    let reader = EventStore::open_read_only(&db.url()).await.unwrap();
    let mut snapshots = 0;
    for _ in 0..50 {
        snapshots = reader.snapshot_count(board).await.unwrap();
        if snapshots > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(snapshots, 1);
    let (state, seq) = Client::board_now(server.addr, board).await;
    assert_eq!(seq, 2);
    assert_eq!(state.stickies.len(), 1);
    server.stop().await;
}

#[tokio::test]
async fn commands_over_the_rate_are_refused_by_id_so_the_client_can_resend_them() {
    let db = TestDb::new();
    let server = db.start().await;
    let board = new_board(server.addr, "Rate").await;
    let (mut alice, _) = Client::join_board(server.addr, board).await;
    let mut sent = Vec::new();
    for i in 0..260 {
        sent.push(alice.command(add_sticky(&format!("E{i}"))).await.unwrap());
    }
    let (mut acked, mut limited) = (Vec::new(), Vec::new());
    while acked.len() + limited.len() < sent.len() {
        match alice.recv().await {
            ServerMsg::Ack { command_id, .. } => acked.push(command_id),
            ServerMsg::Error {
                code, command_id, ..
            } => {
                assert_eq!(code, ErrorCode::RateLimited);
                limited.push(command_id.expect("the refused command's id"));
            }
            ServerMsg::Event { .. } => {}
            other => panic!("{other:?}"),
        }
    }
    assert!(!limited.is_empty() && acked.len() >= 200);
    let mut all: Vec<Uuid> = acked.iter().chain(&limited).copied().collect();
    all.sort();
    sent.sort();
    assert_eq!(all, sent, "every command answered once");
    server.stop().await;
}

#[tokio::test]
async fn with_synchronous_normal_a_restarted_server_has_every_acknowledged_change() {
    let db = TestDb::new();
    let mut config = Config::for_database(db.url());
    config.synchronous = Synchronous::Normal;
    let server = RunningServer::start(config.clone()).await.unwrap();
    let board = new_board(server.addr, "Normal").await;
    let (mut alice, _) = Client::join_board(server.addr, board).await;
    alice.command(add_sticky("Stored")).await.unwrap();
    let _event = alice.recv().await;
    assert!(matches!(alice.recv().await, ServerMsg::Ack { seq: 2, .. }));
    server.stop().await;
    let server = RunningServer::start(config).await.unwrap();
    let (_, welcome) = Client::join_board(server.addr, board).await;
    assert!(matches!(welcome, ServerMsg::Welcome { seq: 2, .. }));
    server.stop().await;
}

#[tokio::test]
async fn a_queue_resent_after_a_dropped_connection_is_stored_exactly_once() {
    let db = TestDb::new();
    let server = db.start().await;
    let board = new_board(server.addr, "Queue").await;

    // Given a client that sends five commands and loses its connection before any answer,
    let (mut alice, _) = Client::join_board(server.addr, board).await;
    let queue: Vec<(Uuid, Command)> = (0..5)
        .map(|i| (Uuid::new_v4(), add_sticky(&format!("Queued {i}"))))
        .collect();
    for (id, command) in &queue {
        alice.command_with_id(*id, command.clone()).await.unwrap();
    }
    alice.close().await;

    // when it resumes from the seq it had and sends its whole queue again, same ids,
    let url = format!("ws://{}/ws/boards/{board}?since=1", server.addr);
    let (ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let mut alice = Client::from_stream(ws);
    alice.hello_board(board).await.unwrap();
    assert!(matches!(
        alice.recv().await,
        ServerMsg::Resume { since: 1, .. }
    ));
    for (id, command) in &queue {
        alice.command_with_id(*id, command.clone()).await.unwrap();
    }
    let mut acked = Vec::new();
    while acked.len() < queue.len() {
        if let ServerMsg::Ack { command_id, .. } = alice.recv().await {
            acked.push(command_id);
        }
    }

    // then every command is acknowledged and stored once, whatever reached the server first.
    assert_eq!(acked, queue.iter().map(|(id, _)| *id).collect::<Vec<_>>());
    let (state, seq) = Client::board_now(server.addr, board).await;
    assert_eq!(seq, 6);
    assert_eq!(state.stickies.len(), 5);
    server.stop().await;
}

#[tokio::test]
async fn the_text_and_sticky_limits_refuse_over_the_socket_with_their_errors() {
    let db = TestDb::new();
    let server = db.start().await;
    // A full board (5,000 stickies), imported in one request.
    let stickies: Vec<serde_json::Value> = (0..stormwall_core::limits::MAX_STICKIES)
        .map(|i| {
            serde_json::json!({
                "id": Uuid::new_v4(), "kind": "domain_event", "text": format!("Event {i}"),
                "pos": {"x": (i % 100) as i32 * 200, "y": (i / 100) as i32 * 120},
                "size": {"w": 160, "h": 100}
            })
        })
        .collect();
    let file = serde_json::json!({
        "format": "stormwall-board", "version": 1, "title": "Full",
        "stickies": stickies, "frames": [], "connectors": []
    });
    let board = imported_board(server.addr, file.to_string()).await;

    let first: StickyId = file["stickies"][0]["id"].as_str().unwrap().parse().unwrap();

    let (mut alice, _) = Client::join_board(server.addr, board).await;
    let too_long = alice
        .command(Command::EditStickyText {
            id: first,
            text: "x".repeat(stormwall_core::limits::MAX_TEXT_CHARS + 1),
        })
        .await
        .unwrap();
    let ServerMsg::Error {
        code, command_id, ..
    } = alice.recv().await
    else {
        panic!("an error")
    };
    assert_eq!((code, command_id), (ErrorCode::TextTooLong, Some(too_long)));

    let one_more = alice.command(add_sticky("One Too Many")).await.unwrap();
    let ServerMsg::Error {
        code,
        message,
        command_id,
    } = alice.recv().await
    else {
        panic!("an error")
    };
    assert_eq!(
        (code, command_id),
        (ErrorCode::TooManyStickies, Some(one_more))
    );
    assert!(
        message.contains("5000") || message.contains("5,000"),
        "{message}"
    );
    server.stop().await;
}

#[tokio::test]
async fn a_retry_older_than_the_ids_kept_in_memory_gets_its_original_outcome() {
    use stormwall::actor::RecentCommands;
    let db = TestDb::new();
    let store = EventStore::open(&db.url()).await.unwrap();
    let id = BoardId(Uuid::new_v4());
    let handle = BoardHandle::spawn(store.clone(), Board::new(id), 0, 0, Vec::new());
    let create = Command::CreateBoard {
        title: "Ids".into(),
    };
    handle
        .execute(None, None, Role::Facilitator, create)
        .await
        .unwrap();
    let first = Uuid::new_v4();
    let first_seq = handle
        .execute(Some(first), None, Role::Facilitator, add_sticky("first"))
        .await
        .unwrap();
    // More commands than a board keeps ids of in memory.
    let mut answers = Vec::new();
    for i in 0..RecentCommands::CAPACITY + 10 {
        let add = add_sticky(&format!("n{i}"));
        answers.push(
            handle
                .submit(Some(Uuid::new_v4()), None, Role::Facilitator, add)
                .await
                .unwrap(),
        );
    }
    for a in futures::future::join_all(answers).await {
        a.unwrap();
    }
    let (_, seq) = handle.state().await.unwrap();
    // The first id is no longer in memory: the table answers, and nothing runs twice.
    let again = handle
        .execute(Some(first), None, Role::Facilitator, add_sticky("first"))
        .await;
    assert_eq!(again.unwrap(), first_seq);
    assert_eq!(handle.state().await.unwrap().1, seq);
    drop(handle);

    // Reopened, a board loads only the latest ids, and still answers old retries.
    let recent = store.recent_commands(id).await.unwrap();
    assert_eq!(recent.len(), RecentCommands::CAPACITY);
    let opened = store.open_board(id).await.unwrap().unwrap();
    let opening = stormwall::actor::Opening {
        executed: recent,
        links: Vec::new(),
        ballots: Default::default(),
        peers: None,
    };
    let handle = BoardHandle::spawn_with(store.clone(), opened.board, opened.seq, 0, opening);
    let again = handle
        .execute(Some(first), None, Role::Facilitator, add_sticky("first"))
        .await;
    assert_eq!(again.unwrap(), first_seq);
    assert_eq!(handle.state().await.unwrap().1, seq);
}

#[tokio::test]
async fn a_board_that_loads_slowly_does_not_hold_up_opening_others() {
    use stormwall::registry::{Registry, Settings};
    use stormwall_core::export::json;
    let db = TestDb::new();
    let store = EventStore::open(&db.url()).await.unwrap();
    let settings = Settings {
        snapshot_every: 0,
        ..Settings::default()
    };
    // A board with a long log and no snapshot (slow to open), and a small one.
    let setup = Registry::new(store.clone(), settings.clone());
    let big = stormwall_core::sample::wall("Big", 5_000, |i| format!("{i} {}", "z".repeat(300)));
    let big = setup
        .import(json::parse(&json::to_string(&big)).unwrap())
        .await
        .unwrap()
        .id;
    let small = setup.create("Small".into()).await.unwrap().id;
    setup.stop().await;

    let registry = Registry::new(store.clone(), settings);
    let (done_tx, mut done) = tokio::sync::mpsc::unbounded_channel();
    for (name, id, delay) in [("big", big, 0), ("small", small, 20)] {
        let (registry, done_tx) = (registry.clone(), done_tx.clone());
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(delay)).await;
            registry.open(id).await.unwrap().unwrap();
            done_tx.send(name).unwrap();
        });
    }
    assert_eq!(
        done.recv().await,
        Some("small"),
        "the small board opened first"
    );
    assert_eq!(done.recv().await, Some("big"));
    registry.stop().await;
}
