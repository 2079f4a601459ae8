"""What marks a drill's messages: one line on top of each, in the reader's language.

While a drill runs every message the bot writes says so (`Messenger` marks what goes
through the outbox; the router and Discord mark the answers they show), so nobody
mistakes practice for a raid, in any language.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import Renderer, Text, _

DRILL_BANNER = _("DRILL — PRACTICE")


@dataclass(frozen=True)
class DrillMarked:
    """A message of a drill: the banner, then the message."""

    text: Text

    def render(self, renderer: Renderer, language: str) -> str:
        banner = DRILL_BANNER.render(renderer, language)
        return f"{banner}\n{self.text.render(renderer, language)}"


def drill_marked(text: Text) -> Text:
    """`text` with the drill's banner on top, once."""
    return text if isinstance(text, DrillMarked) else DrillMarked(text)
