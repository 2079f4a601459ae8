-- Duty and round-robin turns taken during a drill are practice too, and end with it.
-- When a member goes on duty (or changes their duty) while a drill runs, the duty they
-- had before is kept here (`had` 0: they had none), once, at the first change; when the
-- drill ends it is put back, so a drill duty ends and a real duty taken before the drill
-- goes on as it was. /duty off during a drill is real: it forgets the kept row.
CREATE TABLE IF NOT EXISTS drill_duty (
    member_id INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    had       INTEGER NOT NULL CHECK (had IN (0, 1)),
    since     TEXT,
    until     TEXT,
    areas     TEXT
);

-- Likewise the turn before the first offer of a drill report (NULL: never offered one),
-- put back when the drill ends, so the drill's offers do not change whose turn is next.
CREATE TABLE IF NOT EXISTS drill_turns (
    member_id       INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    last_offered_at TEXT
);
