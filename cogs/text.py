"""Making people's text harmless on Discord, and fitting messages into its limits.

The bot never allows pings (bot-wide `AllowedMentions.none()`), but text that *looks*
like a ping or a link still misleads: `@everyone` in an alert, a role mention that
renders as a coloured badge, or a masked link `[official notice](https://evil)` that
hides where it goes. Everything a person wrote is neutralised before it is shown.
"""

from __future__ import annotations

import re

import discord

MESSAGE_LIMIT = 2000
_ZERO_WIDTH = "\u200b"
# <@123>, <@!123>, <@&123>, <#123>, </cmd:123>: all render as live mentions or links.
_MENTION = re.compile(r"<(?=[@#/])")
_BROADCAST = re.compile(r"@(?=(everyone|here)\b)", re.IGNORECASE)


def escape_user_text(text: str) -> str:
    """Show what a person wrote exactly, but with no mention, ping, styling or masked link."""
    escaped = discord.utils.escape_markdown(text, ignore_links=False)
    escaped = _MENTION.sub("<" + _ZERO_WIDTH, escaped)
    return _BROADCAST.sub("@" + _ZERO_WIDTH, escaped)


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Cut a long message at line breaks (or, failing that, hard) into Discord-sized parts."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current or not parts:
        parts.append(current)
    return parts
