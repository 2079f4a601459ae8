"""People's text is shown as they wrote it, but can never rearrange or flood a message."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bot.app import App
from bot.i18n import Raw, Renderer, neutralise
from tests.conftest import outbox_rows
from tests.core.test_router import say

HIDDEN = [chr(c) for c in (*range(9), *range(11, 32), *range(0x7F, 0xA0))]
HIDDEN += [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
RENDERER = Renderer(ZoneInfo("UTC"))


@given(st.text())
def test_nothing_that_reorders_or_hides_text_survives(text: str) -> None:
    cleaned = neutralise(text)
    assert not any(char in cleaned for char in HIDDEN)
    assert "\r" not in cleaned
    assert neutralise(cleaned) == cleaned


@given(st.text(alphabet=st.characters(blacklist_characters=[*HIDDEN, "\r", "\u2028", "\u2029"])))
def test_ordinary_text_is_left_exactly_as_written(text: str) -> None:
    assert neutralise(text) == text


def test_right_to_left_text_keeps_its_marks_and_joiners() -> None:
    arabic = "شارع\u200f الملك فهد\u200c ١٢، سيارات بيضاء"
    assert neutralise(arabic) == arabic
    assert RENDERER.render(Raw(arabic), "en") == arabic


def test_an_override_cannot_reverse_the_rest_of_an_alert() -> None:
    assert neutralise("Main St\u202e yfirev R3\u202c") == "Main St yfirev R3"


def test_long_text_is_cut_with_a_note_in_the_readers_language() -> None:
    text = "word " * 100  # 500 characters
    english = RENDERER.render(Raw(text, limit=50), "en")
    spanish = RENDERER.render(Raw(text, limit=50), "es")
    assert english.startswith("word word") and len(english) < 100
    assert english.endswith("… [451 more characters not shown]")
    assert spanish.endswith("… [451 caracteres más no se muestran]")
    assert RENDERER.render(Raw("short", limit=50), "en") == "short"


async def test_a_long_description_is_cut_in_alerts_and_whole_for_verifiers(app: App) -> None:
    what = "two white vans, agents asking people for papers at the bus stop. " * 12
    await say(app, "dee", f"/report where: 5th & Main; what: {what.strip()}")
    await say(app, "ben", "/verify R1")
    rows = await outbox_rows(app.store)
    card = next(row for row in rows if row.kind == "new_report")
    alert = next(row for row in rows if row.kind == "alert" and row.address == "alerts")
    assert what.strip() in card.body
    assert "more characters not shown]" in alert.body
    assert what.strip() not in alert.body
    assert "Know your rights" in alert.body  # the rights reminder is never cut away
