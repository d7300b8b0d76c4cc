-- The PostgreSQL schema: the same tables, keys and rules as SQLite's migrations, in one step
-- (PostgreSQL support began with this schema). Ids and times are text, as in SQLite, so
-- both stores read and write the same values.

-- The board's event log: append-only, one history per board. The primary key refuses a
-- second writer appending the same seq (another instance that raced this one).
CREATE TABLE events (
    board_id       TEXT    NOT NULL,
    seq            BIGINT  NOT NULL CHECK (seq >= 1),
    event_type     TEXT    NOT NULL,
    schema_version BIGINT  NOT NULL,
    payload        TEXT    NOT NULL,
    command_id     TEXT,
    recorded_at    TEXT    NOT NULL,
    author         TEXT,
    PRIMARY KEY (board_id, seq)
);

-- Events are facts: the database itself refuses to change or remove one.
CREATE FUNCTION events_are_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are immutable and append-only';
END;
$$;

CREATE TRIGGER events_are_never_updated BEFORE UPDATE ON events
    FOR EACH ROW EXECUTE FUNCTION events_are_facts();
CREATE TRIGGER events_are_never_deleted BEFORE DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_are_facts();
-- TRUNCATE skips row triggers; refuse it too.
CREATE TRIGGER events_are_never_truncated BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_are_facts();

-- Projection for the board list, written in the same transaction as the BoardCreated event.
CREATE TABLE boards (
    id         TEXT PRIMARY KEY,
    title      TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Snapshots: a cache of the board at a seq, never the truth.
CREATE TABLE snapshots (
    board_id       TEXT    NOT NULL,
    seq            BIGINT  NOT NULL CHECK (seq >= 1),
    format_version BIGINT  NOT NULL,
    state          TEXT    NOT NULL,
    created_at     TEXT    NOT NULL,
    PRIMARY KEY (board_id, seq)
);

-- Commands already executed, by the id the client chose, written with their events: a
-- retried id gets the original outcome, on whichever instance it lands.
CREATE TABLE commands (
    board_id   TEXT   NOT NULL,
    command_id TEXT   NOT NULL,
    seq        BIGINT NOT NULL,
    PRIMARY KEY (board_id, command_id)
);
CREATE INDEX commands_by_seq ON commands (board_id, seq);

-- A board's three secret links; only a SHA-256 hash of each key (see the SQLite migration).
CREATE TABLE links (
    board_id   TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('facilitator', 'edit', 'view')),
    key_hash   TEXT NOT NULL,
    sealed     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (board_id, role)
);

-- The dots of an open vote, one row per participant, apart from the log.
CREATE TABLE ballots (
    board_id TEXT NOT NULL,
    vote_id  TEXT NOT NULL,
    voter    TEXT NOT NULL,
    dots     TEXT NOT NULL,
    PRIMARY KEY (board_id, vote_id, voter)
);
