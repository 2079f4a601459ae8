-- Chats the bot could not post to for good (deleted, or no permission). Organizers are
-- told once per chat, not once per message, so a dead channel cannot flood them.
CREATE TABLE delivery_problems (
    platform    TEXT NOT NULL,
    address     TEXT NOT NULL,
    reason      TEXT NOT NULL,
    reported_at TEXT NOT NULL,
    PRIMARY KEY (platform, address)
);
