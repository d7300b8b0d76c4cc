//! How a board is kept in a snapshot, apart from how the `welcome` sends it.
//!
//! The welcome sends `Board`'s own serde shape (part of the protocol, versioned by
//! `PROTOCOL_VERSION`); a snapshot is a cache in the database with a shape of its own
//! ([`FORMAT`]): its elements in stacking order as lists, and the fields the board derives
//! from them left out. Either can change without the other: a new snapshot shape bumps
//! `FORMAT` (older snapshots are then ignored and the log replayed), a new wire shape bumps
//! the protocol.

use crate::workshop::Workshop;
use crate::{Board, BoardId, Connector, Frame, Sticky};
use serde::{Deserialize, Serialize};

/// The shape below. Bump it on any change to it.
pub const FORMAT: u32 = 2;

/// A board as stored in a snapshot.
#[derive(Serialize, Deserialize)]
struct Stored {
    board: BoardId,
    created: bool,
    title: String,
    locked: bool,
    /// In stacking order (later on top).
    stickies: Vec<Sticky>,
    frames: Vec<Frame>,
    connectors: Vec<Connector>,
    workshop: Workshop,
}

/// The board as a snapshot's text.
pub fn encode(board: &Board) -> String {
    #[derive(Serialize)]
    struct Borrowed<'a> {
        board: BoardId,
        created: bool,
        title: &'a str,
        locked: bool,
        stickies: Vec<&'a Sticky>,
        frames: Vec<&'a Frame>,
        connectors: Vec<&'a Connector>,
        workshop: &'a Workshop,
    }
    serde_json::to_string(&Borrowed {
        board: board.id,
        created: board.created,
        title: &board.title,
        locked: board.locked,
        stickies: board.stickies.values().collect(),
        frames: board.frames.values().collect(),
        connectors: board.connectors.values().collect(),
        workshop: &board.workshop,
    })
    .expect("a board always serialises")
}

/// A snapshot's text as the board, or why not (a snapshot is a cache: the caller replays the
/// log instead).
pub fn decode(text: &str) -> Result<Board, serde_json::Error> {
    let stored: Stored = serde_json::from_str(text)?;
    let mut board = Board::new(stored.board);
    board.created = stored.created;
    board.title = stored.title;
    board.locked = stored.locked;
    board.stickies = stored.stickies.into_iter().map(|s| (s.id, s)).collect();
    board.frames = stored.frames.into_iter().map(|f| (f.id, f)).collect();
    board.connectors = stored.connectors.into_iter().map(|c| (c.id, c)).collect();
    board.workshop = stored.workshop;
    Ok(board)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::welcome_json;

    #[test]
    fn a_snapshot_reads_back_as_the_same_board() {
        let board = crate::sample::wall("Snapshot", 200, |i| format!("Event {i}"));
        let text = encode(&board);
        assert_eq!(decode(&text).unwrap(), board);
        assert_eq!(decode(&text).unwrap().weight(), board.weight());
    }

    #[test]
    fn the_snapshot_and_the_welcome_are_two_shapes() {
        let board = crate::sample::wall("Snapshot", 3, |i| format!("Event {i}"));
        let welcome: serde_json::Value = serde_json::from_str(&welcome_json(&board, 1)).unwrap();
        let snapshot: serde_json::Value = serde_json::from_str(&encode(&board)).unwrap();
        assert!(
            welcome["board"]["stickies"].is_object(),
            "keyed by id on the wire"
        );
        assert!(snapshot["stickies"].is_array(), "a list in the snapshot");
        assert!(
            decode(&welcome["board"].to_string()).is_err(),
            "a welcome's board is not a snapshot"
        );
    }
}
