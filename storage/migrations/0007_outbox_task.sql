-- Which task a message is about, so a front end can put Accept / Decline buttons on an
-- offer without reading the text.
ALTER TABLE outbox ADD COLUMN task_id INTEGER REFERENCES tasks (id) ON DELETE SET NULL;
