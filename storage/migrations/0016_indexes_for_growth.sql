-- Every query that runs as the data grows finds its rows through an index
-- (tests/storage/test_query_plans.py plays a day and checks each plan). These are the
-- purge's: sent messages, fired timers, finished conversations and old audit entries by
-- age, so a batch of the daily purge reads what it deletes, not the whole table.
CREATE INDEX IF NOT EXISTS outbox_done_by_age ON outbox (created_at) WHERE state != 'pending';
CREATE INDEX IF NOT EXISTS timers_done_by_age ON timers (created_at) WHERE state != 'pending';
CREATE INDEX IF NOT EXISTS dialogs_by_age ON dialogs (updated_at);
CREATE INDEX IF NOT EXISTS audit_log_by_age ON audit_log (at);
-- Open reports by number, for "possibly the same place": the newest open reports are
-- read in order and the reading stops at the fortieth, however many are open in a surge
-- (storage/reports.py names it with INDEXED BY: SQLite would rather sort them all).
CREATE INDEX IF NOT EXISTS reports_open_by_id ON reports (id) WHERE state IN ('pending', 'verified');
