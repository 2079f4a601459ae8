"""Reports on Discord with the real client: the form, the card, its buttons, its edits.

discord.py builds every payload (the form, the card's buttons, the edits) and parses
every event; the fake Discord refuses what Discord would refuse.
"""

from __future__ import annotations

from bot.core.models import ReportState
from tests.cogs.live import MEMBER, ORGANIZER, REPORTER, VERIFIER, Live
from tests.fakes import discord as fakes
from tests.fakes.clock import FakeClock
from tests.fakes.discord_records import Exchange, Message

FORM = {
    "Where? (address, corner, landmark)": "5th & Main",
    "What do you see?": "2 ICE vans, agents asking people for papers",
    "Agency, if known": "ICE",
    "Warning signs (comma-separated)": "vans",
    "Did you see it yourself?": "first-hand",
}
CARD_BUTTONS = [
    "claim:report:1",
    "verify:report:1",
    "dismiss:report:1:routine",
    "dismiss:report:1:false-alarm",
    "dismiss:report:1:unverifiable",
    "count:report:1",
]


async def report(live: Live, who: int = REPORTER, *, dm: bool = False, **fields: str) -> Exchange:
    opened = await live.discord.slash(who, "report", dm=dm)
    assert opened.callback == 9 and opened.modal is not None
    assert opened.modal["title"] == "Report what you see"
    return await live.discord.submit(who, opened, {**FORM, **fields})


def card_of(live: Live) -> list[Message]:
    """The card verifiers act on: every part of it, in order."""
    posted = live.discord.posted(fakes.ORGANIZER_CHANNEL)
    first = next(i for i, m in enumerate(posted) if "NEW REPORT R1" in m.content)

    def prefix(message: Message) -> str | None:
        return None if message.nonce is None else message.nonce.rsplit("p", 1)[0] + "p"

    # A card in two languages may be split where one ends: "NEW REPORT R1" can be on a
    # later part; the parts before it share its nonce.
    while first > 0 and prefix(posted[first - 1]) == prefix(posted[first]) is not None:
        first -= 1
    parts = [posted[first]]
    for message in posted[first + 1 :]:
        if (
            parts[-1].buttons
            or message.nonce is None
            or not message.nonce.startswith(parts[0].nonce.rsplit("p", 1)[0] + "p")
        ):
            break
        parts.append(message)
    return parts


async def test_the_form_files_a_report_and_posts_a_card_for_verifiers(live: Live) -> None:
    receipt = await report(live)
    assert "Report R1 is with the verifiers" in receipt.text
    assert receipt.original is not None and receipt.original.ephemeral
    [card] = card_of(live)
    assert card.content.startswith(f"<@&{fakes.VERIFIER_ROLE}>\nNEW REPORT R1 (NOT VERIFIED")
    assert card.pings == {f"role:{fakes.VERIFIER_ROLE}"}  # verifiers, and nobody else
    assert [b["custom_id"] for b in card.buttons] == CARD_BUTTONS
    assert card.live_buttons[-1]["custom_id"] == "dismiss:report:1:unverifiable"  # count: off
    for channel in (fakes.ALERTS_CHANNEL, fakes.ALERTAS_CHANNEL):
        assert live.discord.posted(channel) == []  # unverified reports never leave organizers


async def test_verify_on_the_card_alerts_and_edits_the_card(live: Live) -> None:
    await report(live)
    [card] = card_of(live)
    pressed = await live.discord.press(VERIFIER, card, "Verify")
    assert pressed.text.startswith("Verified R1. The alert is going out to: ")
    assert pressed.original is not None and pressed.original.ephemeral
    [alert] = live.discord.texts(fakes.ALERTS_CHANNEL)
    [alerta] = live.discord.texts(fakes.ALERTAS_CHANNEL)
    assert alert.startswith("VERIFIED ALERT R1") and alerta.startswith("ALERTA VERIFICADA R1")
    assert f"<@{REPORTER}>" not in alert + alerta  # the reporter is never named
    edited = live.discord.messages[card.id]
    assert edited.content.startswith("NEW REPORT R1")  # no second ping on the edit
    assert f"\n\nR1 VERIFIED by <@{VERIFIER}>. Alert sent to: alerts" in edited.content
    assert edited.buttons == [] and edited.earlier  # edited, and nothing left to press
    assert (await live.app.reports.get(1)).state is ReportState.VERIFIED


