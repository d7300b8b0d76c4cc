//! What happened to a board. Events are facts: once stored they are never changed or removed.
//!
//! Each event is stored as its type name, a schema version and a JSON payload. Reading goes
//! through [`Event::decode`], which upcasts older versions, so a log written by any earlier
//! version of Stormwall replays forever.

use crate::workshop::{Phase, Tally, VoteId};
use crate::{ConnectorId, Field, FrameId, Position, Rect, Size, StickyId, StickyKind};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    BoardCreated {
        title: String,
    },
    BoardRenamed {
        title: String,
    },
    BoardLocked,
    BoardUnlocked,
    StickyAdded {
        id: StickyId,
        kind: StickyKind,
        text: String,
        pos: Position,
        size: Size,
    },
    StickyMoved {
        id: StickyId,
        pos: Position,
    },
    StickyTextEdited {
        id: StickyId,
        text: String,
    },
    StickyResized {
        id: StickyId,
        size: Size,
    },
    StickyKindChanged {
        id: StickyId,
        kind: StickyKind,
    },
    StickyDescribed {
        id: StickyId,
        description: String,
    },
    StickyFieldsSet {
        id: StickyId,
        fields: Vec<Field>,
    },
    StickyDeleted {
        id: StickyId,
    },
    FrameAdded {
        id: FrameId,
        name: String,
        rect: Rect,
    },
    FrameRenamed {
        id: FrameId,
        name: String,
    },
    FrameReshaped {
        id: FrameId,
        rect: Rect,
    },
    FrameDeleted {
        id: FrameId,
    },
    ConnectorAdded {
        id: ConnectorId,
        from: StickyId,
        to: StickyId,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        label: Option<String>,
    },
    ConnectorDeleted {
        id: ConnectorId,
    },
    PhaseChanged {
        phase: Option<Phase>,
    },
    /// Times in milliseconds since the Unix epoch, by the server's clock.
    TimerStarted {
        seconds: u32,
        ends_at: i64,
    },
    TimerPaused {
        remaining_ms: i64,
    },
    TimerResumed {
        ends_at: i64,
    },
    /// The countdown now ends at `ends_at` (running) or has `remaining_ms` left (paused).
    TimerExtended {
        seconds: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ends_at: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        remaining_ms: Option<i64>,
    },
    TimerStopped,
    VoteOpened {
        id: VoteId,
        question: String,
        dots: u32,
        kinds: Vec<StickyKind>,
    },
    VoteRevealed {
        id: VoteId,
        tally: Vec<Tally>,
    },
    VoteClosed {
        id: VoteId,
    },
}

/// Why a stored event could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("unknown event type {0:?}")]
    UnknownType(String),
    #[error("event type {event_type:?} has schema version {version}, newer than this build knows ({known})")]
    FromTheFuture {
        event_type: String,
        version: u32,
        known: u32,
    },
    #[error("event type {event_type:?} v{version}: {reason}")]
    Malformed {
        event_type: String,
        version: u32,
        reason: String,
    },
}

/// The one part of the board an event changes (every event changes exactly one).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The board coming into being (with its first title).
    Created,
    Title,
    Lock,
    Sticky(StickyId),
    Frame(FrameId),
    Connector(ConnectorId),
    /// The facilitator's phase, timer or vote.
    Workshop,
}

impl Event {
    /// What the event changes: the rule undo scopes and the board's weight both follow.
    pub fn target(&self) -> Target {
        match self {
            Event::BoardCreated { .. } => Target::Created,
            Event::BoardRenamed { .. } => Target::Title,
            Event::BoardLocked | Event::BoardUnlocked => Target::Lock,
            Event::StickyAdded { id, .. }
            | Event::StickyMoved { id, .. }
            | Event::StickyTextEdited { id, .. }
            | Event::StickyResized { id, .. }
            | Event::StickyKindChanged { id, .. }
            | Event::StickyDescribed { id, .. }
            | Event::StickyFieldsSet { id, .. }
            | Event::StickyDeleted { id } => Target::Sticky(*id),
            Event::FrameAdded { id, .. }
            | Event::FrameRenamed { id, .. }
            | Event::FrameReshaped { id, .. }
            | Event::FrameDeleted { id } => Target::Frame(*id),
            Event::ConnectorAdded { id, .. } | Event::ConnectorDeleted { id } => {
                Target::Connector(*id)
            }
            Event::PhaseChanged { .. }
            | Event::TimerStarted { .. }
            | Event::TimerPaused { .. }
            | Event::TimerResumed { .. }
            | Event::TimerExtended { .. }
            | Event::TimerStopped
            | Event::VoteOpened { .. }
            | Event::VoteRevealed { .. }
            | Event::VoteClosed { .. } => Target::Workshop,
        }
    }

