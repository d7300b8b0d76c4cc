//! Properties of the event log, over random command sequences:
//! - replaying the log reproduces the live state;
//! - a refused command changes nothing;
//! - the board's weight, kept up to date by `apply`, equals the weight computed anew;
//! - a snapshot taken anywhere, plus the tail after it, equals the full replay.

use proptest::prelude::*;
use stormwall_core::*;
use uuid::Uuid;

/// Commands over small id spaces, so that they often hit existing elements and often miss
/// them (errors must leave no trace).
fn command() -> impl Strategy<Value = Command> {
    let id = (0u128..6).prop_map(|n| StickyId(Uuid::from_u128(n)));
    let frame = (0u128..3).prop_map(|n| FrameId(Uuid::from_u128(n)));
    let connector = (0u128..4).prop_map(|n| ConnectorId(Uuid::from_u128(n)));
    let pos = (-2_000_000i32..2_000_000, -3000i32..3000).prop_map(|(x, y)| Position::new(x, y));
    let size = (0i32..1200, 0i32..1200).prop_map(|(w, h)| Size::new(w, h));
    let rect = (-1000i32..1000, -1000i32..1000, 0i32..3000, 0i32..3000)
        .prop_map(|(x, y, w, h)| Rect::new(x, y, w, h));
    let text = prop_oneof![
        Just(String::new()),
        "[a-zA-Z ?!é🦀\n]{0,30}",
        Just("x".repeat(1001)),
    ];
    let kind = prop::sample::select(StickyKind::ALL.to_vec());
    let field = (
        "[a-z_ 1]{0,6}",
        prop_oneof![Just("u32"), Just("Vec<"), Just("String")],
    )
        .prop_map(|(n, t)| Field::new(n, t));
    prop_oneof![
        "[a-z ]{0,10}".prop_map(|title| Command::CreateBoard { title }),
        "[a-z ]{0,10}".prop_map(|title| Command::RenameBoard { title }),
        Just(Command::LockBoard),
        Just(Command::UnlockBoard),
        (
            id.clone(),
            kind.clone(),
            text.clone(),
            pos.clone(),
            prop::option::of(size.clone())
        )
            .prop_map(|(id, kind, text, pos, size)| Command::AddSticky {
                id,
                kind,
                text,
                pos,
                size
            }),
        (id.clone(), pos.clone()).prop_map(|(id, pos)| Command::MoveSticky { id, pos }),
        (id.clone(), text.clone()).prop_map(|(id, text)| Command::EditStickyText { id, text }),
        (id.clone(), size).prop_map(|(id, size)| Command::ResizeSticky { id, size }),
        (id.clone(), kind).prop_map(|(id, kind)| Command::ChangeStickyKind { id, kind }),
        (id.clone(), text.clone())
            .prop_map(|(id, description)| Command::DescribeSticky { id, description }),
        (id.clone(), prop::collection::vec(field, 0..4))
            .prop_map(|(id, fields)| Command::SetStickyFields { id, fields }),
        id.clone().prop_map(|id| Command::DeleteSticky { id }),
        prop::collection::vec((id.clone(), pos), 0..4).prop_map(|moves| Command::MoveStickies {
            moves: moves
                .into_iter()
                .map(|(id, pos)| StickyMove { id, pos })
                .collect()
        }),
        prop::collection::vec(id.clone(), 0..4).prop_map(|ids| Command::DeleteStickies { ids }),
        (frame.clone(), text.clone(), rect.clone())
            .prop_map(|(id, name, rect)| Command::AddFrame { id, name, rect }),
        (frame.clone(), text.clone()).prop_map(|(id, name)| Command::RenameFrame { id, name }),
        (frame.clone(), rect).prop_map(|(id, rect)| Command::ReshapeFrame { id, rect }),
        frame.prop_map(|id| Command::DeleteFrame { id }),
        (connector.clone(), id.clone(), id, prop::option::of(text)).prop_map(
            |(id, from, to, label)| Command::AddConnector {
                id,
                from,
                to,
                label
            }
        ),
        connector.prop_map(|id| Command::DeleteConnector { id }),
    ]
}

/// Runs commands against a live board; returns it and the log of what was accepted.
fn run(id: BoardId, commands: Vec<Command>) -> Result<(Board, Vec<Event>), TestCaseError> {
    let mut live = Board::new(id);
    let mut log = Vec::new();
    for command in commands {
        let before = live.clone();
        match execute(&live, command) {
            Ok(events) => {
                for e in &events {
                    live.apply_mut(e);
                }
                log.extend(events);
            }
            Err(_) => prop_assert_eq!(&live, &before),
        }
    }
    Ok((live, log))
}

