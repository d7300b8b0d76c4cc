//! Hostile clients at the WebSocket: floods, commands that produce many events, sockets that
//! never read, too many connections, disguised names, and random frames (a protocol fuzz).

use crate::common::TestDb;
use futures::{SinkExt, StreamExt};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use std::net::SocketAddr;
use std::time::Duration;
use stormwall::RunningServer;
use stormwall_core::export::json;
use stormwall_core::protocol::{ClientMsg, ServerMsg};
use stormwall_core::ErrorCode;
use stormwall_core::{BoardId, Command, Position, StickyId, StickyKind};
use stormwall_testkit::{
    commands::add_sticky,
    hello_frame,
    http::{get, imported_board, new_board, stats},
    Client,
};
use tokio::net::TcpSocket;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use uuid::Uuid;

type Socket = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

fn adds(n: usize) -> Command {
    Command::Batch {
        expect: vec![],
        commands: (0..n).map(|i| add_sticky(&format!("S{i}"))).collect(),
    }
}

/// The answer (ack or error) to the command sent last, skipping events.
async fn answer(client: &mut Client) -> ServerMsg {
    loop {
        match client.recv().await {
            ServerMsg::Event { .. } => continue,
            msg => return msg,
        }
    }
}

#[tokio::test]
async fn a_command_is_charged_the_events_it_produces() {
    let db = TestDb::new();
    let server = db.start().await;
    let board = new_board(server.addr, "Charged by events").await;
    let (mut c, _) = Client::join_board(server.addr, board).await;
    // A burst of 200: two messages of 150 events each go through (the second into debt)...
    for _ in 0..2 {
        c.command(adds(150)).await.unwrap();
        assert!(matches!(answer(&mut c).await, ServerMsg::Ack { .. }));
    }
    // ...and then the connection pays: 100 events of debt at 50 a second.
    let id = c.command(add_sticky("one more")).await.unwrap();
    match answer(&mut c).await {
        ServerMsg::Error {
            code, command_id, ..
        } => {
            assert_eq!(code, ErrorCode::RateLimited);
            assert_eq!(command_id, Some(id));
        }
        other => panic!("expected rate_limited, got {other:?}"),
    }
    tokio::time::sleep(Duration::from_millis(2_200)).await;
    c.command(add_sticky("after the pause")).await.unwrap();
    assert!(matches!(answer(&mut c).await, ServerMsg::Ack { .. }));
    server.stop().await;
}

#[tokio::test]
async fn a_flood_is_disconnected_at_the_2001st_refusal() {
    let db = TestDb::new();
    let server = db.start().await;
    let board = new_board(server.addr, "Flood").await;
    let url = format!("ws://{}/ws/boards/{board}", server.addr);
    let (ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let (mut tx, mut rx) = ws.split();
    tx.send(hello_frame(board)).await.unwrap();
    let reader = tokio::spawn(async move {
        let (mut limited, mut close) = (0, None);
        while let Some(Ok(frame)) = rx.next().await {
            match frame {
                Message::Text(t) if t.contains("\"rate_limited\"") => limited += 1,
                Message::Close(frame) => {
                    close = frame;
                    break;
                }
                _ => {}
            }
        }
        (limited, close)
    });
    // Far more than the burst and the abuse threshold, as fast as the socket takes them.
    for _ in 0..3_000 {
        if tx.send(Message::Text("{}".into())).await.is_err() {
            break;
        }
    }
    let (limited, close) = tokio::time::timeout(Duration::from_secs(20), reader)
        .await
        .expect("the server closed the flood")
        .unwrap();
    assert_eq!(limited, 2_000, "refusals before the close");
    let close = close.expect("a close frame with a reason");
    assert_eq!(close.code, CloseCode::Policy);
    assert!(close.reason.contains("too many"), "{}", close.reason);
    // The board is fine for everyone else.
    let (mut c, _) = Client::join_board(server.addr, board).await;
    c.command(add_sticky("still here")).await.unwrap();
    assert!(matches!(answer(&mut c).await, ServerMsg::Ack { .. }));
    server.stop().await;
}

/// A board of about 6 MB, imported in one go.
async fn big_board(server: &RunningServer) -> BoardId {
    let board = stormwall_core::sample::wall("Big", 5_000, |i| format!("{i} {}", "w".repeat(990)));
    imported_board(server.addr, json::to_string(&board)).await
}

/// A WebSocket from `from` whose receive buffer is tiny and which never reads.
async fn socket_from(from: &str, server: SocketAddr, board: BoardId) -> Result<Socket, u16> {
    let tcp = TcpSocket::new_v4().unwrap();
    tcp.set_recv_buffer_size(4096).unwrap();
    tcp.bind(format!("{from}:0").parse().unwrap()).unwrap();
    let stream = tcp.connect(server).await.unwrap();
    let url = format!("ws://{server}/ws/boards/{board}");
    match tokio_tungstenite::client_async(url, MaybeTlsStream::Plain(stream)).await {
        Ok((mut ws, _)) => {
            ws.send(hello_frame(board)).await.unwrap();
            Ok(ws)
        }
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => Err(resp.status().as_u16()),
        Err(e) => panic!("{e}"),
    }
}

#[tokio::test]
async fn a_client_that_never_reads_is_dropped_after_the_send_deadline() {
    let db = TestDb::new();
    let server = db.start_with(|c| c.send_timeout_secs = 1.0).await;
    let board = big_board(&server).await;
    let mut stuck = Vec::new();
    for _ in 0..3 {
        stuck.push(socket_from("127.0.0.1", server.addr, board).await.unwrap());
    }
    assert_eq!(stats(server.addr).await["connections"], 3);
    // The welcome (6 MB) cannot leave: after the deadline the server lets go of them all.
    let mut connections = 3;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        connections = stats(server.addr).await["connections"].as_u64().unwrap();
        if connections == 0 {
            break;
        }
    }
    assert_eq!(connections, 0, "sockets that never read were dropped");
    // Someone who reads gets the whole board.
    let (_, welcome) = Client::join_board(server.addr, board).await;
    let ServerMsg::Welcome { board: b, .. } = welcome else {
        unreachable!()
    };
    assert_eq!(b.stickies.len(), 5_000);
    drop(stuck);
    server.stop().await;
}

