"""/roles on Discord, with the real discord.py client: roles are the server's own, so
it lists the members the bot knows with a role, as it last saw them; for organizers,
in a direct message or privately in the server."""

from __future__ import annotations

from tests.cogs.live import MEMBER, ORGANIZER, VERIFIER, VERIFIER2, Live


async def test_an_organizer_sees_who_has_which_role_in_a_direct_message(live: Live) -> None:
    await live.discord.slash(VERIFIER, "hotline")  # the bot knows members who acted
    await live.discord.slash(MEMBER, "hotline")
    asked = await live.discord.slash(ORGANIZER, "roles", dm=True)
    assert asked.text.splitlines() == [
        "Roles here are the server's own. As I saw them at each member's last action with me:",
        f"• organizer: <@{ORGANIZER}>",
        f"• verifier: <@{VERIFIER}>",
        "Give or take them in the server's settings.",
    ]
    assert f"<@{VERIFIER2}>" not in asked.text  # never seen: not listed
    assert asked.original is not None and not asked.original.ephemeral  # stays in the DM


async def test_roles_in_the_server_is_answered_privately(live: Live) -> None:
    asked = await live.discord.slash(ORGANIZER, "roles")
    assert asked.text.startswith("Roles here are the server's own.")
    assert asked.original is not None and asked.original.ephemeral


async def test_roles_is_refused_to_members_who_are_not_organizers(live: Live) -> None:
    for who in (VERIFIER, MEMBER):
        asked = await live.discord.slash(who, "roles", dm=True)
        assert asked.text == "Only organizers can see who has which role."


async def test_roles_reset_typed_to_the_bot_says_roles_are_the_servers(live: Live) -> None:
    await live.discord.dm(ORGANIZER, "/roles reset")
    assert live.discord.dm_texts(ORGANIZER)[-1].startswith("Here roles are the server's own roles")
    await live.discord.dm(ORGANIZER, "/roles")  # typed, as on Signal: the same list
    assert live.discord.dm_texts(ORGANIZER)[-1].startswith("Roles here are the server's own.")
