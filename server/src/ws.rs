//! One WebSocket session: the socket's IO only. Decisions belong to the board actor.

use crate::actor::{generation_of, BoardError, BoardHandle, Done, Joined, Who, Wire};
use crate::inbound::{self, Inbound, Verdict};
use crate::outbox::{Duplex, Outbox};
use crate::registry::{ConnectionRefused, Registry};
use axum::body::Body;
use axum::extract::{ConnectInfo, Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures::stream::{FuturesOrdered, StreamExt};
use futures::FutureExt;
use hyper_util::rt::TokioIo;
use std::collections::HashMap;
use std::future::{poll_fn, Future};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};
use stormwall_core::protocol::{ClientMsg, Link, ServerMsg, PROTOCOL_VERSION};
use stormwall_core::ErrorCode;
use stormwall_core::{BoardId, Role as Right};
use thiserror::Error;
use tokio::io::ReadHalf;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::WebSocketStream;
use uuid::Uuid;

/// Frames above this close the connection (abuse); frames between `MAX_MESSAGE_BYTES` and this
/// are read only to answer with a clear error.
const HARD_FRAME_LIMIT: usize = 1024 * 1024;

/// The reading side of a connection; what is written goes through its `Outbox`.
type Socket = WebSocketStream<Duplex<ReadHalf<TokioIo<hyper::upgrade::Upgraded>>>>;

/// How long a new connection has to say `hello` with its key.
const HELLO_TIMEOUT: Duration = Duration::from_secs(10);

/// Close codes (the 4000s are the application's; browsers show them to the page).
use stormwall_core::protocol::close::{
    FORBIDDEN as CLOSE_FORBIDDEN, REVOKED as CLOSE_REVOKED, UNAUTHORIZED as CLOSE_UNAUTHORIZED,
};

/// What a page shows when its link was rotated away.
pub const REVOKED: &str = "This link was revoked; ask the facilitator for a new one.";

/// Why a session ended early.
#[derive(Debug, Error)]
enum End {
    #[error("socket: {0}")]
    Socket(#[from] tungstenite::Error),
    #[error("socket write: {0}")]
    Write(#[from] std::io::Error),
    #[error("the client did not read for {0:?}")]
    SendTimeout(Duration),
}

fn refuse(status: StatusCode, message: impl Into<String>) -> Response {
    let body = serde_json::json!({ "code": ErrorCode::Refused, "message": message.into() });
    (status, axum::Json(body)).into_response()
}

/// `?since=N`: absent, or a whole number of events the log can hold.
fn since(params: &HashMap<String, String>) -> Result<Option<u64>, String> {
    let Some(raw) = params.get("since") else {
        return Ok(None);
    };
    match raw.parse::<u64>() {
        Ok(n) if n <= i64::MAX as u64 => Ok(Some(n)),
        _ => Err(format!(
            "since={:?} is not a sequence number: give a whole number from 0 to {}",
            raw.chars().take(30).collect::<String>(),
            i64::MAX
        )),
    }
}

/// The `Sec-WebSocket-Accept` for a valid WebSocket handshake (RFC 6455, version 13).
fn handshake(headers: &HeaderMap) -> Result<String, &'static str> {
    let has = |name: header::HeaderName, token: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token)))
    };
    if !has(header::UPGRADE, "websocket") || !has(header::CONNECTION, "upgrade") {
        return Err("this address takes WebSocket connections only");
    }
    if !has(header::SEC_WEBSOCKET_VERSION, "13") {
        return Err("WebSocket version 13 is required");
    }
    let key = headers
        .get(header::SEC_WEBSOCKET_KEY)
        .ok_or("the WebSocket handshake has no key")?;
    Ok(derive_accept_key(key.as_bytes()))
}

fn socket_config() -> WebSocketConfig {
    WebSocketConfig::default()
        // The library's 128 KiB buffers per socket would dominate an idle client's memory;
        // board messages are small, and buffers grow when needed. It writes only pongs and
        // close replies (into the outbox); everything else is framed by `outbox`.
        .read_buffer_size(8 * 1024)
        .write_buffer_size(0)
        .max_message_size(Some(HARD_FRAME_LIMIT))
        .max_frame_size(Some(HARD_FRAME_LIMIT))
}

