-- The board's event log: append-only, one history per board.
CREATE TABLE events (
    board_id       TEXT    NOT NULL,
    seq            INTEGER NOT NULL CHECK (seq >= 1),
    event_type     TEXT    NOT NULL,
    schema_version INTEGER NOT NULL,
    payload        TEXT    NOT NULL,
    command_id     TEXT,
    recorded_at    TEXT    NOT NULL,
    PRIMARY KEY (board_id, seq)
);

-- Events are facts: the database itself refuses to change or remove one.
CREATE TRIGGER events_are_never_updated BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are immutable');
END;

CREATE TRIGGER events_are_never_deleted BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are append-only');
END;

-- Projection for the board list, written in the same transaction as the BoardCreated event.
CREATE TABLE boards (
    id         TEXT PRIMARY KEY,
    title      TEXT NOT NULL,
    created_at TEXT NOT NULL
);
