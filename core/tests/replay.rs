//! Property: the live state (built command by command) equals the replay of the stored log.

use proptest::prelude::*;
use stormwall_core::*;
use uuid::Uuid;

/// Commands over a small id space so that moves, edits and deletes often hit existing stickies
/// and often miss them (errors must leave no trace).
fn command() -> impl Strategy<Value = Command> {
    let id = (0u128..6).prop_map(|n| StickyId(Uuid::from_u128(n)));
    let pos = (-2_000_000i32..2_000_000, -3000i32..3000).prop_map(|(x, y)| Position::new(x, y));
    let text = prop_oneof![
        Just(String::new()),
        "[a-zA-Z ?!é🦀\n]{0,30}",
        Just("x".repeat(1001)),
    ];
    let kind = prop::sample::select(StickyKind::ALL.to_vec());
    prop_oneof![
        "[a-z ]{0,10}".prop_map(|title| Command::CreateBoard { title }),
        (id.clone(), kind, text.clone(), pos.clone()).prop_map(|(id, kind, text, pos)| {
            Command::AddSticky {
                id,
                kind,
                text,
                pos,
            }
        }),
        (id.clone(), pos).prop_map(|(id, pos)| Command::MoveSticky { id, pos }),
        (id.clone(), text).prop_map(|(id, text)| Command::EditStickyText { id, text }),
        id.prop_map(|id| Command::DeleteSticky { id }),
    ]
}

proptest! {
    #[test]
    fn replaying_the_log_reproduces_the_live_state(
        commands in prop::collection::vec(command(), 0..80)
    ) {
        let id = BoardId(Uuid::from_u128(42));
        let mut live = Board::new(id);
        let mut log: Vec<Event> = Vec::new();
        for command in commands {
            let before = live.clone();
            match execute(&live, command) {
                Ok(events) => {
                    for e in &events {
                        live.apply_mut(e);
                    }
                    log.extend(events);
                }
                // A refused command changes nothing.
                Err(_) => prop_assert_eq!(&live, &before),
            }
        }
        prop_assert_eq!(Board::replay(id, &log), live.clone());

        // The log survives the trip through JSON, as it does through the database.
        let stored: Vec<String> = log.iter().map(|e| serde_json::to_string(e).unwrap()).collect();
        let read: Vec<Event> = stored.iter().map(|s| serde_json::from_str(s).unwrap()).collect();
        prop_assert_eq!(Board::replay(id, &read), live);
    }
}
