//! The WebSocket protocol between a browser (or any client) and the server: the only types
//! that cross the wire. JSON text frames, one message per frame, tagged by `type`.
//! See `docs/protocol.md` for examples.

use crate::code::ErrorCode;
use crate::workshop::{Role, VoteId};
use crate::{Board, Command, Event, Position, StickyId};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One board in the board list (`GET /api/boards`, home page).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardSummary {
    pub id: crate::BoardId,
    pub title: String,
    /// RFC 3339, UTC.
    pub created_at: String,
}

/// A new board (`POST /api/boards`, an import, the home page's form) and its three links.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Created {
    pub id: crate::BoardId,
    pub links: Vec<Link>,
}

impl Created {
    /// The key of one of the links.
    pub fn key(&self, role: Role) -> Option<&str> {
        self.links
            .iter()
            .find(|l| l.role == role)
            .map(|l| l.key.as_str())
    }
}

/// A board as one of its links opens it: what the board page needs before the socket is up.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opened {
    pub summary: BoardSummary,
    pub role: Role,
}

/// One stored event as history shows it (`GET /api/boards/{id}/events`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoggedEvent {
    pub seq: u64,
    pub command_id: Option<Uuid>,
    /// The display name of whoever sent the command, when they gave one.
    pub author: Option<String>,
    /// When it was stored, RFC 3339 UTC.
    pub recorded_at: String,
    pub event: Event,
}

/// Bumped on any incompatible change to these messages.
/// v2: a connection starts with `hello` (the board link's key); roles, votes, follow me.
pub const PROTOCOL_VERSION: u32 = 2;

/// WebSocket close codes the server ends a connection with (the 4000s are the application's;
/// browsers show them to the page).
pub mod close {
    /// No `hello` first.
    pub const UNAUTHORIZED: u16 = 4401;
    /// A key that does not open this board.
    pub const FORBIDDEN: u16 = 4403;
    /// The link was rotated: do not reconnect with it.
    pub const REVOKED: u16 = 4410;
}

/// One of a board's secret links: `/b/{board}#k={key}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub role: Role,
    pub key: String,
}

/// Where someone looks at the wall: the centre of their view in board units, and the zoom.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct View {
    pub x: f64,
    pub y: f64,
    pub zoom: f64,
}

/// Client to server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMsg {
    /// The first message on every connection: the key of the board link it was opened with
    /// (never in the URL, so it stays out of logs), and an id this browser keeps, which with
    /// the display name identifies a participant in votes. Nothing else is read before it.
    Hello {
        key: String,
        #[serde(default)]
        browser: Option<Uuid>,
    },
    /// Ask the board to do something. `command_id` is chosen by the client and comes back in
    /// the `ack` or `error` that answers it, and on the events it caused.
    Command { command_id: Uuid, command: Command },
    /// Where this user's pointer is on the wall and which sticky they are editing. Ephemeral:
    /// never stored, shared with the others on the board, forgotten when the connection ends.
    /// Clients send it at most every 50 ms; the server drops what comes faster.
    Presence {
        #[serde(default)]
        cursor: Option<Position>,
        #[serde(default)]
        editing: Option<StickyId>,
    },
    /// Put one of this participant's dots on a sticky (`add`), or take one back, in the open
    /// vote. Answered with `ballot` (to this participant only) or an error.
    Dot {
        vote: VoteId,
        sticky: StickyId,
        add: bool,
    },
    /// Facilitator only: everyone's wall follows this view (`None`: stop leading). Presence
    /// only, never stored.
    Follow { view: Option<View> },
    /// Facilitator only: replace a link's key. Connections opened with the old one are closed.
    RotateLink { role: Role },
}

/// One person on the board, as the others see them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    /// Chosen by the server per connection.
    pub id: Uuid,
    pub name: String,
    /// A CSS colour chosen by the server, distinct among the people on the board while there
    /// are enough colours.
    pub colour: String,
    pub cursor: Option<Position>,
    pub editing: Option<StickyId>,
    /// What their link lets them do.
    #[serde(default)]
    pub role: Role,
}

