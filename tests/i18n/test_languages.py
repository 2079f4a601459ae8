"""Members and chats in their own languages: replies, alerts, dates, right-to-left text."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import App
from bot.config import Config
from bot.i18n import Renderer, When, _, available_languages, neutralise
from tests.conftest import example_data, outbox_rows
from tests.core.test_router import REPORT, dm, say
from tests.fakes.clock import FakeClock

ALL = sorted(available_languages())


@pytest.fixture
async def world(tmp_path: Path, clock: FakeClock) -> AsyncIterator[App]:
    """A network that speaks every supported language, with a bilingual and an Arabic chat."""
    data = example_data()
    data["network"]["languages"] = ["en", *[code for code in ALL if code != "en"]]
    data["console"]["chats"] = [
        {"name": "organizers", "purpose": "organizers", "languages": ["en"]},
        {"name": "alertas", "purpose": "broadcast", "languages": ["es", "en"]},
        {"name": "arabic", "purpose": "broadcast", "languages": ["ar"]},
    ]
    app = await App.start(Config.model_validate(data), tmp_path / "w.sqlite3", clock)
    yield app
    await app.close()


def render(app: App, msgid: str, language: str, **params: object) -> str:
    return Renderer(app.network.zone).render(_(msgid, **params), language)


@pytest.mark.parametrize("language", ALL)
async def test_a_member_who_chooses_a_language_hears_everything_in_it(
    world: App, language: str
) -> None:
    await say(world, "eli", REPORT)
    await say(world, "dee", f"/lang {language}")
    help_text = await say(world, "dee", "/help", dm("dee"))
    assert help_text.startswith(render(world, "What I can do:", language))
    refusal = await say(world, "dee", "/verify R1", dm("dee"))
    assert refusal == render(
        world, "Only verifiers and organizers can verify or dismiss reports.", language
    )
    unknown = await say(world, "dee", "/frobnicate", dm("dee"))
    assert unknown == render(
        world, "I don't know the command /{name}. Send /help to see what I can do.", language,
        name="frobnicate",
    )  # fmt: skip


async def test_a_spanish_speaker_gets_spanish_errors_and_help(world: App) -> None:
    await say(world, "dee", "/idioma es")
    assert (await say(world, "dee", "/ayuda", dm("dee"))).startswith("Lo que puedo hacer:")
    filed = await say(world, "dee", "/reportar qué: 2 camionetas", dm("dee"))
    assert "El reporte R1 está con los verificadores" in filed
    assert "¿Dónde es exactamente, para R1?" in filed
    assert "¿Qué vio y dónde?" in await say(world, "dee", "/reportar", dm("dee"))
    assert "Quizás quiso decir: /reportar\n" in await say(world, "dee", "/reportr", dm("dee"))
    slip = await say(world, "dee", "/reportr la migra", dm("dee"))
    assert "(Leí /reportr como /reportar.)" in slip
    assert "no es un código de reporte" in await say(world, "dee", "/verificar X9", dm("dee"))


async def test_a_bilingual_chat_gets_both_languages_first_one_first(world: App) -> None:
    await say(world, "dee", REPORT)
    await say(world, "ben", "/verify R1")
    [alert] = [
        r for r in await outbox_rows(world.store) if r.kind == "alert" and r.address == "alertas"
    ]
    spanish, english = alert.body.split("\n\n", 1)[0], alert.body
    assert spanish.startswith("ALERTA VERIFICADA R1")
    assert english.index("ALERTA VERIFICADA R1") < english.index("VERIFIED ALERT R1")
    assert "Conozca sus derechos:" in alert.body and "Know your rights:" in alert.body


async def test_arabic_reads_right_to_left_unmangled(world: App) -> None:
    # A place typed in Arabic, with a right-to-left mark, next to Latin codes and numbers.
    place = "شارع\u200f الملك فهد ١٢"
    await say(world, "dee", f"/report where: {place}; what: سيارات بيضاء")
    await say(world, "ben", "/verify R1")
    [alert] = [
        r for r in await outbox_rows(world.store) if r.kind == "alert" and r.address == "arabic"
    ]
    head = render(world, "VERIFIED ALERT {code}: immigration enforcement activity confirmed", "ar",
                  code="R1")  # fmt: skip
    assert alert.body.startswith(head)
    assert head.startswith("تنبيه مؤكد R1")  # the catalog's words, in order, with the code
    assert render(world, "Where: {where}", "ar", where=place) in alert.body
    assert place in alert.body  # the mark and the Arabic-Indic digits survive
    assert neutralise(alert.body) == alert.body  # nothing hidden was added
    assert "اعرف حقوقك:" in alert.body and "+1 555 0100" in alert.body


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Tue, Nov 24"), ("es", "mar, 24 nov"), ("fr", "mar. 24 nov."), ("ar", "الثلاثاء"),
     ("zh", "11月24日"), ("ko", "11월 24일"), ("vi", "24 thg 11"), ("pt", "24 de nov.")],
)  # fmt: skip
def test_dates_are_written_the_readers_way_in_the_networks_time_zone(
    language: str, expected: str
) -> None:
    moment = datetime(2026, 11, 24, 22, 30, tzinfo=UTC)  # 14:30 in Los Angeles
    text = Renderer(ZoneInfo("America/Los_Angeles")).render(When(moment), language)
    assert expected in text, text
    assert "14:30" in text or "2:30" in text, text


def test_date_and_time_are_joined_the_locales_way() -> None:
    moment = datetime(2026, 11, 24, 22, 30, tzinfo=UTC)
    renderer = Renderer(ZoneInfo("America/Los_Angeles"))
    assert renderer.render(When(moment), "en") == "Tue, Nov 24, 2:30\u202fPM"  # CLDR narrow space
    assert "، " in renderer.render(When(moment), "ar")  # the Arabic comma
    assert renderer.render(When(moment), "vi").startswith("14:30")  # time first


async def test_help_shows_the_commands_own_name_in_the_readers_language(world: App) -> None:
    await say(world, "dee", "/langue fr")
    french = await say(world, "dee", "/aide", dm("dee"))
    assert "/report (/signaler): " in french and "/rights (/droits): " in french
    await say(world, "dee", "/lang en")
    assert "/report: " in await say(world, "dee", "/help", dm("dee"))


async def test_role_help_and_refusals_speak_spanish_words(world: App) -> None:
    """A stranger saw "/rol add +15551234567 verifier" and "Use uno de: organizer,
    verifier o volunteer" in Spanish help."""
    await say(world, "ana", "/idioma es", dm("ana"))
    helped = await say(world, "ana", "/ayuda rol", dm("ana"))
    assert "/rol dar +15551234567 verificador" in helped
    usage = await say(world, "ana", "/rol", dm("ana"))
    assert "/rol dar <miembro> <rol> o /rol quitar <miembro> <rol>" in usage
    wrong = await say(world, "ana", "/rol dar eli jefe", dm("ana"))
    assert "organizador, verificador o voluntario" in wrong
