-- Who a member is on their platform (a Signal phone number, a Discord user id) and who
-- reported what are the most dangerous facts in a seized database. From here on:
--   * members.external_key holds a keyed hash of the platform id (for lookups) and
--     members.external_sealed the id itself, sealed with the data key (to reply);
--   * a report's reporter is sealed while the report is open (two-person rule, telling
--     them the outcome, rate limits) and only a keyed hash stays once it closes;
--   * the audit log names actors by keyed hash;
--   * places match on a keyed hash of their normalised form.
-- Rows written before this migration are converted in place at start-up, because the
-- conversion needs the key, which SQL does not have.
ALTER TABLE members RENAME COLUMN external_id TO external_key;
ALTER TABLE members ADD COLUMN external_sealed TEXT;

ALTER TABLE reports ADD COLUMN reporter_sealed TEXT;
ALTER TABLE reports ADD COLUMN reporter_hash TEXT;
CREATE INDEX reports_by_reporter ON reports (reporter_hash, created_at);
ALTER TABLE corroborations ADD COLUMN reporter_sealed TEXT;
ALTER TABLE corroborations ADD COLUMN reporter_hash TEXT;
CREATE INDEX corroborations_by_reporter ON corroborations (reporter_hash, created_at);

ALTER TABLE audit_log ADD COLUMN actor TEXT;

-- Still append-only, with two exceptions the retention rules need: an old entry's
-- plaintext actor id may be replaced by its hash (once, nothing else changing), and
-- entries older than the cut-off the purge records in `settings` may be deleted.
DROP TRIGGER audit_log_append_only_update;
DROP TRIGGER audit_log_append_only_delete;
CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
WHEN NOT (
    OLD.actor_id IS NOT NULL AND NEW.actor_id IS NULL
    AND OLD.actor IS NULL AND NEW.actor IS NOT NULL
    AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.action = OLD.action
    AND NEW.subject IS OLD.subject AND NEW.detail = OLD.detail
)
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
WHEN OLD.at >= COALESCE((SELECT value FROM settings WHERE name = 'audit_kept_since'), '')
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
