-- A step-by-step conversation in progress (one per member), so a restart in the middle
-- of recording someone's details loses nothing that was typed.
CREATE TABLE dialogs (
    member_id  INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL,
    step       TEXT NOT NULL,
    data       TEXT NOT NULL DEFAULT '{}',
    updated_at TEXT NOT NULL
);
