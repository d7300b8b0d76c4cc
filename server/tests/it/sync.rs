//! Two real WebSocket clients on one board, against a real server on port 0.

use crate::common::TestDb;
use stormwall_core::protocol::{ServerMsg, PROTOCOL_VERSION};
use stormwall_core::ErrorCode;
use stormwall_core::{Board, Command, Event, Position, StickyId, StickyKind};
use stormwall_testkit::{http::new_board, Client};
use uuid::Uuid;

fn sticky() -> StickyId {
    StickyId(Uuid::new_v4())
}

#[tokio::test]
async fn two_clients_see_the_same_events_in_the_same_order() {
    let db = TestDb::new();
    let server = db.start().await;
    let board = new_board(server.addr, "Conference ticketing").await;
    let (mut alice, welcome) = Client::join_board(server.addr, board).await;
    let (mut bob, _) = Client::join_board(server.addr, board).await;
    let ServerMsg::Welcome {
        protocol,
        board: state,
        seq,
    } = welcome
    else {
        unreachable!()
    };
    assert_eq!(protocol, PROTOCOL_VERSION);
    assert_eq!(seq, 1);
    assert_eq!(state.title, "Conference ticketing");

    let id = sticky();
    let commands = [
        Command::AddSticky {
            id,
            kind: StickyKind::DomainEvent,
            text: "Order Placed".into(),
            pos: Position::new(100, 380),
            size: None,
        },
        Command::MoveSticky {
            id,
            pos: Position::new(260, 380),
        },
        Command::EditStickyText {
            id,
            text: "Order placed".into(),
        },
        Command::DeleteSticky { id },
    ];
    let mut alice_saw = Vec::new();
    for command in commands {
        let command_id = alice.command(command).await.unwrap();
        // Alice gets the event first, then the acknowledgement.
        let ServerMsg::Event {
            seq,
            command_id: cid,
            event,
        } = alice.recv().await
        else {
            panic!("expected an event")
        };
        assert_eq!(cid, Some(command_id));
        alice_saw.push((seq, event));
        assert_eq!(alice.recv().await, ServerMsg::Ack { command_id, seq });
    }
    let mut bob_saw = Vec::new();
    for _ in 0..4 {
        let ServerMsg::Event { seq, event, .. } = bob.recv().await else {
            panic!("expected an event")
        };
        bob_saw.push((seq, event));
    }
    assert_eq!(alice_saw, bob_saw);
    let seqs: Vec<u64> = bob_saw.iter().map(|(s, _)| *s).collect();
    assert_eq!(seqs, vec![2, 3, 4, 5], "contiguous after BoardCreated");
    assert!(matches!(bob_saw[0].1, Event::StickyAdded { .. }));
    assert!(matches!(bob_saw[1].1, Event::StickyMoved { .. }));
    assert!(matches!(bob_saw[2].1, Event::StickyTextEdited { .. }));
    assert!(matches!(bob_saw[3].1, Event::StickyDeleted { .. }));
    server.stop().await;
}