/// Every connector joins two stickies that exist: deletes cascade.
fn connectors_are_whole(board: &Board) -> bool {
    board
        .connectors
        .values()
        .all(|c| board.stickies.contains_key(&c.from) && board.stickies.contains_key(&c.to))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn replaying_the_log_reproduces_the_live_state(
        commands in prop::collection::vec(command(), 0..80)
    ) {
        let id = BoardId(Uuid::from_u128(42));
        let (live, log) = run(id, commands)?;
        prop_assert_eq!(&Board::replay(id, &log), &live);
        prop_assert!(connectors_are_whole(&live));
        // The weight the live board kept up to date event by event is the one computed anew.
        prop_assert_eq!(live.weight(), Board::replay(id, &log).weight());

        // The log survives the trip through storage (type, version, payload, upcast).
        let read: Vec<Event> = log
            .iter()
            .map(|e| Event::decode(e.event_type(), e.schema_version(), e.payload()).unwrap())
            .collect();
        prop_assert_eq!(Board::replay(id, &read), live);
    }

    #[test]
    fn a_snapshot_plus_the_tail_equals_the_full_replay(
        commands in prop::collection::vec(command(), 0..80),
        cut in any::<prop::sample::Index>(),
    ) {
        let id = BoardId(Uuid::from_u128(7));
        let (live, log) = run(id, commands)?;
        let k = cut.index(log.len() + 1);
        // A snapshot is the board serialised at seq k, as the server stores it.
        let snapshot = stormwall_core::snapshot::encode(&Board::replay(id, &log[..k]));
        let restored: Board = stormwall_core::snapshot::decode(&snapshot).unwrap();
        let resumed = log[k..].iter().fold(restored, apply);
        prop_assert_eq!(resumed, live);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Do, then undo: the board is as before, when nothing intervened. Redo (the undo of the
    /// undo) brings the change back.
    #[test]
    fn undo_reverts_a_change_and_redo_reapplies_it(
        setup in prop::collection::vec(command(), 0..60),
        change in command(),
    ) {
        let id = BoardId(Uuid::from_u128(9));
        let created = Command::CreateBoard { title: "t".into() };
        let (before, _) = run(id, std::iter::once(created).chain(setup).collect())?;
        let Ok(events) = execute(&before, change) else { return Ok(()) };
        let after = events.iter().fold(before.clone(), apply);
        let Some(undo_cmd) = undo::undo(&before, &after, &events) else {
            let not_undoable = |e: &Event| matches!(e, Event::BoardCreated { .. } | Event::BoardLocked | Event::BoardUnlocked);
            prop_assert!(events.iter().all(not_undoable), "{:?}", events);
            return Ok(());
        };
        let undone_events = execute(&after, undo_cmd);
        prop_assert!(undone_events.is_ok(), "{:?}", undone_events);
        let undone_events = undone_events.unwrap();
        let undone = undone_events.iter().fold(after.clone(), apply);
        prop_assert_eq!(&undone, &before);

        let redo_cmd = undo::undo(&after, &undone, &undone_events).unwrap();
        let redone = execute(&undone, redo_cmd).unwrap().iter().fold(undone.clone(), apply);
        prop_assert_eq!(redone, after);
    }

    /// Restoring an earlier version, from any later one, gives that version back.
    #[test]
    fn restore_brings_back_an_earlier_version(
        early in prop::collection::vec(command(), 0..40),
        late in prop::collection::vec(command(), 0..40),
    ) {
        let id = BoardId(Uuid::from_u128(10));
        let early: Vec<Command> = std::iter::once(Command::CreateBoard { title: "t".into() })
            .chain(early)
            .collect();
        let (target, _) = run(id, early.clone())?;
        let (current, _) = run(id, early.into_iter().chain(late).collect())?;
        if !target.created || current.locked {
            return Ok(());
        }
        let outcome = execute(&current, undo::restore(&current, &target));
        prop_assert!(outcome.is_ok(), "{:?}", outcome);
        let restored = outcome.unwrap().iter().fold(current.clone(), apply);
        let mut want = target.clone();
        want.locked = current.locked;
        prop_assert_eq!(restored, want);
    }
}
