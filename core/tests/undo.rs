//! Batches, undo and redo, in given/when/then form. (The properties "do then undo leaves the
//! board as before" and "restore gives the earlier version back" are in `replay.rs`.)

mod support;
use stormwall_core::*;
use support::*;

/// Runs a command on a history; returns the board before, the events and the board after.
fn change(history: &[Event], command: Command) -> (Board, Vec<Event>, Board) {
    let before = given(history.to_vec()).board();
    let events = execute(&before, command).expect("the change is accepted");
    let after = events.iter().fold(before.clone(), apply);
    (before, events, after)
}

fn then(history: Vec<Event>, command: Command) -> Result<Board, Error> {
    let board = given(history).board();
    let events = execute(&board, command)?;
    Ok(events.iter().fold(board, apply))
}

#[test]
fn a_batch_is_all_or_nothing() {
    let outcome = given([created()]).when(Command::Batch {
        expect: vec![],
        commands: vec![
            Command::AddSticky {
                id: sticky(1),
                kind: StickyKind::Command,
                text: "Place Order".into(),
                pos: Position::new(0, 0),
                size: None,
            },
            Command::EditStickyText {
                id: sticky(1),
                text: "Place order".into(),
            },
            Command::DeleteSticky { id: sticky(9) },
        ],
    });
    assert_eq!(outcome, Err(Error::UnknownSticky(sticky(9))));
}

#[test]
fn later_commands_in_a_batch_see_the_earlier_ones() {
    let outcome = given([created()]).when(Command::Batch {
        expect: vec![],
        commands: vec![
            Command::AddSticky {
                id: sticky(1),
                kind: StickyKind::Command,
                text: "Place Order".into(),
                pos: Position::new(0, 0),
                size: None,
            },
            Command::MoveSticky {
                id: sticky(1),
                pos: Position::new(50, 0),
            },
        ],
    });
    assert_eq!(outcome.map(|e| e.len()), Ok(2));
}

#[test]
fn a_batch_whose_expectation_fails_is_a_conflict() {
    let outcome = given([created(), added(1, "Order Placed")]).when(Command::Batch {
        expect: vec![Expect::NoSticky { id: sticky(1) }],
        commands: vec![],
    });
    assert!(matches!(outcome, Err(Error::Conflict(_))), "{outcome:?}");
}

#[test]
fn batches_do_not_nest() {
    let outcome = given([created()]).when(Command::Batch {
        expect: vec![],
        commands: vec![Command::Batch {
            expect: vec![],
            commands: vec![],
        }],
    });
    assert_eq!(outcome, Err(Error::NestedBatch));
}

#[test]
fn undo_of_a_move_puts_the_sticky_back() {
    let history = vec![created(), added(1, "Order Placed")];
    let (before, events, after) = change(
        &history,
        Command::MoveSticky {
            id: sticky(1),
            pos: Position::new(400, 200),
        },
    );
    let undo = undo::undo(&before, &after, &events).unwrap();
    let undone = then(history.into_iter().chain(events).collect(), undo).unwrap();
    assert_eq!(
        undone.sticky(sticky(1)).unwrap().pos,
        Position::new(100, 200)
    );
}

#[test]
fn undo_of_a_move_that_someone_else_moved_again_is_refused_with_a_reason() {
    let history = vec![created(), added(1, "Order Placed")];
    let (before, events, after) = change(
        &history,
        Command::MoveSticky {
            id: sticky(1),
            pos: Position::new(400, 200),
        },
    );
    let undo = undo::undo(&before, &after, &events).unwrap();
    let someone_else = Event::StickyMoved {
        id: sticky(1),
        pos: Position::new(900, 900),
    };
    let outcome = then(
        history
            .into_iter()
            .chain(events)
            .chain([someone_else])
            .collect(),
        undo,
    );
    let Err(Error::Conflict(reason)) = outcome else {
        panic!("expected a conflict, got {outcome:?}")
    };
    assert!(
        reason.contains("\"Order Placed\" was changed by someone since"),
        "{reason}"
    );
}

#[test]
fn undo_of_a_delete_brings_back_the_sticky_its_details_and_its_arrows() {
    let history = vec![
        created(),
        added(1, "Place Order"),
        added_kind(2, StickyKind::Aggregate, "Order"),
        connected(1, 1, 2),
        Event::StickyDescribed {
            id: sticky(1),
            description: "The attendee confirms the basket".into(),
        },
        Event::StickyFieldsSet {
            id: sticky(1),
            fields: vec![Field::new("order_id", "Uuid")],
        },
    ];
    let (before, events, after) = change(&history, Command::DeleteSticky { id: sticky(1) });
    assert!(after.connectors.is_empty());
    let undo = undo::undo(&before, &after, &events).unwrap();
    let undone = then(history.into_iter().chain(events).collect(), undo).unwrap();
    assert_eq!(undone, before);
}

#[test]
fn undo_only_touches_what_the_change_touched() {
    let history = vec![created(), added(1, "Mine"), added(2, "Theirs")];
    let (before, events, after) = change(
        &history,
        Command::EditStickyText {
            id: sticky(1),
            text: "Mine, edited".into(),
        },
    );
    let undo = undo::undo(&before, &after, &events).unwrap();
    // Someone else edits their own sticky in between: the undo still applies.
    let theirs = Event::StickyTextEdited {
        id: sticky(2),
        text: "Theirs, edited".into(),
    };
    let undone = then(
        history.into_iter().chain(events).chain([theirs]).collect(),
        undo,
    )
    .unwrap();
    assert_eq!(undone.sticky(sticky(1)).unwrap().text, "Mine");
    assert_eq!(undone.sticky(sticky(2)).unwrap().text, "Theirs, edited");
}

#[test]
fn creating_and_locking_the_board_are_not_undone() {
    let (before, events, after) = change(&[created()], Command::LockBoard);
    assert_eq!(undo::undo(&before, &after, &events), None);
}
