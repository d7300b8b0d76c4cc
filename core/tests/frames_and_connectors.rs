//! Bounded-context frames and connectors, in given/when/then form.

mod support;
use stormwall_core::limits::*;
use stormwall_core::*;
use support::*;

fn ticketing() -> Rect {
    Rect::new(0, 0, 1000, 600)
}

#[test]
fn add_frame_records_trimmed_name_and_rectangle() {
    let outcome = given([created()]).when(Command::AddFrame {
        id: frame(1),
        name: " Ticketing ".into(),
        rect: ticketing(),
    });
    assert_eq!(outcome, Ok(vec![framed(1, "Ticketing", ticketing())]));
}

#[test]
fn add_frame_with_a_taken_id_blank_name_or_bad_rectangle_is_refused() {
    let history = [created(), framed(1, "Ticketing", ticketing())];
    let add = |name: &str, rect| Command::AddFrame {
        id: frame(2),
        name: name.into(),
        rect,
    };
    assert_eq!(
        given(history.clone()).when(Command::AddFrame {
            id: frame(1),
            name: "Again".into(),
            rect: ticketing()
        }),
        Err(Error::DuplicateFrame(frame(1)))
    );
    assert_eq!(
        given(history.clone()).when(add("  ", ticketing())),
        Err(Error::EmptyName)
    );
    assert_eq!(
        given(history.clone()).when(add(&"n".repeat(MAX_NAME_CHARS + 1), ticketing())),
        Err(Error::NameTooLong {
            len: MAX_NAME_CHARS + 1
        })
    );
    assert_eq!(
        given(history.clone()).when(add("Huge", Rect::new(0, 0, MAX_FRAME_SIDE + 1, 10_000))),
        Err(Error::FrameSizeOutOfRange {
            w: i64::from(MAX_FRAME_SIDE) + 1,
            h: 10_000
        })
    );
    assert_eq!(
        given(history.clone()).when(add("Tiny", Rect::new(0, 0, 5, 5))),
        Err(Error::FrameSizeOutOfRange { w: 5, h: 5 })
    );
    assert_eq!(
        given(history).when(add("Far", Rect::new(i32::MAX, 0, 100, 100))),
        Err(Error::PositionOutOfRange {
            x: i64::from(i32::MAX),
            y: 0
        })
    );
}

#[test]
fn rename_reshape_and_delete_frame() {
    let history = [created(), framed(1, "Ticketing", ticketing())];
    assert_eq!(
        given(history.clone()).when(Command::RenameFrame {
            id: frame(1),
            name: "Booking".into()
        }),
        Ok(vec![Event::FrameRenamed {
            id: frame(1),
            name: "Booking".into()
        }])
    );
    assert_eq!(
        given(history.clone()).when(Command::ReshapeFrame {
            id: frame(1),
            rect: Rect::new(50, 50, 800, 400)
        }),
        Ok(vec![Event::FrameReshaped {
            id: frame(1),
            rect: Rect::new(50, 50, 800, 400)
        }])
    );
    assert_eq!(
        given(history.clone()).when(Command::ReshapeFrame {
            id: frame(1),
            rect: ticketing()
        }),
        Ok(vec![])
    );
    assert_eq!(
        given(history).when(Command::DeleteFrame { id: frame(1) }),
        Ok(vec![Event::FrameDeleted { id: frame(1) }])
    );
}

#[test]
fn commands_on_an_unknown_frame_are_refused() {
    for command in [
        Command::RenameFrame {
            id: frame(4),
            name: "x".into(),
        },
        Command::ReshapeFrame {
            id: frame(4),
            rect: ticketing(),
        },
        Command::DeleteFrame { id: frame(4) },
    ] {
        assert_eq!(
            given([created()]).when(command),
            Err(Error::UnknownFrame(frame(4)))
        );
    }
}

