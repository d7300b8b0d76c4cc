//! The limits that bound one board as a whole: frames, arrows, the content budget, and the
//! promise that follows from them (any board the core accepts exports and imports again).

mod support;
use stormwall_core::export::json;
use stormwall_core::limits::*;
use stormwall_core::*;
use support::*;

fn some_frame(n: u128) -> Event {
    framed(n, &format!("Context {n}"), Rect::new(0, 0, 100, 100))
}

#[test]
fn a_frame_beyond_the_limit_is_refused() {
    let history = std::iter::once(created()).chain((0..MAX_FRAMES as u128).map(some_frame));
    let outcome = given(history).when(Command::AddFrame {
        id: frame(99_999),
        name: "One too many".into(),
        rect: Rect::new(0, 0, 100, 100),
    });
    assert_eq!(outcome, Err(Error::TooManyFrames));
    assert_eq!(Error::TooManyFrames.code().as_str(), "too_many_frames");
}

#[test]
fn the_last_frame_under_the_limit_is_accepted() {
    let history = std::iter::once(created()).chain((1..MAX_FRAMES as u128).map(some_frame));
    let outcome = given(history).when(Command::AddFrame {
        id: frame(99_999),
        name: "The last one".into(),
        rect: Rect::new(0, 0, 100, 100),
    });
    assert!(outcome.is_ok(), "{outcome:?}");
}

#[test]
fn an_arrow_beyond_the_limit_is_refused() {
    // 101 stickies give 10,100 ordered pairs: enough distinct arrows to reach the limit.
    let mut history = vec![created()];
    history.extend((0..101).map(|n| added(n, "x")));
    let pairs =
        (0..101u128).flat_map(|a| (0..101u128).filter(move |b| *b != a).map(move |b| (a, b)));
    history.extend(
        pairs
            .take(MAX_CONNECTORS)
            .enumerate()
            .map(|(i, (a, b))| connected(i as u128, a, b)),
    );
    let board = given(history.clone()).board();
    assert_eq!(board.connectors.len(), MAX_CONNECTORS);
    let free = (0..101u128)
        .flat_map(|a| (0..101u128).map(move |b| (a, b)))
        .find(|(a, b)| {
            a != b
                && !board
                    .connectors
                    .values()
                    .any(|c| c.from == sticky(*a) && c.to == sticky(*b))
        })
        .unwrap();
    let outcome = given(history).when(Command::AddConnector {
        id: connector(999_999),
        from: sticky(free.0),
        to: sticky(free.1),
        label: None,
    });
    assert_eq!(outcome, Err(Error::TooManyConnectors));
}

/// A board at the content budget: long texts and definitions full of characters JSON must
/// escape, and fields, frames and labelled arrows, until the next sticky would not fit.
fn largest_board() -> Board {
    let mut board = Board::new(BoardId(uuid::Uuid::nil()));
    let run = |board: &mut Board, c: Command| -> Result<(), Error> {
        for e in execute(board, c)? {
            board.apply_mut(&e);
        }
        Ok(())
    };
    run(
        &mut board,
        Command::CreateBoard {
            title: "\"".repeat(MAX_TITLE_CHARS),
        },
    )
    .unwrap();
    // Quotes and backslashes double in JSON; line breaks become two characters.
    let text: String = "\"\\\n".repeat(MAX_TEXT_CHARS / 3);
    let description: String = "\\\"".repeat(MAX_DESCRIPTION_CHARS / 2);
    let fields: Vec<Field> = (0..MAX_FIELDS)
        .map(|i| Field::new(format!("f{i:0>62}"), format!("Vec<{:0<58}>", "T")))
        .collect();
    for n in 0..MAX_FRAMES as u128 {
        run(
            &mut board,
            Command::AddFrame {
                id: frame(n),
                name: "\"".repeat(MAX_NAME_CHARS),
                rect: Rect::new(0, 0, 100, 100),
            },
        )
        .unwrap();
    }
    let mut n = 0u128;
    loop {
        let id = sticky(n);
        let added = run(
            &mut board,
            Command::AddSticky {
                id,
                kind: StickyKind::DomainEvent,
                text: text.clone(),
                pos: Position::new((n % 100) as i32 * 200, (n / 100) as i32 * 200),
                size: None,
            },
        );
        match added {
            Ok(()) => {}
            Err(Error::BoardFull { .. }) | Err(Error::TooManyStickies) => break,
            Err(e) => panic!("{e}"),
        }
        let detail = run(
            &mut board,
            Command::DescribeSticky {
                id,
                description: description.clone(),
            },
        )
        .and_then(|()| {
            run(
                &mut board,
                Command::SetStickyFields {
                    id,
                    fields: fields.clone(),
                },
            )
        });
        if detail.is_err() {
            break;
        }
        if n > 0 && board.connectors.len() < MAX_CONNECTORS {
            let _ = run(
                &mut board,
                Command::AddConnector {
                    id: connector(n),
                    from: sticky(n - 1),
                    to: id,
                    label: Some("\"".repeat(MAX_NAME_CHARS)),
                },
            );
        }
        n += 1;
    }
    board
}

