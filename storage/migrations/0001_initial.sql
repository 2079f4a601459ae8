-- Members are known by their platform id, never by a display name someone can change.
CREATE TABLE members (
    id          INTEGER PRIMARY KEY,
    platform    TEXT NOT NULL,
    external_id TEXT NOT NULL,
    language    TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (platform, external_id)
);

-- Roles come from the config ('config') or from an organizer's command ('command'),
-- so restarting with a new config can take away what the config once gave.
CREATE TABLE member_roles (
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('organizer', 'verifier', 'volunteer')),
    source     TEXT NOT NULL CHECK (source IN ('config', 'command')),
    granted_at TEXT NOT NULL,
    PRIMARY KEY (member_id, role)
);

-- AUTOINCREMENT: a report code (R12) is never given to a second report, even after
-- purges, so an old message that says R12 can never point at a new report.
CREATE TABLE reports (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    state          TEXT NOT NULL DEFAULT 'pending'
                   CHECK (state IN ('pending', 'verified', 'resolved', 'dismissed', 'retracted')),
    place          TEXT NOT NULL,
    place_key      TEXT NOT NULL,
    known_location TEXT,
    description    TEXT NOT NULL DEFAULT '',
    agency         TEXT NOT NULL CHECK (agency IN ('ice', 'cbp', 'hsi', 'police', 'unknown')),
    signs          TEXT NOT NULL DEFAULT '',
    source         TEXT CHECK (source IN ('first-hand', 'second-hand', 'social-media')),
    media          TEXT NOT NULL DEFAULT '[]',
    reporter_id    INTEGER REFERENCES members (id) ON DELETE SET NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX reports_by_state_place ON reports (state, place_key, created_at);

-- One decision per report, enforced twice: by the conditional state change and here.
CREATE TABLE decisions (
    id         INTEGER PRIMARY KEY,
    report_id  INTEGER NOT NULL UNIQUE REFERENCES reports (id) ON DELETE CASCADE,
    decision   TEXT NOT NULL CHECK (decision IN ('verified', 'dismissed')),
    reason     TEXT CHECK (reason IN ('routine', 'false-alarm', 'unverifiable')),
    note       TEXT NOT NULL DEFAULT '',
    decided_by INTEGER REFERENCES members (id) ON DELETE SET NULL,
    decided_at TEXT NOT NULL,
    CHECK ((decision = 'dismissed') = (reason IS NOT NULL))
);

-- A later report of the same place while one is open: more eyes, not a new alert.
CREATE TABLE corroborations (
    id          INTEGER PRIMARY KEY,
    report_id   INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    reporter_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
    place       TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    agency      TEXT NOT NULL,
    signs       TEXT NOT NULL DEFAULT '',
    source      TEXT,
    media       TEXT NOT NULL DEFAULT '[]',
    created_at  TEXT NOT NULL
);
CREATE INDEX corroborations_by_report ON corroborations (report_id);

-- What happened to a report after its decision: all clear, correction, retraction.
CREATE TABLE report_updates (
    id        INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    kind      TEXT NOT NULL CHECK (kind IN ('resolved', 'corrected', 'retracted')),
    note      TEXT NOT NULL DEFAULT '',
    actor_id  INTEGER REFERENCES members (id) ON DELETE SET NULL,
    at        TEXT NOT NULL
);
CREATE INDEX report_updates_by_report ON report_updates (report_id);

-- Every message the bot owes someone, written in the same transaction as the change
-- that caused it; delivery workers send it and record the outcome.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    platform        TEXT NOT NULL,
    address         TEXT NOT NULL,
    is_direct       INTEGER NOT NULL CHECK (is_direct IN (0, 1)),
    languages       TEXT NOT NULL,
    kind            TEXT NOT NULL,
    report_id       INTEGER REFERENCES reports (id) ON DELETE SET NULL,
    body            TEXT NOT NULL,
    ping            TEXT CHECK (ping IN ('verifiers')),
    state           TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error      TEXT,
    external_id     TEXT,
    created_at      TEXT NOT NULL,
    delivered_at    TEXT
);
CREATE INDEX outbox_due ON outbox (platform, state, next_attempt_at);
CREATE INDEX outbox_by_report ON outbox (report_id, kind);

-- Who did what, when. Append-only: the database itself refuses edits and deletions.
CREATE TABLE audit_log (
    id       INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    actor_id INTEGER,
    action   TEXT NOT NULL,
    subject  TEXT,
    detail   TEXT NOT NULL DEFAULT '{}'
);
CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
