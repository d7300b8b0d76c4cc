//! Who may do what (issue #9): each board's three links, their keys at the door and in the
//! board actor, rotation, and the facilitator's kit over the socket (timer, phases, votes,
//! follow me), with the secrecy of votes before the reveal.

use crate::common::TestDb;
use std::time::Duration;
use stormwall_core::protocol::{ClientMsg, ServerMsg, View};
use stormwall_core::workshop::{Tally, Timer, VoteStatus};
use stormwall_core::ErrorCode;
use stormwall_core::{Command, Phase, Role, StickyKind, VoteId};
use stormwall_testkit::{
    commands::add_sticky,
    http::{get, new_board},
    key, Client,
};
use uuid::Uuid;

/// Every HTTP endpoint that reads a board, as paths under the server.
fn board_paths(board: impl std::fmt::Display) -> Vec<String> {
    [
        "",
        "/events",
        "/export/glossary",
        "/export/rust",
        "/export/rust/preview",
        "/export/json",
        "/export/svg",
    ]
    .into_iter()
    .map(|p| format!("/api/boards/{board}{p}"))
    .collect()
}

#[tokio::test]
async fn every_board_endpoint_needs_a_key_and_a_wrong_one_gets_403() {
    let db = TestDb::new();
    let server = db.start().await;
    let base = format!("http://{}", server.addr);
    let board = new_board(server.addr, "Private").await;
    let http = reqwest::Client::new();
    for path in board_paths(board) {
        let none = http.get(format!("{base}{path}")).send().await.unwrap();
        assert_eq!(none.status(), 401, "{path} without a key");
        let body: serde_json::Value = none.json().await.unwrap();
        assert_eq!(
            body["code"],
            ErrorCode::Unauthorized.as_str(),
            "{path}: {body}"
        );
        assert!(body["message"].as_str().unwrap().contains("Authorization"));
        let wrong = http
            .get(format!("{base}{path}"))
            .bearer_auth("0".repeat(40))
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), 403, "{path} with a wrong key");
        let body: serde_json::Value = wrong.json().await.unwrap();
        assert_eq!(body["code"], ErrorCode::Forbidden.as_str());
        for role in [Role::View, Role::Edit, Role::Facilitator] {
            let ok = http
                .get(format!("{base}{path}"))
                .bearer_auth(key(board, role))
                .send()
                .await
                .unwrap();
            assert_eq!(ok.status(), 200, "{path} with the {role:?} key");
        }
    }
    // The bare id of a board that does not exist gets the same answer as a wrong key.
    let unknown = http
        .get(format!("{base}/api/boards/{}", Uuid::new_v4()))
        .bearer_auth(key(board, Role::Facilitator))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 403);
    // And nobody lists the server's boards any more.
    let list = http.get(format!("{base}/api/boards")).send().await.unwrap();
    assert_eq!(list.status(), 405);
    // A key in the query string is not a key.
    let query = http
        .get(format!(
            "{base}/api/boards/{board}?key={}",
            key(board, Role::View)
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(query.status(), 401);
}

#[tokio::test]
async fn the_key_says_which_role_it_is() {
    let db = TestDb::new();
    let server = db.start().await;
    let board = new_board(server.addr, "Roles").await;
    let http = reqwest::Client::new();
    for role in [Role::View, Role::Edit, Role::Facilitator] {
        let opened: serde_json::Value = http
            .get(format!("http://{}/api/boards/{board}", server.addr))
            .bearer_auth(key(board, role))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(opened["role"], role.name());
        assert_eq!(opened["summary"]["title"], "Roles");
    }
}

#[tokio::test]
async fn keys_are_stored_only_as_hashes() {
    let db = TestDb::new();
    let server = db.start().await;
    let board = new_board(server.addr, "Hashes").await;
    let keys: Vec<String> = [Role::Facilitator, Role::Edit, Role::View]
        .into_iter()
        .map(|r| key(board, r))
        .collect();
    for k in &keys {
        assert!(k.len() >= 32, "at least 128 bits: {k}");
    }
    server.stop().await;
    let text = if db.is_postgres() {
        // Every row of every table, as text.
        let pool = sqlx::PgPool::connect(&db.url()).await.unwrap();
        let mut text = String::new();
        for table in [
            "links",
            "events",
            "boards",
            "snapshots",
            "commands",
            "ballots",
        ] {
            let sql = format!("SELECT CAST(row_to_json(t) AS TEXT) FROM {table} t");
            let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .fetch_all(&pool)
                .await
                .unwrap();
            text.push_str(&rows.join("\n"));
        }
        assert!(text.contains("key_hash"), "the links were read");
        text
    } else {
        // The whole database file (and its write-ahead log), byte by byte.
        let mut bytes = std::fs::read(db.path()).unwrap();
        if let Ok(wal) = std::fs::read(format!("{}-wal", db.path().display())) {
            bytes.extend(wal);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    };
    for k in &keys {
        assert!(!text.contains(k.as_str()), "a key is stored in clear");
    }
    assert!(text.contains("facilitator"), "the links table is there");
}

#[tokio::test]
async fn a_socket_without_hello_or_with_a_wrong_key_is_closed_with_a_reason() {
    let db = TestDb::new();
    let server = db.start().await;
    let board = new_board(server.addr, "Door").await;
    let url = format!("ws://{}/ws/boards/{board}", server.addr);
    // A command before hello.
    let (ws, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    let mut c = Client::from_stream(ws);
    c.command(add_sticky("Sneaky")).await.unwrap();
    let (code, before) = c.closed().await;
    assert_eq!(code, 4401);
    assert!(
        matches!(&before[..], [ServerMsg::Error { code, .. }] if *code == ErrorCode::Unauthorized),
        "{before:?}"
    );
    // A wrong key.
    let (ws, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    let mut c = Client::from_stream(ws);
    c.hello(&"f".repeat(40)).await.unwrap();
    let (code, before) = c.closed().await;
    assert_eq!(code, 4403);
    assert!(
        matches!(&before[..], [ServerMsg::Error { code, message, .. }]
            if *code == ErrorCode::Forbidden && message.contains("revoked or mistyped")),
        "{before:?}"
    );
    // Nothing was stored.
    let (b, seq) = Client::board_now(server.addr, board).await;
    assert_eq!((b.stickies.len(), seq), (0, 1));
}

#[tokio::test]
async fn a_viewer_sees_the_board_live_but_every_change_is_refused_read_only() {
    let db = TestDb::new();
    let server = db.start().await;
    let board = new_board(server.addr, "Look, don't touch").await;
    let (mut viewer, _) =
        Client::join_as_with_key(server.addr, board, "Vera", &key(board, Role::View)).await;
    let (mut editor, _) =
        Client::join_as_with_key(server.addr, board, "Ed", &key(board, Role::Edit)).await;
    let access = viewer.recv_workshop().await;
    let ServerMsg::Access { role, links, .. } = access else {
        panic!("{access:?}")
    };
    assert_eq!(role, Role::View);
    assert_eq!(links.len(), 1, "a viewer may hand out the view link only");
    // The editor's change reaches the viewer live.
    editor.command(add_sticky("Seat Reserved")).await.unwrap();
    assert!(matches!(viewer.recv().await, ServerMsg::Event { .. }));
    assert!(matches!(editor.recv().await, ServerMsg::Event { .. }));
    assert!(matches!(editor.recv().await, ServerMsg::Ack { .. }));
    // The viewer's every kind of change is refused, and nothing is stored.
    for command in [
        add_sticky("Mine"),
        Command::RenameBoard { title: "x".into() },
        Command::LockBoard,
        Command::SetPhase { phase: None },
    ] {
        let id = viewer.command(command).await.unwrap();
        match viewer.recv().await {
            ServerMsg::Error {
                code, command_id, ..
            } => {
                assert_eq!(code, ErrorCode::ReadOnly);
                assert_eq!(command_id, Some(id));
            }
            other => panic!("expected read_only for {id}, got {other:?}"),
        }
    }
    let (b, seq) = Client::board_now(server.addr, board).await;
    assert_eq!(
        (b.stickies.len(), b.title.as_str(), seq),
        (1, "Look, don't touch", 2)
    );
    // An editor may edit, not run the workshop.
    editor.command(Command::LockBoard).await.unwrap();
    match editor.recv().await {
        ServerMsg::Error { code, .. } => assert_eq!(code, ErrorCode::FacilitatorOnly),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_rotated_link_stops_working_at_once() {
    let db = TestDb::new();
    let server = db.start().await;
    let board = new_board(server.addr, "Rotate").await;
    let old_edit = key(board, Role::Edit);
    let (mut editor, _) = Client::join_as_with_key(server.addr, board, "Ed", &old_edit).await;
    let (mut viewer, _) =
        Client::join_as_with_key(server.addr, board, "Vera", &key(board, Role::View)).await;
    let (mut facilitator, _) = Client::join_as(server.addr, board, "Fay").await;
    // An editor cannot rotate.
    editor
        .send(&ClientMsg::RotateLink { role: Role::Edit })
        .await
        .unwrap();
    loop {
        match editor.recv_workshop().await {
            ServerMsg::Error { code, .. } => {
                assert_eq!(code, ErrorCode::FacilitatorOnly);
                break;
            }
            ServerMsg::Access { .. } => continue, // its own, on joining
            other => panic!("{other:?}"),
        }
    }
    let started = std::time::Instant::now();
    facilitator
        .send(&ClientMsg::RotateLink { role: Role::Edit })
        .await
        .unwrap();
    let (code, before) = editor.closed().await;
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "within a second"
    );
    assert_eq!(code, 4410);
    assert!(
        before
            .iter()
            .any(|m| matches!(m, ServerMsg::Error { code, message, .. }
            if *code == ErrorCode::LinkRevoked
                && message == "This link was revoked; ask the facilitator for a new one.")),
        "{before:?}"
    );
    // The facilitator gets the new links; the old edit key opens nothing.
    let new_edit = loop {
        if let ServerMsg::Access { links, .. } = facilitator.recv_workshop().await {
            let edit = links.iter().find(|l| l.role == Role::Edit).unwrap();
            if edit.key != old_edit {
                break edit.key.clone();
            }
        }
    };
    let resp = reqwest::Client::new()
        .get(format!("http://{}/api/boards/{board}", server.addr))
        .bearer_auth(&old_edit)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    let (_, welcome) = Client::join_with_key(server.addr, board, &new_edit).await;
    assert!(matches!(welcome, ServerMsg::Welcome { .. }));
    // The viewer was not affected: their link still works.
    viewer.command(add_sticky("still read only")).await.unwrap();
    match viewer.recv().await {
        ServerMsg::Error { code, .. } => assert_eq!(code, ErrorCode::ReadOnly),
        other => panic!("the viewer was disconnected? {other:?}"),
    }
    // A facilitator rotating their own link keeps their connection, under the new key.
    facilitator
        .send(&ClientMsg::RotateLink {
            role: Role::Facilitator,
        })
        .await
        .unwrap();
    let old_fac = key(board, Role::Facilitator);
    let new_fac = loop {
        if let ServerMsg::Access { links, .. } = facilitator.recv_workshop().await {
            let fac = links.iter().find(|l| l.role == Role::Facilitator).unwrap();
            if fac.key != old_fac {
                break fac.key.clone();
            }
        }
    };
    facilitator.command(Command::LockBoard).await.unwrap();
    assert!(matches!(facilitator.recv().await, ServerMsg::Event { .. }));
    let (_, welcome) = Client::join_with_key(server.addr, board, &new_fac).await;
    assert!(matches!(welcome, ServerMsg::Welcome { .. }));
}

#[tokio::test]
async fn links_printed_by_the_operator_replace_the_old_ones_on_a_running_server() {
    let db = TestDb::new();
    let server = db.start().await;
    let board = new_board(server.addr, "Lost links").await;
    let (mut old, _) = Client::join_board(server.addr, board).await;
    // What `stormwall links --board ID` does, from another connection to the database.
    let store = stormwall::store::EventStore::open_admin(&db.url())
        .await
        .unwrap();
    let keys = stormwall::access::Keys::fresh();
    store.save_links(board, &keys.rows()).await.unwrap();
    store.close().await;
    // The server finds the new keys when they are first presented; the old ones end.
    let (_, welcome) = Client::join_with_key(server.addr, board, &keys.0[&Role::Facilitator]).await;
    assert!(matches!(welcome, ServerMsg::Welcome { .. }));
    let (code, _) = old.closed().await;
    assert_eq!(code, 4410);
}

#[tokio::test]
async fn the_timer_runs_on_the_servers_clock_and_survives_a_reconnect() {
    let db = TestDb::new();
    let server = db.start().await;
    let board = new_board(server.addr, "Timer").await;
    let (mut fac, _) = Client::join_board(server.addr, board).await;
    let now = match fac.recv_workshop().await {
        ServerMsg::Access { now, .. } => now,
        other => panic!("{other:?}"),
    };
    // A client's idea of the time is overwritten by the server's.
    fac.command(Command::StartTimer {
        seconds: 300,
        at: 0,
    })
    .await
    .unwrap();
    let ends_at = match fac.recv().await {
        ServerMsg::Event {
            event: stormwall_core::Event::TimerStarted { ends_at, .. },
            ..
        } => ends_at,
        other => panic!("{other:?}"),
    };
    assert!(
        (ends_at - now - 300_000).abs() < 5_000,
        "{ends_at} vs {now}"
    );
    let (b, _) = Client::board_now(server.addr, board).await;
    assert_eq!(b.workshop.timer, Some(Timer::Running { ends_at }));
    // A viewer can see it but not stop it.
    let (mut viewer, _) = Client::join_with_key(server.addr, board, &key(board, Role::View)).await;
    viewer.command(Command::StopTimer).await.unwrap();
    match viewer.recv().await {
        ServerMsg::Error { code, .. } => assert_eq!(code, ErrorCode::ReadOnly),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn phases_are_events_the_history_replays() {
    let db = TestDb::new();
    let server = db.start().await;
    let board = new_board(server.addr, "Phases").await;
    let (mut fac, _) = Client::join_board(server.addr, board).await;
    for phase in [Phase::ChaoticExploration, Phase::EnforceTheTimeline] {
        fac.run(Command::SetPhase { phase: Some(phase) }).await;
    }
    let log: serde_json::Value = get(format!("http://{}/api/boards/{board}/events", server.addr))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let phases: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["event"]["type"] == "phase_changed")
        .map(|e| e["event"]["phase"].as_str().unwrap())
        .collect();
    assert_eq!(phases, ["chaotic_exploration", "enforce_the_timeline"]);
}

/// Sends a dot and returns the answer (a `ballot` or an error).
async fn dot(
    c: &mut Client,
    vote: VoteId,
    sticky: stormwall_core::StickyId,
    add: bool,
) -> ServerMsg {
    c.send(&ClientMsg::Dot { vote, sticky, add }).await.unwrap();
    loop {
        match c.recv_workshop().await {
            ServerMsg::Access { .. } => continue,
            msg => return msg,
        }
    }
}

#[tokio::test]
async fn votes_stay_secret_until_the_reveal_and_dots_beyond_n_are_refused() {
    let db = TestDb::new();
    let server = db.start().await;
    let board = new_board(server.addr, "Vote").await;
    let (mut fac, _) = Client::join_as(server.addr, board, "Fay").await;
    let hot = add_sticky("Overbooking?");
    let Command::AddSticky { id: a, .. } = hot else {
        unreachable!()
    };
    let event = add_sticky("Seat Reserved");
    let Command::AddSticky { id: b, .. } = event else {
        unreachable!()
    };
    for c in [hot, event] {
        fac.run(c).await;
    }
    let vote = VoteId(Uuid::new_v4());
    fac.run(Command::OpenVote {
        id: vote,
        question: "Which first?".into(),
        dots: 3,
        kinds: vec![StickyKind::DomainEvent],
    })
    .await;
    let (mut ann, _) =
        Client::join_as_with_key(server.addr, board, "Ann", &key(board, Role::Edit)).await;
    let (mut bob, _) =
        Client::join_as_with_key(server.addr, board, "Bob", &key(board, Role::Edit)).await;
    // Joining an open vote, each gets their own (empty) ballot.
    for c in [&mut ann, &mut bob] {
        loop {
            match c.recv_workshop().await {
                ServerMsg::Ballot { dots, .. } => {
                    assert!(dots.is_empty());
                    break;
                }
                ServerMsg::Access { .. } => continue,
                other => panic!("{other:?}"),
            }
        }
    }
    // Three dots each, the fourth refused.
    for n in 1..=3 {
        match dot(&mut ann, vote, a, true).await {
            ServerMsg::Ballot { dots, .. } => assert_eq!(dots.len(), n),
            other => panic!("{other:?}"),
        }
    }
    match dot(&mut ann, vote, b, true).await {
        ServerMsg::Error { code, .. } => assert_eq!(code, ErrorCode::NoDotsLeft),
        other => panic!("{other:?}"),
    }
    match dot(&mut bob, vote, b, true).await {
        ServerMsg::Ballot { dots, .. } => assert_eq!(dots, vec![b]),
        other => panic!("{other:?}"),
    }
    // Taking one back frees it.
    match dot(&mut ann, vote, a, false).await {
        ServerMsg::Ballot { dots, .. } => assert_eq!(dots.len(), 2),
        other => panic!("{other:?}"),
    }
    // A viewer cannot vote.
    let (mut viewer, _) = Client::join_with_key(server.addr, board, &key(board, Role::View)).await;
    loop {
        match dot(&mut viewer, vote, a, true).await {
            ServerMsg::Error { code, .. } => {
                assert_eq!(code, ErrorCode::ReadOnly);
                break;
            }
            ServerMsg::Ballot { dots, .. } if dots.is_empty() => continue, // on joining
            other => panic!("{other:?}"),
        }
    }
    // Nothing of the dots is readable before the reveal: not in a welcome, not in the log,
    // not on Bob's socket. Ann, reconnecting from the same browser, gets her own dots only.
    let (b_now, _) = Client::board_now(server.addr, board).await;
    let v = b_now.workshop.vote.unwrap();
    assert_eq!((v.status, v.tally.len()), (VoteStatus::Open, 0));
    let log = get(format!("http://{}/api/boards/{board}/events", server.addr))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !log.contains("dots\":2") && !log.contains("ballot"),
        "{log}"
    );
    bob.expect_silence().await;
    // The reveal carries the tally, to everyone.
    fac.command(Command::RevealVote {
        id: vote,
        tally: vec![Tally {
            sticky: b,
            dots: 99,
        }],
    })
    .await
    .unwrap();
    let tally = match bob.recv().await {
        ServerMsg::Event {
            event: stormwall_core::Event::VoteRevealed { tally, .. },
            ..
        } => tally,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        tally,
        vec![Tally { sticky: a, dots: 2 }, Tally { sticky: b, dots: 1 }],
        "the server's count, not the client's"
    );
    // Closed, the result stays on the board.
    fac.command(Command::CloseVote { id: vote }).await.unwrap();
    let (b_now, _) = Client::board_now(server.addr, board).await;
    let v = b_now.workshop.vote.unwrap();
    assert_eq!(v.status, VoteStatus::Closed);
    assert_eq!(v.dots_on(a), 2);
}

#[tokio::test]
async fn dots_survive_a_restart_and_come_back_to_their_voter_only() {
    let db = TestDb::new();
    let server = db.start().await;
    let board = new_board(server.addr, "Restart").await;
    let (mut fac, _) = Client::join_board(server.addr, board).await;
    let add = add_sticky("A");
    let Command::AddSticky { id: a, .. } = add else {
        unreachable!()
    };
    fac.run(add).await;
    let vote = VoteId(Uuid::new_v4());
    fac.run(Command::OpenVote {
        id: vote,
        question: "Q".into(),
        dots: 2,
        kinds: vec![],
    })
    .await;
    let browser = Uuid::new_v4();
    let hello = |key: String| ClientMsg::Hello {
        key,
        browser: Some(browser),
    };
    let url = format!("ws://{}/ws/boards/{board}?name=Ann", server.addr);
    let (ws, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    let mut ann = Client::from_stream(ws);
    ann.send(&hello(key(board, Role::Edit))).await.unwrap();
    ann.send(&ClientMsg::Dot {
        vote,
        sticky: a,
        add: true,
    })
    .await
    .unwrap();
    // Its empty ballot on joining, then the one with the dot.
    loop {
        match ann.recv_workshop().await {
            ServerMsg::Ballot { dots, .. } if dots == vec![a] => break,
            ServerMsg::Ballot { .. } | ServerMsg::Access { .. } => continue,
            other => panic!("{other:?}"),
        }
    }
    ann.close().await;
    fac.close().await;
    server.stop().await;
    let server = db.start().await;
    let (ws, _) = tokio_tungstenite::connect_async(format!(
        "ws://{}/ws/boards/{board}?name=Ann",
        server.addr
    ))
    .await
    .unwrap();
    let mut ann = Client::from_stream(ws);
    ann.send(&hello(key(board, Role::Edit))).await.unwrap();
    loop {
        match ann.recv_workshop().await {
            ServerMsg::Ballot { dots, .. } => {
                assert_eq!(dots, vec![a]);
                break;
            }
            ServerMsg::Access { .. } => continue,
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test]
async fn follow_me_reaches_everyone_but_only_from_the_facilitator() {
    let db = TestDb::new();
    let server = db.start().await;
    let board = new_board(server.addr, "Follow").await;
    let (mut fac, _) = Client::join_as(server.addr, board, "Fay").await;
    let (mut ann, _) =
        Client::join_as_with_key(server.addr, board, "Ann", &key(board, Role::Edit)).await;
    let view = View {
        x: 1200.0,
        y: -300.0,
        zoom: 0.5,
    };
    fac.send(&ClientMsg::Follow { view: Some(view) })
        .await
        .unwrap();
    loop {
        match ann.recv_workshop().await {
            ServerMsg::Follow { view: v, .. } => {
                assert_eq!(v, Some(view));
                break;
            }
            ServerMsg::Access { .. } => continue,
            other => panic!("{other:?}"),
        }
    }
    // A newcomer learns where the room is looking.
    let (mut late, _) =
        Client::join_as_with_key(server.addr, board, "Lee", &key(board, Role::View)).await;
    loop {
        match late.recv_workshop().await {
            ServerMsg::Follow { view: v, .. } => {
                assert_eq!(v, Some(view));
                break;
            }
            ServerMsg::Access { .. } => continue,
            other => panic!("{other:?}"),
        }
    }
    // An editor cannot lead.
    ann.send(&ClientMsg::Follow { view: Some(view) })
        .await
        .unwrap();
    match ann.recv_workshop().await {
        ServerMsg::Error { code, .. } => assert_eq!(code, ErrorCode::FacilitatorOnly),
        other => panic!("{other:?}"),
    }
    // The leader leaving ends it for everyone.
    fac.close().await;
    loop {
        if let ServerMsg::Follow { view, .. } = late.recv_workshop().await {
            assert_eq!(view, None);
            break;
        }
    }
}

#[tokio::test]
async fn a_wrong_key_ends_nobody_elses_connection() {
    let db = TestDb::new();
    let server = db.start().await;
    let board = new_board(server.addr, "Wrong key").await;
    let (mut ann, _) = Client::join_board(server.addr, board).await;
    // A wrong key makes the board read its links again: what it holds must equal what is
    // stored, or everyone connected would be told their link was revoked.
    let url = stormwall_testkit::client::board_url(server.addr, board);
    let mut stranger = Client::connect(&url).await.unwrap();
    stranger.hello(&"a".repeat(40)).await.unwrap();
    assert_eq!(stranger.closed().await.0, 4403);
    ann.run(add_sticky("Still here")).await;
    ann.expect_silence().await;
    server.stop().await;
}
