-- Who sent the command that caused an event (a display name; history shows it).
ALTER TABLE events ADD COLUMN author TEXT;
