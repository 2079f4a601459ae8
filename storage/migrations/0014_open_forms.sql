-- Forms (Discord modals) opened and not yet sent: what each was opened with (a photo's
-- link, the report code and details given with /detained), sealed, under the random
-- token the form carries. The typed text comes back with the submission; this is the
-- rest, so whichever process receives the submission, even after a restart, has it.
CREATE TABLE open_forms (
    token      TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    data       TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL
);
CREATE INDEX open_forms_by_age ON open_forms (created_at);
