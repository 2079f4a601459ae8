"""Recording a person step by step in a direct message."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.app import App
from bot.config import load_config
from tests.conftest import EXAMPLE_CONFIG
from tests.core.test_router import ORGANIZERS, dm, say
from tests.fakes.clock import FakeClock

ANSWERS = ["Rosa Díaz", "1985-02-11", "Marta Díaz", "sister", "+1 555 010 0199", "es",
           "Lincoln Elementary", "3h", "needs insulin"]  # fmt: skip


async def walk(app: App, answers: list[str]) -> list[str]:
    said = [await say(app, "ana", "/detained", dm("ana"))]
    for answer in answers:
        said.append(await say(app, "ana", answer, dm("ana")))
    return said


async def test_step_by_step_then_saved_on_yes(app: App) -> None:
    said = await walk(app, ANSWERS)
    assert "What is the person's full name?" in said[0]
    assert said[-1] == (
        "Please check:\n"
        "1. Name: Rosa Díaz\n"
        "2. Date of birth: 1985-02-11\n"
        "3. Contact: Marta Díaz\n"
        "4. Relation: sister\n"
        "5. Phone: (555) 010-0199\n"
        "6. Language: Spanish\n"
        "7. Children to pick up: Lincoln Elementary\n"
        "8. Pick up by: Mon, Nov 23, 1:00\u202fPM\n"
        "9. Notes: needs insulin\n"
        "Send yes to save it, no to discard it, or the number of a line to change it "
        "(like change 3)."
    )
    saved = await say(app, "ana", "yes", dm("ana"))
    assert "Recorded P1. Proposed tasks:" in saved
    assert "T3: pick up the children (about P1)" in saved
    assert "Rosa Díaz" in await say(app, "ana", "/person P1", dm("ana"))
    assert "If you or someone near you is in danger" in await say(app, "ana", "hello", dm("ana"))


async def test_a_wrong_answer_is_asked_again_and_nothing_is_lost(app: App) -> None:
    await say(app, "ana", "/detained", dm("ana"))
    await say(app, "ana", "Rosa Díaz", dm("ana"))
    again = await say(app, "ana", "11/02/1985", dm("ana"))
    assert "“11/02/1985” could be 1985-11-02 or 1985-02-11" in again
    assert again.endswith("Send - to skip.")
    for answer in ["1985-02-11", "-", "-", "not a phone", "-", "-", "-"]:
        await say(app, "ana", answer, dm("ana"))
    summary = await say(app, "ana", "-", dm("ana"))
    assert summary.startswith("Please check:\n1. Name: Rosa Díaz\n2. Date of birth: 1985-02-11")
    assert "3. Contact: —\n" in summary and "5. Phone: —\n" in summary


async def test_no_discards_and_cancel_stops(app: App) -> None:
    await walk(app, ANSWERS)
    assert await say(app, "ana", "no", dm("ana")) == "Stopped. Nothing was saved."
    await say(app, "ana", "/detained", dm("ana"))  # (R9 does not exist: refused at once)
    assert await say(app, "ana", "/cancel", dm("ana")) == "Stopped. Nothing was saved."
    assert await say(app, "ana", "/cancel", dm("ana")) == "There is nothing to stop."
    assert "There are no open tasks." in await say(app, "ana", "/tasks open", dm("ana"))


async def test_only_organizers_only_in_a_direct_message(app: App) -> None:
    assert "Only organizers can record" in await say(app, "dee", "/detained", dm("dee"))
    assert "only taken in a direct message" in await say(app, "ana", "/detained", ORGANIZERS)


async def test_details_typed_in_a_group_are_kept_not_repeated_and_the_sender_is_warned(
    app: App,
) -> None:
    """They are already in the chat: refusing would lose them and hide nothing. The bot
    records them, answers with codes only, and asks for a direct message next time."""
    answer = await say(
        app,
        "ana",
        "/detained name: Rosa Díaz; phone: +1 555 010 0199; children: Lincoln Elementary",
        ORGANIZERS,
    )
    assert "Recorded P1. Proposed tasks:" in answer
    assert answer.endswith(
        "Please send personal details to me in a direct message next time: everyone in "
        "this chat can read them. Consider deleting your message."
    )
    for detail in ("Rosa", "555", "Lincoln"):
        assert detail not in answer
    assert "Rosa Díaz" in await say(app, "ana", "/person P1", dm("ana"))
    refused = await say(app, "ana", "/person P1", ORGANIZERS)
    assert "Rosa" not in refused and "direct message" in refused


async def test_a_restart_in_the_middle_loses_nothing(tmp_path: Path, clock: FakeClock) -> None:
    db = tmp_path / "d.sqlite3"
    app = await App.start(load_config(EXAMPLE_CONFIG), db, clock)
    await say(app, "ana", "/detained", dm("ana"))
    await say(app, "ana", "Rosa Díaz", dm("ana"))
    await app.close()
    app = await App.start(load_config(EXAMPLE_CONFIG), db, clock)
    try:
        assert "Their date of birth" not in await say(app, "ana", "1985-02-11", dm("ana"))
    finally:
        await app.close()


async def test_an_abandoned_conversation_times_out(app: App, clock: FakeClock) -> None:
    await say(app, "ana", "/detained", dm("ana"))
    clock.advance(timedelta(hours=1))
    assert "timed out and nothing was saved" in await say(app, "ana", "Rosa", dm("ana"))


async def test_an_unknown_report_is_caught_before_the_first_question(app: App) -> None:
    reply = await say(app, "ana", "/detained R7", dm("ana"))
    assert "There is no report R7" in reply
    assert "full name" not in reply
    assert "If you or someone near you is in danger" in await say(
        app, "ana", "Rosa Díaz", dm("ana")
    )


# -- the last check: change one answer before saving --------------------------------


async def check(app: App, answers: list[str] = ANSWERS) -> str:
    return (await walk(app, answers))[-1]


@pytest.mark.parametrize("asked", ["change 5", "5", "phone", "Change phone", "5.", "#5"])
async def test_one_answer_is_changed_then_checked_again(app: App, asked: str) -> None:
    await check(app)
    assert await say(app, "ana", asked, dm("ana")) == "The contact's phone number? - to skip."
    again = await say(app, "ana", "(555) 010-0177", dm("ana"))
    assert again.startswith("Please check:\n1. Name: Rosa Díaz")
    assert "5. Phone: (555) 010-0177\n" in again and "9. Notes: needs insulin" in again
    assert "Recorded P1." in await say(app, "ana", "yes", dm("ana"))
    assert "Marta Díaz (sister), (555) 010-0177" in await say(app, "ana", "/person P1", dm("ana"))


async def test_a_spanish_organizer_changes_an_answer_in_spanish(app: App) -> None:
    await say(app, "ana", "/idioma es", dm("ana"))
    said = await walk(app, ["Rosa Díaz", "12 de abril de 1990", "saltar", "ninguno", "nada",
                            "español", "Escuela Lincoln", "mañana a las 3", "no"])  # fmt: skip
    assert "¿Cuál es el nombre completo de la persona?" in said[0]
    summary = said[-1]
    assert summary.startswith("Por favor revise:\n1. Nombre: Rosa Díaz\n")
    assert "2. Fecha de nacimiento: 1990-04-12\n" in summary
    assert "3. Contacto: —\n" in summary and "5. Teléfono: —\n" in summary
    assert "6. Idioma: español\n" in summary
    assert "8. Recoger a más tardar: mar, 24 nov, 15:00\n" in summary
    assert "9. Notas: —\n" in summary
    assert summary.endswith("o el número de una línea para cambiarla (como cambiar 3).")
    assert await say(app, "ana", "cambiar teléfono", dm("ana")) == (
        "¿El teléfono del contacto? - para saltar."
    )
    assert "5. Teléfono: (555) 010-0199\n" in await say(app, "ana", "555 010 0199", dm("ana"))
    assert await say(app, "ana", "cambiar", dm("ana")) == (
        "¿Qué línea? Envíe su número, como cambiar 3."
    )
    assert "Se registró P1." in await say(app, "ana", "sí", dm("ana"))


async def test_adding_children_at_the_check_asks_when_to_pick_them_up(app: App) -> None:
    summary = await check(app, ["Rosa Díaz", "-", "-", "-", "-", "-", "-", "-"])
    assert "7. Children to pick up: —\n8. Pick up by: —\n" in summary
    assert (await say(app, "ana", "7", dm("ana"))).startswith("Are there children to pick up?")
    assert "By when must the children" in await say(app, "ana", "Lincoln", dm("ana"))
    again = await say(app, "ana", "tomorrow 3pm", dm("ana"))
    assert "7. Children to pick up: Lincoln\n8. Pick up by: Tue, Nov 24, 3:00\u202fPM\n" in again
    saved = await say(app, "ana", "yes", dm("ana"))
    assert "T3: pick up the children (about P1) · open · due Tue, Nov 24, 3:00\u202fPM" in saved


async def test_taking_the_children_away_drops_the_pick_up_time(app: App) -> None:
    await check(app)
    await say(app, "ana", "change children", dm("ana"))
    again = await say(app, "ana", "none", dm("ana"))
    assert "7. Children to pick up: —\n8. Pick up by: —\n" in again
    assert "pick up the children" not in await say(app, "ana", "yes", dm("ana"))


@pytest.mark.parametrize("unclear", ["maybe", "change 12", "change 0", "the phone is wrong"])
async def test_an_unclear_answer_at_the_check_is_asked_again(app: App, unclear: str) -> None:
    await check(app)
    reply = await say(app, "ana", unclear, dm("ana"))
    assert reply.startswith(("Send yes to save it", "Which line?"))
    assert "Recorded P1." in await say(app, "ana", "ok", dm("ana"))


async def test_a_pick_up_time_that_passed_during_the_check_is_kept_and_said_overdue(
    app: App, clock: FakeClock
) -> None:
    """The children may be waiting: the time is not thrown away, nor the record."""
    await check(app, ["Rosa Díaz", "-", "-", "-", "-", "-", "Lincoln", "10:20", "-"])
    clock.advance(timedelta(minutes=25))  # 10:25 in the network's zone
    saved = await say(app, "ana", "yes", dm("ana"))
    assert "Recorded P1." in saved
    assert "T3: pick up the children (about P1) · open · OVERDUE since Mon, Nov 23, 10:20" in saved
    assert "The pick-up time, Mon, Nov 23, 10:20\u202fAM, has already passed" in saved


async def test_a_pick_up_time_that_passed_at_midnight_during_the_check_is_asked_again(
    app: App, clock: FakeClock
) -> None:
    clock.advance(timedelta(hours=13, minutes=45))  # 23:45 in the network's zone
    await check(app, ["Rosa Díaz", "-", "-", "-", "-", "-", "Lincoln", "23:55", "-"])
    clock.advance(timedelta(minutes=20))  # 00:05: that was yesterday
    refused = await say(app, "ana", "yes", dm("ana"))
    assert refused == (
        "2026-11-23 23:55 is in the past.\n"
        "Send yes to save it, no to discard it, or the number of a line to change it "
        "(like change 3)."
    )
    await say(app, "ana", "change 8", dm("ana"))
    assert "8. Pick up by: Tue, Nov 24, 11:00\u202fAM" in await say(app, "ana", "11am", dm("ana"))
    assert "Recorded P1." in await say(app, "ana", "yes", dm("ana"))


# -- the words of the words files --------------------------------------------------


@pytest.mark.parametrize("skip", ["-", "—", "skip", "none", "saltar", "ninguno", "nada", "no"])
async def test_skip_words_in_any_language(app: App, skip: str) -> None:
    summary = await check(app, ["Rosa Díaz", skip, skip, skip, skip, skip, skip, skip])
    assert summary.count(": —") == 8


@pytest.mark.parametrize("nameless", ["-", "skip"])
async def test_the_name_cannot_be_skipped(app: App, nameless: str) -> None:
    await say(app, "ana", "/detained", dm("ana"))
    reply = await say(app, "ana", nameless, dm("ana"))
    if nameless == "-":
        assert reply.startswith("A name is needed so the family and lawyers can find them.")
    else:  # a name is whatever is typed: "skip" is kept, and can be changed at the check
        assert reply.startswith("Their date of birth")


@pytest.mark.parametrize(
    ("typed", "shown", "stored"),
    [
        ("spanish", "Spanish", "es"),
        ("Español", "Spanish", "es"),
        ("es", "Spanish", "es"),
        ("Haitian Creole", "Haitian Creole", "ht"),
        ("kreyòl", "Haitian Creole", "ht"),
        ("Mixteco", "Mixteco", "Mixteco"),
        ("Mam and some Spanish", "Mam and some Spanish", "Mam and some Spanish"),
    ],
)
async def test_a_known_language_is_recognised_any_other_is_kept(
    app: App, typed: str, shown: str, stored: str
) -> None:
    summary = await check(app, ["Rosa Díaz", "-", "-", "-", "-", typed, "-", "-"])
    assert f"6. Language: {shown}\n" in summary
    await say(app, "ana", "yes", dm("ana"))
    async with app.store.reading() as tx:
        person = await tx.people.get(1)
    assert person is not None and person.details.language == stored


@pytest.mark.parametrize("stop", ["/cancel", "/cancelar", "cancel", "Cancelar", "stop"])
async def test_cancel_always_works(app: App, stop: str) -> None:
    await check(app)
    await say(app, "ana", "change 2", dm("ana"))
    assert await say(app, "ana", stop, dm("ana")) in (
        "Stopped. Nothing was saved.",
        "Se paró. No se guardó nada.",
    )
    assert "If you or someone near you is in danger" in await say(app, "ana", "yes", dm("ana"))
    async with app.store.reading() as tx:
        assert await tx.people.get(1) is None


# -- the one-line form: nothing typed is lost -----------------------------------------


async def test_the_one_line_form_keeps_everything_typed(app: App) -> None:
    await say(app, "dee", "/report where: 5th & Main; what: arrests at the bus stop")
    line = (
        "/detained R1 name: Ana López; fecha: 1990-01-01; notes: diabetic; medicine in her "
        "bag; allergies: penicillin; phone: (555) 010-0199; idioma: español"
    )
    assert "Recorded P1." in await say(app, "ana", line, dm("ana"))
    assert await say(app, "ana", "/person P1", dm("ana")) == (
        "P1: Ana López\n"
        "Date of birth: 1990-01-01\n"
        "Contact: (555) 010-0199\n"
        "Language: Spanish\n"
        "Notes: diabetic; medicine in her bag; allergies: penicillin\n"
        "Linked to report R1."
    )
    async with app.store.reading() as tx:
        person = await tx.people.get(1)
    assert person is not None and person.details.contact_phone == "+15550100199"


async def test_the_one_line_form_in_spanish(app: App) -> None:
    await say(app, "ana", "/idioma es", dm("ana"))
    line = (
        "/detenido nombre: Ana López; fecha de nacimiento: 12 de abril de 1990; "
        "teléfono: +52 55 1234 5678; alergias: penicilina; notas: diabética; insulina"
    )
    assert "Se registró P1." in await say(app, "ana", line, dm("ana"))
    card = await say(app, "ana", "/persona P1", dm("ana"))
    assert "Fecha de nacimiento: 1990-04-12" in card
    assert "Contacto: +52 55 1234 5678" in card
    assert "Notas: diabética; insulina; alergias: penicilina" in card


@pytest.mark.parametrize(
    "line",
    [
        "/detained R9 name: Ana",
        "/detained R9 name: Ana; dob: 04/05/1990; phone: call her",
        "/detained R9",
        "/detenido R9",
    ],
)
async def test_a_wrong_report_code_is_named_before_anything_else(app: App, line: str) -> None:
    reply = await say(app, "ana", line, dm("ana"))
    assert reply.startswith(
        "No existe el reporte R9. Envíe /estado para ver los reportes abiertos."
        if line.startswith("/detenido")  # ana never chose a language: this answer in Spanish
        else "There is no report R9. Send /status to see open reports."
    )
    await say(app, "ana", "/lang en", dm("ana"))  # back to English, for the check below
    assert "If you or someone near you is in danger" in await say(
        app, "ana", "Rosa Díaz", dm("ana")
    )


async def test_a_field_typed_with_its_label_at_the_check_changes_it(app: App) -> None:
    await say(app, "ana", "/detained", dm("ana"))
    for answer in ("María López", "-", "-", "-", "-", "-", "-", "-"):
        summary = await say(app, "ana", answer, dm("ana"))
    assert "María López" in summary
    again = await say(app, "ana", "nombre: María López Ruiz", dm("ana"))
    assert "María López Ruiz" in again
    assert "Recorded P1" in await say(app, "ana", "yes", dm("ana"))
    assert "María López Ruiz" in await say(app, "ana", "/person P1", dm("ana"))


async def test_starting_again_does_not_throw_away_a_record_half_typed(app: App) -> None:
    await say(app, "ana", "/detained", dm("ana"))
    await say(app, "ana", "Juan Pérez", dm("ana"))
    kept = await say(app, "ana", "/detained", dm("ana"))
    assert "You are still recording Juan Pérez" in kept


async def test_a_line_without_labels_or_with_an_unreadable_field_is_recorded_whole(
    app: App,
) -> None:
    await say(app, "eli", "/report where: 5th & Main; what: 2 vans")
    saved = await say(
        app, "ana", "/detained R1 Pedro Ramírez, born 1979, brother Luis, no kids", dm("ana")
    )
    assert "Recorded P1" in saved
    person = await say(app, "ana", "/person P1", dm("ana"))
    assert "Pedro Ramírez" in person and "born 1979, brother Luis, no kids" in person
    kept = await say(
        app, "ana", "/detained R1 name: Ana Soto; phone: 555-0100; dob: 12/04/1990", dm("ana")
    )
    assert "Recorded P2" in kept
    assert "so I kept them in the notes as you typed them" in kept
    assert "Send /person P2 dob: 1990-12-04 or /person P2 dob: 1990-04-12" in kept
    shown = await say(app, "ana", "/person P2", dm("ana"))
    assert "phone: 555-0100" in shown and "dob: 12/04/1990" in shown
