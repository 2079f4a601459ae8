-- Every promise the bot made about time ("re-ask the verifiers in 10 minutes", "remind
-- the volunteer before the pick-up"). The scheduler is rebuilt from this table at every
-- start-up; a timer is claimed (pending -> fired) in the same transaction as the
-- messages it causes, so it fires exactly once however often it is scheduled.
CREATE TABLE timers (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL,
    subject_id INTEGER NOT NULL,
    due_at     TEXT NOT NULL,
    state      TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'fired', 'cancelled')),
    created_at TEXT NOT NULL,
    fired_at   TEXT,
    late       INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1))
);
CREATE INDEX timers_pending ON timers (state, due_at);
CREATE INDEX timers_by_subject ON timers (kind, subject_id, state);

-- A decision made by the bot itself (a report expiring) has no member behind it.
-- decisions.decided_by is already nullable; nothing to change there.