#[tokio::test]
async fn connections_are_capped_per_address_and_in_total() {
    let db = TestDb::new();
    let server = db
        .start_with(|c| {
            c.max_connections = 5;
            c.max_connections_per_address = 3;
        })
        .await;
    let board = new_board(server.addr, "Caps").await;
    let mut open = Vec::new();
    for _ in 0..3 {
        open.push(socket_from("127.0.0.1", server.addr, board).await.unwrap());
    }
    assert_eq!(
        socket_from("127.0.0.1", server.addr, board).await.err(),
        Some(429),
        "a fourth from one address"
    );
    for _ in 0..2 {
        open.push(socket_from("127.0.0.2", server.addr, board).await.unwrap());
    }
    assert_eq!(
        socket_from("127.0.0.3", server.addr, board).await.err(),
        Some(503),
        "a sixth in all"
    );
    // A closed connection makes room again.
    let mut first = open.remove(0);
    first.close(None).await.unwrap();
    let mut admitted = None;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        if let Ok(ws) = socket_from("127.0.0.3", server.addr, board).await {
            admitted = Some(ws);
            break;
        }
    }
    assert!(admitted.is_some(), "room after a close");
    server.stop().await;
}

#[tokio::test]
async fn snapshots_are_kept_few_and_written_by_bytes_as_well_as_by_count() {
    let db = TestDb::new();
    let server = db
        .start_with(|c| {
            c.snapshot_every = 10;
            c.rate_limit = 100_000.0;
        })
        .await;
    let board = new_board(server.addr, "Snapshots").await;
    let (mut c, _) = Client::join_board(server.addr, board).await;
    // A board of ~100 KB, then many small moves: by count alone that is a 100 KB snapshot
    // every 10 moves of ~150 bytes each.
    let mut ids = Vec::new();
    for i in 0..100 {
        let id = StickyId(Uuid::new_v4());
        ids.push(id);
        c.command(Command::AddSticky {
            id,
            kind: StickyKind::Hotspot,
            text: format!("{i} {}", "q".repeat(990)),
            pos: Position::new(0, 0),
            size: None,
        })
        .await
        .unwrap();
        assert!(matches!(answer(&mut c).await, ServerMsg::Ack { .. }));
    }
    let before = stats(server.addr).await["snapshots"].as_u64().unwrap();
    for i in 0..400 {
        c.command(Command::MoveSticky {
            id: ids[i % ids.len()],
            pos: Position::new(i as i32 + 1, 0),
        })
        .await
        .unwrap();
        assert!(matches!(answer(&mut c).await, ServerMsg::Ack { .. }));
    }
    let written = stats(server.addr).await["snapshots"].as_u64().unwrap() - before;
    // 400 moves of ~150 bytes come to ~60 KB: two snapshots' quarters, not 40 snapshots.
    assert!(
        written <= 3,
        "{written} snapshots of a 100 KB board for 400 small moves"
    );
    server.stop().await;
    let store = stormwall::store::EventStore::open_read_only(&db.url())
        .await
        .unwrap();
    let kept = store.snapshot_count(board).await.unwrap();
    assert!(
        kept <= stormwall::store::SNAPSHOTS_KEPT as u64,
        "{kept} kept"
    );
    let bytes = store.snapshot_bytes(board).await.unwrap();
    assert!(bytes < 3 * 150_000, "{bytes} bytes of snapshots");
}