#[test]
fn a_sticky_belongs_to_the_smallest_frame_holding_its_centre() {
    let board = given([
        created(),
        framed(1, "Ticketing", Rect::new(0, 0, 2000, 1000)),
        framed(2, "Reservations", Rect::new(50, 150, 400, 300)),
        added(1, "Seat Reserved"), // at (100, 200), centre (180, 255)
        Event::StickyAdded {
            id: sticky(2),
            kind: StickyKind::DomainEvent,
            text: "Outside".into(),
            pos: Position::new(5000, 5000),
            size: StickyKind::DomainEvent.default_size(),
        },
    ])
    .board();
    assert_eq!(board.frame_of(sticky(1)).map(|f| f.id), Some(frame(2)));
    assert_eq!(board.frame_of(sticky(2)), None);
    // Derived, not stored: moving the frame away changes membership without touching stickies.
    let moved = given([
        created(),
        framed(2, "Reservations", Rect::new(50, 150, 400, 300)),
        added(1, "Seat Reserved"),
        Event::FrameReshaped {
            id: frame(2),
            rect: Rect::new(3000, 0, 100, 100),
        },
    ])
    .board();
    assert_eq!(moved.frame_of(sticky(1)), None);
}

#[test]
fn add_connector_records_the_arrow_with_a_trimmed_label() {
    let outcome = given([created(), added(1, "Place Order"), added(2, "Order")]).when(
        Command::AddConnector {
            id: connector(1),
            from: sticky(1),
            to: sticky(2),
            label: Some(" handled by ".into()),
        },
    );
    assert_eq!(
        outcome,
        Ok(vec![Event::ConnectorAdded {
            id: connector(1),
            from: sticky(1),
            to: sticky(2),
            label: Some("handled by".into())
        }])
    );
}

#[test]
fn a_blank_label_is_no_label() {
    let outcome = given([created(), added(1, "a"), added(2, "b")]).when(Command::AddConnector {
        id: connector(1),
        from: sticky(1),
        to: sticky(2),
        label: Some("   ".into()),
    });
    assert_eq!(outcome, Ok(vec![connected(1, 1, 2)]));
}

#[test]
fn self_loops_duplicates_and_unknown_ends_are_refused() {
    let history = [created(), added(1, "a"), added(2, "b"), connected(1, 1, 2)];
    let add = |id: u128, from: u128, to: u128| Command::AddConnector {
        id: connector(id),
        from: sticky(from),
        to: sticky(to),
        label: None,
    };
    assert_eq!(
        given(history.clone()).when(add(2, 1, 1)),
        Err(Error::SelfLoop)
    );
    assert_eq!(
        given(history.clone()).when(add(2, 1, 2)),
        Err(Error::AlreadyConnected)
    );
    assert_eq!(
        given(history.clone()).when(add(1, 2, 1)),
        Err(Error::DuplicateConnector(connector(1)))
    );
    assert_eq!(
        given(history.clone()).when(add(2, 1, 9)),
        Err(Error::UnknownSticky(sticky(9)))
    );
    // The reverse direction is a different arrow.
    assert_eq!(
        given(history).when(add(2, 2, 1)),
        Ok(vec![connected(2, 2, 1)])
    );
}

#[test]
fn a_connector_to_a_deleted_sticky_is_refused() {
    let history = [
        created(),
        added(1, "a"),
        added(2, "b"),
        Event::StickyDeleted { id: sticky(2) },
    ];
    let outcome = given(history).when(Command::AddConnector {
        id: connector(1),
        from: sticky(1),
        to: sticky(2),
        label: None,
    });
    assert_eq!(outcome, Err(Error::UnknownSticky(sticky(2))));
}

#[test]
fn delete_connector_and_unknown_connector() {
    let history = [created(), added(1, "a"), added(2, "b"), connected(1, 1, 2)];
    assert_eq!(
        given(history.clone()).when(Command::DeleteConnector { id: connector(1) }),
        Ok(vec![Event::ConnectorDeleted { id: connector(1) }])
    );
    assert_eq!(
        given(history).when(Command::DeleteConnector { id: connector(2) }),
        Err(Error::UnknownConnector(connector(2)))
    );
}
