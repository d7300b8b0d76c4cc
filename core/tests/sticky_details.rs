//! Resize, kind, description, payload fields, multi-select move and delete, and the delete
//! cascade to connectors, in given/when/then form.

mod support;
use stormwall_core::limits::*;
use stormwall_core::*;
use support::*;

fn fields(pairs: &[(&str, &str)]) -> Vec<Field> {
    pairs.iter().map(|(n, t)| Field::new(*n, *t)).collect()
}

#[test]
fn a_new_sticky_gets_its_kinds_size_unless_one_is_given() {
    let outcome = given([created()]).when(Command::AddSticky {
        id: sticky(1),
        kind: StickyKind::Aggregate,
        text: "Order".into(),
        pos: Position::new(0, 0),
        size: None,
    });
    let Ok(events) = outcome else { panic!() };
    assert!(
        matches!(events[0], Event::StickyAdded { size, .. } if size == StickyKind::Aggregate.default_size())
    );
    let outcome = given([created()]).when(Command::AddSticky {
        id: sticky(1),
        kind: StickyKind::Aggregate,
        text: "Order".into(),
        pos: Position::new(0, 0),
        size: Some(Size::new(MAX_STICKY_SIDE + 1, 100)),
    });
    assert_eq!(
        outcome,
        Err(Error::SizeOutOfRange {
            w: i64::from(MAX_STICKY_SIDE) + 1,
            h: 100
        })
    );
}

#[test]
fn resize_sticky_records_the_size() {
    let outcome = given([created(), added(1, "Order Placed")]).when(Command::ResizeSticky {
        id: sticky(1),
        size: Size::new(240, 160),
    });
    assert_eq!(
        outcome,
        Ok(vec![Event::StickyResized {
            id: sticky(1),
            size: Size::new(240, 160)
        }])
    );
}

#[test]
fn resize_out_of_range_or_of_an_unknown_sticky_is_refused() {
    let history = [created(), added(1, "Order Placed")];
    assert_eq!(
        given(history.clone()).when(Command::ResizeSticky {
            id: sticky(1),
            size: Size::new(10, 100)
        }),
        Err(Error::SizeOutOfRange { w: 10, h: 100 })
    );
    assert_eq!(
        given(history).when(Command::ResizeSticky {
            id: sticky(9),
            size: Size::new(100, 100)
        }),
        Err(Error::UnknownSticky(sticky(9)))
    );
}

#[test]
fn change_kind_records_the_new_kind_and_keeps_the_fields() {
    let history = [
        created(),
        added(1, "Order Placed"),
        Event::StickyFieldsSet {
            id: sticky(1),
            fields: fields(&[("order_id", "Uuid")]),
        },
    ];
    let outcome = given(history.clone()).when(Command::ChangeStickyKind {
        id: sticky(1),
        kind: StickyKind::Hotspot,
    });
    assert_eq!(
        outcome,
        Ok(vec![Event::StickyKindChanged {
            id: sticky(1),
            kind: StickyKind::Hotspot
        }])
    );
    let board = given(history.into_iter().chain(outcome.unwrap())).board();
    let s = board.sticky(sticky(1)).unwrap();
    assert_eq!(s.kind, StickyKind::Hotspot);
    assert_eq!(s.fields.len(), 1);
}

#[test]
fn change_kind_to_the_same_kind_records_nothing() {
    let outcome = given([created(), added(1, "Order Placed")]).when(Command::ChangeStickyKind {
        id: sticky(1),
        kind: StickyKind::DomainEvent,
    });
    assert_eq!(outcome, Ok(vec![]));
}

#[test]
fn describe_sticky_records_the_definition_and_blank_clears_it() {
    let history = [created(), added(1, "Order Placed")];
    assert_eq!(
        given(history.clone()).when(Command::DescribeSticky {
            id: sticky(1),
            description: "The attendee confirmed the basket.".into()
        }),
        Ok(vec![Event::StickyDescribed {
            id: sticky(1),
            description: "The attendee confirmed the basket.".into()
        }])
    );
    let described = history.iter().cloned().chain([Event::StickyDescribed {
        id: sticky(1),
        description: "x".into(),
    }]);
    assert_eq!(
        given(described).when(Command::DescribeSticky {
            id: sticky(1),
            description: "  ".into()
        }),
        Ok(vec![Event::StickyDescribed {
            id: sticky(1),
            description: String::new()
        }])
    );
}

#[test]
fn an_over_long_description_is_refused() {
    let outcome = given([created(), added(1, "Order Placed")]).when(Command::DescribeSticky {
        id: sticky(1),
        description: "d".repeat(MAX_DESCRIPTION_CHARS + 1),
    });
    assert_eq!(
        outcome,
        Err(Error::DescriptionTooLong {
            len: MAX_DESCRIPTION_CHARS + 1
        })
    );
}

#[test]
fn set_fields_records_trimmed_fields_in_order() {
    let outcome = given([created(), added(1, "Seat Reserved")]).when(Command::SetStickyFields {
        id: sticky(1),
        fields: fields(&[(" reservation_id ", " Uuid"), ("seats", "Vec<(u32, u32)>")]),
    });
    assert_eq!(
        outcome,
        Ok(vec![Event::StickyFieldsSet {
            id: sticky(1),
            fields: fields(&[("reservation_id", "Uuid"), ("seats", "Vec<(u32, u32)>")])
        }])
    );
}

