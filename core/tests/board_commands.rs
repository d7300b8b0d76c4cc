//! Rename, lock and unlock, in given/when/then form.

mod support;
use stormwall_core::limits::MAX_TITLE_CHARS;
use stormwall_core::*;
use support::*;

#[test]
fn rename_board_records_the_trimmed_title() {
    let outcome = given([created()]).when(Command::RenameBoard {
        title: " Ticketing v2 ".into(),
    });
    assert_eq!(
        outcome,
        Ok(vec![Event::BoardRenamed {
            title: "Ticketing v2".into()
        }])
    );
}

#[test]
fn rename_board_to_its_own_title_records_nothing() {
    let outcome = given([created()]).when(Command::RenameBoard {
        title: "Conference ticketing".into(),
    });
    assert_eq!(outcome, Ok(vec![]));
}

#[test]
fn rename_board_to_blank_or_over_long_is_refused() {
    assert_eq!(
        given([created()]).when(Command::RenameBoard { title: " ".into() }),
        Err(Error::EmptyTitle)
    );
    assert_eq!(
        given([created()]).when(Command::RenameBoard {
            title: "t".repeat(MAX_TITLE_CHARS + 1)
        }),
        Err(Error::TitleTooLong {
            len: MAX_TITLE_CHARS + 1
        })
    );
}

#[test]
fn lock_board_records_the_lock_once() {
    assert_eq!(
        given([created()]).when(Command::LockBoard),
        Ok(vec![Event::BoardLocked])
    );
    assert_eq!(
        given([created(), Event::BoardLocked]).when(Command::LockBoard),
        Ok(vec![])
    );
}

#[test]
fn a_locked_board_refuses_every_edit_with_a_clear_error() {
    let history = [created(), added(1, "Order Placed"), Event::BoardLocked];
    let edits = [
        Command::RenameBoard { title: "x".into() },
        Command::AddSticky {
            id: sticky(2),
            kind: StickyKind::Command,
            text: "x".into(),
            pos: Position::new(0, 0),
            size: None,
        },
        Command::MoveSticky {
            id: sticky(1),
            pos: Position::new(5, 5),
        },
        Command::DeleteSticky { id: sticky(1) },
        Command::AddFrame {
            id: frame(1),
            name: "Ticketing".into(),
            rect: Rect::new(0, 0, 500, 500),
        },
    ];
    for edit in edits {
        let outcome = given(history.clone()).when(edit.clone());
        assert_eq!(outcome, Err(Error::BoardLocked), "{edit:?}");
    }
    assert!(Error::BoardLocked.to_string().contains("unlock"));
}

#[test]
fn unlock_board_lifts_the_lock() {
    let history = [created(), Event::BoardLocked];
    assert_eq!(
        given(history.clone()).when(Command::UnlockBoard),
        Ok(vec![Event::BoardUnlocked])
    );
    let board = given(history.into_iter().chain([Event::BoardUnlocked])).board();
    assert!(!board.locked);
}

#[test]
fn unlock_of_an_unlocked_board_records_nothing() {
    assert_eq!(given([created()]).when(Command::UnlockBoard), Ok(vec![]));
}
