"""/stats on Discord, with the real discord.py client: the after-action numbers for
organizers, privately in the server or in a direct message, refused to everyone else."""

from __future__ import annotations

from tests.cogs.live import MEMBER, ORGANIZER, VERIFIER, Live


async def test_an_organizer_reads_the_numbers_privately_in_the_server(live: Live) -> None:
    await live.discord.dm(MEMBER, "/report where: 5th & Main; what: ICE vans at the door")
    asked = await live.discord.slash(ORGANIZER, "stats", since="30d")
    assert asked.original is not None and asked.original.ephemeral
    assert "Numbers for the last 30 days (since" in asked.text
    assert "• still waiting: 1 (100%)" in asked.text
    assert "Time to claim: no claims recorded" in asked.text
    assert "5th & Main" not in asked.text


async def test_stats_in_a_direct_message_and_typed_there(live: Live) -> None:
    asked = await live.discord.slash(ORGANIZER, "stats", dm=True)
    assert "No reports in this time." in asked.text
    assert asked.original is not None and not asked.original.ephemeral  # stays in the DM
    await live.discord.dm(ORGANIZER, "/estadisticas 2 semanas")  # typed, as on Signal
    typed = live.discord.dm_texts(ORGANIZER)[-1]
    assert "Cifras de 14 días (desde" in typed  # answered in the words it was asked in
    assert "To always get" not in typed and "envíe /idioma es" in typed
    await live.discord.dm(ORGANIZER, "/stats 2 weeks")  # her language is still English
    assert "Numbers for the last 14 days (since" in live.discord.dm_texts(ORGANIZER)[-1]


async def test_stats_is_refused_to_members_who_are_not_organizers(live: Live) -> None:
    for who in (VERIFIER, MEMBER):
        asked = await live.discord.slash(who, "stats", dm=True)
        assert asked.text == "Only organizers can see the network's numbers."
