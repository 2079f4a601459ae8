"""Hotlines as each reader sees them: the label and hours in their language, the number
readable (grouped, and in one piece inside right-to-left text)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from bot.core.network import HotlineInfo
from bot.core.phone_numbers import readable
from bot.core.rendering import hotline_line
from bot.i18n import Renderer
from tests.fakes.chat import ChatHarness, in_chat

RENDERER = Renderer(ZoneInfo("America/Los_Angeles"))
HOTLINE = HotlineInfo(
    "Rapid response hotline",
    "+1 555 0100",
    "24/7",
    label_by_language=(("es", "Línea de respuesta rápida"),),
    hours_by_language=(("es", "24 horas"),),
)


def test_the_label_and_hours_follow_the_reader_and_default_to_the_config() -> None:
    assert RENDERER.render(hotline_line(HOTLINE), "en") == (
        "Call Rapid response hotline: +1 555 0100 (24/7)"
    )
    assert RENDERER.render(hotline_line(HOTLINE), "es") == (
        "Llame a Línea de respuesta rápida: +1 555 0100 (24 horas)"
    )
    # No label in Chinese: the config's own, in a Chinese sentence.
    assert RENDERER.render(hotline_line(HOTLINE), "zh") == (
        "拨打 Rapid response hotline：+1 555 0100（24/7）"
    )
    no_hours = HotlineInfo("Legal aid", "+1 555 0199")
    assert RENDERER.render(hotline_line(no_hours), "fr") == "Appelez Legal aid : +1 555 0199"


async def test_each_alert_chat_sees_the_label_in_its_language(chat: ChatHarness) -> None:
    await chat.say("dee@organizers: /report where: 5th & Main; what: 2 vans; source: first-hand")
    lines = await chat.say("ben@organizers: /verify R1")
    assert "Call Rapid response hotline: +1 555 0100 (24/7)" in in_chat(lines, "alerts")
    assert "Llame a Línea de respuesta rápida: +1 555 0100 (24 horas, todos los días)" in (
        in_chat(lines, "alertas")
    )


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("+12135550100", "+1 213-555-0100"),  # one run of digits: grouped
        ("2135550100", "(213) 555-0100"),  # no country code: a US number
        ("+442079460000", "+44 20 7946 0000"),
        ("+1 555 0100", "+1 555 0100"),  # grouped by the operator: as written
        ("(213) 555-0100", "(213) 555-0100"),
        ("211", "211"),  # a short code stays a short code
    ],
)
def test_numbers_are_shown_readably(written: str, shown: str) -> None:
    assert readable(written) == shown


def test_a_number_stays_in_one_piece_in_right_to_left_text() -> None:
    arabic = RENDERER.render(hotline_line(HotlineInfo("خط", "+12135550100")), "ar")
    assert "\u200e+1 213-555-0100\u200e" in arabic
    assert "\u200e" not in RENDERER.render(hotline_line(HotlineInfo("Line", "+12135550100")), "en")