/// Opens a board's WebSocket. The Origin and Host checks are the `guard`'s, in front of every
/// route; this checks the handshake, the parameters and the connection caps, then upgrades.
pub async fn upgrade(
    State(registry): State<Registry>,
    Path(id): Path<String>,
    Query(params): Query<HashMap<String, String>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    mut req: Request,
) -> Response {
    let accept = match handshake(req.headers()) {
        Ok(accept) => accept,
        Err(message) => return refuse(StatusCode::BAD_REQUEST, message),
    };
    let author = params
        .get("name")
        .and_then(|n| stormwall_core::text::display_name(n));
    let since = match since(&params) {
        Ok(since) => since,
        Err(message) => return refuse(StatusCode::BAD_REQUEST, message),
    };
    let Ok(board_id) = id.parse::<BoardId>() else {
        return refuse(StatusCode::NOT_FOUND, "no such board");
    };
    let connection = match registry.connection(peer.ip()) {
        Ok(connection) => connection,
        Err(e @ ConnectionRefused::Full(_)) => {
            return refuse(StatusCode::SERVICE_UNAVAILABLE, e.to_string())
        }
        Err(e @ ConnectionRefused::TooManyFromAddress(_)) => {
            return refuse(StatusCode::TOO_MANY_REQUESTS, e.to_string())
        }
    };
    // An id that names no board is answered like a wrong key, after the hello: the bare id
    // tells nobody whether a board exists.
    let handle = match registry.open(board_id).await {
        Ok(found) => found,
        Err(e) => {
            tracing::error!(board = %board_id, error = %e, "cannot open board");
            return refuse(
                StatusCode::SERVICE_UNAVAILABLE,
                "the board cannot be opened right now",
            );
        }
    };
    let upgrading = hyper::upgrade::on(&mut req);
    tokio::spawn(async move {
        let _counted = connection;
        match upgrading.await {
            Ok(upgraded) => {
                let (read, write) = tokio::io::split(TokioIo::new(upgraded));
                let outbox = Arc::new(Outbox::new(Box::pin(write)));
                let io = Duplex::new(read, outbox.clone());
                let socket =
                    WebSocketStream::from_raw_socket(io, Role::Server, Some(socket_config())).await;
                let deadline = registry.settings().send_timeout;
                let mut out = Out {
                    socket,
                    outbox,
                    deadline,
                    closed: false,
                };
                match handle {
                    Some(handle) => session(&mut out, handle, registry, author, since).await,
                    None => no_board(&mut out).await,
                }
                if out.closed {
                    out.linger().await;
                }
                // Nothing more goes out; the actor forgets the socket at its next write.
                out.outbox.end();
            }
            Err(e) => tracing::debug!(error = %e, "WebSocket upgrade failed"),
        }
    });
    Response::builder()
        .status(StatusCode::SWITCHING_PROTOCOLS)
        .header(header::CONNECTION, "upgrade")
        .header(header::UPGRADE, "websocket")
        .header(header::SEC_WEBSOCKET_ACCEPT, accept)
        .body(Body::empty())
        .expect("a valid response")
}

async fn session(
    out: &mut Out,
    handle: BoardHandle,
    registry: Registry,
    author: Option<String>,
    since: Option<u64>,
) {
    let me = Uuid::new_v4();
    tokio::select! {
        result = run(out, &handle, &registry, me, author, since) => {
            if let Err(e) = result {
                tracing::debug!(board = %handle.id(), error = %e, "session ended");
            }
        }
        _ = registry.stopping() => {
            let _ = out.close(CloseCode::Away, "the server is stopping").await;
        }
    }
    // Presence is cleaned up with the connection, however it ended.
    handle.leave(me).await;
}

/// A socket on an id that names no board: refused after its hello, as a wrong key would be.
async fn no_board(out: &mut Out) {
    if let Ok(Some(_)) = hello(out).await {
        let message = BoardError::Denied.to_string();
        let _ = out
            .refuse(ErrorCode::Forbidden, &message, CLOSE_FORBIDDEN)
            .await;
    }
}

