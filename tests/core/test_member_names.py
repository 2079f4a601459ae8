"""What messages call a member: a name people recognise, never a phone number or UUID."""

from __future__ import annotations

from bot.app import App
from bot.core.member_names import member_name
from bot.core.members import ConfiguredMember
from bot.core.models import Member, Role

UUID = "b0000000-0000-4000-8000-000000000002"


def shown(app: App, member: Member, language: str = "en") -> str:
    return app.renderer.render(member_name(member), language)


async def test_each_platform_names_members_its_own_way(app: App) -> None:
    discord = Member(7, "discord", "920000000000000006", "en")
    console = Member(8, "console", "ana", "en")
    signal = Member(9, "signal", "+15550000004", "en")
    assert shown(app, discord) == "<@920000000000000006>"  # a mention: Discord shows the name
    assert shown(app, console) == "ana"
    assert shown(app, signal) == "member #9"
    assert shown(app, signal, "es") == "miembro n.º 9"
    named = Member(9, "signal", "+15550000004", "en", name="Dee")
    assert shown(app, named) == "Dee"


async def test_a_name_from_the_config_wins_until_the_config_drops_it(app: App) -> None:
    members = app.members
    await members.sync_configured("signal", [ConfiguredMember(UUID, frozenset({Role.VERIFIER}))])
    ben = await members.identify("signal", UUID)
    ben = await members.note_profile_name(ben, "  Benny   B ")
    assert ben.name == "Benny B"  # spaces as Signal would show them

    await members.sync_configured(
        "signal", [ConfiguredMember(UUID, frozenset({Role.VERIFIER}), name="Ben (verifier)")]
    )
    ben = await members.identify("signal", UUID)
    assert ben.name == "Ben (verifier)"
    assert (await members.note_profile_name(ben, "Benny B")).name == "Ben (verifier)"
    assert (await members.get(ben.id)).name == "Ben (verifier)"  # type: ignore[union-attr]

    await members.sync_configured("signal", [ConfiguredMember(UUID, frozenset({Role.VERIFIER}))])
    ben = await members.identify("signal", UUID)
    assert ben.name is None  # until their next message says what their profile is called
    assert (await members.note_profile_name(ben, "Benny B")).name == "Benny B"
    assert (await members.get(ben.id)).name == "Benny B"  # type: ignore[union-attr]


async def test_no_profile_name_keeps_the_last_one(app: App) -> None:
    dee_id = "d0000000-0000-4000-8000-000000000004"
    await app.members.sync_configured(
        "signal", [ConfiguredMember(dee_id, frozenset({Role.VOLUNTEER}))]
    )
    dee = await app.members.identify("signal", dee_id)
    dee = await app.members.note_profile_name(dee, "Dee")
    for nothing in (None, "", "   ", 42):
        assert (await app.members.note_profile_name(dee, nothing)).name == "Dee"
