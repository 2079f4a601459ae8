"""Dispatch on the console: claim with an ETA, give back, overdue claims, duty, the chain."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import App
from bot.config import Config
from bot.core.checklist import checklist_for, checklists
from bot.core.dispatch import Until, parse_duty, parse_eta
from bot.core.errors import UserError
from bot.core.models import ReportState
from bot.core.network import Shift
from tests.conftest import example_data, outbox_rows
from tests.fakes.chat import ChatHarness, in_chat
from tests.fakes.clock import FakeClock

REPORT = "dee@dm: /report where: 5th & Main; what: 2 ICE vans stopping people"


async def claimed_by(app: App, report_id: int) -> int | None:
    async with app.store.reading() as tx:
        return (await tx.dispatch.get(report_id)).claimed_by


async def kinds_since(app: App, start: int) -> list[tuple[str, str]]:
    return [(row.kind, row.address) for row in (await outbox_rows(app.store))[start:]]


async def test_a_claim_tells_organizers_who_is_going_and_the_reporter_only_that_someone_is(
    chat: ChatHarness, app: App, clock: FakeClock
) -> None:
    await chat.say(REPORT)
    said = await chat.say("cruz@dm: /voy R1 en 10")
    assert "R1: cruz is on the way, about 10 minutes." in in_chat(said, "organizers")
    reporter = in_chat(said, "dm:dee")
    assert "Someone from the network is on the way to check your report R1." in reporter
    assert "cruz" not in reporter  # never who
    assert in_chat(said, "alerts") == "" and in_chat(said, "alertas") == ""
    # The checklist, from its reviewed file, in the claimer's language.
    claimer = in_chat(said, "dm:cruz")
    assert "R1" in claimer and checklist_for("es").text.splitlines()[0] in claimer
    assert "Agentes interrogando a personas" in claimer
    # Nobody else is asked again while the claim holds.
    before = len(await outbox_rows(app.store))
    clock.advance(timedelta(minutes=19))  # the chain would have asked twice by now
    await app.fire_due()
    assert not [k for k, _a in await kinds_since(app, before) if k in ("reask", "offer")]


@pytest.mark.parametrize(
    "line", ["/claim R1 15 min", "/claim r1 15m", "/voy R1 en 15", "/claim #1 ~15", "/going 1 15"]
)
async def test_the_ways_people_type_a_claim(chat: ChatHarness, line: str) -> None:
    await chat.say(REPORT)
    said = await chat.say(f"ben@organizers: {line}")
    assert "R1: ben is on the way, about 15 minutes." in in_chat(said, "organizers")


def test_eta_and_duty_phrasings() -> None:
    assert parse_eta("") is None
    assert parse_eta("en 10") == parse_eta("10 minutos") == timedelta(minutes=10)
    assert parse_eta("about 1h") == timedelta(hours=1)
    with pytest.raises(UserError):
        parse_eta("soon")
    with pytest.raises(UserError):
        parse_eta("9h")  # an ETA is minutes to hours
    assert parse_duty("on 4h") == parse_duty("sí 4 horas") == (True, timedelta(hours=4), "")
    assert parse_duty("off") == parse_duty("no") == (False, None, "")
    assert parse_duty("") == (None, None, "")
    assert parse_duty("on") == (True, None, "")
    assert parse_duty("on 4h Eastside") == (True, timedelta(hours=4), "Eastside")
    assert parse_duty("si 2 horas zona: Boyle Heights")[2] == "Boyle Heights"
    assert parse_duty("on area: Eastside, Downtown") == (True, None, "Eastside, Downtown")
    assert parse_duty("si por 3 horas") == (True, timedelta(hours=3), "")
    assert parse_duty("sí 3h downtwon") == (True, timedelta(hours=3), "downtwon")
    assert parse_duty("on for 3 hours downtown") == (True, timedelta(hours=3), "downtown")
    assert parse_duty("Sí HASTA las 6, centro") == (True, Until(6, either_half=True), "centro")
    assert parse_duty("on till 18:30") == (True, Until(18, 30), "")
    assert parse_duty("on until 6 p.m.") == (True, Until(18), "")


async def test_only_verifiers_and_organizers_claim_and_never_their_own_report(
    chat: ChatHarness, app: App
) -> None:
    await chat.say(REPORT)
    said = await chat.text("dee@dm: /claim R1 10m")
    assert "Only verifiers and organizers can claim a report to check it." in said
    said = await chat.text("eli@dm: /claim R1")
    assert "Only verifiers and organizers" in said
    await chat.say("ben@dm: /report where: Pine & 3rd; what: agents at a house")
    said = await chat.text("ben@dm: /claim R2 5m")
    assert "You reported R2 yourself" in said
    # A corroborator is a reporter too.
    await chat.say("cruz@dm: /report where: 5th and Main; what: still there")
    said = await chat.text("cruz@dm: /claim R1")
    assert "Usted mismo reportó R1" in said  # cruz reads Spanish
    assert await claimed_by(app, 1) is None


async def test_a_second_claim_is_told_who_is_going(chat: ChatHarness) -> None:
    await chat.say(REPORT)
    await chat.say("ben@dm: /claim R1 15m")
    said = await chat.text("cruz@dm: /claim R1 5m")
    assert "R1 ya está tomado: ben va en camino" in said  # cruz reads Spanish
    said = await chat.text("ben@dm: /claim R1 25m")  # a new ETA from the claimer
    assert "in about 25 minutes" in said


async def test_unclaim_gives_it_back_and_asks_everyone_at_once(chat: ChatHarness, app: App) -> None:
    await chat.say(REPORT)
    await chat.say("ben@dm: /claim R1 15m")
    said = await chat.text("cruz@dm: /unclaim R1")
    assert "Usted no ha tomado R1" in said
    said = await chat.say("ben@dm: /unclaim R1")
    assert "R1 is no longer yours" in in_chat(said, "dm:ben")
    organizers = in_chat(said, "organizers")
    assert organizers.startswith("@ben @cruz\nben gave back R1: who can go instead?")
    said = await chat.say("cruz@dm: /claim R1 5m")
    assert "R1: cruz is on the way, about 5 minutes." in in_chat(said, "organizers")


async def test_a_claim_past_its_eta_asks_the_claimer_once_then_the_others(
    chat: ChatHarness, app: App, clock: FakeClock
) -> None:
    await chat.say(REPORT)
    await chat.say("ben@dm: /claim R1 15m")
    clock.advance(timedelta(minutes=15) + app.network.claim_grace)
    await app.fire_due()
    [asked] = [r for r in await outbox_rows(app.store) if r.kind == "reask"]
    assert asked.address == "ben" and "You said you would be at R1 by" in asked.body
    clock.advance(app.network.claim_grace)
    await app.fire_due()
    rows = await outbox_rows(app.store)
    assert "I gave R1 back to the other verifiers" in rows[-2].body
    assert rows[-1].address == "organizers" and rows[-1].ping == "verifiers"
    assert "ben claimed R1 but there is no decision yet: who can go?" in rows[-1].body
    said = await chat.say("cruz@dm: /claim R1 5m")
    assert "cruz is on the way" in in_chat(said, "organizers")


async def test_a_decision_ends_the_claim_and_forgets_who_went(
    chat: ChatHarness, app: App, clock: FakeClock
) -> None:
    await chat.say(REPORT)
    await chat.say("ben@dm: /claim R1 15m")
    await chat.say("ben@dm: /verify R1 saw 2 vans")
    assert (await app.reports.get(1)).state is ReportState.VERIFIED
    assert await claimed_by(app, 1) is None
    before = len(await outbox_rows(app.store))
    clock.advance(timedelta(hours=1))
    await app.fire_due()
    assert not [k for k, _a in await kinds_since(app, before) if k in ("reask", "offer")]
    said = await chat.text("cruz@dm: /claim R1")
    assert "R1 ya fue decidido: verificado por ben" in said


async def test_duty_offers_new_reports_to_whoever_is_on_it_first(
    chat: ChatHarness, app: App, clock: FakeClock
) -> None:
    said = await chat.text("ben@dm: /duty on 4h")
    assert "You are on duty until" in said
    said = await chat.say(REPORT)
    assert "Can you check R1 at 5th & Main" in in_chat(said, "dm:ben")
    assert in_chat(said, "dm:cruz") == ""
    card = in_chat(said, "organizers")
    assert card.startswith("NEW REPORT R1")  # nobody else is called
    assert "Send /claim R1 15m (your ETA) first" in card
    assert "You are on duty until" in await chat.text("ben@dm: /duty")
    assert "No está de turno" in await chat.text("cruz@dm: /turno")
    assert "Only verifiers and organizers go on duty" in await chat.text("dee@dm: /duty on")
    # Four hours later the duty has ended by itself: everyone is called, organizers told.
    clock.advance(timedelta(hours=4))
    said = await chat.say("eli@dm: /report where: Oak & 9th; what: agents")
    card = in_chat(said, "organizers")
    assert card.startswith("@ben @cruz\nNEW REPORT R2")
    assert "Nobody is on duty, so I called every verifier for R2." in card
    await chat.say("cruz@dm: /turno sí 2 horas")
    assert "Ya no está de turno" in await chat.text("cruz@dm: /turno no")
    assert "No estaba de turno" in await chat.text("cruz@dm: /duty off")


async def test_status_shows_organizers_who_is_on_duty_and_on_the_way(chat: ChatHarness) -> None:
    await chat.say("ben@dm: /duty on 4h")
    await chat.say("cruz@dm: /duty on")
    await chat.say(REPORT)
    await chat.say("cruz@dm: /claim R1 10m")
    status = await chat.text("ana@dm: /status")
    assert "On duty:\n[dm:ana] • ben until" in status and "• cruz\n" in status
    # A claimed report is listed once: waiting, saying who is going.
    assert "• R1 · 5th & Main · waiting for a verifier" in status
    assert "(cruz on the way, about 10 minutes, since" in status
    assert status.count("R1") == 1 and "On the way:" not in status
    verifier = await chat.text("ben@dm: /status")
    assert "• R1 · 5th & Main" in verifier and "(someone is on the way)" in verifier
    assert "cruz" not in verifier and "On duty" not in verifier  # need to know
    spanish = await chat.text("cruz@dm: /estado")
    assert spanish.count("R1") == 1 and "(alguien va en camino)" in spanish


async def test_status_lists_a_claimed_report_once_as_the_tester_saw_it(
    chat: ChatHarness,
) -> None:
    await chat.say(
        "dee@dm: /report migra at cesar chavez and soto, 2 vans guys asking ppl for papers"
    )
    await chat.say("cruz@dm: /voy r1 en 10")
    await chat.say("ben@dm: /claim R1 15 min")  # taken already: nothing changes
    status = await chat.text("ana@organizers: /status")
    assert status.count("R1 ·") == 1, status
    assert "(cruz on the way, about 10 minutes, since" in status


def config_with_steps(*steps: dict[str, object]) -> Config:
    data = example_data()
    data["dispatch"] = {"steps": list(steps)}
    return Config.model_validate(data)


async def test_the_chain_offers_reports_in_turn_and_the_turns_survive_a_restart(
    tmp_path: Path, clock: FakeClock
) -> None:
    config = config_with_steps(
        {"wait": "5m", "who": "next", "count": 1},
        {"wait": "5m", "who": "organizers"},
    )
    path = tmp_path / "turns.sqlite3"
    app = await App.start(config, path, clock)
    chat = ChatHarness(app)
    offered: list[str] = []
    for number, place in enumerate(("5th & Main", "Oak & 9th"), start=1):
        await chat.say(f"dee@dm: /report where: {place}; what: vans")
        clock.advance(timedelta(minutes=5))
        await app.fire_due()
        [offer] = [r for r in await outbox_rows(app.store) if r.kind == "offer"][-1:]
        assert f" R{number} " in offer.body  # in the verifier's language
        offered.append(offer.address)
    assert sorted(offered) == ["ben", "cruz"]  # not the same verifier twice
    clock.advance(timedelta(minutes=5))
    await app.fire_due()
    told = [r for r in await outbox_rows(app.store) if r.address == "organizers"]
    assert any(r.body.startswith("Nobody has claimed R1 after 10 minutes.") for r in told)
    await app.close()
    app = await App.start(config, path, clock)  # the turns are stored
    try:
        await ChatHarness(app).say("eli@dm: /report where: Elm & 2nd; what: vans")
        clock.advance(timedelta(minutes=5))
        await app.fire_due()
        offer = [r for r in await outbox_rows(app.store) if r.kind == "offer"][-1]
        assert " R3 " in offer.body and offer.address == offered[0]
    finally:
        await app.close()


def test_every_language_has_a_checklist_with_its_review_status() -> None:
    found = checklists()
    assert set(found) == {"en", "es", "fr", "pt", "ht", "ar", "ko", "vi", "zh", "tl"}
    for checklist in found.values():
        assert checklist.review and checklist.source
        assert len(checklist.text.splitlines()) >= 8


def config_with_areas() -> Config:
    data = example_data()
    for chat in data["console"]["chats"]:
        if chat["name"] == "alertas":
            chat["areas"] = ["Eastside"]
    return Config.model_validate(data)


@pytest.fixture
async def areas_app(tmp_path: Path, clock: FakeClock) -> AsyncIterator[App]:
    app = await App.start(config_with_areas(), tmp_path / "areas.sqlite3", clock)
    yield app
    await app.close()


async def test_a_report_in_an_area_is_offered_to_that_areas_verifiers_first(
    areas_app: App,
) -> None:
    chat = ChatHarness(areas_app)
    said = await chat.text("ben@dm: /duty on 4h Eastside")
    assert "Your areas: Eastside." in said
    await chat.say("cruz@dm: /turno sí 4 horas")
    said = await chat.say("dee@dm: /report where: Boyle Hieghts, by the laundromat; what: vans")
    assert "Can you check R1" in in_chat(said, "dm:ben")  # a typo still places it
    assert in_chat(said, "dm:cruz") == ""
    said = await chat.say("eli@dm: /report where: Oak & 9th; what: agents")
    assert "Can you check R2" in in_chat(said, "dm:ben")
    assert "¿Puede comprobar R2" in in_chat(said, "dm:cruz")  # no area: all on duty
    said = await chat.text("ben@dm: /duty on 4h Westside")  # not an area: on duty anyway
    assert "You are on duty until" in said and "I did not understand “Westside”" in said
    assert "The areas are: Eastside, Downtown" in said
    await chat.say("ben@dm: /duty on 4h Eastside")
    status = await chat.text("ana@dm: /status")
    assert "• ben until" in status and "(Eastside)" in status


async def test_an_areas_alert_goes_to_its_chats_and_the_network_wide_ones(
    areas_app: App,
) -> None:
    chat = ChatHarness(areas_app)
    places = {"Cesar Chavez and Soto": {"alerts", "alertas"},  # Eastside
              "Broadway & 1st": {"alerts"},  # Downtown: alertas covers only Eastside
              "Oak & 9th": {"alerts", "alertas"}}  # fmt: skip  # no area: everywhere
    for number, (place, chats) in enumerate(places.items(), start=1):
        await chat.say(f"dee@dm: /report where: {place}; what: agents detaining people")
        said = await chat.say(f"ben@dm: /verify R{number}")
        reached = {c for c in ("alerts", "alertas") if f"R{number}" in in_chat(said, c)}
        assert reached == chats, place


@pytest.mark.parametrize(
    ("line", "hours", "areas"),
    [
        ("cruz@dm: /turno si 2h centro", 2, "Sus zonas: Downtown."),  # one of its words
        ("cruz@dm: /turno si por 3 horas", 3, "Zonas: todas."),
        ("cruz@dm: /turno sí 3h downtwon", 3, "Sus zonas: Downtown."),  # a typo
        ("cruz@dm: /turno sí durante 2 horas en el centro", 2, "Sus zonas: Downtown."),
        ("ben@dm: /duty on for 3 hours downtown", 3, "Your areas: Downtown."),
        ("ben@dm: /duty on 2h east side", 2, "Your areas: Eastside."),
        ("ben@dm: /duty on 2 hours east side", 2, "Your areas: Eastside."),
        # Until a clock time (the clock says 10:00): with no am/pm, the next 6 o'clock.
        ("cruz@dm: /turno si hasta las 6 centro", 8, "Sus zonas: Downtown."),
        ("ben@dm: /duty on until 6pm downtown", 8, "Your areas: Downtown."),
        ("ben@dm: /duty on Boyle Heights 2 hours", 2, "Your areas: Eastside."),
    ],
)
async def test_duty_as_people_type_it_with_lengths_and_area_words(
    chat: ChatHarness, clock: FakeClock, line: str, hours: int, areas: str
) -> None:
    said = await chat.text(line)
    assert areas in said, said
    assert "No conozco" not in said and "do not know" not in said
    assert "understand" not in said and "entendí" not in said
    who = line.split("@")[0]
    clock.advance(timedelta(hours=hours, minutes=-1))
    assert "until" in await chat.text(f"{who}@dm: /duty") or "hasta" in await chat.text(
        f"{who}@dm: /turno"
    )
    clock.advance(timedelta(minutes=2))
    assert "not on duty" in await chat.text(f"{who}@dm: /duty") or "No está de turno" in (
        await chat.text(f"{who}@dm: /turno")
    )


@pytest.mark.parametrize(
    ("line", "said_back"),
    [
        ("cruz@dm: /turno sí 3h por el parque", "No entendí «parque»"),
        ("ben@dm: /duty on 3h around the park", "I did not understand “park”"),
    ],
)
async def test_duty_words_that_are_no_area_are_said_back_and_the_duty_is_taken(
    chat: ChatHarness, line: str, said_back: str
) -> None:
    said = await chat.text(line)
    assert said_back in said, said
    assert "Eastside, Downtown" in said
    who = line.split("@")[0]
    status = await chat.text("ana@dm: /status")
    assert f"• {who} until" in status


def test_a_chat_naming_an_unknown_area_is_refused_at_start() -> None:
    data = example_data()
    data["console"]["chats"][1]["areas"] = ["Westside"]
    with pytest.raises(ValueError, match="lists area 'Westside', which no \\[\\[areas\\]\\]"):
        Config.model_validate(data)


async def test_weekly_shifts_put_verifiers_on_duty_without_a_command(
    tmp_path: Path, clock: FakeClock
) -> None:
    data = example_data()
    day = clock.now().astimezone(ZoneInfo(data["network"]["timezone"])).strftime("%a").lower()
    data["dispatch"] = {"shifts": [{"member": "ben", "days": [day], "start": "09:00",
                                    "end": "17:00", "areas": ["Eastside"]}]}  # fmt: skip
    app = await App.start(Config.model_validate(data), tmp_path / "shifts.sqlite3", clock)
    try:
        chat = ChatHarness(app)
        assert "You are on duty until" in await chat.text("ben@dm: /duty")
        said = await chat.say(REPORT)
        assert "Can you check R1" in in_chat(said, "dm:ben") and in_chat(said, "dm:cruz") == ""
        assert "(Eastside)" in await chat.text("ana@dm: /status")
        clock.advance(timedelta(hours=8))  # the shift is over
        said = await chat.say("eli@dm: /report where: Oak & 9th; what: agents")
        assert in_chat(said, "organizers").startswith("@ben @cruz\nNEW REPORT R2")
    finally:
        await app.close()


def test_an_overnight_shift_runs_past_midnight() -> None:
    zone = ZoneInfo("America/Los_Angeles")
    shift = Shift("cruz", frozenset({6}), time(22, 0), time(6, 0))  # Sunday night
    sunday = datetime(2026, 11, 22, 23, 0, tzinfo=zone)
    assert shift.covers(sunday) and shift.covers(sunday + timedelta(hours=6, minutes=59))
    assert not shift.covers(sunday + timedelta(hours=7))
    assert not shift.covers(sunday - timedelta(hours=2))
    assert shift.ends(sunday) == datetime(2026, 11, 23, 6, 0, tzinfo=zone)


def test_an_older_config_keeps_working_with_verification_reminder() -> None:
    data = example_data()
    del data["timers"]["claim_within"]
    data["timers"]["verification_reminder"] = "7m"
    assert Config.model_validate(data).timers.claim_within == timedelta(minutes=7)


async def test_an_organizer_may_give_back_someone_elses_claim(chat: ChatHarness) -> None:
    await chat.say(REPORT)
    await chat.say("ben@dm: /claim R1 15m")
    said = await chat.say("ana@dm: /unclaim R1")
    assert "R1 is free again; I asked the other verifiers." in in_chat(said, "dm:ana")
    assert "An organizer gave R1 back to the other verifiers" in in_chat(said, "dm:ben")
    assert "An organizer took R1 back from ben: who can go instead?" in in_chat(said, "organizers")
