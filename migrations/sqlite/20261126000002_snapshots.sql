-- Snapshots: the board state at a sequence number, so opening a board replays only the tail.
-- A cache, never the truth: a snapshot of an unknown format is ignored and the log replayed.
CREATE TABLE snapshots (
    board_id       TEXT    NOT NULL,
    seq            INTEGER NOT NULL CHECK (seq >= 1),
    format_version INTEGER NOT NULL,
    state          TEXT    NOT NULL,
    created_at     TEXT    NOT NULL,
    PRIMARY KEY (board_id, seq)
);
