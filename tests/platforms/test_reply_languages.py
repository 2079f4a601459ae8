"""A reply in a group chat is read by the whole chat: it comes in the chat's languages
as well as the member's (console; Signal is in tests/platforms/signal)."""

from __future__ import annotations

from bot.core.models import Member, Target, TargetPurpose
from bot.core.replies import Reply, reply_languages
from bot.i18n import _
from tests.fakes.chat import ChatHarness, in_chat

HOTLINE_EN = "Call Rapid response hotline: +1 555 0100 (24/7)"
HOTLINE_ES = "Llame a Línea de respuesta rápida: +1 555 0100 (24 horas, todos los días)"


async def test_a_member_answered_in_a_chat_of_another_language_is_read_by_both(
    chat: ChatHarness,
) -> None:
    # dee reads English and asks in alertas, a Spanish chat.
    assert in_chat(await chat.say("dee@alertas: /hotline"), "alertas") == (
        f"{HOTLINE_EN}\n\n{HOTLINE_ES}"
    )
    # cruz reads Spanish and asks in the English organizer chat.
    assert in_chat(await chat.say("cruz@organizers: /verificar R9"), "organizers") == (
        "No existe el reporte R9. Envíe /estado para ver los reportes abiertos.\n\n"
        "There is no report R9. Send /status to see open reports."
    )


async def test_a_chat_that_reads_the_members_language_and_a_dm_get_it_alone(
    chat: ChatHarness,
) -> None:
    assert in_chat(await chat.say("dee@alerts: /hotline"), "alerts") == HOTLINE_EN
    assert in_chat(await chat.say("cruz@alertas: /linea"), "alertas") == HOTLINE_ES
    assert in_chat(await chat.say("dee@dm: /hotline"), "dm:dee") == HOTLINE_EN


async def test_the_rights_card_in_a_group_is_in_every_language_read_there(
    chat: ChatHarness,
) -> None:
    both = in_chat(await chat.say("dee@alertas: /rights"), "alertas")
    assert both.startswith("KNOW YOUR RIGHTS\n")
    assert "\n\nCONOZCA SUS DERECHOS\n" in both and HOTLINE_ES in both
    # A card asked for in one language is that language alone.
    french = in_chat(await chat.say("dee@alertas: /rights fr"), "alertas")
    assert french.startswith("CONNAISSEZ VOS DROITS") and "CONOZCA" not in french


def test_reply_languages() -> None:
    member = Member(id=1, platform="console", external_id="dee", language="en")
    bilingual = Target("console", "c", TargetPurpose.BROADCAST, ("es", "fr"), "c")
    reply = Reply(_("Hello"))
    assert reply_languages(reply, member, None) == ("en",)
    assert reply_languages(reply, member, bilingual) == ("en", "es", "fr")
    english = Target("console", "e", TargetPurpose.GENERAL, ("fr", "en"), "e")
    assert reply_languages(reply, member, english) == ("en",)
    assert reply_languages(Reply(_("Hello"), language="ko"), member, bilingual) == ("ko",)
