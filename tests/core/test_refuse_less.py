"""Refuse as little as possible: what strangers typed that the bot refused or over-answered."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.core.models import DismissReason, ReportState
from tests.conftest import member
from tests.core.test_router import ORGANIZERS, REPORT, dm, say

ADOPTED = "I will write to you in español from now on. To change it, send /lang."


# -- thanks and ok ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("thanks", "You're welcome."),
        ("Thank you so much!!", "You're welcome."),
        ("thx", "You're welcome."),
        ("ok", "Good."),
        ("Ok, got it", "Good."),
        ("ok thanks", "You're welcome."),
        ("gracias", "De nada."),
        ("muchas gracias!", "De nada."),
        ("vale", "Bien."),
        ("merci", "You're welcome."),
    ],
)
async def test_thanks_or_ok_alone_gets_a_short_friendly_answer(
    app: App, typed: str, first: str
) -> None:
    who = "cruz" if first in ("De nada.", "Bien.") else "dee"  # cruz reads Spanish
    answer = await say(app, who, typed, dm(who))
    assert answer.startswith(first)
    assert "+1 555 0100" in answer  # the hotline, all the same
    assert "/report" not in answer and "/reportar" not in answer  # not the whole card
    assert len(answer.splitlines()) == 3


@pytest.mark.parametrize(
    "typed", ["thanks, ICE is at my door", "ok they are here", "gracias pero la migra sigue aquí"]
)
async def test_thanks_with_anything_else_still_gets_the_whole_help(app: App, typed: str) -> None:
    answer = await say(app, "dee", typed, dm("dee"))
    assert "If you or someone near you is in danger now, call:" in answer


async def test_thanks_to_the_bot_in_a_group(app: App) -> None:
    dee = await member(app, "dee")
    replies = await app.router.handle(dee, ORGANIZERS, "thanks!", mentioned=True)
    [answer] = [app.renderer.render(reply.text, "en") for reply in replies]
    assert answer.startswith("You're welcome.")
    assert await app.router.handle(dee, ORGANIZERS, "thanks!") == []  # not addressed to it


# -- "the details are in your direct messages" --------------------------------------------


async def test_accepting_in_a_group_points_to_direct_messages_but_not_inside_one(
    app: App,
) -> None:
    await say(app, "ana", "/detained name: Rosa Díaz; contact: Marta; phone: +1 555 010 0199")
    await say(app, "ana", "/task assign T1 dee", dm("ana"))
    in_group = await say(app, "dee", "/task accept T1", ORGANIZERS)
    assert "The details are in your direct messages." in in_group
    await say(app, "ana", "/detained name: Leo Ruiz; contact: Ana; phone: +1 555 010 0198")
    await say(app, "ana", "/task assign T3 dee", dm("ana"))
    in_dm = await say(app, "dee", "/task accept T3", dm("dee"))
    assert "in your direct messages" not in in_dm
    assert in_dm == "Thank you: T3 is yours.\nThe details follow in the next message."


# -- /dismiss with a reason in free words -------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "reason", "shown"),
    [
        ("/dismiss R1 its just a traffic stop", DismissReason.ROUTINE, "routine presence"),
        ("/dismiss R1 just a trafic stop on 5th", DismissReason.ROUTINE, "routine presence"),
        ("/dismiss R1 agents eating lunch", DismissReason.ROUTINE, "routine presence"),
        ("/dismiss R1 an old video from 2019", DismissReason.FALSE_ALARM, "false alarm"),
        ("/dismiss R1 that's not true", DismissReason.FALSE_ALARM, "false alarm"),
        ("/descartar R1 es mentira", DismissReason.FALSE_ALARM, "false alarm"),
        ("/dismiss R1 couldn't find them", DismissReason.UNVERIFIABLE, "could not verify"),
        ("/dismiss R1 nobody there when I arrived", DismissReason.UNVERIFIABLE, "could not"),
        # "/descartar" is Portuguese too: ben's language stays as it was.
        ("/descartar R1 no pude llegar", DismissReason.UNVERIFIABLE, "could not verify"),
    ],
)
async def test_dismiss_reads_the_reason_from_free_words_and_keeps_them(
    app: App, typed: str, reason: DismissReason, shown: str
) -> None:
    await say(app, "dee", REPORT)
    answer = await say(app, "ben", typed)
    assert shown in answer and "R1" in answer
    report = await app.reports.get(1)
    assert report is not None
    assert (report.state, report.dismiss_reason) == (ReportState.DISMISSED, reason)
    # Every word they gave is the note, not only what came after a keyword.
    assert report.decision_note == typed.split(" ", 2)[2]


@pytest.mark.parametrize(
    "typed", ["/dismiss R1 because", "/dismiss R1 traffic stop, or maybe fake"]
)
async def test_dismiss_without_a_clear_reason_still_asks(app: App, typed: str) -> None:
    await say(app, "dee", REPORT)
    answer = await say(app, "ben", typed)
    assert "Why dismiss it?" in answer
    report = await app.reports.get(1)
    assert report is not None and report.state is ReportState.PENDING


# -- /task verbs as typed -----------------------------------------------------------------


async def offered_to_dee(app: App) -> None:
    await say(app, "ana", "/task add bring water to the vigil", dm("ana"))
    await say(app, "ana", "/task assign T1 dee", dm("ana"))


@pytest.mark.parametrize("typed", ["/tarea acepto T1", "/task acept T1", "/tarea acepté T1"])
async def test_a_conjugated_or_mistyped_verb_is_read_as_meant(app: App, typed: str) -> None:
    await offered_to_dee(app)
    answer = await say(app, "dee", typed, dm("dee"))
    # dee never chose a language, so /tarea also makes the answers Spanish.
    assert any(
        read in answer
        for read in ("(I read “acept” as accept.)", "(Entendí «acepto» como aceptar.)",
                     "(Entendí «acepté» como aceptar.)")
    ), answer  # fmt: skip
    assert "T1" in answer and ("is yours" in answer or "es suya" in answer), answer
    await say(app, "dee", "/lang en", dm("dee"))
    assert "T1: bring water to the vigil · accepted" in await say(app, "dee", "/tasks", dm("dee"))


async def test_asign_with_its_member_and_time_kept(app: App) -> None:
    await say(app, "ana", "/task add bring water to the vigil", dm("ana"))
    answer = await say(app, "ana", "/task asign T1 dee 2h", dm("ana"))
    assert answer.startswith("(I read “asign” as assign.)\nOffered T1 to dee.")
    assert "due" in await say(app, "ana", "/tasks open", dm("ana"))


async def test_a_verb_read_as_meant_and_refused_says_both(app: App) -> None:
    await say(app, "ana", "/task add bring water", dm("ana"))
    answer = await say(app, "dee", "/task acept T1", dm("dee"))
    assert answer.startswith("(I read “acept” as accept.)\n")
    assert "T1" in answer


async def test_an_unknown_verb_still_lists_the_verbs(app: App) -> None:
    answer = await say(app, "ana", "/task frobnicate T1", dm("ana"))
    assert answer.startswith("Write /task followed by one of: add, assign, edit, accept")


# -- names whatever their capitals --------------------------------------------------------


@pytest.mark.parametrize("name", ["Ben", "BEN", "ben"])
async def test_role_finds_a_member_whatever_the_capitals(app: App, name: str) -> None:
    answer = await say(app, "ana", f"/role add {name} organizer", dm("ana"))
    assert answer == "ben now has: organizer and verifier."


async def test_task_assign_finds_a_member_whatever_the_capitals(app: App) -> None:
    await say(app, "ana", "/task add bring water", dm("ana"))
    assert (await say(app, "ana", "/task assign T1 Dee", dm("ana"))).startswith(
        "Offered T1 to dee."
    )


async def test_an_unknown_name_is_still_unknown(app: App) -> None:
    answer = await say(app, "ana", "/role add Zed verifier", dm("ana"))
    assert answer.startswith("I don't know “Zed” yet.")


# -- a Spanish command is answered in Spanish, that once ----------------------------------

HINT = "Para recibir siempre las respuestas en español, envíe /idioma es."


async def test_a_spanish_command_is_answered_in_spanish_that_once(app: App) -> None:
    first = await say(app, "eli", "/ayuda", dm("eli"))
    assert first.startswith("Lo que puedo hacer:") and first.endswith(HINT)
    assert (await member(app, "eli")).language == "en"  # never switched for good
    assert (await say(app, "eli", "/help", dm("eli"))).startswith("What I can do:")
    # The hint once a day at most; the answer still in the words typed.
    again = await say(app, "eli", "/estado", dm("eli"))
    assert HINT not in again and "Para recibir" not in again
    await say(app, "eli", "/idioma es", dm("eli"))  # said: now it is theirs
    assert (await say(app, "eli", "/help", dm("eli"))).startswith("Lo que puedo hacer:")


async def test_an_organizer_relaying_a_spanish_call_keeps_english(app: App) -> None:
    # The tester's s1: a call relayed with /reportar; the organizer chat stays English.
    receipt = await say(app, "ana", "/reportar hay migra en broadway y 1st cerca del juzgado")
    assert receipt.startswith("Gracias. El reporte R1 está con los verificadores.")
    assert (await member(app, "ana")).language == "en"
    stats = await say(app, "ana", "/cifras 2 semanas")  # in the organizer chat
    assert stats == "Te envié las cifras en privado."
    status = await say(app, "ana", "/status")
    assert "R1" in status and "reporte" not in status  # English again
    assert (await member(app, "ana")).language == "en"


async def test_a_slip_of_an_english_command_stays_english(app: App) -> None:
    # The tester's s5: "/practica" for /practice is a slip, not Spanish.
    started = await say(app, "eli", "/practica", dm("eli"))
    assert started.startswith("Let's practise staying silent.") and "Para recibir" not in started
    assert (await member(app, "eli")).language == "en"


async def test_a_chosen_language_is_never_changed_by_a_command(app: App) -> None:
    await say(app, "dee", "/lang en", dm("dee"))
    assert (await say(app, "dee", "/ayuda", dm("dee"))).startswith("What I can do:")


async def test_english_and_shared_words_change_nothing(app: App) -> None:
    for typed in ("/help", "/roles", "/status"):
        assert "I will write to you in" not in await say(app, "eli", typed, dm("eli"))
    assert (await member(app, "eli")).language == "en"


async def test_a_member_the_config_gives_a_language_keeps_it(app: App) -> None:
    # cruz's language is in the config (es); a French command does not change it.
    answer = await say(app, "cruz", "/droits", dm("cruz"))
    assert answer.startswith("CONOZCA SUS DERECHOS")
    assert (await member(app, "cruz")).language == "es"


# -- a slip in a command word: the whole line, corrected, to copy ---------------------------


@pytest.mark.parametrize(
    ("who", "typed", "meant"),
    [
        # The tester's s8, word for word.
        ("ben", "/verfy R1 2 vans agents asking for papers",
         "Did you mean: /verify R1 2 vans agents asking for papers\n"),
        ("ben", "/cliam R1 10", "Did you mean: /claim R1 10\n"),
        ("ben", "/dismis R1 routine agents at lunch",
         "Did you mean: /dismiss R1 routine agents at lunch\n"),
        ("ben", "/reslove R1 they left at 3pm", "Did you mean: /resolve R1 they left at 3pm\n"),
        ("dee", "/retrat R1 wrong street, sorry",
         "Did you mean: /retract R1 wrong street, sorry\n"),
        ("cruz", "/vot R1 10", "Quizás quiso decir: /voy R1 10\n"),
        ("cruz", "/verifcar R1 2 camionetas, piden papeles en la puerta",
         "Quizás quiso decir: /verificar R1 2 camionetas, piden papeles en la puerta\n"),
    ],
)  # fmt: skip
async def test_a_slip_in_a_consequential_command_keeps_the_line_and_runs_nothing(
    app: App, who: str, typed: str, meant: str
) -> None:
    await say(app, "dee", REPORT, dm("dee"))
    answer = await say(app, who, typed, dm(who))
    assert meant in answer, answer
    report = await app.reports.get(1)
    assert report is not None and report.state is ReportState.PENDING  # nothing ran
    assert (await member(app, who)).language == ("es" if who == "cruz" else "en")


async def test_a_practice_started_in_spanish_goes_on_in_spanish(app: App) -> None:
    # The tester's s5, from someone who never chose a language.
    started = await say(app, "eli", "/practicar", dm("eli"))
    assert started.startswith("Practiquemos cómo guardar silencio.")
    coached = await say(app, "eli", "soy de mexico", dm("eli"))
    assert coached.startswith("Cuidado:") and "Agente:" in coached
    assert (await member(app, "eli")).language == "en"
    await say(app, "eli", "/parar", dm("eli"))
    assert (await say(app, "eli", "/help", dm("eli"))).startswith("What I can do:")
