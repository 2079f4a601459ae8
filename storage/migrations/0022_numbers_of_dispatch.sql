-- The after-action numbers' time to claim and reports by area (issue 15). The dispatch
-- table forgets who claimed a report once it is decided; the report keeps only when it
-- was first claimed (never by whom) and the name of the area it was placed in (an area
-- of the config, coarse by design: its alerts went to that area's chats). A drill's
-- reports are deleted when it ends, so `drill` only hides a drill still running.
ALTER TABLE reports ADD COLUMN first_claimed_at TEXT;
ALTER TABLE reports ADD COLUMN area TEXT;
-- The numbers are read from the index alone (see 0021), these columns included.
DROP INDEX IF EXISTS reports_by_created;
CREATE INDEX reports_by_created ON reports (created_at, state, drill, first_claimed_at, area);
