"""A drill on Discord with the real client: /drill for organizers, the card and the alert
marked, the alert channels untouched, and the end."""

from __future__ import annotations

from tests.cogs.live import ORGANIZER, VERIFIER, Live
from tests.cogs.test_live_reports import card_of, report
from tests.fakes import discord as fakes

BANNER = "DRILL — PRACTICE"


async def test_an_organizer_runs_a_drill_with_the_slash_command(live: Live) -> None:
    refused = await live.discord.slash(VERIFIER, "drill", action="start")
    assert "Only organizers can start or stop a drill." in refused.text
    started = await live.discord.slash(ORGANIZER, "drill", action="start", length="1h")
    assert started.text.startswith(f"{BANNER}\nDrill started.")
    assert started.original is not None and started.original.ephemeral
    [announced] = live.discord.texts(fakes.ORGANIZER_CHANNEL)
    assert announced.startswith(f"{BANNER}\n<@{ORGANIZER}> started a drill.")
    receipt = await report(live)
    assert receipt.text.startswith(BANNER)
    [card] = card_of(live)
    assert BANNER in card.content and "NEW REPORT R1" in card.content
    pressed = await live.discord.press(VERIFIER, card, "Verify")
    assert pressed.text.startswith(f"{BANNER}\nVerified R1. The alert is going out to: ")
    assert "#rr-organizers" in pressed.text or "organizers" in pressed.text
    assert live.discord.posted(fakes.ALERTS_CHANNEL) == []
    assert live.discord.posted(fakes.ALERTAS_CHANNEL) == []
    alert = next(t for t in live.discord.texts(fakes.ORGANIZER_CHANNEL) if "VERIFIED ALERT" in t)
    assert alert.startswith(f"{BANNER}\nVERIFIED ALERT R1")
    edited = live.discord.messages[card.id]
    assert edited.content.startswith(BANNER)  # the card, edited after the decision, too
    state = await live.discord.slash(VERIFIER, "drill", dm=True, action="status")
    assert "A drill is running until" in state.text
    stopped = await live.discord.slash(ORGANIZER, "drill", action="stop")
    assert stopped.text.startswith("Drill stopped. Deleted: 1 report")
    over = live.discord.texts(fakes.ORGANIZER_CHANNEL)[-1]
    assert over.startswith(f"<@{ORGANIZER}> ended the drill.")
