"""Homes in alerts (strangers' top finding): a report at someone's home never broadcasts
the house or the reporter's words; the alert's description is the verifier's.
The rule is bot/core/homes.py; THREAT_MODEL.md says why."""

from __future__ import annotations

import pytest

from bot.core.homes import block_of
from bot.core.report_reading import read_report
from tests.fakes.chat import ChatHarness, in_chat


def broadcasts(lines: list[str]) -> str:
    return in_chat(lines, "alerts") + "\n" + in_chat(lines, "alertas")


@pytest.mark.parametrize(
    "typed",
    [
        "ICE at my door",
        "/report estan aqui en mi casa",
        "la migra está tocando mi puerta, 1200 Elm St",
        "agents knocking at 1200 Elm St",
        "where: 742 Evergreen Terrace; what: agents at the front door with a paper",
        "migra en la casa de mi vecina en Calle Roble 1530",
    ],
)
def test_these_read_as_someones_home(typed: str) -> None:
    assert read_report(typed).at_home


@pytest.mark.parametrize(
    "typed",
    [
        "ICE at the Walmart on Main St",
        "2 vans at 5th & Main, agents asking for papers",
        "la migra en la lavandería de Oak St",
        "agents at 1200 Market St, the bus station",
        "ICE at 1200 Main St, the Home Depot parking lot",  # a raid site, not a home
    ],
)
def test_these_do_not(typed: str) -> None:
    assert not read_report(typed).at_home


@pytest.mark.parametrize(
    ("place", "block"),
    [
        ("1200 Elm St", (1200, "Elm St")),
        ("1234 Elm St Apt 3", (1200, "Elm St")),
        ("1234-B Elm St, unit 5", (1200, "Elm St")),
        ("Calle Roble 1530", (1500, "Calle Roble")),
        ("1200 block of Elm St", None),
        ("cuadra 1200 de Elm St", None),
        ("5th & Main", None),
        ("the Walmart on Main St", None),
    ],
)
def test_a_house_number_is_made_its_block(place: str, block: tuple[int, str] | None) -> None:
    found = block_of(place)
    assert (None if found is None else (found.number, found.street)) == block


async def test_a_home_is_broadcast_as_its_block_without_the_reporters_words(
    chat: ChatHarness,
) -> None:
    filed = await chat.say("dee@dm: /report ICE at my door, estan aqui en mi casa, help")
    card = in_chat(filed, "organizers")
    assert "This reads as someone's home" in card and "only the block" in card
    decided = await chat.say("ben@organizers: /verify R1 where: 1234 Elm St")
    assert (
        "R1 reads as someone's home: the alert names 1200 block of Elm St and does not quote "
        "the reporter." in in_chat(decided, "organizers")
    )
    sent = broadcasts(decided)
    assert "Where: 1200 block of Elm St" in sent
    assert "Dónde: cuadra 1200 de Elm St" in sent
    assert "1234" not in sent
    for words in ("my door", "mi casa", "estan aqui", "help"):
        assert words not in sent, words
    assert "What:" not in sent  # no description from the verifier: none broadcast
    later = await chat.say("ana@organizers: /resolve R1 they left")
    assert "ALL CLEAR R1: the activity at 1200 block of Elm St is over." in broadcasts(later)
    assert "1234" not in broadcasts(later)


async def test_the_verifiers_description_is_what_a_home_alert_says(chat: ChatHarness) -> None:
    await chat.say("dee@dm: /reportar la migra está aquí en mi casa, 1234 Elm St, tengo miedo")
    decided = await chat.say(
        "cruz@organizers: /verificar R1 dónde: 1234 Elm St; 2 camionetas, agentes en una puerta"
    )
    sent = broadcasts(decided)
    assert "cuadra 1200 de Elm St" in sent and "1234" not in sent
    assert "2 camionetas, agentes en una puerta" in sent
    assert "tengo miedo" not in sent and "mi casa" not in sent


async def test_a_public_place_the_verifier_gives_is_used_as_given(chat: ChatHarness) -> None:
    await chat.say("dee@dm: /report ICE at my door right now")
    decided = await chat.say(
        "ben@organizers: /verify R1 where: the laundromat on Pine St; 3 agents on the sidewalk"
    )
    sent = in_chat(decided, "alerts")
    assert "Where: the laundromat on Pine St" in sent
    assert "What: 3 agents on the sidewalk" in sent and "my door" not in sent


async def test_elsewhere_the_reporters_words_go_only_when_the_verifier_gives_none(
    chat: ChatHarness,
) -> None:
    await chat.say("dee@dm: /report ICE vans at the Walmart on Main St, agents asking for papers")
    plain = in_chat(await chat.say("ben@organizers: /verify R1"), "alerts")
    assert "What: ICE vans at the Walmart on Main St, agents asking for papers" in plain
    await chat.say("eli@dm: /report la migra en la lavandería de Oak St, 3 camionetas")
    described = in_chat(
        await chat.say("ben@organizers: /verify R2 3 vans outside the laundromat on Oak St"),
        "alerts",
    )
    assert "What: 3 vans outside the laundromat on Oak St" in described
    assert "camionetas" not in described


async def test_a_correction_of_a_homes_description_is_broadcast(chat: ChatHarness) -> None:
    await chat.say("dee@dm: /report agents knocking at 1234 Elm St, they are at my door")
    await chat.say("ben@organizers: /verify R1")
    corrected = await chat.say("ana@organizers: /correct R1 what: 2 vans and 4 agents on Elm St")
    sent = in_chat(corrected, "alerts")
    assert "What: 2 vans and 4 agents on Elm St" in sent
    assert "1200 block of Elm St" in sent and "1234" not in sent


async def test_a_corroboration_that_says_home_makes_the_report_a_home(chat: ChatHarness) -> None:
    await chat.say("dee@dm: /report ICE vans at 1234 Elm St")
    added = await chat.say("eli@dm: /report where: 1234 Elm St; what: knocking at my door")
    assert "another report of the same place" in in_chat(added, "organizers")
    sent = in_chat(await chat.say("ben@organizers: /verify R1"), "alerts")
    assert "Where: 1200 block of Elm St" in sent and "1234" not in sent
    assert "ICE vans" not in sent  # a home: no reporter's words without the verifier's
