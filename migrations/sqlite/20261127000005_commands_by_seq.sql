-- A board keeps only its latest command ids in memory; they are read newest first.
CREATE INDEX commands_by_seq ON commands (board_id, seq);