#[test]
fn the_largest_board_exports_within_the_import_limit_and_imports_again() {
    let board = largest_board();
    let weight = board.weight();
    assert!(
        weight > MAX_BOARD_BYTES - 20_000 && weight <= MAX_BOARD_BYTES,
        "the board is at its budget: {weight}"
    );
    let file = json::to_string(&board);
    println!(
        "largest board: {} stickies, weight {weight} bytes, export {} bytes",
        board.stickies.len(),
        file.len()
    );
    assert!(
        file.len() <= MAX_BOARD_FILE_BYTES,
        "export of {} bytes is over the import limit {MAX_BOARD_FILE_BYTES}",
        file.len()
    );
    // The import builds it again through `execute`, budget included.
    let parsed = json::parse(&file).unwrap();
    let id = BoardId(uuid::Uuid::from_u128(7));
    let (create, fill) = json::import_commands(id, &parsed);
    let mut copy = Board::new(id);
    for c in [create, fill] {
        for e in execute(&copy, c).expect("the import is accepted") {
            copy.apply_mut(&e);
        }
    }
    assert_eq!(copy.stickies, board.stickies);
    assert_eq!(copy.frames.len(), board.frames.len());
    assert_eq!(copy.connectors.len(), board.connectors.len());
}

#[test]
fn content_beyond_the_budget_is_refused_with_the_size() {
    let mut board = largest_board();
    let last = *board.stickies.keys().last().unwrap();
    let long = "y".repeat(MAX_TEXT_CHARS);
    let mut outcome = Ok(vec![]);
    // Adding stickies of the longest text until one does not fit (the budget is bytes).
    for n in 0..100 {
        outcome = execute(
            &board,
            Command::AddSticky {
                id: sticky(900_000 + n),
                kind: StickyKind::Hotspot,
                text: long.clone(),
                pos: Position::new(0, 0),
                size: None,
            },
        );
        match &outcome {
            Ok(events) => events.iter().for_each(|e| board.apply_mut(e)),
            Err(_) => break,
        }
    }
    match outcome {
        Err(Error::BoardFull { bytes }) => assert!(bytes > MAX_BOARD_BYTES),
        Err(Error::TooManyStickies) => {}
        other => panic!("expected board_full, got {other:?}"),
    }
    // Shrinking is always allowed.
    let shorter = execute(
        &board,
        Command::EditStickyText {
            id: last,
            text: "short".into(),
        },
    );
    assert!(shorter.is_ok(), "{shorter:?}");
    assert_eq!(
        Error::BoardFull { bytes: 1 }.code().as_str(),
        "board_full",
        "the code in docs/protocol.md"
    );
}

#[test]
fn control_characters_other_than_line_breaks_and_tabs_are_refused_in_text() {
    let history = [created(), added(1, "x")];
    assert_eq!(
        given(history.clone()).when(Command::EditStickyText {
            id: sticky(1),
            text: "bell\u{7}".into()
        }),
        Err(Error::ControlCharacter { codepoint: 7 })
    );
    assert_eq!(
        given(history.clone()).when(Command::DescribeSticky {
            id: sticky(1),
            description: "nul\u{0}".into()
        }),
        Err(Error::ControlCharacter { codepoint: 0 })
    );
    assert!(given(history)
        .when(Command::EditStickyText {
            id: sticky(1),
            text: "two\nlines\tand a tab\r\n".into()
        })
        .is_ok());
}
