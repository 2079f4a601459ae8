-- People detained, recorded by organizers so family and attorneys can find them.
-- Their data is shown only to organizers and to a volunteer who accepted a task about
-- them, and only in direct messages.
CREATE TABLE people (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id        INTEGER REFERENCES reports (id) ON DELETE SET NULL,
    name             TEXT NOT NULL,
    date_of_birth    TEXT,
    contact_name     TEXT NOT NULL DEFAULT '',
    contact_phone    TEXT NOT NULL DEFAULT '',
    contact_relation TEXT NOT NULL DEFAULT '',
    language         TEXT,
    children         TEXT NOT NULL DEFAULT '',
    children_by      TEXT,
    notes            TEXT NOT NULL DEFAULT '',
    recorded_by      INTEGER REFERENCES members (id) ON DELETE SET NULL,
    created_at       TEXT NOT NULL
);

-- Follow-up promises: call the family, pick up the children, reach a lawyer.
CREATE TABLE tasks (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL CHECK (kind IN ('call_contact', 'legal_referral', 'pick_up_children', 'other')),
    description TEXT NOT NULL,
    report_id   INTEGER REFERENCES reports (id) ON DELETE SET NULL,
    person_id   INTEGER REFERENCES people (id) ON DELETE SET NULL,
    assignee_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
    due_at      TEXT,
    state       TEXT NOT NULL DEFAULT 'open'
                CHECK (state IN ('open', 'offered', 'accepted', 'done', 'cancelled')),
    note        TEXT NOT NULL DEFAULT '',
    created_by  INTEGER REFERENCES members (id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    CHECK (state NOT IN ('offered', 'accepted') OR assignee_id IS NOT NULL),
    CHECK (state != 'open' OR assignee_id IS NULL)
);
CREATE INDEX tasks_by_state ON tasks (state, due_at);
CREATE INDEX tasks_by_assignee ON tasks (assignee_id, state);
CREATE INDEX tasks_by_person ON tasks (person_id);
