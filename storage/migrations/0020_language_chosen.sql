-- Whether a member chose the language the bot writes to them in (/lang, or the config
-- names it). A member who never did and types a command in another language of the
-- network ("/reportar", "/ayuda") is written to in that language from then on.
-- Members from before this migration count as having chosen: nobody's language changes
-- by surprise after an upgrade.
ALTER TABLE members ADD COLUMN language_chosen INTEGER NOT NULL DEFAULT 0
    CHECK (language_chosen IN (0, 1));
UPDATE members SET language_chosen = 1;