/// Server to client. (The welcome is far bigger than the rest, but a message lives only
/// while it is read or written, and the server writes the welcome without building one.)
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMsg {
    /// First message on every connection: the board as of sequence number `seq`.
    Welcome {
        protocol: u32,
        board: Board,
        seq: u64,
    },
    /// First message on a connection that asked to resume (`?since=N`) and can: the client's
    /// board as of `since` stays, and the events after it follow as `event` messages.
    Resume { protocol: u32, since: u64 },
    /// A stored event, in log order. `seq` numbers are contiguous per board, starting at 1.
    Event {
        seq: u64,
        command_id: Option<Uuid>,
        event: Event,
    },
    /// The command was executed and its events (if any) are stored; `seq` is the board's
    /// sequence number after them.
    Ack { command_id: Uuid, seq: u64 },
    /// Who is on the board, sent after `welcome` or `resume`; `you` is this connection.
    Roster {
        you: Uuid,
        participants: Vec<Participant>,
    },
    /// Someone joined, moved their pointer or started/stopped editing.
    Presence { participant: Participant },
    /// Someone's connection ended.
    Left { participant_id: Uuid },
    /// After the welcome (and again after a rotation): what this connection's link lets it
    /// do, the links it may hand out, and the server's clock (ms since the Unix epoch), so
    /// that everyone's timer counts down from the same time.
    Access {
        role: Role,
        links: Vec<Link>,
        now: i64,
    },
    /// This participant's dots in the open vote (nobody else's: those stay secret until the
    /// reveal, which carries the tally).
    Ballot { vote: VoteId, dots: Vec<StickyId> },
    /// The facilitator asks everyone's wall to follow their view (`None`: they stopped).
    Follow { leader: Uuid, view: Option<View> },
    /// Something this client sent was refused. Sent to that client only; nothing was stored.
    Error {
        code: ErrorCode,
        message: String,
        command_id: Option<Uuid>,
    },
}

/// The `welcome` message as JSON, from a borrowed board: the server serialises it once per
/// board version and shares the text between everyone who joins, instead of copying the
/// board into a `ServerMsg` for each of them.
pub fn welcome_json(board: &Board, seq: u64) -> String {
    #[derive(Serialize)]
    struct Welcome<'a> {
        #[serde(rename = "type")]
        kind: &'static str,
        protocol: u32,
        board: &'a Board,
        seq: u64,
    }
    serde_json::to_string(&Welcome {
        kind: "welcome",
        protocol: PROTOCOL_VERSION,
        board,
        seq,
    })
    .expect("a board always serialises")
}

impl ServerMsg {
    pub fn error(code: ErrorCode, message: impl Into<String>, command_id: Option<Uuid>) -> Self {
        ServerMsg::Error {
            code,
            message: message.into(),
            command_id,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::StickyKind;

    #[test]
    fn a_command_message_reads_as_documented() {
        let json = r#"{"type":"command","command_id":"7b0c3c9e-2f5d-4a51-9a7e-3f0b8c1d2e4f",
            "command":{"type":"add_sticky","id":"0d9c1a7e-5b4f-4c3d-8e2a-1f0e9d8c7b6a",
            "kind":"domain_event","text":"Order Placed","pos":{"x":120,"y":40}}}"#;
        let msg: ClientMsg = serde_json::from_str(json).unwrap();
        let ClientMsg::Command { command, .. } = msg else {
            panic!("not a command: {msg:?}");
        };
        assert_eq!(
            command,
            Command::AddSticky {
                id: "0d9c1a7e-5b4f-4c3d-8e2a-1f0e9d8c7b6a"
                    .parse::<StickyId>()
                    .unwrap(),
                kind: StickyKind::DomainEvent,
                text: "Order Placed".into(),
                pos: Position::new(120, 40),
                size: None,
            }
        );
    }

    #[test]
    fn a_welcome_round_trips_with_its_board() {
        let id = crate::BoardId(Uuid::nil());
        let mut board = Board::new(id);
        board.apply_mut(&Event::BoardCreated { title: "T".into() });
        board.apply_mut(&Event::StickyAdded {
            id: StickyId(Uuid::from_u128(7)),
            kind: StickyKind::Hotspot,
            text: "Why?".into(),
            pos: Position::new(-5, 9),
            size: StickyKind::Hotspot.default_size(),
        });
        let msg = ServerMsg::Welcome {
            protocol: PROTOCOL_VERSION,
            board,
            seq: 2,
        };
        let json = serde_json::to_string(&msg).unwrap();
        assert_eq!(serde_json::from_str::<ServerMsg>(&json).unwrap(), msg);
        let ServerMsg::Welcome { board, .. } = &msg else {
            unreachable!()
        };
        assert_eq!(
            welcome_json(board, 2),
            json,
            "the shared welcome is the same message"
        );
    }
}
