"""/roles on Discord, with the real discord.py client: roles are the server's own, so
it lists the members the bot knows with a role, as it last saw them; for organizers,
in a direct message or privately in the server."""

from __future__ import annotations

from pathlib import Path

from bot.app import App
from bot.cli import front_end_escapes
from bot.config import Config
from bot.core.models import MessageKind, Role
from tests.cogs.live import MEMBER, ORGANIZER, VERIFIER, VERIFIER2, Live
from tests.conftest import example_data, outbox_rows
from tests.fakes import discord as fakes
from tests.fakes.clock import FakeClock
from tests.platforms.signal.conftest import ANA, BEN, signal_section


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


async def test_the_start_up_notice_shows_profile_names_harmlessly_on_discord(
    tmp_path: Path, clock: FakeClock
) -> None:
    """What start-up says is written before the front ends are up: `rrbot run` hands
    the app Discord's escaping first, so a Signal profile name cannot become a masked
    link or an @everyone in the Discord organizer channel."""
    data = example_data()
    data["discord"] = fakes.discord_section()
    data["signal"] = signal_section("http://127.0.0.1:9")
    config, db = Config.model_validate(data), tmp_path / "both.sqlite3"
    app = await App.start(config, db, clock, escapes=front_end_escapes(config))
    try:
        ben = await app.members.identify("signal", BEN)
        await app.members.note_profile_name(ben, "[official](https://evil.example) @everyone")
        ana = await app.members.find("signal", ANA)
        assert ana is not None
        await app.members.change_role(ana, BEN, Role.VERIFIER, grant=False)
    finally:
        await app.close()
    app = await App.start(config, db, clock, escapes=front_end_escapes(config))
    try:
        rows = [r for r in await outbox_rows(app.store) if r.kind is MessageKind.ROLES]
    finally:
        await app.close()
    [discord] = [r.body for r in rows if r.platform == "discord"]
    assert "\\[official](https://evil.example) @\u200beveryone: the config says" in discord
    assert "• [official]" not in discord and "@everyone" not in discord
    [signal] = [r.body for r in rows if r.platform == "signal"]
    assert "• [official](https://evil.example) @everyone: the config says verifier" in signal
