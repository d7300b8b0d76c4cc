//! Every error code on the wire, in one enum: the WebSocket's `error` messages, the HTTP
//! bodies' `code`, and what a client matches on. Serialised as the snake_case strings clients
//! have always seen, so the wire does not change; `docs/protocol.md` lists exactly these (a
//! test holds it to `ErrorCode::ALL`).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = $text:literal,)*) => {
        /// A stable, machine-readable reason. Clients match on this, never on the message.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum ErrorCode {
            $($(#[$doc])* $variant,)*
            /// A code this build does not know (a newer server's): the message still explains.
            Unknown,
        }

        impl ErrorCode {
            /// Every known code, in the order of the table in `docs/protocol.md`.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $text,)*
                    ErrorCode::Unknown => "unknown",
                }
            }

            /// The code a string names (`Unknown` for any other string).
            pub fn parse(text: &str) -> ErrorCode {
                match text {
                    $($text => ErrorCode::$variant,)*
                    _ => ErrorCode::Unknown,
                }
            }
        }
    };
}

codes! {
    // The connection and its messages.
    /// Not JSON, not a known message, or a field is invalid.
    BadMessage = "bad_message",
    /// A message over the size limit.
    MessageTooLarge = "message_too_large",
    /// Over the connection's rate; the command was not executed and may be sent again.
    RateLimited = "rate_limited",
    /// No key: no `hello` first, or no `Authorization` header.
    Unauthorized = "unauthorized",
    /// A key that does not open this board (or a board that does not exist).
    Forbidden = "forbidden",
    /// The facilitator rotated this connection's link.
    LinkRevoked = "link_revoked",
    /// The board's task stopped; reconnect and send again.
    BoardClosed = "board_closed",
    /// The database refused the write; nothing was stored.
    StorageFailed = "storage_failed",
    // HTTP.
    /// A request the socket upgrade refuses (not a board path).
    Refused = "refused",
    /// A history range that cannot be read.
    BadRange = "bad_range",
    /// A request body or query that cannot be read.
    BadRequest = "bad_request",
    /// The server failed; the log has the cause.
    Internal = "internal",
    /// A `Host` the server does not serve.
    UnknownHost = "unknown_host",
    /// No `Host` header.
    NoHost = "no_host",
    /// A state-changing request from another site.
    CrossSite = "cross_site",
    /// A body over the route's limit.
    TooLarge = "too_large",
    /// A streamed body where a length is required.
    LengthRequired = "length_required",
    /// A picture export's frame name matches several frames.
    AmbiguousFrame = "ambiguous_frame",
    // The board's rules (`stormwall_core::Error::code`).
    BoardNotCreated = "board_not_created",
    BoardAlreadyCreated = "board_already_created",
    BoardLocked = "board_locked",
    EmptyTitle = "empty_title",
    TitleTooLong = "title_too_long",
    UnknownSticky = "unknown_sticky",
    DuplicateSticky = "duplicate_sticky",
    TooManyStickies = "too_many_stickies",
    EmptyText = "empty_text",
    TextTooLong = "text_too_long",
    InvalidKind = "invalid_kind",
    PositionOutOfRange = "position_out_of_range",
    SizeOutOfRange = "size_out_of_range",
    DescriptionTooLong = "description_too_long",
    FieldsNotAllowed = "fields_not_allowed",
    TooManyFields = "too_many_fields",
    InvalidFieldName = "invalid_field_name",
    InvalidFieldType = "invalid_field_type",
    DuplicateFieldName = "duplicate_field_name",
    UnknownFrame = "unknown_frame",
    DuplicateFrame = "duplicate_frame",
    EmptyName = "empty_name",
    NameTooLong = "name_too_long",
    FrameSizeOutOfRange = "frame_size_out_of_range",
    UnknownConnector = "unknown_connector",
    DuplicateConnector = "duplicate_connector",
    AlreadyConnected = "already_connected",
    SelfLoop = "self_loop",
    EmptySelection = "empty_selection",
    SelectionTooLarge = "selection_too_large",
    DuplicateInSelection = "duplicate_in_selection",
    Conflict = "conflict",
    BatchTooLarge = "batch_too_large",
    NestedBatch = "nested_batch",
    TooManyFrames = "too_many_frames",
    TooManyConnectors = "too_many_connectors",
    BoardFull = "board_full",
    ControlCharacter = "control_character",
    ReadOnly = "read_only",
    FacilitatorOnly = "facilitator_only",
    TimerOutOfRange = "timer_out_of_range",
    NoTimer = "no_timer",
    TimerNotRunning = "timer_not_running",
    TimerNotPaused = "timer_not_paused",
    VoteInProgress = "vote_in_progress",
    UnknownVote = "unknown_vote",
    VoteNotOpen = "vote_not_open",
    VoteNotRevealed = "vote_not_revealed",
    DotsOutOfRange = "dots_out_of_range",
    EmptyQuestion = "empty_question",
    QuestionTooLong = "question_too_long",
    KindNotInVote = "kind_not_in_vote",
    NoDotsLeft = "no_dots_left",
    NoDotHere = "no_dot_here",
    WorkshopInBatch = "workshop_in_batch",
}

impl ErrorCode {
    /// Refused for the moment, not on its merits: the same command may simply be sent again.
    pub fn is_transient(self) -> bool {
        matches!(self, ErrorCode::RateLimited | ErrorCode::BoardClosed)
    }

    /// The link no longer (or never did) open the board: a client stops reconnecting.
    pub fn ends_access(self) -> bool {
        matches!(
            self,
            ErrorCode::Unauthorized | ErrorCode::Forbidden | ErrorCode::LinkRevoked
        )
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(d)?;
        Ok(ErrorCode::parse(&text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_as_itself() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), *code);
        }
    }

    #[test]
    fn a_newer_servers_code_is_unknown_not_unreadable() {
        assert_eq!(
            serde_json::from_str::<ErrorCode>("\"quota_exceeded\"").unwrap(),
            ErrorCode::Unknown
        );
    }

    #[test]
    fn no_code_is_written_twice() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()), "{code} twice");
        }
    }

    #[test]
    fn the_protocol_document_lists_exactly_these_codes() {
        let doc = include_str!("../../docs/protocol.md");
        let table = doc
            .split("## Error codes")
            .nth(1)
            .and_then(|rest| rest.split("\n## ").next())
            .expect("docs/protocol.md has an Error codes section");
        let listed: std::collections::BTreeSet<&str> = table
            .lines()
            .filter_map(|line| line.strip_prefix("| "))
            .filter_map(|line| line.split(" |").next())
            .flat_map(|cell| cell.split(", "))
            .filter_map(|c| c.strip_prefix('`').and_then(|c| c.strip_suffix('`')))
            .collect();
        let known: std::collections::BTreeSet<&str> =
            ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            listed, known,
            "docs/protocol.md's error table and ErrorCode differ"
        );
    }
}