/// A session's connection: the socket to read from, and the outbox every message goes out
/// through (the board's events are written there by the actor). Messages leave at once when
/// the socket takes them; what waits is written by `flush`, within the deadline, or the
/// session ends (a client that stops reading must not pin what is queued for it).
struct Out {
    socket: Socket,
    outbox: Arc<Outbox>,
    deadline: Duration,
    /// Whether this side sent a close frame.
    closed: bool,
}

/// How long a socket this side closed is read for the client's close reply.
const LINGER: Duration = Duration::from_secs(2);

impl Out {
    /// Writes what waits for the socket. Usually nothing does, and no timer is armed:
    /// registering and cancelling one per turn is work for a deadline that rarely matters.
    async fn flush(&mut self) -> Result<(), End> {
        let outbox = self.outbox.clone();
        let mut drain = std::pin::pin!(poll_fn(move |cx| outbox.poll_drain(cx)));
        if let Some(done) = drain.as_mut().now_or_never() {
            return Ok(done?);
        }
        match tokio::time::timeout(self.deadline, drain).await {
            Ok(done) => Ok(done?),
            Err(_) => Err(End::SendTimeout(self.deadline)),
        }
    }

    /// A message shared with other sessions (the welcome), its bytes not copied.
    fn wire(&mut self, text: &Wire) {
        self.outbox.shared(text);
    }

    fn msg(&mut self, msg: &ServerMsg) {
        let json = serde_json::to_string(msg).expect("server messages always serialise");
        self.outbox.message(json.as_bytes());
    }

    /// A refusal the client can show, then the end of the connection.
    async fn refuse(&mut self, code: ErrorCode, message: &str, close: u16) -> Result<(), End> {
        self.msg(&ServerMsg::error(code, message, None));
        self.close(CloseCode::from(close), "").await
    }

    async fn close(&mut self, code: CloseCode, reason: &'static str) -> Result<(), End> {
        self.outbox.close(code.into(), reason);
        self.closed = true;
        self.flush().await
    }

    /// After a close frame, reads (and drops) what the client still sends until its close
    /// reply, as the WebSocket closing handshake has it. Dropping a socket with unread input
    /// makes the kernel reset the connection, and a reset throws away what the client had not
    /// yet received: the last refusals and the close frame with its reason.
    async fn linger(&mut self) {
        let replied = async {
            while let Some(Ok(frame)) = self.socket.next().await {
                if matches!(frame, Message::Close(_)) {
                    return;
                }
            }
        };
        let _ = tokio::time::timeout(LINGER, replied).await;
    }
}

/// Sends the welcome (shared with everyone who joined at this seq, then let go of); returns
/// the seq the client now has.
fn welcome(out: &mut Out, joined: &mut Joined) -> u64 {
    let welcome = std::mem::take(&mut joined.welcome);
    out.wire(&welcome);
    joined.seq
}

/// Who is on the board, this connection included.
fn roster(out: &mut Out, joined: &Joined, me: Uuid) {
    let msg = ServerMsg::Roster {
        you: me,
        participants: joined.roster.clone(),
    };
    out.msg(&msg);
}

/// Commands of one connection being committed at once, at most; beyond that the session stops
/// reading from the socket until answers come (back-pressure on that client alone).
const IN_FLIGHT: usize = 64;

/// How far behind a resuming client may be and still get the missing events rather than a
/// fresh welcome.
const MAX_CATCH_UP: u64 = 5_000;

/// Sends a resuming client exactly the events it missed; `None` when a welcome is better.
async fn catch_up(
    out: &mut Out,
    registry: &Registry,
    board: BoardId,
    seq: u64,
    since: u64,
) -> Result<Option<u64>, End> {
    if since > seq || seq - since > MAX_CATCH_UP {
        return Ok(None);
    }
    let Ok(missed) = registry.store().load_range(board, since + 1, seq).await else {
        return Ok(None);
    };
    if missed.len() as u64 != seq - since {
        return Ok(None);
    }
    out.msg(&ServerMsg::Resume {
        protocol: PROTOCOL_VERSION,
        since,
    });
    for e in missed {
        let msg = ServerMsg::Event {
            seq: e.seq,
            command_id: e.command_id,
            event: e.event,
        };
        out.msg(&msg);
    }
    Ok(Some(seq))
}

