-- The after-action numbers (/stats, `rrbot report`) read the reports and tasks made in a
-- window of time: found by when they were made, not by reading every row. The reports'
-- index carries their state too, so the numbers never read the (large, sealed) report
-- rows themselves: 100,000 reports are counted from the index alone.
CREATE INDEX IF NOT EXISTS reports_by_created ON reports (created_at, state);
CREATE INDEX IF NOT EXISTS tasks_by_created ON tasks (created_at);