#[test]
fn fields_with_invalid_or_duplicate_names_or_bad_types_are_refused() {
    let history = [created(), added(1, "Seat Reserved")];
    let when = |f: Vec<Field>| {
        given(history.clone()).when(Command::SetStickyFields {
            id: sticky(1),
            fields: f,
        })
    };
    assert_eq!(
        when(fields(&[("seat number", "u32")])),
        Err(Error::InvalidFieldName {
            name: "seat number".into()
        })
    );
    assert_eq!(
        when(fields(&[("1st", "u32")])),
        Err(Error::InvalidFieldName { name: "1st".into() })
    );
    assert_eq!(
        when(fields(&[("seat", "Vec<u32")])),
        Err(Error::InvalidFieldType {
            name: "seat".into(),
            ty: "Vec<u32".into()
        })
    );
    assert_eq!(
        when(fields(&[("seat", "u32"), ("seat", "String")])),
        Err(Error::DuplicateFieldName {
            name: "seat".into()
        })
    );
    let many: Vec<Field> = (0..=MAX_FIELDS)
        .map(|i| Field::new(format!("f{i}"), "u8"))
        .collect();
    assert_eq!(
        when(many),
        Err(Error::TooManyFields {
            count: MAX_FIELDS + 1
        })
    );
}

#[test]
fn fields_on_a_kind_without_fields_are_refused() {
    let outcome = given([created(), added_kind(1, StickyKind::Actor, "Attendee")]).when(
        Command::SetStickyFields {
            id: sticky(1),
            fields: fields(&[("name", "String")]),
        },
    );
    assert_eq!(
        outcome,
        Err(Error::FieldsNotAllowed {
            kind: StickyKind::Actor
        })
    );
}

#[test]
fn delete_sticky_deletes_its_connectors_in_the_same_step() {
    let history = [
        created(),
        added(1, "a"),
        added(2, "b"),
        added(3, "c"),
        connected(1, 1, 2),
        connected(2, 3, 1),
        connected(3, 2, 3),
    ];
    let outcome = given(history).when(Command::DeleteSticky { id: sticky(1) });
    assert_eq!(
        outcome,
        Ok(vec![
            Event::ConnectorDeleted { id: connector(1) },
            Event::ConnectorDeleted { id: connector(2) },
            Event::StickyDeleted { id: sticky(1) },
        ])
    );
}

#[test]
fn move_stickies_moves_all_of_them_in_one_step() {
    let history = [created(), added(1, "a"), added(2, "b")];
    let outcome = given(history).when(Command::MoveStickies {
        moves: vec![
            StickyMove {
                id: sticky(1),
                pos: Position::new(10, 10),
            },
            StickyMove {
                id: sticky(2),
                pos: Position::new(100, 200), // where it already is: nothing to record
            },
        ],
    });
    assert_eq!(
        outcome,
        Ok(vec![Event::StickyMoved {
            id: sticky(1),
            pos: Position::new(10, 10)
        }])
    );
}

#[test]
fn move_stickies_is_all_or_nothing() {
    let history = [created(), added(1, "a")];
    let outcome = given(history).when(Command::MoveStickies {
        moves: vec![
            StickyMove {
                id: sticky(1),
                pos: Position::new(10, 10),
            },
            StickyMove {
                id: sticky(7),
                pos: Position::new(10, 10),
            },
        ],
    });
    assert_eq!(outcome, Err(Error::UnknownSticky(sticky(7))));
}

#[test]
fn selections_must_be_non_empty_bounded_and_without_repeats() {
    let history = [created(), added(1, "a")];
    assert_eq!(
        given(history.clone()).when(Command::DeleteStickies { ids: vec![] }),
        Err(Error::EmptySelection)
    );
    assert_eq!(
        given(history.clone()).when(Command::DeleteStickies {
            ids: vec![sticky(1), sticky(1)]
        }),
        Err(Error::DuplicateInSelection(sticky(1)))
    );
    let ids = (0..=MAX_SELECTION as u128).map(sticky).collect();
    assert_eq!(
        given(history).when(Command::DeleteStickies { ids }),
        Err(Error::SelectionTooLarge {
            count: MAX_SELECTION + 1
        })
    );
}

#[test]
fn delete_stickies_deletes_each_and_their_connectors_once() {
    let history = [
        created(),
        added(1, "a"),
        added(2, "b"),
        added(3, "c"),
        connected(1, 1, 2),
        connected(2, 2, 3),
    ];
    let outcome = given(history.clone()).when(Command::DeleteStickies {
        ids: vec![sticky(1), sticky(2)],
    });
    assert_eq!(
        outcome,
        Ok(vec![
            Event::ConnectorDeleted { id: connector(1) },
            Event::ConnectorDeleted { id: connector(2) },
            Event::StickyDeleted { id: sticky(1) },
            Event::StickyDeleted { id: sticky(2) },
        ])
    );
    let board = given(history.into_iter().chain(outcome.unwrap())).board();
    assert_eq!(board.stickies.len(), 1);
    assert!(board.connectors.is_empty());
}

#[test]
fn delete_stickies_with_one_unknown_deletes_nothing() {
    let outcome = given([created(), added(1, "a")]).when(Command::DeleteStickies {
        ids: vec![sticky(1), sticky(5)],
    });
    assert_eq!(outcome, Err(Error::UnknownSticky(sticky(5))));
}
