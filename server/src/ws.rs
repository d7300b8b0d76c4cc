//! One WebSocket session: the socket's IO only. Decisions belong to the board actor.

use crate::actor::{BoardHandle, Joined};
use crate::registry::Registry;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::stream::{FuturesOrdered, StreamExt};
use std::collections::HashMap;
use stormwall_core::limits::MAX_MESSAGE_BYTES;
use stormwall_core::protocol::{ClientMsg, ServerMsg, PROTOCOL_VERSION};
use stormwall_core::{Board, BoardId};
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

/// Frames above this close the connection (abuse); frames between `MAX_MESSAGE_BYTES` and this
/// are read only to answer with a clear error.
const HARD_FRAME_LIMIT: usize = 1024 * 1024;

/// Longest display name kept with a participant's events.
const MAX_AUTHOR_CHARS: usize = 40;

/// The display name from `?name=`: trimmed, without control characters, at most 40 characters.
fn author(params: &HashMap<String, String>) -> Option<String> {
    let name: String = params
        .get("name")?
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_AUTHOR_CHARS)
        .collect();
    let name = name.trim();
    (!name.is_empty()).then(|| name.to_owned())
}

/// Browsers always send `Origin`: a page from another site must not drive a board with the
/// user's network position. Clients that send none (tools, tests) are let in.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else {
        return true;
    };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin
        .split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or(origin);
    host == Some(origin_host)
}

pub async fn upgrade(
    State(registry): State<Registry>,
    Path(id): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if !same_origin(&headers) {
        return (
            StatusCode::FORBIDDEN,
            "cross-origin WebSocket connections are refused",
        )
            .into_response();
    }
    let author = author(&params);
    let since = params.get("since").and_then(|s| s.parse::<u64>().ok());
    let Ok(board_id) = id.parse::<BoardId>() else {
        return (StatusCode::NOT_FOUND, "no such board").into_response();
    };
    match registry.open(board_id).await {
        Ok(Some(handle)) => ws
            .max_message_size(HARD_FRAME_LIMIT)
            .max_frame_size(HARD_FRAME_LIMIT)
            // The library's 128 KiB read and write buffers per socket dominate an idle
            // client's memory; board messages are small, and buffers grow when needed.
            .read_buffer_size(8 * 1024)
            .write_buffer_size(8 * 1024)
            .on_upgrade(move |socket| session(socket, handle, registry, author, since)),
        Ok(None) => (StatusCode::NOT_FOUND, "no such board").into_response(),
        Err(e) => {
            tracing::error!(board = %board_id, error = %e, "cannot open board");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "the board cannot be opened right now",
            )
                .into_response()
        }
    }
}

async fn session(
    mut socket: WebSocket,
    handle: BoardHandle,
    registry: Registry,
    author: Option<String>,
    since: Option<u64>,
) {
    let _counted = registry.connection();
    let me = Uuid::new_v4();
    tokio::select! {
        result = run(&mut socket, &handle, &registry, me, author, since) => {
            if let Err(e) = result {
                tracing::debug!(board = %handle.id(), error = %e, "session ended");
            }
        }
        _ = registry.stopping() => {
            let _ = socket.send(Message::Close(None)).await;
        }
    }
    // Presence is cleaned up with the connection, however it ended.
    handle.leave(me).await;
}

async fn send(socket: &mut WebSocket, msg: &ServerMsg) -> Result<(), axum::Error> {
    let json = serde_json::to_string(msg).expect("server messages always serialise");
    socket.send(Message::Text(json.into())).await
}

/// Sends the welcome; returns the seq the client now has.
async fn welcome(socket: &mut WebSocket, joined: &Joined) -> Result<u64, axum::Error> {
    send(
        socket,
        &ServerMsg::Welcome {
            protocol: PROTOCOL_VERSION,
            board: joined.board.clone(),
            seq: joined.seq,
        },
    )
    .await?;
    Ok(joined.seq)
}

