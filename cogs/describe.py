"""Slash command descriptions, taken from the same catalog entries as /help.

Discord needs them when the command tree is built, before anyone's language is known,
so they are the English text; `CatalogTranslator` gives Discord the other languages.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from discord.app_commands import locale_str

from bot.core.commands import find_command
from bot.i18n import Renderer

DESCRIPTION_LIMIT = 100
_RENDERER = Renderer(ZoneInfo("UTC"))


def describe(command: str) -> locale_str:
    """The English description, carrying its catalog id for the translator."""
    spec = find_command(command)
    if spec is None:
        raise KeyError(f"no such command: {command}")
    text = _RENDERER.render(spec.summary, "en")
    if len(text) > DESCRIPTION_LIMIT:
        text = text[: DESCRIPTION_LIMIT - 1].rstrip() + "…"
    return locale_str(text, msgid=spec.summary.msgid)
