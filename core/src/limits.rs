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
