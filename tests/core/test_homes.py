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


# A house number in the verifier's own words (re-tester's finding, round 2) -------------


async def test_a_house_number_in_the_verifiers_words_goes_out_as_its_block(
    chat: ChatHarness,
) -> None:
    await chat.say("eli@dm: /report ice vans at the walmart on main st")
    await chat.say("dee@dm: /report my house 1234 elm st ice knocking")
    await chat.say("ben@dm: /claim R2 5")
    decided = await chat.say(
        "ben@dm: /verify R2 where: elm st; 2 agents at the door of 1234 elm st, family of "
        "maria lopez inside"
    )
    sent = broadcasts(decided)
    assert "What: 2 agents at the door of 1200 block of elm st, family of maria lopez" in sent
    assert "Qué: 2 agents at the door of cuadra 1200 de elm st" in sent
    assert "1234" not in sent
    told = in_chat(decided, "dm:ben")
    assert "your words name the block, not the house" in told
    assert "2 agents at the door of 1200 block of elm st" in told

    corrected = await chat.say("ana@organizers: /correct R2 what: 2 vans, caller at 1234 elm st")
    sent = broadcasts(corrected)
    assert "What: 2 vans, caller at 1200 block of elm st" in sent and "1234" not in sent
    assert "The network reads: 2 vans, caller at 1200 block of elm st" in in_chat(
        corrected, "organizers"
    )
    cleared = await chat.say("ana@organizers: /resolve R2 they left 1234 elm st")
    assert "Note: they left 1200 block of elm st" in broadcasts(cleared)
    assert "1234" not in broadcasts(cleared)


async def test_a_house_number_in_a_spanish_verifiers_words_goes_out_as_its_block(
    chat: ChatHarness,
) -> None:
    await chat.say("eli@dm: /reportar la migra esta tocando mi puerta en 455 calle pino depto 3")
    decided = await chat.say(
        "cruz@organizers: /verificar R1 dónde: calle pino; 2 agentes en la puerta del 455 de "
        "la calle pino depto 3, adentro la familia"
    )
    sent = broadcasts(decided)
    assert "Qué: 2 agentes en la puerta del cuadra 400 de calle pino, adentro la familia" in sent
    assert "455" not in sent and "depto 3" not in sent
    assert "sus palabras nombran la cuadra, no la casa" in in_chat(decided, "organizers")
    corrected = await chat.say(
        "ana@organizers: /corregir R1 qué: 3 camionetas frente al 455 calle pino"
    )
    sent = broadcasts(corrected)
    assert "3 camionetas frente al cuadra 400 de calle pino" in sent and "455" not in sent


@pytest.mark.parametrize(
    "words",
    [
        "2 vans on main st",
        "3 camionetas en la calle pino 2 agentes",
        "agents on the 1200 block of elm st",
        "5th & main, 2 vans",
        "caller 213 555 0147",
    ],
)
async def test_counts_corners_and_blocks_in_a_homes_words_are_left_alone(
    chat: ChatHarness, words: str
) -> None:
    await chat.say("dee@dm: /report ICE at my door")
    sent = in_chat(await chat.say(f"ben@organizers: /verify R1 where: elm st; {words}"), "alerts")
    shown = words.replace("213 555 0147", "[phone number removed]")
    assert f"What: {shown}" in sent
