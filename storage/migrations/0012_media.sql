-- Files reporters sent with a report (or with a corroborating report): what became of
-- each (a photo's clean copy kept, a video only fingerprinted, …), the SHA-256 of the
-- original (sealed: it ties a copy on someone's phone to this report) and, for photos,
-- the clean copy itself (sealed). Deleted with the report.
CREATE TABLE media (
    id               INTEGER PRIMARY KEY,
    report_id        INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    corroboration_id INTEGER REFERENCES corroborations (id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('photo', 'video', 'unreadable', 'other',
                                                   'too_large', 'over_limit', 'unavailable')),
    format           TEXT NOT NULL DEFAULT '',
    size             INTEGER NOT NULL DEFAULT 0,
    sha256           TEXT,
    data             BLOB,
    width            INTEGER,
    height           INTEGER,
    created_at       TEXT NOT NULL,
    CHECK ((kind = 'photo') = (data IS NOT NULL))
);
CREATE INDEX media_by_report ON media (report_id, id);

-- The clean copies that go with a message (the card, an alert a verifier chose to
-- send with its photos): media ids, comma-separated; the bytes stay in `media`.
ALTER TABLE outbox ADD COLUMN media TEXT NOT NULL DEFAULT '';
