-- The after-action numbers (/stats, `rrbot report`) read the reports and tasks made in a
-- window of time: found by when they were made, not by reading every row.
CREATE INDEX reports_by_created ON reports (created_at);
CREATE INDEX tasks_by_created ON tasks (created_at);
