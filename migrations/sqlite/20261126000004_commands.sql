-- Commands already executed, by the id the client chose: a retried command id gets the
-- original outcome and never produces events twice. Written in the same transaction as the
-- command's events.
CREATE TABLE commands (
    board_id   TEXT    NOT NULL,
    command_id TEXT    NOT NULL,
    seq        INTEGER NOT NULL,
    PRIMARY KEY (board_id, command_id)
);
