//! Boards of a given size, for benchmarks, load tests and the tests of limits: built from
//! events like every board, so they are boards the server could hold.

use crate::{Board, BoardId, Event, Position, StickyId, StickyKind};
use uuid::Uuid;

/// A board titled `title` with `n` domain events laid out in rows of 100, the `i`-th reading
/// `text(i)`. Sticky ids are 1..=n.
pub fn wall(title: &str, n: usize, text: impl Fn(usize) -> String) -> Board {
    let created = Event::BoardCreated {
        title: title.into(),
    };
    let stickies = (0..n).map(|i| Event::StickyAdded {
        id: StickyId(Uuid::from_u128(i as u128 + 1)),
        kind: StickyKind::DomainEvent,
        text: text(i),
        pos: Position::new((i % 100) as i32 * 200, (i / 100) as i32 * 150),
        size: StickyKind::DomainEvent.default_size(),
    });
    let mut board = Board::new(BoardId(Uuid::nil()));
    board.apply_mut(&created);
    for e in stickies {
        board.apply_mut(&e);
    }
    board
}

/// The glossary's worst case: `n` stickies in one context, all near duplicates of each other
/// (one phrase in `n` spellings: each bit of `i` picks the case of one letter).
pub fn near_duplicates(n: usize) -> Board {
    wall("Near duplicates", n, |i| {
        "orderplacedbycustomer"
            .chars()
            .enumerate()
            .map(|(bit, c)| {
                if i >> bit & 1 == 1 {
                    c.to_ascii_uppercase()
                } else {
                    c
                }
            })
            .collect()
    })
}
