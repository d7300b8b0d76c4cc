//! Golden event logs: logs written by earlier and by the current version must replay to the
//! expected board forever.
//!
//! `fixtures/golden-log.jsonl` is what this version writes for a history that uses every event
//! type. If a test here fails because an event's shape changed: bump that type's version in
//! `core/src/event.rs`, add the upcast step from the old version, rename the old fixture to
//! `golden-log-<date>.jsonl` and keep a test that it still loads, then regenerate the current
//! one with `UPDATE_GOLDEN=1 cargo test -p stormwall-core --test golden`.

use serde::{Deserialize, Serialize};
use stormwall_core::*;
use uuid::Uuid;

#[derive(Serialize, Deserialize)]
struct StoredLine {
    seq: u64,
    event_type: String,
    schema_version: u32,
    payload: serde_json::Value,
}

fn read(fixture: &str) -> Vec<Event> {
    fixture
        .lines()
        .enumerate()
        .map(|(i, line)| {
            let stored: StoredLine = serde_json::from_str(line).expect("a stored line");
            assert_eq!(stored.seq, i as u64 + 1);
            Event::decode(&stored.event_type, stored.schema_version, stored.payload)
                .unwrap_or_else(|e| panic!("line {}: {e}", i + 1))
        })
        .collect()
}

fn write(events: &[Event]) -> String {
    events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let line = StoredLine {
                seq: i as u64 + 1,
                event_type: e.event_type().into(),
                schema_version: e.schema_version(),
                payload: e.payload(),
            };
            serde_json::to_string(&line).unwrap() + "\n"
        })
        .collect()
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

/// A history that uses every event type once or more.
fn every_event_type() -> Vec<Event> {
    let (a, b, c) = (StickyId(id(1)), StickyId(id(2)), StickyId(id(3)));
    vec![
        Event::BoardCreated {
            title: "Conference ticketing".into(),
        },
        Event::BoardRenamed {
            title: "Ticketing".into(),
        },
        Event::StickyAdded {
            id: a,
            kind: StickyKind::Command,
            text: "Reserve Seat".into(),
            pos: Position::new(100, 380),
            size: Size::new(160, 110),
        },
        Event::StickyAdded {
            id: b,
            kind: StickyKind::Aggregate,
            text: "Reservation".into(),
            pos: Position::new(300, 360),
            size: Size::new(180, 130),
        },
        Event::StickyAdded {
            id: c,
            kind: StickyKind::DomainEvent,
            text: "Seat reserved".into(),
            pos: Position::new(520, 380),
            size: Size::new(160, 110),
        },
        Event::StickyMoved {
            id: c,
            pos: Position::new(540, 380),
        },
        Event::StickyTextEdited {
            id: c,
            text: "Seat Reserved".into(),
        },
        Event::StickyResized {
            id: c,
            size: Size::new(200, 120),
        },
        Event::StickyKindChanged {
            id: c,
            kind: StickyKind::Hotspot,
        },
        Event::StickyKindChanged {
            id: c,
            kind: StickyKind::DomainEvent,
        },
        Event::StickyDescribed {
            id: b,
            description: "A seat held for an attendee until payment.".into(),
        },
        Event::StickyFieldsSet {
            id: c,
            fields: vec![
                Field::new("reservation_id", "Uuid"),
                Field::new("conference_id", "Uuid"),
            ],
        },
        Event::FrameAdded {
            id: FrameId(id(10)),
            name: "Ticketing".into(),
            rect: Rect::new(40, 300, 800, 300),
        },
        Event::FrameRenamed {
            id: FrameId(id(10)),
            name: "Booking".into(),
        },
        Event::FrameReshaped {
            id: FrameId(id(10)),
            rect: Rect::new(40, 280, 900, 340),
        },
        Event::FrameAdded {
            id: FrameId(id(11)),
            name: "Scratch".into(),
            rect: Rect::new(0, 0, 100, 100),
        },
        Event::FrameDeleted {
            id: FrameId(id(11)),
        },
        Event::ConnectorAdded {
            id: ConnectorId(id(20)),
            from: a,
            to: b,
            label: Some("handled by".into()),
        },
        Event::ConnectorAdded {
            id: ConnectorId(id(21)),
            from: b,
            to: c,
            label: None,
        },
        Event::ConnectorAdded {
            id: ConnectorId(id(22)),
            from: c,
            to: a,
            label: None,
        },
        Event::ConnectorDeleted {
            id: ConnectorId(id(22)),
        },
        Event::BoardLocked,
        Event::BoardUnlocked,
        Event::StickyAdded {
            id: StickyId(id(4)),
            kind: StickyKind::Hotspot,
            text: "Two people, last seat?".into(),
            pos: Position::new(100, 100),
            size: Size::new(160, 110),
        },
        Event::StickyDeleted {
            id: StickyId(id(4)),
        },
        Event::PhaseChanged {
            phase: Some(Phase::Hotspots),
        },
        Event::TimerStarted {
            seconds: 300,
            ends_at: 1_800_000_300_000,
        },
        Event::TimerPaused {
            remaining_ms: 120_000,
        },
        Event::TimerResumed {
            ends_at: 1_800_000_500_000,
        },
        Event::TimerExtended {
            seconds: 60,
            ends_at: Some(1_800_000_560_000),
            remaining_ms: None,
        },
        Event::TimerStopped,
        Event::VoteOpened {
            id: VoteId(id(30)),
            question: "Which hotspots first?".into(),
            dots: 3,
            kinds: vec![StickyKind::DomainEvent],
        },
        Event::VoteRevealed {
            id: VoteId(id(30)),
            tally: vec![workshop::Tally { sticky: c, dots: 2 }],
        },
        Event::VoteClosed { id: VoteId(id(30)) },
    ]
}

