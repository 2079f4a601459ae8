"""Times, dates of birth and phone numbers as organizers type them, in English and Spanish.

Every time is read against the clock passed in (here a day in 2031, so a parser that
looked at the machine's clock would give a wrong answer) in the network's time zone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.app import App
from bot.core.errors import UserError
from bot.core.personal_fields import parse_date_of_birth, parse_when, read_language
from bot.core.phone_numbers import parse_phone, show_phone
from bot.i18n import Msg, Renderer
from tests.core.test_router import dm, say

ZONE = ZoneInfo("America/Los_Angeles")
NOW = datetime(2031, 3, 4, 18, 0, tzinfo=UTC)  # Tuesday 10:00 in Los Angeles
LANGUAGES = ("en", "es", "zh", "vi", "tl", "ko", "ht", "pt", "ar", "fr")
TODAY = NOW.astimezone(ZONE).date()


def local(text: str) -> str:
    return parse_when(text, NOW, ZONE, LANGUAGES).astimezone(ZONE).strftime("%a %d %H:%M")


def refusal(problem: pytest.ExceptionInfo[UserError], language: str = "en") -> str:
    message = problem.value.message
    assert isinstance(message, Msg)
    return Renderer(ZONE).render(message, language)


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("2h", "Tue 04 12:00"),
        ("90m", "Tue 04 11:30"),
        ("in 2h", "Tue 04 12:00"),
        ("in 2 hours", "Tue 04 12:00"),
        ("en 2 horas", "Tue 04 12:00"),
        ("en 90 minutos", "Tue 04 11:30"),
        ("3:30pm", "Tue 04 15:30"),
        ("3 p.m.", "Tue 04 15:00"),
        ("15:00", "Tue 04 15:00"),
        ("3pm", "Tue 04 15:00"),
        ("3", "Tue 04 15:00"),  # the next 3 o'clock
        ("8", "Tue 04 20:00"),
        ("11", "Tue 04 11:00"),
        ("a las 3", "Tue 04 15:00"),
        ("hoy a las 5", "Tue 04 17:00"),
        ("3 de la tarde", "Tue 04 15:00"),
        ("tomorrow 3pm", "Wed 05 15:00"),
        ("Tomorrow at 8:15 am", "Wed 05 08:15"),
        ("mañana a las 3", "Wed 05 15:00"),
        ("mañana a las 8", "Wed 05 08:00"),
        ("Mañana a las 9 de la noche", "Wed 05 21:00"),
        ("friday 5pm", "Fri 07 17:00"),
        ("el viernes a las 5", "Fri 07 17:00"),
        ("pasado mañana a las 3", "Thu 06 15:00"),  # not "mañana"
        ("demain 15h", "Wed 05 15:00"),
        ("tomorrow", "Wed 05 10:00"),
        ("2031-03-05 08:00", "Wed 05 08:00"),
    ],
)
def test_natural_times_in_english_and_spanish(typed: str, meant: str) -> None:
    assert local(typed) == meant


@pytest.mark.parametrize(
    ("typed", "english", "spanish"),
    [
        ("9am", "9am has already passed today. Say the day too, like tomorrow 8am",
         "9am ya pasó hoy. Diga también el día, como mañana a las 8am"),
        ("08:00", "08:00 has already passed today", "08:00 ya pasó hoy"),
        ("yesterday 3pm", "yesterday 3pm is in the past.", "yesterday 3pm ya pasó."),
        ("hace 10 minutos", "hace 10 minutos is in the past.", "hace 10 minutos ya pasó."),
        ("whenever", "“whenever” is not a time I can read. Use a time from now (2h, in 90 "
         "minutes), a time today (15:30, 3pm) or a day and time (tomorrow 3pm",
         "«whenever» no es una hora que pueda leer"),
        ("after payday at 3", "“after payday at 3” is not a time I can read",
         "«after payday at 3» no es una hora"),
        ("cuando pueda", "“cuando pueda” is not a time I can read",
         "«cuando pueda» no es una hora que pueda leer"),
        ("friday", "At what time on friday? Add a time, like tomorrow 3pm.",
         "¿A qué hora el friday? Agregue una hora, como mañana a las 3pm."),
    ],
)  # fmt: skip
def test_times_that_cannot_be_right_are_refused_kindly(
    typed: str, english: str, spanish: str
) -> None:
    with pytest.raises(UserError) as problem:
        parse_when(typed, NOW, ZONE, LANGUAGES)
    assert refusal(problem).startswith(english)
    assert refusal(problem, "es").startswith(spanish)


@pytest.mark.parametrize(
    "typed",
    ["1990-04-12", "1990/4/12", "12 April 1990", "April 12, 1990", "12 de abril de 1990",
     "12 abril 1990", "12 avril 1990", "1990-4-12"],
)  # fmt: skip
def test_a_date_of_birth_written_unambiguously(typed: str) -> None:
    assert parse_date_of_birth(typed, TODAY, LANGUAGES) == date(1990, 4, 12)


def test_a_day_and_month_only_one_way_can_be_read() -> None:
    assert parse_date_of_birth("25/12/1990", TODAY) == date(1990, 12, 25)
    assert parse_date_of_birth("12/25/1990", TODAY) == date(1990, 12, 25)
    assert parse_date_of_birth("05/05/1990", TODAY) == date(1990, 5, 5)


@pytest.mark.parametrize(
    ("typed", "english", "spanish"),
    [
        ("04/05/1990", "“04/05/1990” could be 1990-04-05 or 1990-05-04. Write it year "
         "first, like 1990-04-12, or with the month's name, like 12 April 1990.",
         "«04/05/1990» puede ser 1990-04-05 o 1990-05-04. Escríbala con el año primero"),
        ("yesterday", "“yesterday” is not a date of birth I can read",
         "«yesterday» no es una fecha de nacimiento"),
        ("April 1990", "“April 1990” is not a date of birth I can read",
         "«April 1990» no es una fecha de nacimiento"),
        ("12 April 90", "“12 April 90” is not a date of birth I can read",
         "«12 April 90» no es una fecha de nacimiento"),
        ("31/02/1990", "“31/02/1990” is not a date of birth I can read",
         "«31/02/1990» no es una fecha de nacimiento"),
        ("2040-01-01", "The date of birth 2040-01-01 cannot be right.",
         "La fecha de nacimiento 2040-01-01"),
    ],
)  # fmt: skip
def test_a_date_of_birth_that_could_be_wrong_is_refused(
    typed: str, english: str, spanish: str
) -> None:
    with pytest.raises(UserError) as problem:
        parse_date_of_birth(typed, TODAY, LANGUAGES)
    assert refusal(problem).startswith(english)
    assert refusal(problem, "es").startswith(spanish)


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        ("(555) 010-0199", "+15550100199", "(555) 010-0199"),
        ("555 010 0199", "+15550100199", "(555) 010-0199"),
        ("555.010.0199", "+15550100199", "(555) 010-0199"),
        ("+1 555 010 0199", "+15550100199", "(555) 010-0199"),
        ("+52 55 1234 5678", "+525512345678", "+52 55 1234 5678"),
    ],
)
def test_phone_numbers_are_stored_whole_and_shown_readably(
    typed: str, stored: str, shown: str
) -> None:
    assert parse_phone(typed, "US") == stored
    assert show_phone(stored, "US") == shown


def test_a_network_in_mexico_reads_and_shows_mexican_numbers() -> None:
    assert parse_phone("55 1234 5678", "MX") == "+525512345678"
    assert show_phone("+525512345678", "MX") == "55 1234 5678"
    assert show_phone("+15550100199", "MX") == "+1 555-010-0199"


def test_an_old_number_stored_as_digits_is_still_shown_readably() -> None:
    assert show_phone("5550100199", "US") == "(555) 010-0199"
    assert show_phone("not a number", "US") == "not a number"


@pytest.mark.parametrize(
    ("typed", "english"),
    [
        ("call her", "“call her” is not a phone number I can use"),
        ("12", "“12” is not a phone number I can use"),
        ("555 0199", "“555 0199” has no area code"),
    ],
)
def test_a_phone_number_nobody_could_call_is_refused(typed: str, english: str) -> None:
    with pytest.raises(UserError) as problem:
        parse_phone(typed, "US")
    assert refusal(problem).startswith(english)


@pytest.mark.parametrize(
    ("typed", "code"),
    [("Spanish", "es"), ("español", "es"), ("es-MX", "es"), ("kreyòl", "ht"),
     ("Mixteco", "Mixteco"), ("K'iche'", "K'iche'")],
)  # fmt: skip
def test_a_language_name_is_its_code_and_any_other_is_kept(typed: str, code: str) -> None:
    assert read_language(typed) == code


async def test_task_times_are_natural_too(app: App) -> None:
    await say(app, "dee", "/report where: 5th & Main; what: arrests at the bus stop")
    await say(app, "ana", "/detained R1 name: Rosa", dm("ana"))
    await say(app, "ana", "/task assign T1 dee tomorrow 3pm", dm("ana"))
    listing = await say(app, "ana", "/tasks open", dm("ana"))
    assert (
        "T1: call the family contact (about P1) · offered · dee · due Tue, Nov 24, 3:00" in listing
    )
    await say(app, "ana", "/idioma es", dm("ana"))
    assert "mié, 25 nov, 15:00" in await say(
        app, "ana", "/tarea editar T2 due: pasado mañana a las 3", dm("ana")
    )