#[tokio::test]
async fn display_names_lose_invisible_and_direction_characters() {
    let db = TestDb::new();
    let server = db.start().await;
    let board = new_board(server.addr, "Names").await;
    // U+202E RIGHT-TO-LEFT OVERRIDE, U+200B ZERO WIDTH SPACE, U+2066 LEFT-TO-RIGHT ISOLATE.
    let (mut c, _) =
        Client::join_as(server.addr, board, "%E2%80%AEyrollaM%E2%80%8B%E2%81%A6").await;
    match c.recv_presence().await {
        ServerMsg::Roster { participants, .. } => {
            assert_eq!(participants[0].name, "yrollaM")
        }
        other => panic!("{other:?}"),
    }
    c.command(add_sticky("signed")).await.unwrap();
    assert!(matches!(answer(&mut c).await, ServerMsg::Ack { .. }));
    let log = get(format!("http://{}/api/boards/{board}/events", server.addr))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(log.contains("\"author\":\"yrollaM\""), "{log}");
    server.stop().await;
}

/// Frames a hostile or broken client might send.
fn hostile_frame() -> impl Strategy<Value = Message> {
    let valid = serde_json::to_string(&ClientMsg::Command {
        command_id: Uuid::nil(),
        command: add_sticky("x"),
    })
    .unwrap();
    let numbers = prop_oneof![
        Just("1e308".to_owned()),
        Just("-1".to_owned()),
        Just("18446744073709551616".to_owned()),
        Just("9223372036854775808".to_owned()),
        Just("3.5".to_owned()),
        Just("null".to_owned()),
        Just("\"\\u0000\"".to_owned()),
        Just("[]".to_owned()),
        Just("{}".to_owned()),
        any::<i64>().prop_map(|n| n.to_string()),
    ];
    prop_oneof![
        // Random bytes, as binary and as (lossy) text.
        proptest::collection::vec(any::<u8>(), 0..200).prop_map(|b| Message::Binary(b.into())),
        ".{0,200}".prop_map(|s| Message::Text(s.into())),
        // A valid message cut short.
        (0..valid.len()).prop_map(move |n| Message::Text(valid[..n].to_owned().into())),
        // Wrong types and huge numbers where the protocol has ids, positions and sizes.
        (numbers.clone(), numbers.clone(), numbers).prop_map(|(a, b, c)| {
            Message::Text(
                format!(
                    r#"{{"type":"command","command_id":"{}","command":{{"type":"add_sticky","id":{a},"kind":"domain_event","text":"t","pos":{{"x":{b},"y":{c}}}}}}}"#,
                    Uuid::new_v4()
                )
                .into(),
            )
        }),
        Just(Message::Text(r#"{"type":"command","command_id":5}"#.into())),
        Just(Message::Text(r#"{"type":"no_such_type"}"#.into())),
        Just(Message::Text(format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).into())),
        Just(Message::Text("x".repeat(70_000).into())),
        // A well-formed command the board refuses.
        Just(Message::Text(
            serde_json::to_string(&ClientMsg::Command {
                command_id: Uuid::new_v4(),
                command: Command::DeleteSticky {
                    id: StickyId(Uuid::new_v4())
                },
            })
            .unwrap()
            .into()
        )),
    ]
}

#[tokio::test]
async fn random_frames_are_each_answered_and_a_good_client_keeps_its_acks() {
    let db = TestDb::new();
    let server = db.start_with(|c| c.rate_limit = 1_000_000.0).await;
    let board = new_board(server.addr, "Fuzz").await;
    let (mut fuzz, _) = Client::join_board(server.addr, board).await;
    let (mut good, _) = Client::join_board(server.addr, board).await;
    let mut runner = TestRunner::deterministic();
    let cases = std::env::var("STORMWALL_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(600);
    let (mut sent_good, mut acked_good) = (0, 0);
    for i in 0..cases {
        let frame = hostile_frame().new_tree(&mut runner).unwrap().current();
        fuzz.send_frame(frame.clone()).await.unwrap();
        match answer(&mut fuzz).await {
            ServerMsg::Error { .. } | ServerMsg::Ack { .. } => {}
            other => panic!("frame {i} ({frame:?}) was answered with {other:?}"),
        }
        if i % 10 == 0 {
            good.command(add_sticky(&format!("good {i}")))
                .await
                .unwrap();
            sent_good += 1;
            if matches!(answer(&mut good).await, ServerMsg::Ack { .. }) {
                acked_good += 1;
            }
        }
    }
    assert_eq!(acked_good, sent_good, "the good client got every ack");
    let (board_now, _) = Client::board_now(server.addr, board).await;
    assert!(board_now.stickies.len() >= sent_good);
    server.stop().await;
}