#[test]
fn the_current_version_writes_the_golden_log() {
    let written = write(&every_event_type());
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/golden-log.jsonl"
    );
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, &written).unwrap();
    }
    let golden = std::fs::read_to_string(path).expect("fixtures/golden-log.jsonl");
    assert_eq!(
        written, golden,
        "the stored shape of an event changed: see the comment at the top of this file"
    );
}

#[test]
fn the_golden_log_replays_to_the_expected_board() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/golden-log.jsonl"
    );
    let events = read(&std::fs::read_to_string(path).expect("fixtures/golden-log.jsonl"));
    assert_eq!(events, every_event_type());
    let board = Board::replay(BoardId(id(99)), &events);
    assert_eq!(board.title, "Ticketing");
    assert!(!board.locked);
    let w = &board.workshop;
    assert_eq!(w.phase, Some(Phase::Hotspots));
    assert_eq!(w.timer, None, "stopped");
    let vote = w.vote.as_ref().unwrap();
    assert_eq!(vote.status, workshop::VoteStatus::Closed);
    assert_eq!(vote.dots_on(StickyId(id(3))), 2);
    assert_eq!(board.stickies.len(), 3);
    let c = board.sticky(StickyId(id(3))).unwrap();
    assert_eq!(
        (c.kind, c.text.as_str(), c.pos, c.size),
        (
            StickyKind::DomainEvent,
            "Seat Reserved",
            Position::new(540, 380),
            Size::new(200, 120)
        )
    );
    assert_eq!(c.fields.len(), 2);
    assert_eq!(
        board.sticky(StickyId(id(2))).unwrap().description,
        "A seat held for an attendee until payment."
    );
    assert_eq!(board.frames.len(), 1);
    assert_eq!(
        board.frame_of(StickyId(id(3))).map(|f| f.name.as_str()),
        Some("Booking")
    );
    let arrows: Vec<_> = board
        .connectors
        .values()
        .map(|c| (c.from, c.to, c.label.clone()))
        .collect();
    assert_eq!(
        arrows,
        vec![
            (StickyId(id(1)), StickyId(id(2)), Some("handled by".into())),
            (StickyId(id(2)), StickyId(id(3)), None)
        ]
    );
}

#[test]
fn the_walking_skeleton_log_still_loads() {
    // Written by the first version: sticky_added v1 had no size, and payloads repeated the type.
    let events = read(include_str!("fixtures/walking-skeleton-log.jsonl"));
    let board = Board::replay(BoardId(id(98)), &events);
    assert_eq!(board.title, "Conference ticketing");
    let order_placed = board.sticky(StickyId(id(1))).unwrap();
    assert_eq!(order_placed.text, "Order placed\nby the attendee");
    assert_eq!(order_placed.pos, Position::new(260, 380));
    assert_eq!(order_placed.size, StickyKind::DomainEvent.default_size());
    let order = board.sticky(StickyId(id(2))).unwrap();
    assert_eq!(order.size, StickyKind::Aggregate.default_size());
    assert_eq!(board.stickies.len(), 2);
}

#[test]
fn unknown_types_and_versions_from_the_future_are_clear_errors() {
    assert_eq!(
        Event::decode("sticky_teleported", 1, serde_json::json!({})),
        Err(DecodeError::UnknownType("sticky_teleported".into()))
    );
    assert!(matches!(
        Event::decode("sticky_moved", 9, serde_json::json!({})),
        Err(DecodeError::FromTheFuture { version: 9, .. })
    ));
    assert!(matches!(
        Event::decode("sticky_moved", 1, serde_json::json!({"id": "nope"})),
        Err(DecodeError::Malformed { .. })
    ));
}

/// The log written before the facilitator's kit existed (no workshop events) still replays,
/// to a board with no phase, timer or vote.
#[test]
fn the_log_from_before_workshops_still_replays() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/golden-log-2026-11-27.jsonl"
    );
    let events = read(&std::fs::read_to_string(path).expect("the 2026-11-27 log"));
    let current = every_event_type();
    assert_eq!(events[..], current[..events.len()]);
    let board = Board::replay(BoardId(id(99)), &events);
    assert_eq!(board.stickies.len(), 3);
    assert_eq!(board.workshop, workshop::Workshop::default());
}
