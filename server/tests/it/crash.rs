//! A server killed with SIGKILL in the middle of writing loses no acknowledged change and
//! leaves a log that loads: every acknowledged command's event is there exactly once, with
//! contiguous sequence numbers. The real binary, three kill cycles.

use crate::common::TestDb;
use futures::{SinkExt, StreamExt};
use std::collections::HashSet;
use std::process::Stdio;
use std::time::Duration;
use stormwall_core::protocol::{ClientMsg, LoggedEvent, ServerMsg};
use stormwall_core::{Command, Position, StickyId, StickyKind};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command as Process};
use tokio_tungstenite::tungstenite::Message;
use uuid::Uuid;

async fn start(db: &TestDb, addr: &str) -> (Child, String) {
    let mut child = Process::new(env!("CARGO_BIN_EXE_stormwall"))
        .args(["--database", &db.url(), "--addr", addr])
        .env("RUST_LOG", "error")
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let line = tokio::time::timeout(Duration::from_secs(10), lines.next_line())
        .await
        .expect("the server starts")
        .unwrap()
        .unwrap();
    let addr = line.rsplit("http://").next().unwrap().trim().to_owned();
    (child, addr)
}

#[tokio::test]
async fn a_server_killed_mid_write_loses_no_acknowledged_command() {
    let db = TestDb::new();
    let (mut server, addr) = start(&db, "127.0.0.1:0").await;
    let created: serde_json::Value = reqwest::Client::new()
        .post(format!("http://{addr}/api/boards"))
        .json(&serde_json::json!({ "title": "Crash" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let board = created["id"].as_str().unwrap().to_owned();
    let key = created["links"][1]["key"].as_str().unwrap().to_owned();
    assert_eq!(created["links"][1]["role"], "edit");
    let hello = serde_json::to_string(&ClientMsg::Hello {
        key: key.clone(),
        browser: None,
    })
    .unwrap();
    let mut acked: HashSet<Uuid> = HashSet::new();

    for cycle in 0..3 {
        let (ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws/boards/{board}"))
            .await
            .unwrap();
        let (mut tx, mut rx) = ws.split();
        tx.send(Message::Text(hello.clone().into())).await.unwrap();
        // Send a burst without waiting, then kill the server while it is writing.
        let writer = tokio::spawn(async move {
            for i in 0..2_000 {
                let msg = ClientMsg::Command {
                    command_id: Uuid::new_v4(),
                    command: Command::AddSticky {
                        id: StickyId(Uuid::new_v4()),
                        kind: StickyKind::DomainEvent,
                        text: format!("Cycle {cycle} event {i}"),
                        pos: Position::new(i, cycle),
                        size: None,
                    },
                };
                if tx
                    .send(Message::Text(serde_json::to_string(&msg).unwrap().into()))
                    .await
                    .is_err()
                {
                    break;
                }
            }
        });
        let reader = tokio::spawn(async move {
            let mut acks = Vec::new();
            while let Some(Ok(frame)) = rx.next().await {
                if let Message::Text(text) = frame {
                    if let Ok(ServerMsg::Ack { command_id, .. }) = serde_json::from_str(&text) {
                        acks.push(command_id);
                    }
                }
            }
            acks
        });
        tokio::time::sleep(Duration::from_millis(300 + 150 * cycle as u64)).await;
        server.start_kill().unwrap();
        server.wait().await.unwrap();
        let acks = reader.await.unwrap();
        writer.abort();
        assert!(
            !acks.is_empty(),
            "cycle {cycle}: the server acknowledged nothing before the kill"
        );
        acked.extend(acks);
        // Same address, so this is what a restart looks like to clients.
        (server, _) = start(&db, &addr).await;
    }

    let log: Vec<LoggedEvent> = reqwest::Client::new()
        .get(format!("http://{addr}/api/boards/{board}/events"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let seqs: Vec<u64> = log.iter().map(|e| e.seq).collect();
    assert_eq!(
        seqs,
        (1..=log.len() as u64).collect::<Vec<_>>(),
        "contiguous from 1"
    );
    let mut seen = HashSet::new();
    for e in &log {
        if let Some(c) = e.command_id {
            assert!(seen.insert(c), "command {c} stored twice");
        }
    }
    eprintln!("acknowledged {}, stored {} events", acked.len(), log.len());
    let missing: Vec<_> = acked.iter().filter(|c| !seen.contains(c)).collect();
    assert!(
        missing.is_empty(),
        "{} acknowledged commands lost",
        missing.len()
    );
    server.start_kill().unwrap();
}