async def test_a_refused_press_changes_nothing_and_is_told_privately(live: Live) -> None:
    await report(live)
    [card] = card_of(live)
    refused = await live.discord.press(MEMBER, card, "Verify")
    assert refused.text.startswith("Only verifiers")
    assert refused.original is not None and refused.original.ephemeral
    assert live.discord.messages[card.id].live_buttons == card.live_buttons


async def test_a_form_without_a_place_asks_for_it_with_a_button(live: Live) -> None:
    receipt = await report(live, **{"Where? (address, corner, landmark)": ""})
    assert "Where exactly is it, for R1?" in receipt.text
    assert receipt.original is not None
    place = await live.discord.press(REPORTER, receipt.original, "Add the place")
    assert place.modal is not None and place.modal["title"] == "Where exactly?"
    answered = await live.discord.submit(
        REPORTER, place, {"Where? (address, corner, landmark)": "Pine & 3rd, by the church"}
    )
    assert "I added the place to R1" in answered.text
    assert (await live.app.reports.get(1)).where == "Pine & 3rd, by the church"


async def test_a_report_from_a_direct_message_and_its_place_there(live: Live) -> None:
    assert "report" in live.discord.visible_commands("dm")
    receipt = await report(live, MEMBER, dm=True, **{"Where? (address, corner, landmark)": ""})
    assert receipt.original is not None and not receipt.original.ephemeral  # it stays
    place = await live.discord.press(MEMBER, receipt.original, "Add the place")
    answered = await live.discord.submit(
        MEMBER, place, {"Where? (address, corner, landmark)": "Oak & 9th"}
    )
    assert "I added the place to R1" in answered.text
    [card] = card_of(live)
    assert "Oak & 9th" in card.content or (await live.app.reports.get(1)).where == "Oak & 9th"


async def test_an_organizer_records_a_person_from_a_direct_message(live: Live) -> None:
    await report(live)
    [card] = card_of(live)
    await live.discord.press(VERIFIER, card, "Verify")
    opened = await live.discord.slash(ORGANIZER, "detained", dm=True, report="R1")
    recorded = await live.discord.submit(
        ORGANIZER, opened, {"Full name": "Rosa Díaz", "Their phone number": "+1 555 010 0199"}
    )
    assert "Recorded P1. Proposed tasks:" in recorded.text
    refused = await live.discord.slash(MEMBER, "detained", dm=True, report="R1")
    assert refused.modal is None
    assert refused.text == "Only organizers can record people detained."


async def test_the_still_going_on_buttons(live: Live, clock: FakeClock) -> None:
    await report(live)
    [card] = card_of(live)
    await live.discord.press(VERIFIER, card, "Verify")
    clock.advance(live.app.network.active_check)
    await live.app.fire_due()
    await live.settle()
    check = live.discord.posted(fakes.ORGANIZER_CHANNEL)[-1]
    assert "Is it still going on?" in check.content
    kept = await live.discord.press(VERIFIER, check, "Yes, still going on")
    assert kept.text.startswith("Thank you. R1 stays active")
    cleared = await live.discord.press(VERIFIER, check, "No, it is over: send the all clear")
    assert cleared.text.startswith("All clear for R1 sent to:")
    assert (await live.app.reports.get(1)).state is ReportState.RESOLVED


# -- a card too long for one message: a bilingual organizer channel (the `bilingual`
# fixture), a long report


LONG = {"What do you see?": ("Agents stopping cars at the corner, asking for papers. " * 18)[:990]}


async def test_a_split_card_keeps_its_buttons_on_one_part_only(bilingual: Live) -> None:
    await report(bilingual, **LONG)
    parts = card_of(bilingual)
    assert len(parts) == 2 and all(len(p.content) <= 2000 for p in parts)
    assert parts[0].buttons == []
    assert [b["custom_id"] for b in parts[1].buttons] == CARD_BUTTONS


