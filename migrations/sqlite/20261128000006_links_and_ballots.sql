-- A board's three secret links (facilitator, edit, view). Only a SHA-256 hash of each key is
-- stored: the keys are 160 random bits, so a fast hash cannot be searched. `sealed` holds the
-- keys of the lesser roles, each encrypted under this role's key (JSON, see server/src/access.rs):
-- whoever presents a key can be shown the links they may hand out, and nothing else can.
CREATE TABLE links (
    board_id   TEXT NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('facilitator', 'edit', 'view')),
    key_hash   TEXT NOT NULL,
    sealed     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (board_id, role)
);

-- The dots of an open vote, one row per participant. Kept apart from the event log so that
-- nobody can read the counts before the facilitator reveals them (the reveal event carries the
-- tally); kept at all so that a restart loses no dot.
CREATE TABLE ballots (
    board_id TEXT NOT NULL,
    vote_id  TEXT NOT NULL,
    voter    TEXT NOT NULL,
    dots     TEXT NOT NULL,
    PRIMARY KEY (board_id, vote_id, voter)
);
