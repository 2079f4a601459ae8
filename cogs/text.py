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
ELLIPSIS = "…"
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


def fit_parts(body: str, ending: str, count: int, limit: int = MESSAGE_LIMIT) -> list[str]:
    """`body` and then `ending`, in exactly `count` messages of at most `limit` each.

    For a card already posted in `count` parts that now shows its decision: the decision
    (`ending`) is what the reader needs, so it is kept whole; if the two cannot fit,
    the end of the body gives way (marked with an ellipsis). The parts are cut at line
    breaks where possible, and none is empty (Discord refuses an empty message).
    """
    if len(ending) > limit:
        ending = ending[: limit - 1] + ELLIPSIS  # the decision is also posted on its own
    kept = body
    while True:
        parts = split_message(f"{kept}\n\n{ending}" if kept else ending, limit)
        if len(parts) <= count:
            break
        spill = sum(len(part) for part in parts[count:]) + 2
        kept = kept[: max(len(kept) - spill - len(ELLIPSIS), 0)].rstrip()
        kept = kept + ELLIPSIS if kept else ""
    while len(parts) < count:
        # The text got shorter than when it was posted: cut a part at a line break, the
        # longest part first; never inside a line (the decision stays in one piece).
        halves = next(
            (
                (index, cut)
                for index in sorted(range(len(parts)), key=lambda i: -len(parts[i]))
                if (cut := _halves(parts[index])) is not None
            ),
            None,
        )
        if halves is None:
            parts.append(ELLIPSIS)  # nothing left to cut: a mark, never an empty message
            continue
        index, pieces = halves
        parts[index : index + 1] = pieces
    return parts


def _halves(text: str) -> list[str] | None:
    """`text` cut in two non-empty pieces at the line break nearest its middle, if any."""
    breaks = [
        i
        for i, char in enumerate(text)
        if char == "\n" and text[:i].strip() and text[i + 1 :].strip()
    ]
    if not breaks:
        return None
    cut = min(breaks, key=lambda i: abs(i - len(text) // 2))
    return [text[:cut], text[cut + 1 :]]