    /// The stored event type, independent of Rust names so that renaming a variant does not
    /// orphan old logs.
    pub fn event_type(&self) -> &'static str {
        match self {
            Event::BoardCreated { .. } => "board_created",
            Event::BoardRenamed { .. } => "board_renamed",
            Event::BoardLocked => "board_locked",
            Event::BoardUnlocked => "board_unlocked",
            Event::StickyAdded { .. } => "sticky_added",
            Event::StickyMoved { .. } => "sticky_moved",
            Event::StickyTextEdited { .. } => "sticky_text_edited",
            Event::StickyResized { .. } => "sticky_resized",
            Event::StickyKindChanged { .. } => "sticky_kind_changed",
            Event::StickyDescribed { .. } => "sticky_described",
            Event::StickyFieldsSet { .. } => "sticky_fields_set",
            Event::StickyDeleted { .. } => "sticky_deleted",
            Event::FrameAdded { .. } => "frame_added",
            Event::FrameRenamed { .. } => "frame_renamed",
            Event::FrameReshaped { .. } => "frame_reshaped",
            Event::FrameDeleted { .. } => "frame_deleted",
            Event::ConnectorAdded { .. } => "connector_added",
            Event::ConnectorDeleted { .. } => "connector_deleted",
            Event::PhaseChanged { .. } => "phase_changed",
            Event::TimerStarted { .. } => "timer_started",
            Event::TimerPaused { .. } => "timer_paused",
            Event::TimerResumed { .. } => "timer_resumed",
            Event::TimerExtended { .. } => "timer_extended",
            Event::TimerStopped => "timer_stopped",
            Event::VoteOpened { .. } => "vote_opened",
            Event::VoteRevealed { .. } => "vote_revealed",
            Event::VoteClosed { .. } => "vote_closed",
        }
    }

    /// The schema version this build writes for this event type. Bump it when a payload's
    /// shape changes incompatibly, and add the step from the old version to [`upcast`].
    pub fn schema_version(&self) -> u32 {
        current_version(self.event_type())
    }

    /// The stored payload: the event's own fields (its type travels beside it).
    pub fn payload(&self) -> serde_json::Value {
        let mut value = serde_json::to_value(self).expect("events always serialise");
        if let Some(obj) = value.as_object_mut() {
            obj.remove("type");
        }
        value
    }

    /// Reads a stored event of any known version.
    pub fn decode(
        event_type: &str,
        version: u32,
        payload: serde_json::Value,
    ) -> Result<Event, DecodeError> {
        let known = current_version(event_type);
        if version > known {
            return Err(DecodeError::FromTheFuture {
                event_type: event_type.into(),
                version,
                known,
            });
        }
        let malformed = |reason: String| DecodeError::Malformed {
            event_type: event_type.into(),
            version,
            reason,
        };
        let mut payload = upcast(event_type, version, payload).map_err(malformed)?;
        let Some(obj) = payload.as_object_mut() else {
            return Err(malformed("payload is not a JSON object".into()));
        };
        obj.insert("type".into(), serde_json::Value::String(event_type.into()));
        serde_json::from_value::<Event>(payload).map_err(|e| {
            if e.to_string().starts_with("unknown variant") {
                DecodeError::UnknownType(event_type.into())
            } else {
                malformed(e.to_string())
            }
        })
    }
}

/// The schema version each event type is written with today.
pub fn current_version(event_type: &str) -> u32 {
    match event_type {
        // v2: `size` is always present (v1, before resizing existed, had none).
        "sticky_added" => 2,
        _ => 1,
    }
}

/// Brings a stored payload from its version up to the current one, one version at a time.
/// Upcasting is pure and total over what was ever written: old logs replay forever.
fn upcast(
    event_type: &str,
    mut version: u32,
    mut payload: serde_json::Value,
) -> Result<serde_json::Value, String> {
    if version == 0 {
        return Err("schema version 0 does not exist".into());
    }
    while version < current_version(event_type) {
        payload = match (event_type, version) {
            ("sticky_added", 1) => sticky_added_v1_to_v2(payload)?,
            _ => return Err(format!("no upcast from v{version}")),
        };
        version += 1;
    }
    Ok(payload)
}

/// v1 stickies had no stored size: they were drawn at their kind's default size.
fn sticky_added_v1_to_v2(mut payload: serde_json::Value) -> Result<serde_json::Value, String> {
    let obj = payload
        .as_object_mut()
        .ok_or("payload is not a JSON object")?;
    let kind: crate::StickyKind = obj
        .get("kind")
        .cloned()
        .map(serde_json::from_value)
        .transpose()
        .map_err(|e| e.to_string())?
        .ok_or("missing kind")?;
    let size = serde_json::to_value(kind.default_size()).map_err(|e| e.to_string())?;
    obj.insert("size".into(), size);
    Ok(payload)
}
