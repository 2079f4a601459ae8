-- What the reporter typed for agency, signs and source when it says more than the
-- choice recognised in it (sealed JSON), and where the report's place came from:
-- typed by the reporter, read out of free text by the bot, or missing (asked for).
ALTER TABLE reports ADD COLUMN own_words TEXT;
ALTER TABLE reports ADD COLUMN place_origin TEXT NOT NULL DEFAULT 'typed'
    CHECK (place_origin IN ('typed', 'read', 'missing'));
ALTER TABLE corroborations ADD COLUMN own_words TEXT;