async def test_a_decision_on_a_split_card_shows_in_full_and_leaves_no_live_button(
    bilingual: Live,
) -> None:
    await report(bilingual, **LONG)
    parts = card_of(bilingual)
    pressed = await bilingual.discord.press(VERIFIER, parts[-1], "verify:report:1")
    assert pressed.text.startswith("Verified R1")  # in the verifier's own language
    now = [bilingual.discord.messages[part.id] for part in parts]
    assert all(message.live_buttons == [] for message in now)
    shown = "\n".join(message.content for message in now)
    decision = f"R1 VERIFICADO por <@{VERIFIER}>."
    assert decision in shown and f"R1 VERIFIED by <@{VERIFIER}>." in shown
    assert shown.rstrip().endswith("#alertas.")  # the whole decision, to its last word
    assert all(len(message.content) <= 2000 for message in now)


async def test_a_second_report_updates_the_count_on_the_part_with_the_buttons(
    bilingual: Live,
) -> None:
    await report(bilingual, **LONG)
    parts = card_of(bilingual)
    again = {**LONG, "Where? (address, corner, landmark)": "Main St & 5th St"}
    await report(bilingual, MEMBER, **again)
    first, last = (bilingual.discord.messages[part.id] for part in parts)
    assert first.buttons == []
    assert last.buttons[-1]["label"] == "2 reportes independientes"


async def test_an_empty_form_in_a_direct_message_can_be_fixed_and_sent_again(live: Live) -> None:
    empty = dict.fromkeys(FORM, "")
    refused = await report(live, MEMBER, dm=True, **empty)
    assert refused.text.startswith("What did you see, and where?")
    assert refused.original is not None
    reopened = await live.discord.press(MEMBER, refused.original, "Fix and send again")
    assert reopened.modal is not None and reopened.modal["title"] == "Report what you see"
    sent = await live.discord.submit(MEMBER, reopened, FORM)
    assert "Report R1 is with the verifiers" in sent.text


async def test_ill_go_on_the_card_claims_it_and_organizers_see_who_is_going(live: Live) -> None:
    await report(live)
    [card] = card_of(live)
    assert card.labels[0] == "I'll go (ETA 15 minutes)"
    refused = await live.discord.press(REPORTER, card, "claim:report:1")
    assert refused.text.startswith("Only verifiers and organizers can claim")
    pressed = await live.discord.press(VERIFIER, card, "claim:report:1")
    assert pressed.text.startswith("Thank you: R1 is yours.")
    assert pressed.original is not None and pressed.original.ephemeral
    assert any(
        text == f"R1: <@{VERIFIER}> is on the way, about 15 minutes."
        for text in live.discord.texts(fakes.ORGANIZER_CHANNEL)
    )
    checklist = "\n".join(m.content for m in live.discord.dms(VERIFIER))
    assert "Checklist for R1:" in checklist and "BEFORE YOU CONFIRM" in checklist
    reporter = "\n".join(m.content for m in live.discord.dms(REPORTER))
    assert "Someone from the network is on the way to check your report R1." in reporter
    assert str(VERIFIER) not in reporter
    for channel in (fakes.ALERTS_CHANNEL, fakes.ALERTAS_CHANNEL):
        assert live.discord.posted(channel) == []
    again = await live.discord.press(ORGANIZER, card, "claim:report:1")
    assert again.text.startswith("R1 is already claimed")


async def test_on_duty_on_discord_the_offer_comes_by_dm_with_its_button(live: Live) -> None:
    on = await live.discord.slash(VERIFIER, "duty", dm=True, state="on", length="4h")
    assert "You are on duty until" in on.text
    await report(live)
    [card] = card_of(live)
    assert card.pings == set()  # only whoever is on duty is asked
    [offer] = [m for m in live.discord.dms(VERIFIER) if "Can you check R1" in m.content]
    assert [b["custom_id"] for b in offer.buttons] == ["claim:report:1"]
    pressed = await live.discord.press(VERIFIER, offer, "claim:report:1")
    assert pressed.text.startswith("Thank you: R1 is yours.")
    status = await live.discord.slash(ORGANIZER, "status")  # in the organizer channel
    assert "On duty:" in status.text and "on the way, about" in status.text
    assert status.text.count("R1 ·") == 1  # listed once, as waiting, with who is going
