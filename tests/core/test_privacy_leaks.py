"""Privacy leaks a stranger found on the console (fixes round, finding F): a caller's
phone number and home address went out in the public alert. The rules: a callback is
read with or without its colon and taken out of the report's words; no phone number is
ever posted to a group (bot/core/phone_numbers.py); a caller's home names only the block
(bot/core/homes.py). Phrasings are the tester's own (/tmp/stranger-notes s2, s3, s7)."""

from __future__ import annotations

import re

import pytest

from bot.core.phone_numbers import phone_spans
from bot.core.report_reading import read_report, take_callback
from tests.fakes.chat import ChatHarness, in_chat


def group_lines(lines: list[str]) -> str:
    """Everything that went to a chat (not a direct message)."""
    return "\n".join(line for line in lines if not line.startswith("[dm:"))


def broadcasts(lines: list[str]) -> str:
    return in_chat(lines, "alerts") + "\n" + in_chat(lines, "alertas")


def no_digits_of(number: str, text: str) -> bool:
    """None of the number's last seven digits, however grouped, are in `text`."""
    last = re.sub(r"\D", "", number)[-7:]
    return re.sub(r"[\s().\-]", "", text).find(last) == -1


# 1. A callback without its colon ---------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        (
            "ana@dm: /report caller says 2 ice vans at broadway & 1st, agents grabbing ppl. "
            "callback 213 555 0147",
            "+1 213-555-0147",
        ),
        (
            "ana@dm: /report caller says ice at the laundromat on 5th and main, 3 agents. "
            "call back at (213) 555-0122",
            "+1 213-555-0122",
        ),
        ("ana@dm: /report ice at 5th & main, cb: 213 555 0148", "+1 213-555-0148"),
        (
            "ana@dm: /reportar quien llama dice la migra en la lavandería de 5th y main, "
            "llamar al 213 555 0147",
            "+1 213-555-0147",
        ),
        (
            "ana@dm: /reportar llamó una señora, la migra en la tienda de 7th y Alvarado. "
            "devolver la llamada al (213) 555-0122",
            "+1 213-555-0122",
        ),
        (
            "ana@dm: /reportar la migra en 3rd y Oak, regresar la llamada 213-555-0111",
            "+1 213-555-0111",
        ),
    ],
)
async def test_a_callback_without_a_colon_is_kept_sealed_and_never_alerted(
    chat: ChatHarness, typed: str, number: str
) -> None:
    filed = await chat.say(typed)
    receipt = in_chat(filed, "dm:ana")
    assert number in receipt, receipt  # shown back to her, in her DM only
    card = in_chat(filed, "organizers")
    assert "NEW REPORT R1" in card
    assert no_digits_of(number, group_lines(filed)), card

    decided = await chat.say("ben@dm: /verify R1")
    reminder = in_chat(decided, "dm:ana")
    assert number in reminder
    assert "No callback number was given" not in reminder
    assert "Ningún número" not in reminder
    alerts = broadcasts(decided)
    assert "VERIFIED ALERT R1" in alerts and "ALERTA VERIFICADA R1" in alerts
    assert no_digits_of(number, group_lines(decided)), alerts


def test_callback_words_with_no_number_after_them_are_left_alone() -> None:
    assert take_callback("ICE at 1234 Elm St, please call back later") == (
        "",
        "ICE at 1234 Elm St, please call back later",
    )
    assert take_callback("la migra en 5th y main, hay que llamar al abogado") == (
        "",
        "la migra en 5th y main, hay que llamar al abogado",
    )


def test_the_callback_comes_out_of_the_words_and_the_rest_stays() -> None:
    draft = read_report("ice at 5th & main, caller: 213 555 0149, source hotline")
    assert draft.hotline is not None and draft.hotline.callback == "213 555 0149"
    assert draft.what == "ice at 5th & main, source hotline"
    assert draft.where == "5th & main"


# 1c. "source hotline" without its colon is a relay -----------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "ana@dm: /report ice at 5th & main, source hotline",
        "ana@dm: /reportar la migra en 5th y main, fuente línea",
    ],
)
async def test_source_hotline_without_a_colon_files_a_relay(chat: ChatHarness, typed: str) -> None:
    filed = await chat.say(typed)
    receipt = in_chat(filed, "dm:ana")
    assert "Filed as a hotline relay" in receipt or "aviso de la línea" in receipt, receipt
    assert "Relayed from the hotline" in in_chat(filed, "organizers")


# 1b. No phone number in anything posted to a group ----------------------------------------


async def test_a_number_in_the_words_is_removed_from_the_card_and_the_alert(
    chat: ChatHarness,
) -> None:
    filed = await chat.say(
        "dee@dm: /report ice at 7th & Alvarado, my cousin saw it, her cell 213 555 0199"
    )
    card = in_chat(filed, "organizers")
    assert "What: ice at 7th & Alvarado, my cousin saw it, her cell [phone number removed]" in (
        card
    ), card
    decided = await chat.say("ben@dm: /verify R1")
    assert "her cell [phone number removed]" in in_chat(decided, "alerts")
    assert "[número de teléfono quitado]" in in_chat(decided, "alertas")
    assert no_digits_of("2135550199", group_lines([*filed, *decided]))