/// Who is on the board, this connection included.
async fn roster(socket: &mut WebSocket, joined: &Joined, me: Uuid) -> Result<(), axum::Error> {
    let msg = ServerMsg::Roster {
        you: me,
        participants: joined.roster.clone(),
    };
    send(socket, &msg).await
}

/// Commands of one connection being committed at once, at most; beyond that the session stops
/// reading from the socket until answers come (back-pressure on that client alone).
const IN_FLIGHT: usize = 64;

/// Presence updates closer together than this are dropped: pointers need no more than ~40
/// frames a second, and the next update supersedes a dropped one anyway.
const PRESENCE_INTERVAL: std::time::Duration = std::time::Duration::from_millis(20);

/// Messages a connection may send: a burst of `BURST`, then the configured rate (50 a second
/// by default) on average. Beyond that each message is refused with `rate_limited` (the
/// connection stays open); a client that keeps going past `ABUSE` refusals in a row is
/// disconnected. Presence updates are throttled separately.
const BURST: f64 = 200.0;
const ABUSE: u32 = 2_000;

/// A token bucket per connection.
struct RateLimit {
    per_second: f64,
    tokens: f64,
    at: std::time::Instant,
    refused_in_a_row: u32,
}

impl RateLimit {
    fn new(per_second: f64) -> Self {
        Self {
            per_second,
            tokens: BURST,
            at: std::time::Instant::now(),
            refused_in_a_row: 0,
        }
    }

    fn allow(&mut self) -> bool {
        let now = std::time::Instant::now();
        self.tokens =
            (self.tokens + now.duration_since(self.at).as_secs_f64() * self.per_second).min(BURST);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            self.refused_in_a_row = 0;
            true
        } else {
            self.refused_in_a_row += 1;
            false
        }
    }
}

/// How far behind a resuming client may be and still get the missing events rather than a
/// fresh welcome.
const MAX_CATCH_UP: u64 = 5_000;

/// Sends a resuming client exactly the events it missed; `None` when a welcome is better.
async fn catch_up(
    socket: &mut WebSocket,
    registry: &Registry,
    joined: &Joined,
    since: u64,
) -> Result<Option<u64>, axum::Error> {
    if since > joined.seq || joined.seq - since > MAX_CATCH_UP {
        return Ok(None);
    }
    let Ok(missed) = registry
        .store()
        .load_range(joined.board.id, since + 1, joined.seq)
        .await
    else {
        return Ok(None);
    };
    if missed.len() as u64 != joined.seq - since {
        return Ok(None);
    }
    send(
        socket,
        &ServerMsg::Resume {
            protocol: PROTOCOL_VERSION,
            since,
        },
    )
    .await?;
    for e in missed {
        let msg = ServerMsg::Event {
            seq: e.seq,
            command_id: e.command_id,
            event: e.event,
        };
        send(socket, &msg).await?;
    }
    Ok(Some(joined.seq))
}

