"""Text commands: who may do what, and a friendly sentence for every bad input."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.core.commands import COMMANDS
from bot.core.models import Conversation, Member, Role, TargetPurpose
from bot.core.router import Reply
from tests.conftest import member, outbox_rows, report_count

ORGANIZERS = Conversation(
    "console", "organizers", is_direct=False, purpose=TargetPurpose.ORGANIZERS
)
ALERTS = Conversation("console", "alerts", is_direct=False, purpose=TargetPurpose.BROADCAST)
REPORT = "/report where: 5th & Main; what: 2 vans; agency: ICE; signs: vans; source: first-hand"


def dm(name: str) -> Conversation:
    return Conversation("console", name, is_direct=True)


async def say(app: App, who: Member | str, text: str, where: Conversation = ORGANIZERS) -> str:
    actor = who if isinstance(who, Member) else await member(app, who)
    replies: list[Reply] = await app.router.handle(actor, where, text)
    return "\n".join(app.renderer.render(r.text, r.language or actor.language) for r in replies)


# The permission matrix for every front end is in tests/test_permission_matrix.py.


# -- bad input ----------------------------------------------------------------------

BAD_INPUT = [
    (
        "dee",
        "/frobnicate",
        "I don't know the command /frobnicate",
        "No conozco el comando /frobnicate",
    ),
    ("ben", "/verify", "Which report? Add its code", "¿Qué reporte? Agregue su código"),
    ("ben", "/verify X9", "“X9” is not a report code", "«X9» no es un código de reporte"),
    ("ben", "/verify R99", "There is no report R99", "No existe el reporte R99"),
    (
        "ben",
        "/dismiss R1",
        "Why dismiss it? Add a reason: routine, false-alarm, or unverifiable",
        "¿Por qué descartarlo? Agregue un motivo: routine, false-alarm o unverifiable",
    ),
    ("ben", "/dismiss R1 because", "Why dismiss it?", "¿Por qué descartarlo?"),
    ("dee", "/report", "What did you see, and where?", "¿Qué vio y dónde?"),
    ("dee", "/report   ;  ", "What did you see, and where?", "¿Qué vio y dónde?"),
    (
        "dee",
        "/report " + "x" * 2001,
        "That message is too long (2009 characters; the limit is 2000)",
        "Ese mensaje es demasiado largo (2009 caracteres; el límite es 2000)",
    ),
    ("ana", "/correct R1", "Say what to correct", "Diga qué hay que corregir"),
    (
        "dee",
        "/lang xx",
        "I can't write in “xx” yet. Choose one of: English (en), Español (es), 中文（简体） (zh)",
        "Todavía no puedo escribir en «xx». Elija uno de: English (en), Español (es), 中文",
    ),
    (
        "dee",
        "/rights zz",
        "I don't have a rights card in “zz”",
        "No tengo la tarjeta de derechos en «zz»",
    ),
    (
        "dee",
        "/help frobnicate",
        "I don't know the command /frobnicate",
        "No conozco el comando /frobnicate",
    ),
    (
        "dee",
        "/verify R1",
        "Only verifiers and organizers can verify or dismiss reports.",
        "Solo verificadores y organizadores pueden verificar o descartar reportes.",
    ),
]


@pytest.mark.parametrize(("who", "text", "english", "spanish"), BAD_INPUT)
async def test_bad_input_gets_one_friendly_sentence_and_changes_nothing(
    app: App, who: str, text: str, english: str, spanish: str
) -> None:
    await say(app, "eli", REPORT)  # R1 exists, pending
    before = (await report_count(app.store), await outbox_rows(app.store), await app.reports.get(1))
    assert english in await say(app, who, text)
    actor = await member(app, who)
    await app.members.set_language(actor, "es")
    assert spanish in await say(app, who, text)
    after = (await report_count(app.store), await outbox_rows(app.store), await app.reports.get(1))
    assert after == before


async def test_a_decision_on_a_decided_report_in_spanish(app: App) -> None:
    await say(app, "dee", REPORT)
    await say(app, "ben", "/verify R1")
    reply = await say(app, "cruz", "/verificar R1")
    assert reply.startswith("R1 ya fue decidido: verificado por ben")


async def test_an_unexpected_error_is_an_apology_and_nothing_is_written(
    app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def explode(*_args: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("storage.audit.SqliteAudit.record", explode)
    reply = await say(app, "dee", REPORT)
    assert reply.startswith("Something went wrong on my side and nothing was changed.")
    assert await report_count(app.store) == 0
    assert await outbox_rows(app.store) == []


# -- conversation rules ---------------------------------------------------------------


async def test_ordinary_group_chatter_is_ignored_and_a_dm_gets_a_hint(app: App) -> None:
    assert await say(app, "dee", "anyone seen the vans?", ALERTS) == ""
    assert "If you or someone near you is in danger now, call:" in await say(
        app, "dee", "hello?", dm("dee")
    )


async def test_pending_reports_stay_in_the_organizer_chat(app: App) -> None:
    await say(app, "dee", REPORT)
    await say(app, "eli", "/report where: Oak & 9th")
    await say(app, "ben", "/verify R2")
    organizer_view = await say(app, "ana", "/status")
    assert "R1 · 5th & Main · waiting for a verifier" in organizer_view
    assert "R2 · Oak & 9th · verified" in organizer_view
    volunteer_view = await say(app, "eli", "/status", ALERTS)
    assert "R2" in volunteer_view and "R1" not in volunteer_view and "5th" not in volunteer_view
    verifier_in_public = await say(app, "ben", "/status", ALERTS)
    assert "R1" not in verifier_in_public
    assert "only shown in the organizer chat" in verifier_in_public
    assert "R1 · 5th & Main" in await say(app, "ben", "/status", dm("ben"))


async def test_status_with_nothing_going_on(app: App) -> None:
    reply = await say(app, "ana", "/status")
    assert "No active alerts right now." in reply
    assert "No reports are waiting for a verifier." in reply


async def test_lang_changes_the_language_of_every_later_reply(app: App) -> None:
    assert "I write to you in English" in await say(app, "dee", "/lang")
    assert await say(app, "dee", "/lang es") == (
        "Desde ahora le escribiré en español.\nEsta traducción todavía no ha sido revisada por "
        "la comunidad. Si algo suena mal, avise a una persona organizadora."
    )
    assert "Gracias. El reporte R1 está con los verificadores." in await say(app, "dee", REPORT)
    assert await say(app, "dee", "/idioma en") == "From now on I will write to you in English."


async def test_rights_card_in_my_language_or_the_one_asked(app: App) -> None:
    english = await say(app, "dee", "/rights")
    assert english.startswith("KNOW YOUR RIGHTS")
    assert "is not a judge's warrant" in english
    assert "+1 555 0100" in english
    assert "has not been reviewed by the community yet" in english
    spanish = await say(app, "dee", "/rights es")
    assert spanish.startswith("CONOZCA SUS DERECHOS")
    assert "todavía no ha sido revisada" in spanish
    assert (await say(app, "cruz", "/derechos")).startswith("CONOZCA SUS DERECHOS")


async def test_hotline(app: App) -> None:
    assert await say(app, "eli", "/hotline") == "Call Rapid response hotline: +1 555 0100 (24/7)"
    assert await say(app, "cruz", "/hotline") == (
        "Llame a Línea de respuesta rápida: +1 555 0100 (24 horas, todos los días)"
    )


async def test_help_shows_each_role_its_commands_with_examples(app: App) -> None:
    volunteer = await say(app, "dee", "/help")
    assert "/report:" in volunteer and "Example: /report where:" in await say(
        app, "dee", "/help report"
    )
    assert "/verify" not in volunteer and "/correct" not in volunteer
    verifier = await say(app, "ben", "/help")
    assert "/verify:" in verifier and "/correct" not in verifier
    organizer = await say(app, "ana", "/help")
    missing = [spec.name for spec in COMMANDS if f"/{spec.name}:" not in organizer]
    assert missing == []  # organizers see every command there is
    assert "Ejemplo: /verificar R3" in await say(app, "cruz", "/ayuda verify")
    spanish_report = await say(app, "cruz", "/ayuda reportar")
    assert "Ejemplo: /reportar dónde: 5th & Main; qué: " in spanish_report


async def test_receipts_for_new_corroborating_and_repeated_reports(app: App) -> None:
    assert "Report R1 is with the verifiers" in await say(app, "dee", REPORT)
    assert "This matches report R1 (waiting for a verifier)" in await say(
        app, "eli", "/report where: Main and 5th", dm("eli")
    )
    assert "You already reported this place as R1" in await say(app, "dee", REPORT)


async def test_a_report_typed_in_a_broadcast_chat_is_taken_and_steered_to_dm(app: App) -> None:
    reply = await say(app, "dee", REPORT, ALERTS)
    assert "Report R1 is with the verifiers" in reply
    assert "Next time, please send reports to me in a direct message" in reply
    assert "Next time" not in await say(app, "eli", "/report where: Oak", dm("eli"))


async def test_report_fields_are_understood_in_spanish(app: App) -> None:
    await say(
        app,
        "cruz",
        "/reportar dónde: 5th y Main; qué: dos camionetas; agencia: la migra; "
        "señales: camionetas, carpas; fuente: primera mano; fotos: a.jpg b.jpg",
    )
    report = await app.reports.get(1)
    assert (report.where, report.what, report.agency.value) == (
        "5th y Main",
        "dos camionetas",
        "ice",
    )
    assert [s.value for s in report.signs] == ["buses", "tents"]
    assert report.source is not None and report.source.value == "first-hand"
    assert report.media == ("a.jpg", "b.jpg")


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("/person", "Which person? Add their code"),
        ("/PERSON", "Which person? Add their code"),
        # One letter from ana's own /person: a slip, so still English.
        ("/persona   ", "Which person? Add their code"),
    ],
)
async def test_person_without_a_code_asks_for_one(app: App, text: str, asked: str) -> None:
    assert asked in await say(app, "ana", text, dm("ana"))


# -- broadcast chats: the whole network reads them --------------------------------


@pytest.mark.parametrize(
    ("who", "text"),
    [("ana", "/role add eli organizer"), ("ana", "/roles"), ("eli", "/tasks"),
     ("ana", "/tasks open"), ("ben", "/verify R1"), ("ana", "/person P1"),
     ("ana", "/task assign T1 eli")],
)  # fmt: skip
async def test_a_broadcast_chat_never_hears_who_has_which_role_or_task(
    app: App, who: str, text: str
) -> None:
    await say(app, "dee", REPORT)
    answer = await say(app, who, text, ALERTS)
    command = text.split()[0]
    assert answer == (
        f"Everyone in the network reads this chat, so I do not answer {command} here. "
        "Send it to me in a direct message, or in the organizer chat."
    )
    assert "R1 is verified" not in answer
    assert (await member(app, "eli")).roles == frozenset({Role.VOLUNTEER})


async def test_a_broadcast_chat_is_told_in_its_languages_and_public_commands_still_work(
    app: App,
) -> None:
    alertas = Conversation("console", "alertas", is_direct=False, purpose=TargetPurpose.BROADCAST)
    await say(app, "cruz", "/idioma es", dm("cruz"))
    answer = await say(app, "cruz", "/rol quitar ben verificador", alertas)
    assert "todos en la red leen este chat" in answer.lower()
    assert "Call Rapid response hotline" in await say(app, "eli", "/hotline", ALERTS)
    assert "Report R1" in await say(app, "eli", "/report ICE at the Food Lion on Broad St", ALERTS)
