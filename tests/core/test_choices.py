"""A list of alternatives reads as a choice ("a, b or c"), never as "all of them"."""

from __future__ import annotations

import pytest

from bot.app import App
from tests.core.test_router import dm, say


@pytest.mark.parametrize(
    ("who", "text", "expected"),
    [
        ("ben", "/dismiss R1", "Add a reason: routine, false-alarm, or unverifiable."),
        ("ana", "/role add ben boss", "Use one of: organizer, verifier, or volunteer."),
        ("dee", "/lang xx", "Choose one of: English (en), Español (es), "),
        ("dee", "/lang", ", or Français (fr)."),
        ("dee", "/rights xx", "Available: "),
    ],
)
async def test_alternatives_are_offered_with_or(
    app: App, who: str, text: str, expected: str
) -> None:
    await say(app, "eli", "/report where: 5th & Main")
    reply = await say(app, who, text, dm(who))
    assert expected in reply
    assert ", and " not in reply and " and " not in reply.split(":", 1)[-1]


async def test_spanish_readers_get_o(app: App) -> None:
    await say(app, "eli", "/report where: 5th & Main")
    reply = await say(app, "cruz", "/dismiss R1", dm("cruz"))
    assert "routine, false-alarm o unverifiable" in reply
