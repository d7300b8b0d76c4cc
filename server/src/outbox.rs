//! What goes out on one WebSocket. The board actor writes each batch of events to every
//! socket itself, from one buffer of ready-made frames shared by all (no copy and no task
//! wake per recipient: one write each, as a plain relay does). The session writes its own
//! messages (welcome, acks, errors) through the same outbox, so the order on the wire is
//! the order of the calls. What a socket does not take at once waits in a queue that the
//! session drains, within its send deadline.

use bytes::{Buf, BufMut, Bytes, BytesMut};
use std::collections::VecDeque;
use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::Notify;

/// Messages go out in frames of at most this size: a 6 MB welcome is not one frame that a
/// client must buffer whole before it can read anything.
pub const FRAGMENT: usize = 64 * 1024;

/// Events queued for a socket (since its queue was last empty) beyond which the client is
/// too far behind to catch up event by event: it gets a fresh welcome instead.
pub const LAG_EVENTS: usize = 1024;

/// Bytes waiting for a socket beyond which presence updates to it are dropped (a cursor
/// position is superseded by the next one anyway).
const PRESENCE_ROOM: usize = 64 * 1024;

/// Payloads up to this size are copied behind their header (one write); larger ones are
/// queued as shared slices.
const COPY_BELOW: usize = 4 * 1024;

/// The writing half of a socket.
pub type Sink = Pin<Box<dyn AsyncWrite + Send>>;

/// Events of one commit as WebSocket frames, encoded once for every recipient.
#[derive(Debug)]
pub struct Frames {
    bytes: Bytes,
    /// Each event's seq and the offset of its first byte in `bytes`, in seq order.
    starts: Vec<(u64, usize)>,
}

impl Frames {
    /// Frames for `(seq, json)` pairs in seq order.
    pub fn encode<'a>(events: impl IntoIterator<Item = (u64, &'a [u8])>) -> Self {
        let mut bytes = BytesMut::new();
        let mut starts = Vec::new();
        for (seq, json) in events {
            starts.push((seq, bytes.len()));
            text_frames(json, &mut bytes);
        }
        Self {
            bytes: bytes.freeze(),
            starts,
        }
    }

    pub fn last_seq(&self) -> Option<u64> {
        self.starts.last().map(|(seq, _)| *seq)
    }

    /// The frames of the events after `seq`, and how many there are.
    fn after(&self, seq: u64) -> Option<(Bytes, usize)> {
        let first = self.starts.iter().position(|(s, _)| *s > seq)?;
        let offset = self.starts[first].1;
        Some((self.bytes.slice(offset..), self.starts.len() - first))
    }
}

/// Appends a text message as frames of at most `FRAGMENT` bytes (server frames are not
/// masked: RFC 6455, 5.1).
fn text_frames(payload: &[u8], out: &mut BytesMut) {
    let mut opcode = 0x1; // text, then continuation
    let mut rest = payload;
    loop {
        let part = &rest[..rest.len().min(FRAGMENT)];
        rest = &rest[part.len()..];
        header(opcode, rest.is_empty(), part.len(), out);
        out.extend_from_slice(part);
        if rest.is_empty() {
            return;
        }
        opcode = 0x0;
    }
}

fn header(opcode: u8, fin: bool, len: usize, out: &mut BytesMut) {
    out.put_u8(if fin { 0x80 } else { 0 } | opcode);
    if len < 126 {
        out.put_u8(len as u8);
    } else if len <= usize::from(u16::MAX) {
        out.put_u8(126);
        out.put_u16(len as u16);
    } else {
        out.put_u8(127);
        out.put_u64(len as u64);
    }
}

/// A text message as frames, for sending to many sockets.
pub fn text(json: &[u8]) -> Bytes {
    let mut out = BytesMut::with_capacity(json.len() + 10);
    text_frames(json, &mut out);
    out.freeze()
}

/// A close frame with its status code and reason (at most 123 bytes).
pub fn close_frame(code: u16, reason: &str) -> Bytes {
    let mut out = BytesMut::new();
    let mut end = reason.len().min(123);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    header(0x8, true, 2 + end, &mut out);
    out.put_u16(code);
    out.extend_from_slice(&reason.as_bytes()[..end]);
    out.freeze()
}

