"""The reporter's private track record on the verifiers' card (issue 15, item 6): how
their earlier reports ended, counted by keyed hash, naming nobody, gone with the purge,
and never carried from one network's database to another's."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.app import App
from bot.config import load_config
from tests.conftest import EXAMPLE_CONFIG
from tests.fakes.chat import ChatHarness, in_chat
from tests.fakes.clock import FakeClock


async def card(chat: ChatHarness, line: str) -> str:
    return in_chat(await chat.say(line), "organizers")


async def test_a_first_report_is_marked_as_such_and_names_nobody(chat: ChatHarness) -> None:
    shown = await card(chat, "dee@dm: /report 2 ICE vans at the Food Lion on Pine St")
    assert "First report from this reporter (none in the last 3 months)." in shown
    assert "dee" not in shown


async def test_the_card_counts_how_the_reporters_earlier_reports_ended(
    chat: ChatHarness, app: App, clock: FakeClock
) -> None:
    await chat.say("dee@dm: /report ICE vans at the Food Lion on Pine St")
    await chat.say("ben@organizers: /verify R1 agents stopping cars")
    clock.advance(timedelta(hours=3))
    await chat.say("dee@dm: /report agents at the federal building on 4th St")
    await chat.say("ben@organizers: /dismiss R2 routine lunch")
    clock.advance(timedelta(hours=3))
    await chat.say("dee@dm: /report la migra en la lavandería de Oak St, 3 camionetas")
    await chat.say("cruz@organizers: /dismiss R3 false no era la migra")
    clock.advance(timedelta(hours=3))
    await chat.say("dee@dm: /report police and ICE at 9th & Elm")  # left to expire
    clock.advance(app.network.verification_expiry + timedelta(minutes=1))
    await app.fire_due()
    clock.advance(timedelta(hours=3))
    await chat.say("dee@dm: /report unmarked cars at the school on Birch Ave")  # still open
    shown = await card(chat, "dee@dm: /report ICE checkpoint at Main St & 2nd")
    assert (
        "This reporter, earlier reports in the last 3 months: 1 confirmed, 1 routine, "
        "1 false alarm, 1 could not be verified, and 1 still open." in shown
    ), shown
    assert "dee" not in shown
    # Another reporter's card says nothing of dee's.
    assert "First report from this reporter" in await card(
        chat, "eli@dm: /report ICE at the bus station on Market St"
    )


async def test_a_corroboration_shows_its_own_reporters_record(chat: ChatHarness) -> None:
    await chat.say("dee@dm: /report ICE at the Walmart on Main St")
    await chat.say("ben@organizers: /verify R1 3 vans in the parking lot")
    await chat.say("eli@dm: /report agents questioning people at 5th & Main")
    shown = await card(chat, "dee@dm: /report 5th & Main, ICE with vans")
    assert "another report of the same place" in shown
    assert "1 confirmed, 0 routine, and 0 false alarms" in shown, shown


async def test_relays_count_in_nobodys_record(chat: ChatHarness) -> None:
    await chat.say("ana@dm: /report ICE at the Walmart on Main St; source: hotline")
    await chat.say("ben@organizers: /verify R1 agents in the parking lot")
    shown = await card(chat, "ana@dm: /report agents at 9th & Elm, I saw them myself")
    assert "First report from this reporter" in shown


async def test_the_record_goes_with_the_purged_reports(
    chat: ChatHarness, app: App, clock: FakeClock
) -> None:
    await chat.say("dee@dm: /report ICE at the Walmart on Main St")
    await chat.say("ben@organizers: /verify R1 agents in the parking lot")
    await chat.say("ana@organizers: /resolve R1 they left")
    clock.advance(timedelta(days=app.config.retention.reports_days + 1))
    await app.retention.purge()
    shown = await card(chat, "dee@dm: /report ICE vans at 9th & Elm")
    assert "First report from this reporter" in shown


async def test_a_record_never_crosses_from_one_network_to_another(
    tmp_path: Path, clock: FakeClock
) -> None:
    """Each network's database has its own hash key: the same member in another network
    (same phone number, same name) starts with no record there."""
    cards = []
    for network in ("riverside", "eastside"):
        app = await App.start(load_config(EXAMPLE_CONFIG), tmp_path / f"{network}.db", clock)
        try:
            chat = ChatHarness(app)
            await chat.say("dee@dm: /report ICE at the Walmart on Main St")
            await chat.say("ben@organizers: /verify R1 agents in the parking lot")
            cards.append(await card(chat, "dee@dm: /report agents at 9th & Elm"))
        finally:
            await app.close()
    assert all("1 confirmed" in shown for shown in cards)  # one each, never two
