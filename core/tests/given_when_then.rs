//! The walking skeleton's commands (create, add, move, edit, delete), success and failure, in
//! given/when/then form. The later commands have their own files beside this one.

use stormwall_core::limits::{MAX_COORDINATE, MAX_TEXT_CHARS, MAX_TITLE_CHARS};
use stormwall_core::*;
use uuid::Uuid;

mod support;
use support::*;

fn add(n: u128, text: &str, pos: Position) -> Command {
    Command::AddSticky {
        id: sticky(n),
        kind: StickyKind::Command,
        text: text.into(),
        pos,
        size: None,
    }
}

// --- create board -------------------------------------------------------------------------

#[test]
fn create_board_on_a_new_board_records_the_trimmed_title() {
    let outcome = given([]).when(Command::CreateBoard {
        title: "  Ticketing  ".into(),
    });
    assert_eq!(
        outcome,
        Ok(vec![Event::BoardCreated {
            title: "Ticketing".into()
        }])
    );
}

#[test]
fn create_board_twice_is_refused() {
    let outcome = given([created()]).when(Command::CreateBoard { title: "x".into() });
    assert_eq!(outcome, Err(Error::BoardAlreadyCreated));
}

#[test]
fn create_board_with_a_blank_title_is_refused() {
    let outcome = given([]).when(Command::CreateBoard {
        title: " \n\t".into(),
    });
    assert_eq!(outcome, Err(Error::EmptyTitle));
}

#[test]
fn create_board_with_an_over_long_title_is_refused() {
    let title = "é".repeat(MAX_TITLE_CHARS + 1);
    let outcome = given([]).when(Command::CreateBoard { title });
    assert_eq!(
        outcome,
        Err(Error::TitleTooLong {
            len: MAX_TITLE_CHARS + 1
        })
    );
}

#[test]
fn create_board_accepts_a_title_of_exactly_the_limit_in_characters_not_bytes() {
    let title = "é".repeat(MAX_TITLE_CHARS);
    let outcome = given([]).when(Command::CreateBoard {
        title: title.clone(),
    });
    assert_eq!(outcome, Ok(vec![Event::BoardCreated { title }]));
}

#[test]
fn any_other_command_before_the_board_exists_is_refused() {
    let outcome = given([]).when(add(1, "Place Order", Position::new(0, 0)));
    assert_eq!(outcome, Err(Error::BoardNotCreated));
}

// --- add sticky ---------------------------------------------------------------------------

#[test]
fn add_sticky_records_kind_text_and_position() {
    let outcome = given([created()]).when(add(1, "Place Order", Position::new(-40, 80)));
    assert_eq!(
        outcome,
        Ok(vec![Event::StickyAdded {
            id: sticky(1),
            kind: StickyKind::Command,
            text: "Place Order".into(),
            pos: Position::new(-40, 80),
            size: StickyKind::Command.default_size(),
        }])
    );
}

#[test]
fn add_sticky_with_an_id_already_on_the_board_is_refused() {
    let outcome = given([created(), added(1, "Order Placed")]).when(add(
        1,
        "Place Order",
        Position::new(0, 0),
    ));
    assert_eq!(outcome, Err(Error::DuplicateSticky(sticky(1))));
}

#[test]
fn add_sticky_may_reuse_the_id_of_a_deleted_sticky() {
    // A deleted sticky's id may be reused: the sticky no longer exists on the board.
    let outcome = given([
        created(),
        added(1, "Order Placed"),
        Event::StickyDeleted { id: sticky(1) },
    ])
    .when(add(1, "Place Order", Position::new(0, 0)));
    assert!(outcome.is_ok());
}

#[test]
fn add_sticky_with_empty_or_blank_text_is_refused() {
    for text in ["", "   ", "\n\t"] {
        let outcome = given([created()]).when(add(1, text, Position::new(0, 0)));
        assert_eq!(outcome, Err(Error::EmptyText), "text {text:?}");
    }
}

#[test]
fn add_sticky_with_over_long_text_is_refused() {
    let text = "x".repeat(MAX_TEXT_CHARS + 1);
    let outcome = given([created()]).when(add(1, &text, Position::new(0, 0)));
    assert_eq!(
        outcome,
        Err(Error::TextTooLong {
            len: MAX_TEXT_CHARS + 1
        })
    );
}

#[test]
fn add_sticky_off_the_wall_is_refused() {
    let outcome = given([created()]).when(add(1, "x", Position::new(MAX_COORDINATE + 1, 0)));
    assert_eq!(
        outcome,
        Err(Error::PositionOutOfRange {
            x: i64::from(MAX_COORDINATE) + 1,
            y: 0
        })
    );
}

#[test]
fn add_sticky_with_an_invalid_kind_is_refused_when_the_message_is_read() {
    // A kind can only enter the core through its name; an unknown name never becomes a command.
    let json = r#"{"type":"add_sticky","id":"00000000-0000-0000-0000-000000000001",
        "kind":"sticker","text":"x","pos":{"x":0,"y":0}}"#;
    let err = serde_json::from_str::<Command>(json).unwrap_err();
    assert!(
        err.to_string()
            .contains(&Error::InvalidKind("sticker".into()).to_string()),
        "{err}"
    );
}

// --- move sticky --------------------------------------------------------------------------

#[test]
fn move_sticky_records_the_new_position() {
    let outcome = given([created(), added(1, "Order Placed")]).when(Command::MoveSticky {
        id: sticky(1),
        pos: Position::new(300, -20),
    });
    assert_eq!(
        outcome,
        Ok(vec![Event::StickyMoved {
            id: sticky(1),
            pos: Position::new(300, -20)
        }])
    );
}

