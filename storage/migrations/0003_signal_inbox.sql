-- Signal hands a message over once: after GET /v1/receive returns it, Signal's servers
-- forget it. So each envelope is stored here before it is handled, handled, and then its
-- text is erased. (source, timestamp) identifies a message, so a repeat is ignored.
CREATE TABLE signal_inbox (
    id          INTEGER PRIMARY KEY,
    source      TEXT NOT NULL,
    timestamp   INTEGER NOT NULL,
    envelope    TEXT,
    received_at TEXT NOT NULL,
    handled_at  TEXT,
    UNIQUE (source, timestamp)
);
CREATE INDEX signal_inbox_unhandled ON signal_inbox (handled_at, id);
