-- Drills (/drill start, /drill stop). A drill is a stretch of time in which the network
-- practises: every message says DRILL — PRACTICE, alerts go only to drill chats, and
-- what was reported, recorded and assigned during it is deleted when it ends. This
-- table keeps when each drill ran and who started it (no texts), so a restart finds
-- the drill still running, or ends it if its time ran out while the bot was down.
CREATE TABLE drills (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL,
    ends_at    TEXT NOT NULL,
    ended_at   TEXT,
    started_by INTEGER REFERENCES members (id) ON DELETE SET NULL
);
-- At most one drill runs at a time.
CREATE UNIQUE INDEX drills_one_running ON drills ((ended_at IS NULL)) WHERE ended_at IS NULL;

-- Reports, people and tasks made while a drill runs are drill rows: left out of the
-- numbers (the summary, /stats) and deleted when the drill ends. The flag is set here,
-- in the same statement as the row, whichever code path inserts it, so nothing made
-- during a drill can escape being marked.
ALTER TABLE reports ADD COLUMN drill INTEGER NOT NULL DEFAULT 0 CHECK (drill IN (0, 1));
ALTER TABLE people ADD COLUMN drill INTEGER NOT NULL DEFAULT 0 CHECK (drill IN (0, 1));
ALTER TABLE tasks ADD COLUMN drill INTEGER NOT NULL DEFAULT 0 CHECK (drill IN (0, 1));
CREATE INDEX reports_drill ON reports (id) WHERE drill = 1;
CREATE INDEX people_drill ON people (id) WHERE drill = 1;
CREATE INDEX tasks_drill ON tasks (id) WHERE drill = 1;

CREATE TRIGGER reports_in_a_drill AFTER INSERT ON reports
WHEN EXISTS (SELECT 1 FROM drills WHERE ended_at IS NULL)
BEGIN
    UPDATE reports SET drill = 1 WHERE id = NEW.id;
END;
CREATE TRIGGER people_in_a_drill AFTER INSERT ON people
WHEN EXISTS (SELECT 1 FROM drills WHERE ended_at IS NULL)
    OR EXISTS (SELECT 1 FROM reports WHERE id = NEW.report_id AND drill = 1)
BEGIN
    UPDATE people SET drill = 1 WHERE id = NEW.id;
END;
CREATE TRIGGER tasks_in_a_drill AFTER INSERT ON tasks
WHEN EXISTS (SELECT 1 FROM drills WHERE ended_at IS NULL)
    OR EXISTS (SELECT 1 FROM people WHERE id = NEW.person_id AND drill = 1)
    OR EXISTS (SELECT 1 FROM reports WHERE id = NEW.report_id AND drill = 1)
BEGIN
    UPDATE tasks SET drill = 1 WHERE id = NEW.id;
END;
