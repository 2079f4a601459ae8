"""Report -> verify -> broadcast on Discord, pressed by each kind of member."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
import pytest

from bot.core.models import ReportState
from cogs.reports import PlaceForm, ReportForm
from tests.cogs.conftest import Rig
from tests.conftest import outbox_rows, report_count
from tests.fakes import discord as fakes
from tests.fakes.discord import replies_of

GOOD = {
    "where": "5th & Main",
    "what": "2 ICE vans",
    "agency": "ICE",
    "signs": "vans",
    "source": "first-hand",
}


async def file_report(rig: Rig, who: str = "reporter", values: dict[str, str] = GOOD) -> Any:
    """/report, then the form it shows filled in with `values` and sent."""
    interaction = rig.interaction(who)
    await rig.cog("ReportsCog").report.callback(rig.cog("ReportsCog"), interaction, photo=None)
    form = interaction.response.send_modal.call_args.args[0]
    assert isinstance(form, ReportForm)
    return await rig.submit(who, form, values)


async def press(rig: Rig, who: str, custom_id: str) -> Any:
    interaction = rig.interaction(who)
    # Only what the bot registered with add_dynamic_items can answer: as after a restart.
    for pattern, item_type in rig.bot._connection._view_store._dynamic_items.items():
        match = pattern.fullmatch(custom_id)
        if match:
            item = await item_type.from_custom_id(interaction, None, match)
            await item.callback(interaction)
            return interaction
    raise AssertionError(f"no dynamic item matches {custom_id}")


async def test_report_form_files_a_report_and_posts_a_card_for_verifiers(rig: Rig) -> None:
    submit = await file_report(rig)
    [receipt] = replies_of(submit)
    assert "Report R1 is with the verifiers" in receipt
    await rig.deliver()
    organizers = rig.channels[fakes.ORGANIZER_CHANNEL]
    [card] = organizers.sent
    assert card["content"].startswith(f"<@&{fakes.VERIFIER_ROLE}>\nNEW REPORT R1 (NOT VERIFIED")
    assert card["allowed_mentions"].roles == [discord.Object(id=fakes.VERIFIER_ROLE)]
    assert card["allowed_mentions"].everyone is False and card["allowed_mentions"].users is False
    custom_ids = [child.custom_id for child in card["view"].children]
    assert custom_ids == [
        "claim:report:1",
        "verify:report:1",
        "dismiss:report:1:routine",
        "dismiss:report:1:false-alarm",
        "dismiss:report:1:unverifiable",
        "count:report:1",
    ]
    [row] = [r for r in await outbox_rows(rig.app.store) if r.platform == "discord"]
    assert card["nonce"] == f"rr{row.id}p0"
    for channel in (fakes.ALERTS_CHANNEL, fakes.ALERTAS_CHANNEL):
        assert rig.channels[channel].sent == []  # unverified reports never leave organizers


async def test_words_the_bot_does_not_know_are_filed_and_shown_to_verifiers(rig: Rig) -> None:
    submit = await file_report(
        rig, values={**GOOD, "agency": "FBI", "signs": "vans parked haphazardly"}
    )
    assert "Report R1 is with the verifiers" in replies_of(submit)[0]
    card = next(row for row in await outbox_rows(rig.app.store) if row.kind == "new_report")
    assert "Agency, in their words: FBI" in card.body
    assert "Signs, in their words: vans parked haphazardly" in card.body


async def test_an_empty_form_is_refused_privately_with_a_way_back(rig: Rig) -> None:
    empty = dict.fromkeys(GOOD, " ")
    submit = await file_report(rig, values=empty)
    [refusal] = replies_of(submit)
    assert refusal.startswith("What did you see, and where?")
    assert await report_count(rig.app.store) == 0 and await outbox_rows(rig.app.store) == []
    [retry] = submit.followup.send.call_args.kwargs["view"].children
    assert retry.custom_id == "rr:open:report"
    again = await press(rig, "reporter", retry.custom_id)
    form = again.response.send_modal.call_args.args[0]
    assert isinstance(form, ReportForm)
    resent = await rig.submit("reporter", form, GOOD)
    assert "Report R1 is with the verifiers" in replies_of(resent)[0]


async def test_a_form_without_a_place_is_filed_and_the_reporter_is_asked(rig: Rig) -> None:
    submit = await file_report(rig, values={**GOOD, "where": "   "})
    assert "Report R1 is with the verifiers" in replies_of(submit)[0]
    rows = await outbox_rows(rig.app.store)
    card = next(row for row in rows if row.kind == "new_report")
    assert "Where: not given." in card.body
    [receipt] = replies_of(submit)
    assert "Where exactly is it, for R1?" in receipt
    [button] = submit.followup.send.call_args.kwargs["view"].children
    assert (button.custom_id, button.item.label) == ("rr:open:place:1", "Add the place")
    press_it = await press(rig, "reporter", button.custom_id)  # a button that outlives restarts
    form = press_it.response.send_modal.call_args.args[0]
    assert isinstance(form, PlaceForm)
    answered = await rig.submit("reporter", form, {"where": "Pine & 3rd, by the church"})
    assert "I added the place to R1" in replies_of(answered)[0]
    report = await rig.app.reports.get(1)
    assert report.where == "Pine & 3rd, by the church"
    news = [row.body for row in await outbox_rows(rig.app.store) if row.kind == "update"]
    assert any("the reporter says the place is: Pine & 3rd, by the church" in b for b in news)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("reporter", False), ("member", False), ("verifier", True), ("organizer", True)],
)
async def test_verify_button_for_each_role(rig: Rig, who: str, allowed: bool) -> None:
    await file_report(rig)
    await rig.deliver()
    before = len(await outbox_rows(rig.app.store))
    interaction = await press(rig, who, "verify:report:1")
    [reply] = replies_of(interaction)  # always private, whether allowed or refused
    report = await rig.app.reports.get(1)
    if allowed:
        assert reply.startswith("Verified R1. The alert is going out to: ")
        assert report.state is ReportState.VERIFIED
    else:
        assert reply.startswith(("Only verifiers", "You reported R1 yourself"))
        assert report.state is ReportState.PENDING
        assert len(await outbox_rows(rig.app.store)) == before


async def test_the_reporter_who_is_a_verifier_still_cannot_verify(rig: Rig) -> None:
    await file_report(rig, who="verifier")
    [reply] = replies_of(await press(rig, "verifier", "verify:report:1"))
    assert "You reported R1 yourself" in reply
    assert (await rig.app.reports.get(1)).state is ReportState.PENDING


async def test_verify_broadcasts_in_each_channels_languages_and_updates_the_card(rig: Rig) -> None:
    await file_report(rig)
    await rig.deliver()
    await press(rig, "verifier", "verify:report:1")
    await rig.deliver()
    [alert] = rig.channels[fakes.ALERTS_CHANNEL].contents
    [alerta] = rig.channels[fakes.ALERTAS_CHANNEL].contents
    assert alert.startswith("VERIFIED ALERT R1")
    assert alerta.startswith("ALERTA VERIFICADA R1") and "\n\nVERIFIED ALERT R1" in alerta
    assert "<@505>" not in alert + alerta  # the reporter is never named
    organizers = rig.channels[fakes.ORGANIZER_CHANNEL]
    card_id = organizers.sent[0]["id"]
    [(edited_id, edit)] = organizers.edits
    assert edited_id == card_id and edit["view"] is None  # the buttons are gone
    assert "R1 VERIFIED by <@502>" in edit["content"]
    assert edit["content"].startswith("NEW REPORT R1")  # no second ping on the edit


async def test_a_decision_sent_right_behind_its_card_still_shows_on_the_card(rig: Rig) -> None:
    """After an outage the card and its decision go out in one pass: the card's id is
    stored before the decision is sent, so the card still loses its buttons."""
    await file_report(rig)
    await press(rig, "verifier", "verify:report:1")
    await rig.deliver()  # the card, then the decision, in the same pass
    organizers = rig.channels[fakes.ORGANIZER_CHANNEL]
    [(edited_id, edit)] = organizers.edits
    assert edited_id == organizers.sent[0]["id"] and edit["view"] is None
    assert "R1 VERIFIED by <@502>" in edit["content"]


@pytest.mark.parametrize("reason", ["routine", "false-alarm", "unverifiable"])
async def test_dismiss_buttons_close_without_broadcast(rig: Rig, reason: str) -> None:
    await file_report(rig)
    await rig.deliver()
    [reply] = replies_of(await press(rig, "verifier", f"dismiss:report:1:{reason}"))
    assert reply.startswith("Dismissed R1")
    await rig.deliver()
    assert rig.channels[fakes.ALERTS_CHANNEL].sent == []
    [(_, edit)] = rig.channels[fakes.ORGANIZER_CHANNEL].edits
    assert edit["view"] is None and "dismissed by <@502>" in edit["content"]


async def test_a_double_press_broadcasts_once(rig: Rig) -> None:
    await file_report(rig)
    await rig.deliver()
    first, second = await asyncio.gather(
        press(rig, "verifier", "verify:report:1"), press(rig, "verifier2", "verify:report:1")
    )
    await rig.deliver()
    replies = replies_of(first) + replies_of(second)
    assert sum(r.startswith("Verified R1") for r in replies) == 1
    assert sum("already decided" in r for r in replies) == 1
    assert len(rig.channels[fakes.ALERTS_CHANNEL].sent) == 1
    assert len(rig.channels[fakes.ALERTAS_CHANNEL].sent) == 1


async def test_a_corroboration_updates_the_count_on_the_card(rig: Rig) -> None:
    await file_report(rig, "reporter")
    await rig.deliver()
    await file_report(rig, "member", {**GOOD, "where": "Main St & 5th St"})
    await rig.deliver()
    organizers = rig.channels[fakes.ORGANIZER_CHANNEL]
    assert "another report of the same place (2 independent reports" in organizers.contents[1]
    [(_, edit)] = organizers.edits
    assert edit["view"].children[-1].label == "2 independent reports"
    assert edit["view"].children[1].custom_id == "verify:report:1"


async def test_a_press_from_another_server_is_refused(rig: Rig) -> None:
    await file_report(rig)
    interaction = rig.interaction("verifier", guild_id=999)
    await rig.cog("ReportsCog").verify.callback(rig.cog("ReportsCog"), interaction, report="R1")
    assert "only works in its own network's server" in replies_of(interaction)[0]
    assert (await rig.app.reports.get(1)).state is ReportState.PENDING


async def test_losing_the_verifier_role_takes_the_power_away_at_once(rig: Rig) -> None:
    await file_report(rig)
    rig.users["verifier"].roles = []
    [reply] = replies_of(await press(rig, "verifier", "verify:report:1"))
    assert reply.startswith("Only verifiers")


async def test_a_card_sent_a_moment_ago_is_still_edited(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The card, its count and its decision go out in one pass: the edits need the card's
    message id, stored with its outcome, so they wait for it however slow the store."""
    assert rig.bot.worker is not None
    ledger = rig.bot.worker.ledger
    commit = ledger._commit

    async def slow(batch: Any) -> None:
        await asyncio.sleep(0.05)
        await commit(batch)

    monkeypatch.setattr(ledger, "_commit", slow)
    await file_report(rig, "reporter")
    await file_report(rig, "member")  # a corroboration: the card's count changes
    await rig.deliver()
    organizers = rig.channels[fakes.ORGANIZER_CHANNEL]
    card_id = organizers.sent[0]["id"]
    assert [message_id for message_id, _ in organizers.edits] == [card_id]
