-- What messages call a member, never who they are (that stays their platform id): the
-- name the config gives them ('config', set at every start-up and winning), or else the
-- profile name their platform last showed ('profile', Signal's sourceName, which anyone
-- can change). Sealed like the platform id: a copied database does not name anyone.
ALTER TABLE members ADD COLUMN name_sealed TEXT;
ALTER TABLE members ADD COLUMN name_source TEXT CHECK (name_source IN ('config', 'profile'));
