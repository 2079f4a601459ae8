-- Timers that fail are retried with backoff and finally marked failed (organizers are
-- told once), so the table learns attempts, the next try and the last error, and the
-- state 'failed'. SQLite cannot change a CHECK in place: the table is rebuilt.
CREATE TABLE timers_new (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    subject_id INTEGER NOT NULL,
    due_at     TEXT NOT NULL,
    state      TEXT NOT NULL DEFAULT 'pending'
               CHECK (state IN ('pending', 'fired', 'cancelled', 'failed')),
    created_at TEXT NOT NULL,
    fired_at   TEXT,
    late       INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
    attempts   INTEGER NOT NULL DEFAULT 0,
    retry_at   TEXT,
    last_error TEXT
);
INSERT INTO timers_new (id, kind, subject_id, due_at, state, created_at, fired_at, late)
    SELECT id, kind, subject_id, due_at, state, created_at, fired_at, late FROM timers;
DROP TABLE timers;
ALTER TABLE timers_new RENAME TO timers;
CREATE INDEX timers_pending ON timers (state, due_at);
CREATE INDEX timers_by_subject ON timers (subject_id, kind, state);

-- Where a report's alert (and its card for verifiers) went: the domain record that all
-- clears, corrections, retractions and card edits read. The outbox is for delivery only
-- and is purged within days; this is kept as long as the report.
CREATE TABLE broadcasts (
    id          INTEGER PRIMARY KEY,
    report_id   INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('alert', 'new_report')),
    platform    TEXT NOT NULL,
    address     TEXT NOT NULL,
    languages   TEXT NOT NULL,
    outbox_id   INTEGER,  -- no reference: the outbox row goes long before this one
    external_id TEXT,
    created_at  TEXT NOT NULL
);
CREATE INDEX broadcasts_by_report ON broadcasts (report_id, kind);
CREATE INDEX broadcasts_by_outbox ON broadcasts (outbox_id);
INSERT INTO broadcasts (report_id, kind, platform, address, languages, outbox_id,
                        external_id, created_at)
    SELECT report_id, kind, platform, address, languages, id, external_id, created_at
    FROM outbox
    WHERE report_id IS NOT NULL AND is_direct = 0 AND kind IN ('alert', 'new_report')
    ORDER BY id;

-- /status lists recently closed reports: found by state and time, not by a full scan.
CREATE INDEX reports_by_state_updated ON reports (state, updated_at);
