-- Dispatch (issue 15): who is going to check a report, where its escalation chain is,
-- who is on duty, and whose turn it is to be offered the next report. Written to run
-- again harmlessly (IF NOT EXISTS), like 0016: a database whose version number was set
-- back runs it a second time.

-- One row per pending report: the escalation step reached, and the claim if any (who
-- said they are going, their ETA, whether the claimer was re-asked once). Deleted when
-- the report is decided or expires: who went is not kept afterwards.
CREATE TABLE IF NOT EXISTS dispatch (
    report_id   INTEGER PRIMARY KEY REFERENCES reports (id) ON DELETE CASCADE,
    step        INTEGER NOT NULL DEFAULT 0,
    claimed_by  INTEGER REFERENCES members (id) ON DELETE SET NULL,
    eta_minutes INTEGER,
    claimed_at  TEXT,
    reasked     INTEGER NOT NULL DEFAULT 0 CHECK (reasked IN (0, 1)),
    CHECK ((claimed_by IS NULL) = (claimed_at IS NULL))
);
CREATE INDEX IF NOT EXISTS dispatch_claims ON dispatch (claimed_by) WHERE claimed_by IS NOT NULL;

-- Verifiers on duty (/duty on [4h] [areas]); `until` NULL: until /duty off; `areas`:
-- the areas taken, one per line (empty: anywhere).
CREATE TABLE IF NOT EXISTS duty (
    member_id INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    since     TEXT NOT NULL,
    until     TEXT,
    areas     TEXT NOT NULL DEFAULT ''
);

-- Round-robin: when each verifier was last offered a report, so the next offer goes to
-- those who waited longest and the same people are not always paged.
CREATE TABLE IF NOT EXISTS dispatch_turns (
    member_id       INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    last_offered_at TEXT NOT NULL
);