#[tokio::test]
async fn bad_messages_get_an_error_and_the_socket_stays_usable() {
    let db = TestDb::new();
    let server = db.start().await;
    let board = new_board(server.addr, "Errors").await;
    let (mut alice, _) = Client::join_board(server.addr, board).await;
    let (mut bob, _) = Client::join_board(server.addr, board).await;

    alice.send_text("this is not json").await.unwrap();
    let ServerMsg::Error {
        code,
        message,
        command_id,
    } = alice.recv().await
    else {
        panic!()
    };
    assert_eq!((code, command_id), (ErrorCode::BadMessage, None));
    assert!(message.contains("could not read"), "{message}");

    alice.send_text(r#"{"type":"teleport"}"#).await.unwrap();
    let ServerMsg::Error { code, .. } = alice.recv().await else {
        panic!()
    };
    assert_eq!(code, ErrorCode::BadMessage);

    let bad_kind = format!(
        r#"{{"type":"command","command_id":"{}","command":{{"type":"add_sticky","id":"{}","kind":"sticker","text":"x","pos":{{"x":0,"y":0}}}}}}"#,
        Uuid::new_v4(),
        Uuid::new_v4()
    );
    alice.send_text(bad_kind).await.unwrap();
    let ServerMsg::Error { code, message, .. } = alice.recv().await else {
        panic!()
    };
    assert_eq!(code, ErrorCode::BadMessage);
    assert!(
        message.contains("invalid sticky kind \"sticker\""),
        "{message}"
    );

    alice.send_text("x".repeat(70 * 1024)).await.unwrap();
    let ServerMsg::Error { code, .. } = alice.recv().await else {
        panic!()
    };
    assert_eq!(code, ErrorCode::MessageTooLarge);

    // A command the core rejects: the core's error, to this client only.
    let ghost = sticky();
    let command_id = alice
        .command(Command::DeleteSticky { id: ghost })
        .await
        .unwrap();
    let ServerMsg::Error {
        code,
        message,
        command_id: cid,
    } = alice.recv().await
    else {
        panic!()
    };
    assert_eq!((code, cid), (ErrorCode::UnknownSticky, Some(command_id)));
    assert!(message.contains(&ghost.to_string()));
    let command_id = alice
        .command(Command::EditStickyText {
            id: sticky(),
            text: "x".repeat(1001),
        })
        .await
        .unwrap();
    let ServerMsg::Error { code, .. } = alice.recv().await else {
        panic!()
    };
    assert_eq!(code, ErrorCode::UnknownSticky, "{command_id}");
    bob.expect_silence().await;

    // The same socket still works, and nothing of the above was stored.
    let id = sticky();
    alice
        .command(Command::AddSticky {
            id,
            kind: StickyKind::Hotspot,
            text: "Still here?".into(),
            pos: Position::new(0, 0),
            size: None,
        })
        .await
        .unwrap();
    let ServerMsg::Event { seq, .. } = alice.recv().await else {
        panic!()
    };
    assert_eq!(seq, 2, "the errors above stored nothing");
    let ServerMsg::Event { seq, .. } = bob.recv().await else {
        panic!()
    };
    assert_eq!(seq, 2);
    server.stop().await;
}

#[tokio::test]
async fn a_restarted_server_has_the_board_as_it_was() {
    let db = TestDb::new();
    let server = db.start().await;
    let board = new_board(server.addr, "Persistence").await;
    let (mut alice, _) = Client::join_board(server.addr, board).await;
    for i in 0..5 {
        let id = sticky();
        alice
            .command(Command::AddSticky {
                id,
                kind: StickyKind::ALL[i % 8],
                text: format!("Sticky {i} ✨"),
                pos: Position::new(i as i32 * 180, 380),
                size: None,
            })
            .await
            .unwrap();
        alice.recv().await;
        alice.recv().await;
        if i == 2 {
            alice.command(Command::DeleteSticky { id }).await.unwrap();
            alice.recv().await;
            alice.recv().await;
        }
    }
    let (_, before) = Client::join_board(server.addr, board).await;
    server.stop().await;

    let server = db.start().await;
    let (_, after) = Client::join_board(server.addr, board).await;
    let (
        ServerMsg::Welcome {
            board: b1, seq: s1, ..
        },
        ServerMsg::Welcome {
            board: b2, seq: s2, ..
        },
    ) = (before, after)
    else {
        unreachable!()
    };
    assert_eq!((b2.clone(), s2), (b1, s1));
    assert_eq!(b2.stickies.len(), 4);
    assert_eq!(s2, 1 + 5 + 1);
    // The replayed board is exactly what the core builds from the stored log.
    let _: &Board = &b2;
    server.stop().await;
}

#[tokio::test]
async fn a_batch_that_fails_half_way_stores_nothing() {
    let db = TestDb::new();
    let server = db.start().await;
    let board = new_board(server.addr, "Batches").await;
    let (mut alice, _) = Client::join_board(server.addr, board).await;
    let id = sticky();
    let command_id = alice
        .command(Command::Batch {
            expect: vec![],
            commands: vec![
                Command::AddSticky {
                    id,
                    kind: StickyKind::DomainEvent,
                    text: "First".into(),
                    pos: Position::new(0, 0),
                    size: None,
                },
                Command::AddFrame {
                    id: stormwall_core::FrameId(Uuid::new_v4()),
                    name: "Huge".into(),
                    rect: stormwall_core::Rect::new(0, 0, 10_000_000, 10),
                },
            ],
        })
        .await
        .unwrap();
    let ServerMsg::Error {
        code,
        command_id: cid,
        ..
    } = alice.recv().await
    else {
        panic!()
    };
    assert_eq!(
        (code, cid),
        (ErrorCode::FrameSizeOutOfRange, Some(command_id))
    );
    let (state, seq) = Client::board_now(server.addr, board).await;
    assert_eq!(seq, 1, "nothing partial was stored");
    assert!(state.stickies.is_empty());
    server.stop().await;
}

#[tokio::test]
async fn a_retried_command_id_gets_the_original_outcome_and_no_second_event() {
    let db = TestDb::new();
    let server = db.start().await;
    let board = new_board(server.addr, "Retries").await;
    let (mut alice, _) = Client::join_board(server.addr, board).await;
    let command_id = Uuid::new_v4();
    let msg = serde_json::to_string(&stormwall_core::protocol::ClientMsg::Command {
        command_id,
        command: Command::AddSticky {
            id: sticky(),
            kind: StickyKind::Command,
            text: "Pay Order".into(),
            pos: Position::new(0, 0),
            size: None,
        },
    })
    .unwrap();
    alice.send_text(msg.clone()).await.unwrap();
    assert!(matches!(
        alice.recv().await,
        ServerMsg::Event { seq: 2, .. }
    ));
    assert_eq!(alice.recv().await, ServerMsg::Ack { command_id, seq: 2 });
    // The same message again (a client that did not see the ack): the same ack, no event.
    alice.send_text(msg.clone()).await.unwrap();
    assert_eq!(alice.recv().await, ServerMsg::Ack { command_id, seq: 2 });
    server.stop().await;

    // After a restart the database remembers.
    let server = db.start().await;
    let (mut bob, welcome) = Client::join_board(server.addr, board).await;
    bob.send_text(msg).await.unwrap();
    assert_eq!(bob.recv().await, ServerMsg::Ack { command_id, seq: 2 });
    let ServerMsg::Welcome { board: state, .. } = welcome else {
        unreachable!()
    };
    assert_eq!(state.stickies.len(), 1);
    let (state, seq) = Client::board_now(server.addr, board).await;
    assert_eq!((seq, state.stickies.len()), (2, 1));
    server.stop().await;
}

#[tokio::test]
async fn a_client_that_missed_100_events_catches_up_to_the_same_state() {
    let db = TestDb::new();
    let server = db.start().await;
    let board = new_board(server.addr, "Catch-up").await;
    let (alice, welcome) = Client::join_board(server.addr, board).await;
    let ServerMsg::Welcome {
        board: mut alice_board,
        seq: alice_seq,
        ..
    } = welcome
    else {
        unreachable!()
    };
    drop(alice); // Alice's laptop sleeps.

    let (mut bob, _) = Client::join_board(server.addr, board).await;
    let ids: Vec<StickyId> = (0..50).map(|_| sticky()).collect();
    for (i, id) in ids.iter().enumerate() {
        for command in [
            Command::AddSticky {
                id: *id,
                kind: StickyKind::DomainEvent,
                text: format!("Event {i}"),
                pos: Position::new(i as i32 * 10, 0),
                size: None,
            },
            Command::MoveSticky {
                id: *id,
                pos: Position::new(i as i32 * 10, 100),
            },
        ] {
            bob.command(command).await.unwrap();
            bob.recv().await;
            bob.recv().await;
        }
    }

    // Alice comes back asking for what she missed since her last seq.
    let url = format!("ws://{}/ws/boards/{board}?since={alice_seq}", server.addr);
    let (ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let mut alice = Client::from_stream(ws);
    alice.hello_board(board).await.unwrap();
    assert_eq!(
        alice.recv().await,
        ServerMsg::Resume {
            protocol: stormwall_core::protocol::PROTOCOL_VERSION,
            since: alice_seq
        }
    );
    for expected in alice_seq + 1..=alice_seq + 100 {
        let ServerMsg::Event { seq, event, .. } = alice.recv().await else {
            panic!("an event")
        };
        assert_eq!(seq, expected, "exactly the missing events, in order");
        alice_board.apply_mut(&event);
    }
    alice.expect_silence().await;
    let (never_left, _) = Client::board_now(server.addr, board).await;
    assert_eq!(alice_board, never_left);

    // Too far ahead (a different history): a fresh welcome instead.
    let url = format!("ws://{}/ws/boards/{board}?since=999999", server.addr);
    let (ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let mut lost = Client::from_stream(ws);
    lost.hello_board(board).await.unwrap();
    assert!(matches!(lost.recv().await, ServerMsg::Welcome { .. }));
    server.stop().await;
}

#[tokio::test]
async fn a_websocket_from_a_foreign_origin_is_refused() {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let db = TestDb::new();
    let server = db.start().await;
    let board = new_board(server.addr, "Origins").await;
    let url = format!("ws://{}/ws/boards/{board}", server.addr);
    let mut request = url.clone().into_client_request().unwrap();
    request
        .headers_mut()
        .insert("origin", "https://evil.example".parse().unwrap());
    match tokio_tungstenite::connect_async(request).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => assert_eq!(resp.status(), 403),
        other => panic!("expected 403, got {other:?}"),
    }
    let mut request = url.into_client_request().unwrap();
    let own = format!("http://{}", server.addr);
    request.headers_mut().insert("origin", own.parse().unwrap());
    assert!(tokio_tungstenite::connect_async(request).await.is_ok());
    server.stop().await;
}

#[tokio::test]
async fn a_flood_is_rate_limited_with_an_error_and_the_socket_recovers() {
    let db = TestDb::new();
    let server = db.start().await;
    let board = new_board(server.addr, "Flood").await;
    let (mut alice, _) = Client::join_board(server.addr, board).await;
    for _ in 0..400 {
        alice.send_text("{}").await.unwrap();
    }
    let mut limited = 0;
    for _ in 0..400 {
        let ServerMsg::Error {
            code, command_id, ..
        } = alice.recv().await
        else {
            panic!("an error")
        };
        if code == ErrorCode::RateLimited {
            assert_eq!(command_id, None, "\"{{}}\" is not a command");
            limited += 1;
        }
    }
    assert!(limited >= 100, "only {limited} of 400 were limited");
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    alice
        .command(Command::AddSticky {
            id: sticky(),
            kind: StickyKind::Actor,
            text: "Back".into(),
            pos: Position::new(0, 0),
            size: None,
        })
        .await
        .unwrap();
    assert!(matches!(alice.recv().await, ServerMsg::Event { .. }));
    server.stop().await;
}
