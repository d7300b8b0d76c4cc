//! Limits shared by the core (which enforces them) and the UI (which shows them).

/// Longest sticky text, in Unicode scalar values. A sticky is a short phrase, but people paste
/// whole sentences and questions onto hotspots; 1,000 characters keeps a board readable and
/// an event small.
pub const MAX_TEXT_CHARS: usize = 1_000;

/// Longest board title, in Unicode scalar values.
pub const MAX_TITLE_CHARS: usize = 120;

/// The wall is endless in practice, not in arithmetic: coordinates stay within this bound so
/// that sums of positions never overflow and a stray value cannot throw a sticky out of reach.
pub const MAX_COORDINATE: i32 = 1_000_000;

/// Largest client message the server reads, in bytes. A command with the longest text is far
/// below this; anything bigger is refused with an error (and the socket stays open).
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;

/// A connection may send bursts of this many events' worth of commands (see `pace`)...
pub const BURST: f64 = 200.0;
/// ...and this many a second on average (the server's `--rate-limit` default).
pub const DEFAULT_RATE: f64 = 50.0;

/// Longest frame (bounded context) name and connector label, in characters.
pub const MAX_NAME_CHARS: usize = 80;

/// Longest sticky description (the glossary definition), in characters.
pub const MAX_DESCRIPTION_CHARS: usize = 2_000;

/// Payload fields per sticky, and the longest field name or type.
pub const MAX_FIELDS: usize = 32;
pub const MAX_FIELD_CHARS: usize = 64;

/// Sticky sizes, in board units: small enough to stay a sticky, big enough to hold a word.
pub const MIN_STICKY_SIDE: i32 = 40;
pub const MAX_STICKY_SIDE: i32 = 1_000;

/// Frame sizes: a bounded context may span a large part of the wall, but not all of it.
pub const MIN_FRAME_SIDE: i32 = 40;
pub const MAX_FRAME_SIDE: i32 = 100_000;

/// Stickies one multi-select command may move or delete.
pub const MAX_SELECTION: usize = 500;

/// Commands in one batch (an undo, a redo, or a restore of an earlier version).
pub const MAX_BATCH: usize = 10_000;

/// Stickies on one board. A big-picture workshop wall holds hundreds; this bound keeps one
/// board's state (and every browser's copy of it) to a few megabytes.
pub const MAX_STICKIES: usize = 5_000;

/// Bounded contexts on one board. A Big Picture wall has a few dozen; this keeps the
/// glossary, the derivation rules and every browser's copy of the board small.
pub const MAX_FRAMES: usize = 500;

/// Arrows on one board: two per sticky on average at the largest board, far more than a
/// workshop draws, and still a bounded welcome.
pub const MAX_CONNECTORS: usize = 10_000;

/// A board's content budget, in bytes (see `Board::weight`): every text, definition, field,
/// name and label, plus a fixed allowance per element for its ids and geometry. It bounds the
/// `welcome`, the snapshots and the board file together: any board the server accepts can be
/// exported and imported again (`MAX_BOARD_FILE_BYTES`).
pub const MAX_BOARD_BYTES: usize = 8 * 1024 * 1024;

/// Largest board file an import reads. A board at `MAX_BOARD_BYTES` exports to less than
/// this even with every character escaped (JSON doubles `"` and `\`, pretty-printing adds
/// indentation), as the test at the largest board checks.
pub const MAX_BOARD_FILE_BYTES: usize = 32 * 1024 * 1024;

/// Longest display name kept with a participant's events and shown to the others.
pub const MAX_DISPLAY_NAME_CHARS: usize = 40;