async fn run(
    socket: &mut WebSocket,
    handle: &BoardHandle,
    registry: &Registry,
    me: Uuid,
    author: Option<String>,
    since: Option<u64>,
) -> Result<(), axum::Error> {
    let who = Some((me, author.clone().unwrap_or_else(|| "Guest".to_owned())));
    let Ok(mut joined) = handle.join(who.clone()).await else {
        return Ok(());
    };
    let resumed = match since {
        Some(since) => catch_up(socket, registry, &joined, since).await?,
        None => None,
    };
    let mut sent_seq = match resumed {
        Some(seq) => seq,
        None => welcome(socket, &joined).await?,
    };
    // The session never needs the board again: holding a copy per connection would cost a
    // whole board's memory for every idle client.
    joined.board = Board::new(joined.board.id);
    roster(socket, &joined, me).await?;
    let mut limit = RateLimit::new(registry.settings().rate_limit);
    let mut last_presence: Option<std::time::Instant> = None;
    // Answers to come, in the order the commands were sent: reading and forwarding go on
    // while earlier commands are being committed (up to `IN_FLIGHT` of them).
    let mut answers = FuturesOrdered::new();
    loop {
        tokio::select! {
            incoming = socket.recv(), if answers.len() < IN_FLIGHT => {
                let text = match incoming {
                    None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return Ok(()),
                    Some(Ok(Message::Text(text))) => text,
                    Some(Ok(Message::Binary(_))) => {
                        send(socket, &ServerMsg::error("bad_message", "binary frames are not part of the protocol; send JSON text", None)).await?;
                        continue;
                    }
                    Some(Ok(_)) => continue, // ping/pong are answered by the library
                };
                let parsed = if text.len() > MAX_MESSAGE_BYTES {
                    Err(("message_too_large", format!("message of {} bytes is over the limit of {MAX_MESSAGE_BYTES} bytes", text.len())))
                } else {
                    serde_json::from_str::<ClientMsg>(&text)
                        .map_err(|e| ("bad_message", format!("could not read that message: {e}")))
                };
                if let Ok(ClientMsg::Presence { cursor, editing }) = parsed {
                    let now = std::time::Instant::now();
                    if last_presence.is_none_or(|at| now.duration_since(at) >= PRESENCE_INTERVAL) {
                        last_presence = Some(now);
                        handle.presence(me, cursor, editing);
                    }
                    continue;
                }
                if !limit.allow() {
                    if limit.refused_in_a_row > ABUSE {
                        let _ = socket.send(Message::Close(None)).await;
                        return Ok(());
                    }
                    let command_id = match &parsed {
                        Ok(ClientMsg::Command { command_id, .. }) => Some(*command_id),
                        _ => None,
                    };
                    let message = format!("too many messages: at most {} a second on average; this one was not executed, send it again in a moment", limit.per_second);
                    send(socket, &ServerMsg::error("rate_limited", message, command_id)).await?;
                    continue;
                }
                let (command_id, command) = match parsed {
                    Ok(ClientMsg::Command { command_id, command }) => (command_id, command),
                    Ok(ClientMsg::Presence { .. }) => continue,
                    Err((code, message)) => {
                        send(socket, &ServerMsg::error(code, message, None)).await?;
                        continue;
                    }
                };
                match handle.submit(Some(command_id), author.clone(), command).await {
                    Ok(answer) => answers.push_back(async move { (command_id, answer.await) }),
                    Err(e) => {
                        send(socket, &ServerMsg::error(e.code(), e.to_string(), Some(command_id))).await?;
                    }
                }
            }
            Some((command_id, answer)) = answers.next(), if !answers.is_empty() => match answer {
                Ok(seq) => {
                    // Forward this command's own events before acknowledging it, so the
                    // client sees the outcome before the "done".
                    while sent_seq < seq {
                        match joined.events.try_recv() {
                            Ok(out) if out.seq > sent_seq => {
                                socket.send(Message::Text(out.json.clone().into())).await?;
                                sent_seq = out.seq;
                            }
                            Ok(_) => {}
                            Err(_) => break,
                        }
                    }
                    send(socket, &ServerMsg::Ack { command_id, seq }).await?;
                }
                Err(e) => {
                    send(socket, &ServerMsg::error(e.code(), e.to_string(), Some(command_id))).await?;
                }
            },
            out = joined.events.recv() => match out {
                Ok(out) => {
                    if out.seq > sent_seq {
                        socket.send(Message::Text(out.json.clone().into())).await?;
                        sent_seq = out.seq;
                    }
                }
                // Too far behind, or the actor restarted its stream: start over from a fresh
                // welcome rather than leave a gap.
                Err(RecvError::Lagged(_)) | Err(RecvError::Closed) => {
                    let Ok(again) = handle.join(who.clone()).await else { return Ok(()) };
                    joined = again;
                    sent_seq = welcome(socket, &joined).await?;
                    joined.board = Board::new(joined.board.id);
                    roster(socket, &joined, me).await?;
                }
            },
            out = joined.presence.recv() => match out {
                Ok(out) if out.from != me => {
                    socket.send(Message::Text(out.json.clone().into())).await?;
                }
                // Presence is ephemeral: what a slow client missed is superseded anyway. A
                // closed stream means the actor is gone; the event stream notices too.
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return Ok(()),
            }
        }
    }
}