/// A command's answer to come, with its id.
type Answer = Pin<Box<dyn Future<Output = (Uuid, Result<Done, BoardError>)> + Send>>;

/// What reading one frame led to.
enum Read {
    Continue,
    Submitted(Answer),
    Stop,
}

/// The first message: the link's key and the browser's id, or `None` (after telling the
/// client why) when something else came first or nothing came in time.
async fn hello(out: &mut Out) -> Result<Option<(String, Option<Uuid>)>, End> {
    let first = tokio::time::timeout(HELLO_TIMEOUT, async {
        loop {
            match out.socket.next().await {
                Some(Ok(Message::Text(text))) => return Some(text),
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                _ => return None,
            }
        }
    })
    .await;
    let text = match first {
        Ok(Some(text)) => text,
        Ok(None) => return Ok(None),
        Err(_) => {
            let message = "no hello: send the board link's key first";
            out.refuse(ErrorCode::Unauthorized, message, CLOSE_UNAUTHORIZED)
                .await?;
            return Ok(None);
        }
    };
    match inbound::parse(&text).ok() {
        Some(ClientMsg::Hello { key, browser }) => Ok(Some((key, browser))),
        _ => {
            let message = "the first message must be {\"type\":\"hello\",\"key\":...} with \
                           the key of the board's link (the part after #k= in it)";
            out.refuse(ErrorCode::Unauthorized, message, CLOSE_UNAUTHORIZED)
                .await?;
            Ok(None)
        }
    }
}

/// One connection's state between frames.
struct Session<'a> {
    handle: &'a BoardHandle,
    me: Uuid,
    author: Option<String>,
    /// The key this connection was opened with, its role, and that link's generation.
    key: String,
    right: Right,
    generation: u64,
    /// Who this is in votes: the browser's id and the display name.
    voter: String,
    joined: Joined,
    /// The size and rate limits and the presence throttles (see `inbound`).
    inbound: Inbound,
}

async fn run(
    out: &mut Out,
    handle: &BoardHandle,
    registry: &Registry,
    me: Uuid,
    author: Option<String>,
    since: Option<u64>,
) -> Result<(), End> {
    let Some((key, browser)) = hello(out).await? else {
        return Ok(());
    };
    let name = author.clone().unwrap_or_else(|| "Guest".to_owned());
    let voter = format!("{}/{name}", browser.unwrap_or(me));
    let who = Who {
        id: me,
        name,
        voter: voter.clone(),
    };
    let mut joined = match handle
        .join_socket(who, key.clone(), out.outbox.clone())
        .await
    {
        Ok(joined) => joined,
        Err(BoardError::Denied) => {
            let message = BoardError::Denied.to_string();
            out.refuse(ErrorCode::Forbidden, &message, CLOSE_FORBIDDEN)
                .await?;
            return Ok(());
        }
        Err(_) => return Ok(()),
    };
    let resumed = match since {
        Some(since) => catch_up(out, registry, handle.id(), joined.seq, since).await?,
        None => None,
    };
    let sent_seq = match resumed {
        Some(seq) => {
            joined.welcome = Wire::new();
            seq
        }
        None => welcome(out, &mut joined),
    };
    roster(out, &joined, me);
    let right = joined.granted.role;
    let generation = generation_of(&joined.revocations.borrow_and_update(), right);
    let mut s = Session {
        handle,
        me,
        author,
        key,
        right,
        generation,
        voter,
        joined,
        inbound: Inbound::new(registry.settings().rate_limit, Instant::now()),
    };
    s.arrived(out);
    // The board's events (and presence) after the welcome now go out as they come.
    out.outbox.live(sent_seq);
    // Answers to come, in the order the commands were sent: reading goes on while earlier
    // commands are being committed (up to `IN_FLIGHT` of them).
    let mut answers = FuturesOrdered::new();
    loop {
        // What the socket did not take at once goes out before waiting for more.
        out.flush().await?;
        tokio::select! {
            changed = s.joined.revocations.changed() => {
                if changed.is_err() {
                    // The actor is gone (its log could not be reloaded): a new one, if the
                    // board opens again, starts this client from a fresh welcome.
                    if !s.rejoin(out).await? {
                        return Ok(());
                    }
                    continue;
                }
                let current = generation_of(&s.joined.revocations.borrow_and_update(), s.right);
                if current != s.generation {
                    out.refuse(ErrorCode::LinkRevoked, REVOKED, CLOSE_REVOKED).await?;
                    return Ok(());
                }
            }
            incoming = out.socket.next(), if answers.len() < IN_FLIGHT => {
                match s.read(out, incoming).await? {
                    Read::Continue => {}
                    Read::Submitted(answer) => answers.push_back(answer),
                    Read::Stop => return Ok(()),
                }
            }
            Some((command_id, answer)) = answers.next(), if !answers.is_empty() => {
                s.answer(out, command_id, answer);
            }
            () = out.outbox.rung() => {
                // Bytes are waiting (written at the top of the loop), or the client fell so
                // far behind that it starts over from a fresh welcome.
                if out.outbox.needs_restart() && !s.rejoin(out).await? {
                    return Ok(());
                }
            }
        }
    }
}

