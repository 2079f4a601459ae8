"""Hotline relays on Discord with the real client: /report's hotline and callback options
open the same form; the number is kept sealed with the form and reaches only the
organizer's direct messages, when the report is decided."""

from __future__ import annotations

from tests.cogs.live import MEMBER, ORGANIZER, VERIFIER, Live
from tests.cogs.test_live_reports import FORM, card_of
from tests.fakes import discord as fakes

NUMBER = "+1 555-010-0199"


async def test_an_organizer_relays_a_call_with_the_report_command(live: Live) -> None:
    opened = await live.discord.slash(ORGANIZER, "report", hotline=True, callback="555 010 0199")
    assert opened.modal is not None and opened.modal["title"] == "Report what you see"
    receipt = await live.discord.submit(ORGANIZER, opened, FORM)
    assert "Filed as a hotline relay" in receipt.text
    assert receipt.original is not None and receipt.original.ephemeral  # hers alone
    [card] = card_of(live)
    assert "Relayed from the hotline" in card.content and "010-0199" not in card.content

    await live.discord.press(VERIFIER, card, "Verify")
    edited = live.discord.messages[card.id]  # the card, edited with the decision, still says
    assert "Relayed from the hotline" in edited.content and "R1 VERIFIED" in edited.content
    reminder = live.discord.dm_texts(ORGANIZER)[-1]
    assert reminder.startswith("Hotline relay R1 (5th & Main) was confirmed")
    assert f"Callback number: {NUMBER}" in reminder
    for channel in (fakes.ORGANIZER_CHANNEL, fakes.ALERTS_CHANNEL, fakes.ALERTAS_CHANNEL):
        assert all("010-0199" not in text for text in live.discord.texts(channel))


async def test_hotline_typed_in_the_forms_source_field_is_a_relay_too(live: Live) -> None:
    opened = await live.discord.slash(ORGANIZER, "report", dm=True)
    receipt = await live.discord.submit(
        ORGANIZER, opened, {**FORM, "Did you see it yourself?": "hotline"}
    )
    assert "Filed as a hotline relay" in receipt.text
    [card] = card_of(live)
    assert "Relayed from the hotline" in card.content


async def test_a_member_cannot_relay_and_their_report_is_still_filed(live: Live) -> None:
    opened = await live.discord.slash(MEMBER, "report", callback="555 010 0199")
    receipt = await live.discord.submit(MEMBER, opened, FORM)
    assert "Report R1 is with the verifiers" in receipt.text
    assert "did not keep the callback number" in receipt.text
    [card] = card_of(live)
    assert "First report from this reporter" in card.content