#[test]
fn move_sticky_to_where_it_is_records_nothing() {
    let outcome = given([created(), added(1, "Order Placed")]).when(Command::MoveSticky {
        id: sticky(1),
        pos: Position::new(100, 200),
    });
    assert_eq!(outcome, Ok(vec![]));
}

#[test]
fn move_of_an_unknown_sticky_is_refused() {
    let outcome = given([created()]).when(Command::MoveSticky {
        id: sticky(9),
        pos: Position::new(0, 0),
    });
    assert_eq!(outcome, Err(Error::UnknownSticky(sticky(9))));
}

#[test]
fn move_of_a_deleted_sticky_is_refused() {
    let outcome = given([
        created(),
        added(1, "Order Placed"),
        Event::StickyDeleted { id: sticky(1) },
    ])
    .when(Command::MoveSticky {
        id: sticky(1),
        pos: Position::new(0, 0),
    });
    assert_eq!(outcome, Err(Error::UnknownSticky(sticky(1))));
}

#[test]
fn move_sticky_off_the_wall_is_refused() {
    let outcome = given([created(), added(1, "Order Placed")]).when(Command::MoveSticky {
        id: sticky(1),
        pos: Position::new(0, -MAX_COORDINATE - 1),
    });
    assert_eq!(
        outcome,
        Err(Error::PositionOutOfRange {
            x: 0,
            y: -i64::from(MAX_COORDINATE) - 1
        })
    );
}

// --- edit sticky text ---------------------------------------------------------------------

#[test]
fn edit_sticky_text_records_the_text_as_written() {
    let outcome = given([created(), added(1, "Order Placed")]).when(Command::EditStickyText {
        id: sticky(1),
        text: "Order placed\nby the attendee".into(),
    });
    assert_eq!(
        outcome,
        Ok(vec![Event::StickyTextEdited {
            id: sticky(1),
            text: "Order placed\nby the attendee".into()
        }])
    );
}

#[test]
fn edit_to_the_same_text_records_nothing() {
    let outcome = given([created(), added(1, "Order Placed")]).when(Command::EditStickyText {
        id: sticky(1),
        text: "Order Placed".into(),
    });
    assert_eq!(outcome, Ok(vec![]));
}

#[test]
fn edit_of_an_unknown_sticky_is_refused() {
    let outcome = given([created()]).when(Command::EditStickyText {
        id: sticky(2),
        text: "x".into(),
    });
    assert_eq!(outcome, Err(Error::UnknownSticky(sticky(2))));
}

#[test]
fn edit_to_empty_text_is_refused() {
    let outcome = given([created(), added(1, "Order Placed")]).when(Command::EditStickyText {
        id: sticky(1),
        text: "  ".into(),
    });
    assert_eq!(outcome, Err(Error::EmptyText));
}

#[test]
fn edit_to_over_long_text_is_refused() {
    let outcome = given([created(), added(1, "Order Placed")]).when(Command::EditStickyText {
        id: sticky(1),
        text: "🦀".repeat(MAX_TEXT_CHARS + 5),
    });
    assert_eq!(
        outcome,
        Err(Error::TextTooLong {
            len: MAX_TEXT_CHARS + 5
        })
    );
}

// --- delete sticky ------------------------------------------------------------------------

#[test]
fn delete_sticky_records_the_deletion() {
    let outcome =
        given([created(), added(1, "Order Placed")]).when(Command::DeleteSticky { id: sticky(1) });
    assert_eq!(outcome, Ok(vec![Event::StickyDeleted { id: sticky(1) }]));
}

#[test]
fn delete_of_an_unknown_sticky_is_refused() {
    let outcome = given([created()]).when(Command::DeleteSticky { id: sticky(3) });
    assert_eq!(outcome, Err(Error::UnknownSticky(sticky(3))));
}

#[test]
fn delete_twice_is_refused_the_second_time() {
    let outcome = given([
        created(),
        added(1, "Order Placed"),
        Event::StickyDeleted { id: sticky(1) },
    ])
    .when(Command::DeleteSticky { id: sticky(1) });
    assert_eq!(outcome, Err(Error::UnknownSticky(sticky(1))));
}

// --- apply --------------------------------------------------------------------------------

#[test]
fn delete_keeps_the_stacking_order_of_the_other_stickies() {
    let board = Board::replay(
        BoardId(Uuid::nil()),
        &[
            created(),
            added(1, "a"),
            added(2, "b"),
            added(3, "c"),
            Event::StickyDeleted { id: sticky(2) },
        ],
    );
    let order: Vec<_> = board.stickies.keys().copied().collect();
    assert_eq!(order, vec![sticky(1), sticky(3)]);
}

#[test]
fn error_codes_are_stable_snake_case() {
    assert_eq!(
        Error::UnknownSticky(sticky(1)).code().as_str(),
        "unknown_sticky"
    );
    assert_eq!(
        Error::TextTooLong { len: 2 }.code().as_str(),
        "text_too_long"
    );
}

#[test]
fn add_sticky_to_a_full_board_is_refused() {
    let history = std::iter::once(created())
        .chain((0..stormwall_core::limits::MAX_STICKIES as u128).map(|n| added(n + 10, "x")));
    let outcome = given(history).when(add(1, "One too many", Position::new(0, 0)));
    assert_eq!(outcome, Err(Error::TooManyStickies));
}
