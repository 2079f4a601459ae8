-- Facts about the database itself. `key_check` holds a sealed constant, so opening the
-- database with the wrong data key fails at start-up instead of at the first read.
CREATE TABLE settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