pub struct Outbox {
    state: Mutex<State>,
    /// Rung when the session has something to do: bytes the socket did not take at once, or
    /// a restart.
    bell: Notify,
}

/// Board output that arrived while the session was still sending the welcome.
enum Held {
    Events(Arc<Frames>),
    Presence(Bytes),
}

struct State {
    sink: Sink,
    queue: VecDeque<Bytes>,
    queued: usize,
    /// Board events queued since the queue was last empty (or held).
    lagging: usize,
    /// The seq of the last event queued or written.
    sent_seq: u64,
    /// Whether board output goes out as it comes; before the welcome is out it is held.
    live: bool,
    held: Vec<Held>,
    /// The client fell `LAG_EVENTS` behind: board output is dropped until the session
    /// rejoins and sends a fresh welcome.
    restart: bool,
    /// A close frame was queued: nothing of the board follows it.
    closing: bool,
    /// A write failed or the session ended: nothing more is written.
    broken: bool,
}

impl Outbox {
    pub fn new(sink: Sink) -> Self {
        Self {
            state: Mutex::new(State {
                sink,
                queue: VecDeque::new(),
                queued: 0,
                lagging: 0,
                sent_seq: 0,
                live: false,
                held: Vec::new(),
                restart: false,
                closing: false,
                broken: false,
            }),
            bell: Notify::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves nothing half-done that matters more than
        // the socket itself.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The session's own message, after everything sent before it.
    pub fn message(&self, json: &[u8]) {
        let mut state = self.lock();
        if json.len() < COPY_BELOW {
            let mut frame = BytesMut::with_capacity(json.len() + 4);
            text_frames(json, &mut frame);
            self.push(&mut state, frame.freeze());
        } else {
            self.message_shared(&mut state, Bytes::copy_from_slice(json));
        }
    }

    /// As `message`, for a payload shared with other sessions (the welcome): its bytes are
    /// queued as slices, not copied.
    pub fn shared(&self, json: &Bytes) {
        let mut state = self.lock();
        if json.len() < COPY_BELOW {
            drop(state);
            return self.message(json);
        }
        self.message_shared(&mut state, json.clone());
    }

    fn message_shared(&self, state: &mut State, json: Bytes) {
        let mut rest = json;
        let mut opcode = 0x1;
        loop {
            let part = rest.split_to(rest.len().min(FRAGMENT));
            let mut head = BytesMut::with_capacity(10);
            header(opcode, rest.is_empty(), part.len(), &mut head);
            self.push(state, head.freeze());
            self.push(state, part);
            if rest.is_empty() {
                return;
            }
            opcode = 0x0;
        }
    }

    /// Raw bytes from the WebSocket library (its pongs and close replies).
    /// False once the socket is broken. Nothing follows a close frame (the library would
    /// answer the client's close reply with a second one).
    pub fn raw(&self, bytes: &[u8]) -> bool {
        let mut state = self.lock();
        if !state.closing {
            self.push(&mut state, Bytes::copy_from_slice(bytes));
        }
        !state.broken
    }

    /// A close frame; nothing of the board goes out after it.
    pub fn close(&self, code: u16, reason: &str) {
        let mut state = self.lock();
        state.closing = true;
        state.held.clear();
        self.push(&mut state, close_frame(code, reason));
    }

    /// A batch of the board's events. False when the socket is gone (the actor forgets it).
    pub fn events(&self, frames: &Arc<Frames>) -> bool {
        let mut state = self.lock();
        if state.broken {
            return false;
        }
        if state.restart || state.closing {
            return true;
        }
        if !state.live {
            if self.fall_behind(&mut state, frames.starts.len()) {
                state.held.push(Held::Events(frames.clone()));
            }
            return true;
        }
        if let Some((bytes, count)) = frames.after(state.sent_seq) {
            if self.fall_behind(&mut state, count) {
                state.sent_seq = frames.last_seq().unwrap_or(state.sent_seq);
                self.push(&mut state, bytes);
            }
        }
        true
    }

    /// A presence update; dropped when the socket is behind. False when the socket is gone.
    pub fn presence(&self, frame: &Bytes) -> bool {
        let mut state = self.lock();
        if state.broken {
            return false;
        }
        if state.restart || state.closing || state.queued > PRESENCE_ROOM {
            return true;
        }
        if !state.live {
            state.held.push(Held::Presence(frame.clone()));
            return true;
        }
        self.push(&mut state, frame.clone());
        true
    }

    /// Counts `count` more events waiting for this client; false (and a restart) when that
    /// makes it more than `LAG_EVENTS` behind.
    fn fall_behind(&self, state: &mut State, count: usize) -> bool {
        state.lagging += count;
        if state.lagging <= LAG_EVENTS {
            return true;
        }
        state.restart = true;
        state.live = false;
        state.held.clear();
        self.bell.notify_one();
        false
    }

    /// The board's stream restarted (its log was reloaded): the session rejoins.
    pub fn restart(&self) {
        let mut state = self.lock();
        state.restart = true;
        state.live = false;
        state.held.clear();
        self.bell.notify_one();
    }

    /// Joining (again): board output is held until `live`, and a pending restart is over.
    pub fn hold(&self) {
        let mut state = self.lock();
        state.live = false;
        state.restart = false;
        state.held.clear();
        state.lagging = 0;
    }

    /// The welcome (or the missed events) up to `seq` are out: what was held after them goes
    /// out now, and the board's output from here on.
    pub fn live(&self, seq: u64) {
        let mut state = self.lock();
        if state.restart {
            return;
        }
        state.sent_seq = seq;
        state.live = true;
        for held in std::mem::take(&mut state.held) {
            match held {
                Held::Events(frames) => {
                    if let Some((bytes, _)) = frames.after(state.sent_seq) {
                        state.sent_seq = frames.last_seq().unwrap_or(state.sent_seq);
                        self.push(&mut state, bytes);
                    }
                }
                Held::Presence(frame) => self.push(&mut state, frame),
            }
        }
    }

    /// Whether the session must rejoin for a fresh welcome (the client fell too far behind).
    pub fn needs_restart(&self) -> bool {
        let state = self.lock();
        state.restart && !state.closing && !state.broken
    }

    /// Waits until the session has something to do (see `bell`).
    pub async fn rung(&self) {
        self.bell.notified().await
    }

    /// The session ended: the actor drops this socket at its next write.
    pub fn end(&self) {
        self.lock().broken = true;
    }

    /// Writes what is queued, waiting for the socket while it does not take it.
    pub fn poll_drain(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let mut state = self.lock();
        match Self::write_queue(&mut state, cx) {
            Poll::Ready(Err(e)) => {
                state.broken = true;
                Poll::Ready(Err(e))
            }
            other => other,
        }
    }

    /// Queues `bytes` after what is waiting; when nothing is, writes at once what the socket
    /// takes without waiting, and rings the session for the rest.
    fn push(&self, state: &mut State, bytes: Bytes) {
        if state.broken || bytes.is_empty() {
            return;
        }
        let was_empty = state.queue.is_empty();
        state.queued += bytes.len();
        state.queue.push_back(bytes);
        if !was_empty {
            return;
        }
        let mut cx = Context::from_waker(Waker::noop());
        match Self::write_queue(state, &mut cx) {
            Poll::Ready(Ok(())) => {}
            // The session finishes the write, or ends on the error.
            Poll::Ready(Err(_)) => {
                state.broken = true;
                self.bell.notify_one();
            }
            Poll::Pending => self.bell.notify_one(),
        }
    }

    fn write_queue(state: &mut State, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if state.broken {
            return Poll::Ready(Err(io::ErrorKind::BrokenPipe.into()));
        }
        while let Some(front) = state.queue.front_mut() {
            match state.sink.as_mut().poll_write(cx, front) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => {
                    state.queued -= n;
                    front.advance(n);
                    if front.is_empty() {
                        state.queue.pop_front();
                    }
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        state.lagging = 0;
        Poll::Ready(Ok(()))
    }
}

/// The socket as the WebSocket library sees it: it reads from the socket, and its own
/// writes (pongs, close replies) join the outbox's queue.
pub struct Duplex<R> {
    read: R,
    out: Arc<Outbox>,
}

impl<R> Duplex<R> {
    pub fn new(read: R, out: Arc<Outbox>) -> Self {
        Self { read, out }
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for Duplex<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.read).poll_read(cx, buf)
    }
}

impl<R: Unpin> AsyncWrite for Duplex<R> {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if !self.out.raw(buf) {
            return Poll::Ready(Err(io::ErrorKind::BrokenPipe.into()));
        }
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::poll_fn;
    use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
    use tokio_tungstenite::tungstenite::protocol::frame::Frame;

    /// A socket that takes at most `room` bytes until given more, like a full kernel buffer.
    #[derive(Clone, Default)]
    struct Pipe(Arc<Mutex<PipeState>>);

    #[derive(Default)]
    struct PipeState {
        written: Vec<u8>,
        room: usize,
        waker: Option<Waker>,
        fail: bool,
    }

    impl Pipe {
        fn with_room(room: usize) -> Self {
            let pipe = Self::default();
            pipe.0.lock().unwrap().room = room;
            pipe
        }

        fn give(&self, room: usize) {
            let mut s = self.0.lock().unwrap();
            s.room += room;
            if let Some(w) = s.waker.take() {
                w.wake();
            }
        }

        fn taken(&self) -> Vec<u8> {
            std::mem::take(&mut self.0.lock().unwrap().written)
        }
    }

    impl AsyncWrite for Pipe {
        fn poll_write(
            self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            let mut s = self.0.lock().unwrap();
            if s.fail {
                return Poll::Ready(Err(io::ErrorKind::ConnectionReset.into()));
            }
            if s.room == 0 {
                s.waker = Some(cx.waker().clone());
                return Poll::Pending;
            }
            let n = buf.len().min(s.room);
            s.room -= n;
            s.written.extend_from_slice(&buf[..n]);
            Poll::Ready(Ok(n))
        }

        fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }

        fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }

    fn outbox(pipe: &Pipe) -> Outbox {
        Outbox::new(Box::pin(pipe.clone()))
    }

    /// The text messages in a byte stream of unmasked frames, fragments joined.
    fn messages(mut bytes: &[u8]) -> Vec<String> {
        let mut out = Vec::new();
        let mut partial = Vec::new();
        while !bytes.is_empty() {
            let fin = bytes[0] & 0x80 != 0;
            let (len, head) = match bytes[1] & 0x7f {
                126 => (u16::from_be_bytes([bytes[2], bytes[3]]) as usize, 4),
                127 => (
                    u64::from_be_bytes(bytes[2..10].try_into().unwrap()) as usize,
                    10,
                ),
                n => (n as usize, 2),
            };
            partial.extend_from_slice(&bytes[head..head + len]);
            bytes = &bytes[head + len..];
            if fin {
                out.push(String::from_utf8(std::mem::take(&mut partial)).unwrap());
            }
        }
        out
    }

    fn batch(seqs: std::ops::RangeInclusive<u64>) -> Arc<Frames> {
        let jsons: Vec<(u64, String)> = seqs.map(|s| (s, format!("e{s}"))).collect();
        Arc::new(Frames::encode(
            jsons.iter().map(|(s, j)| (*s, j.as_bytes())),
        ))
    }

    #[test]
    fn frames_are_encoded_as_the_websocket_library_encodes_them() {
        for len in [0, 1, 125, 126, 127, 65_535, 65_536, 70_000, 200_000] {
            let payload = "x".repeat(len);
            let mut ours = BytesMut::new();
            text_frames(payload.as_bytes(), &mut ours);
            let mut theirs = Vec::new();
            let mut rest = payload.as_bytes();
            let mut opcode = OpCode::Data(Data::Text);
            loop {
                let part = &rest[..rest.len().min(FRAGMENT)];
                rest = &rest[part.len()..];
                Frame::message(part.to_vec(), opcode, rest.is_empty())
                    .format(&mut theirs)
                    .unwrap();
                if rest.is_empty() {
                    break;
                }
                opcode = OpCode::Data(Data::Continue);
            }
            assert_eq!(&ours[..], &theirs[..], "payload of {len} bytes");
        }
    }

    #[test]
    fn a_socket_with_room_gets_everything_at_once_in_call_order() {
        let pipe = Pipe::with_room(usize::MAX);
        let out = outbox(&pipe);
        out.message(b"welcome");
        out.live(0);
        assert!(out.events(&batch(1..=2)));
        out.message(b"ack");
        assert_eq!(messages(&pipe.taken()), ["welcome", "e1", "e2", "ack"]);
    }

    #[tokio::test]
    async fn what_the_socket_does_not_take_waits_for_the_session_to_drain_it() {
        let pipe = Pipe::with_room(5);
        let out = outbox(&pipe);
        out.live(0);
        out.events(&batch(1..=3));
        out.message(b"ack");
        // The bell rang: the session drains as the socket makes room.
        tokio::time::timeout(std::time::Duration::from_secs(1), out.rung())
            .await
            .expect("the session is told");
        let drain = poll_fn(|cx| out.poll_drain(cx));
        let giver = pipe.clone();
        let (drained, ()) = tokio::join!(drain, async move {
            for _ in 0..10 {
                tokio::task::yield_now().await;
                giver.give(3);
            }
        });
        drained.unwrap();
        assert_eq!(messages(&pipe.taken()), ["e1", "e2", "e3", "ack"]);
    }

    #[test]
    fn board_output_waits_behind_the_welcome_and_skips_what_it_covers() {
        let pipe = Pipe::with_room(usize::MAX);
        let out = outbox(&pipe);
        out.hold();
        out.events(&batch(5..=6));
        out.presence(&text(b"cursor"));
        out.events(&batch(7..=7));
        assert!(pipe.taken().is_empty(), "nothing before the welcome");
        out.message(b"welcome at 6");
        out.live(6);
        assert_eq!(messages(&pipe.taken()), ["welcome at 6", "cursor", "e7"]);
        out.events(&batch(7..=8));
        assert_eq!(messages(&pipe.taken()), ["e8"], "an event is sent once");
    }

    #[test]
    fn a_client_too_far_behind_is_restarted_and_keeps_its_own_answers() {
        let pipe = Pipe::with_room(0);
        let out = outbox(&pipe);
        out.live(0);
        for seq in 1..=LAG_EVENTS as u64 {
            out.events(&batch(seq..=seq));
        }
        assert!(!out.needs_restart());
        out.message(b"ack");
        out.events(&batch(1025..=1025));
        assert!(out.needs_restart());
        out.events(&batch(1026..=1026));
        out.message(b"error");
        pipe.give(usize::MAX);
        let mut cx = Context::from_waker(Waker::noop());
        assert!(out.poll_drain(&mut cx).is_ready());
        let got = messages(&pipe.taken());
        assert_eq!(
            got.len(),
            1026,
            "queued events, then the session's two messages"
        );
        assert_eq!(got[..3], ["e1", "e2", "e3"]);
        assert_eq!(got[1024..], ["ack", "error"]);
        // Rejoining: the welcome, then the board from there.
        out.hold();
        out.message(b"welcome at 1026");
        out.live(1026);
        out.events(&batch(1027..=1027));
        assert_eq!(messages(&pipe.taken()), ["welcome at 1026", "e1027"]);
    }

    #[test]
    fn presence_is_dropped_for_a_socket_that_is_behind() {
        let pipe = Pipe::with_room(0);
        let out = outbox(&pipe);
        out.live(0);
        out.message(&[b'x'; PRESENCE_ROOM + 1]);
        out.presence(&text(b"cursor"));
        out.events(&batch(1..=1));
        pipe.give(usize::MAX);
        let mut cx = Context::from_waker(Waker::noop());
        assert!(out.poll_drain(&mut cx).is_ready());
        let got = messages(&pipe.taken());
        assert_eq!(got.len(), 2);
        assert_eq!(got[1], "e1");
    }

    #[test]
    fn a_broken_socket_is_dropped_by_the_board() {
        let pipe = Pipe::with_room(usize::MAX);
        let out = outbox(&pipe);
        out.live(0);
        pipe.0.lock().unwrap().fail = true;
        assert!(
            out.events(&batch(1..=1)),
            "the failed write is the session's to report"
        );
        let mut cx = Context::from_waker(Waker::noop());
        assert!(matches!(out.poll_drain(&mut cx), Poll::Ready(Err(_))));
        assert!(!out.events(&batch(2..=2)));
        assert!(!out.presence(&Bytes::from_static(b"x")));
    }

    #[test]
    fn close_frames_carry_the_code_and_a_reason_cut_on_a_character() {
        let frame = close_frame(4403, &"é".repeat(100));
        assert_eq!(frame[0], 0x88);
        let len = frame[1] as usize;
        assert!(len <= 125);
        assert_eq!(u16::from_be_bytes([frame[2], frame[3]]), 4403);
        assert!(std::str::from_utf8(&frame[4..]).is_ok());
        assert_eq!(frame.len(), 2 + len);
    }
}
