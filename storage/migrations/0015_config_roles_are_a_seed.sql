-- Roles in the config are a seed, no longer re-applied at every start: the database is
-- the one source of truth at run time, so a role an organizer takes away with /role
-- stays taken away after a restart. member_roles.source now only says where a role
-- came from ('config': seeded or re-applied from the config, or Discord's server roles;
-- 'command': given with /role); nothing takes a role away for its source any more.
--
-- config_members: the members the config has listed, so their roles are seeded once
-- (the first time it lists them) and a member it stops listing is noticed; `listed` is
-- whether the config listed them at the last start. `told` is the disagreement between
-- the config and the database the organizers were last told about (NULL: none), so
-- each one is told once, not at every restart.
CREATE TABLE config_members (
    member_id INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    listed    INTEGER NOT NULL DEFAULT 1 CHECK (listed IN (0, 1)),
    told      TEXT
);

-- Members the config gave roles to before this migration have been seeded already
-- (Discord's roles are the server's own, never the config's).
INSERT INTO config_members (member_id)
SELECT DISTINCT r.member_id FROM member_roles r JOIN members m ON m.id = r.member_id
WHERE r.source = 'config' AND m.platform != 'discord';