impl Session<'_> {
    /// After the welcome: this connection's rights and links, the server's clock, its dots in
    /// an open vote, and who leads the room's view.
    fn arrived(&mut self, out: &mut Out) {
        self.access(out);
        if let Some((vote, dots)) = self.joined.ballot.take() {
            out.msg(&ServerMsg::Ballot { vote, dots });
        }
        if let Some((leader, view)) = self.joined.leading {
            let msg = ServerMsg::Follow {
                leader,
                view: Some(view),
            };
            out.msg(&msg);
        }
    }

    fn access(&mut self, out: &mut Out) {
        let links: Vec<Link> = self.joined.granted.keys.links();
        let msg = ServerMsg::Access {
            role: self.right,
            links,
            now: crate::actor::now_ms(),
        };
        out.msg(&msg);
    }

    /// Messages other than commands and presence: dots, follow me, rotating a link.
    async fn workshop(&mut self, out: &mut Out, msg: ClientMsg) {
        let need = match msg {
            ClientMsg::Dot { .. } => Right::Edit,
            _ => Right::Facilitator,
        };
        if let Err(refused) = stormwall_core::workshop::require(self.right, need) {
            return out.msg(&ServerMsg::error(refused.code(), refused.to_string(), None));
        }
        match msg {
            ClientMsg::Dot { vote, sticky, add } => {
                let voter = self.voter.clone();
                match self.handle.dot(voter, vote, sticky, add).await {
                    Ok(dots) => out.msg(&ServerMsg::Ballot { vote, dots }),
                    Err(e) => out.msg(&ServerMsg::error(e.code(), e.to_string(), None)),
                }
            }
            ClientMsg::Follow { view } => self.handle.follow(self.me, view),
            ClientMsg::RotateLink { role } => {
                match self.handle.rotate(role, self.key.clone()).await {
                    Ok(granted) => {
                        // This connection stays, under its own new key if it rotated that.
                        if let Some(k) = granted.keys.0.get(&self.right) {
                            self.key = k.clone();
                        }
                        self.generation =
                            generation_of(&self.joined.revocations.borrow(), self.right);
                        self.joined.granted = granted;
                        self.access(out)
                    }
                    Err(e) => out.msg(&ServerMsg::error(e.code(), e.to_string(), None)),
                }
            }
            _ => {}
        }
    }

    /// Reads one frame and does what `inbound` decides: presence goes to the actor, a command
    /// is submitted within the rate limit, follow me and the other workshop messages go to
    /// `workshop`, anything else is answered with an error.
    async fn read(
        &mut self,
        out: &mut Out,
        incoming: Option<Result<Message, tungstenite::Error>>,
    ) -> Result<Read, End> {
        let text = match incoming {
            None | Some(Err(_)) | Some(Ok(Message::Close(_))) => return Ok(Read::Stop),
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(Message::Binary(_))) => {
                let msg = ServerMsg::error(
                    ErrorCode::BadMessage,
                    "binary frames are not part of the protocol; send JSON text",
                    None,
                );
                out.msg(&msg);
                return Ok(Read::Continue);
            }
            Some(Ok(_)) => return Ok(Read::Continue), // ping/pong are answered by the library
        };
        let parsed = inbound::parse(&text);
        match self.inbound.judge(&parsed, Instant::now()) {
            Verdict::Accept => {}
            Verdict::Drop => return Ok(Read::Continue),
            Verdict::Disconnect => {
                out.close(CloseCode::Policy, "too many refused messages; slow down")
                    .await?;
                return Ok(Read::Stop);
            }
            Verdict::RateLimited => {
                let command_id = match &parsed {
                    Ok(ClientMsg::Command { command_id, .. }) => Some(*command_id),
                    _ => None,
                };
                let message = format!(
                    "too many changes: at most {} a second on average; this one was not \
                     executed, send it again in a moment",
                    self.inbound.per_second()
                );
                out.msg(&ServerMsg::error(
                    ErrorCode::RateLimited,
                    message,
                    command_id,
                ));
                return Ok(Read::Continue);
            }
        }
        let (command_id, command) = match parsed {
            Ok(ClientMsg::Command {
                command_id,
                command,
            }) => (command_id, command),
            Ok(ClientMsg::Presence { cursor, editing }) => {
                self.handle.presence(self.me, cursor, editing);
                return Ok(Read::Continue);
            }
            Ok(ClientMsg::Hello { .. }) => {
                let msg = ServerMsg::error(ErrorCode::BadMessage, "hello is said once", None);
                out.msg(&msg);
                return Ok(Read::Continue);
            }
            Ok(msg) => {
                self.workshop(out, msg).await;
                return Ok(Read::Continue);
            }
            Err(unreadable) => {
                let msg = ServerMsg::error(unreadable.code(), unreadable.to_string(), None);
                out.msg(&msg);
                return Ok(Read::Continue);
            }
        };
        match self
            .handle
            .submit(Some(command_id), self.author.clone(), self.right, command)
            .await
        {
            Ok(answer) => Ok(Read::Submitted(Box::pin(async move {
                (command_id, answer.await)
            }))),
            Err(e) => {
                let msg = ServerMsg::error(e.code(), e.to_string(), Some(command_id));
                out.msg(&msg);
                Ok(Read::Continue)
            }
        }
    }

    /// Answers a command. Its own events are already out (the actor writes them to the
    /// outbox before it answers); its cost beyond the first event is charged to the rate
    /// limit now that it is known.
    fn answer(&mut self, out: &mut Out, command_id: Uuid, answer: Result<Done, BoardError>) {
        match answer {
            Ok(done) => {
                self.inbound.produced(done.events);
                out.msg(&ServerMsg::Ack {
                    command_id,
                    seq: done.seq,
                });
            }
            Err(e) => out.msg(&ServerMsg::error(e.code(), e.to_string(), Some(command_id))),
        }
    }

    /// Starts the client over from a fresh welcome: it fell too far behind, or the board's
    /// stream restarted. False when the board cannot be joined any more.
    async fn rejoin(&mut self, out: &mut Out) -> Result<bool, End> {
        let who = Who {
            id: self.me,
            name: self.author.clone().unwrap_or_else(|| "Guest".to_owned()),
            voter: self.voter.clone(),
        };
        let joined = self
            .handle
            .join_socket(who, self.key.clone(), out.outbox.clone())
            .await;
        let Ok(mut again) = joined else {
            return Ok(false);
        };
        self.generation = generation_of(&again.revocations.borrow_and_update(), self.right);
        self.joined = again;
        let seq = welcome(out, &mut self.joined);
        roster(out, &self.joined, self.me);
        self.arrived(out);
        out.outbox.live(seq);
        Ok(true)
    }
}
