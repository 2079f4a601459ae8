-- Hotline relays and homes (issue 15).
-- reports.at_home: the report reads as being at someone's home ("ICE at my door"), as
-- its words said when it came (or when a corroboration said so): its alerts name the
-- block, never the house, and never quote the reporter (bot/core/homes.py).
ALTER TABLE reports ADD COLUMN at_home INTEGER NOT NULL DEFAULT 0 CHECK (at_home IN (0, 1));

-- Hotline relays: an organizer files a report for a caller.
--   * reports.relayed / corroborations.relayed: filed for a caller, so the relaying
--     organizer's keyed hash in reporter_hash is not a witness's: a relay has no
--     reporter track record and counts in nobody's;
--   * report_relays: who relayed it (sealed, until they were reminded to call back) and
--     the caller's callback number (sealed), deleted with the report by the purge.
ALTER TABLE reports ADD COLUMN relayed INTEGER NOT NULL DEFAULT 0 CHECK (relayed IN (0, 1));
ALTER TABLE corroborations ADD COLUMN relayed INTEGER NOT NULL DEFAULT 0
    CHECK (relayed IN (0, 1));

CREATE TABLE report_relays (
    id               INTEGER PRIMARY KEY,
    report_id        INTEGER NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    corroboration_id INTEGER REFERENCES corroborations (id) ON DELETE CASCADE,
    relayed_by       TEXT,  -- sealed member id; NULL once they were reminded
    callback         TEXT,  -- sealed phone number as E.164 (or as typed), or NULL
    created_at       TEXT NOT NULL
);
CREATE INDEX report_relays_by_report ON report_relays (report_id);
CREATE INDEX report_relays_by_corroboration ON report_relays (corroboration_id);