async def test_a_spanish_number_in_a_verifiers_note_never_reaches_the_network(
    chat: ChatHarness,
) -> None:
    await chat.say("dee@dm: /reportar la migra en la tienda de 7th y Alvarado")
    decided = await chat.say(
        "cruz@dm: /verificar R1 2 camionetas, la señora del 213-555-0166 lo vio todo"
    )
    alerts = broadcasts(decided)
    assert "[número de teléfono quitado] lo vio todo" in in_chat(decided, "alertas"), alerts
    assert no_digits_of("2135550166", group_lines(decided))
    cleared = await chat.say("ana@organizers: /resolve R1 ya se fueron, avisen al 2135550177")
    assert "ALL CLEAR R1" in in_chat(cleared, "alerts")
    assert no_digits_of("2135550177", group_lines(cleared)), group_lines(cleared)


async def test_a_corroboration_card_shows_no_number(chat: ChatHarness) -> None:
    await chat.say("ana@dm: /report caller says ice at 5th & main. callback 213 555 0148")
    more = await chat.say("ana@dm: /report ice at 5th & main, caller: 213 555 0149, source hotline")
    card = in_chat(more, "organizers")
    assert "another report of the same place" in card or "new details" in in_chat(more, "dm:ana")
    assert no_digits_of("2135550149", group_lines(more)), card
    assert no_digits_of("2135550148", group_lines(more))


@pytest.mark.parametrize(
    "text",
    [
        "ICE at 1234 Elm St, 2 vans, 8:07 PM",
        "5th & Main, 3 agents, 12 people",
        "agents at 1200 block of Elm St since 7:30",
        "R3 and R4 at 455 calle pino",
    ],
)
def test_addresses_times_and_counts_are_not_phone_numbers(text: str) -> None:
    assert phone_spans(text, "US") == []


@pytest.mark.parametrize(
    "text", ["213 555 0147", "(213) 555-0122", "2135550111", "555 0147", "+52 55 1234 5678"]
)
def test_phone_numbers_however_written_are_found(text: str) -> None:
    assert phone_spans(f"call {text} now", "US") == [(5, 5 + len(text))]


# 3. A member's callback: not kept, and not left in the words either -------------------------


@pytest.mark.parametrize(
    ("typed", "left"),
    [
        ("dee@dm: /report callback: 555 123 4567 ice at 7th & Alvarado", "ice at 7th & Alvarado"),
        (
            "dee@dm: /reportar devolver: 555 123 4567 la migra en 7th y Alvarado",
            "la migra en 7th y Alvarado",
        ),
    ],
)
async def test_a_members_callback_is_dropped_from_the_words_too(
    chat: ChatHarness, typed: str, left: str
) -> None:
    filed = await chat.say(typed)
    receipt = in_chat(filed, "dm:dee")
    assert "did not keep the callback number" in receipt or "no guardé el número" in receipt, (
        receipt
    )
    card = in_chat(filed, "organizers")
    assert f"What: {left}" in card, card
    assert "123 4567" not in "\n".join(filed) and "1234567" not in "\n".join(filed)


# 2. A caller's home -----------------------------------------------------------------------


async def test_a_callers_home_names_only_the_block(chat: ChatHarness) -> None:
    filed = await chat.say(
        "ana@dm: /report caller says theyre at her house 88 oak ave, knocking. "
        "call back at (213) 555-0122"
    )
    card = in_chat(filed, "organizers")
    assert "This reads as someone's home" in card, card
    decided = await chat.say("cruz@dm: /verificar R1")
    alerts = broadcasts(decided)
    assert "Where: oak ave" in alerts and "Dónde: oak ave" in alerts, alerts
    assert "88" not in alerts and "her house" not in alerts and "knocking" not in alerts
    assert no_digits_of("2135550122", group_lines(decided))


async def test_a_callers_home_in_spanish_names_only_the_block(chat: ChatHarness) -> None:
    filed = await chat.say(
        "ana@dm: /reportar llamó una señora, la migra está en su casa 455 calle pino, tocando. "
        "devolver la llamada al 213 555 0122"
    )
    assert "This reads as someone's home" in in_chat(filed, "organizers")
    decided = await chat.say("cruz@dm: /verificar R1")
    alertas = in_chat(decided, "alertas")
    assert "Dónde: cuadra 400 de calle pino" in alertas, alertas
    assert "455" not in broadcasts(decided) and "su casa" not in broadcasts(decided)


@pytest.mark.parametrize(
    "typed",
    [
        "caller says theyre at her house 88 oak ave, knocking",
        "agents at his house on Pine St",
        "ICE at their door, 300 Oak Ave",
        "knocking at a house on Pine St",
        "la migra está en su casa",
        "agentes en la casa de ella, calle Roble 1530",
        "llamó un señor, la migra en la casa de él",
    ],
)
def test_someone_elses_home_reads_as_a_home(typed: str) -> None:
    assert read_report(typed).at_home


# A place is never cut inside a phone number (re-tester's finding, round 2) ----------------


async def test_a_place_stops_before_a_phone_number(chat: ChatHarness) -> None:
    await chat.say("dee@dm: /report ice at 5th & main 2 vans call me 213.555.0147 if u need more")
    await chat.say("ben@dm: /claim R1 5")
    sent = in_chat(await chat.say("ben@dm: /verify R1"), "alerts")
    assert "Where: 5th & main 2 vans\n" in sent + "\n"
    assert "213" not in sent and "Where: 5th & main 2 vans call me" not in sent
    assert "What: ice at 5th & main 2 vans call me [phone number removed] if u need more" in sent


async def test_a_spanish_place_stops_before_a_phone_number(chat: ChatHarness) -> None:
    await chat.say("eli@dm: /reportar migra en soto y 1st 2 camionetas 213.555.0147 si necesitan")
    sent = in_chat(await chat.say("cruz@organizers: /verificar R1"), "alertas")
    assert "Dónde: soto y 1st 2 camionetas\n" in sent + "\n"
    assert "213" not in sent and "0147" not in sent
