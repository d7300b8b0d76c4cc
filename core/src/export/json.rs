//! The whole board as JSON, losslessly: export one board, import it as a new one.

use crate::{undo, Board, BoardId, Command, Connector, Frame, Sticky};
use serde::{Deserialize, Serialize};

/// The file format. `format` and `version` let later versions read older files.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BoardFile {
    pub format: String,
    pub version: u32,
    pub title: String,
    pub stickies: Vec<Sticky>,
    pub frames: Vec<Frame>,
    pub connectors: Vec<Connector>,
}

pub const FORMAT: &str = "stormwall-board";
pub const VERSION: u32 = 1;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImportError {
    #[error("this is not a Stormwall board file: {0}")]
    NotABoard(String),
    #[error("this board file has version {0}; this Stormwall reads version {VERSION}")]
    UnknownVersion(u32),
}

pub fn export(board: &Board) -> BoardFile {
    BoardFile {
        format: FORMAT.into(),
        version: VERSION,
        title: board.title.clone(),
        stickies: board.stickies.values().cloned().collect(),
        frames: board.frames.values().cloned().collect(),
        connectors: board.connectors.values().cloned().collect(),
    }
}

pub fn to_string(board: &Board) -> String {
    serde_json::to_string_pretty(&export(board)).expect("a board always serialises")
}

pub fn parse(text: &str) -> Result<BoardFile, ImportError> {
    let file: BoardFile =
        serde_json::from_str(text).map_err(|e| ImportError::NotABoard(e.to_string()))?;
    if file.format != FORMAT {
        return Err(ImportError::NotABoard(format!(
            "format is {:?}",
            file.format
        )));
    }
    if file.version != VERSION {
        return Err(ImportError::UnknownVersion(file.version));
    }
    Ok(file)
}

/// The commands that build the file's board on a new, empty board: create it, then one batch
/// with everything else. Both are validated like any other command, so a hand-edited file
/// with bad content is refused with the core's reason, and nothing partial is stored.
pub fn import_commands(id: BoardId, file: &BoardFile) -> (Command, Command) {
    let create = Command::CreateBoard {
        title: file.title.clone(),
    };
    let mut created = Board::new(id);
    created.created = true;
    created.title = file.title.trim().to_owned();
    let mut target = created.clone();
    target.stickies = file.stickies.iter().map(|s| (s.id, s.clone())).collect();
    target.frames = file.frames.iter().map(|f| (f.id, f.clone())).collect();
    target.connectors = file.connectors.iter().map(|c| (c.id, c.clone())).collect();
    (create, undo::restore(&created, &target))
}
