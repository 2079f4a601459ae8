"""Know-Your-Rights cards, kept as reviewed text files per language.

Rights content is legal guidance that people act on when agents are at the door, so it
lives in plain files a community reviewer can read and correct without Python, each
naming its source and its review status. A card that has not been reviewed says so.

Everything the bot says about rights comes from these files, the lines people read
most included: a card marks the short lines that go into every broadcast alert
(`=== alert ===`) and the three most urgent ones (`=== urgent ===`: do not open the
door, remain silent, do not sign anything), so whoever reviews the cards reviews those
too. `alert_reminder()` and `urgent_reminder()` are texts that render in each reader's
language; `alert_lines(language)` and `urgent_lines(language)` are the bare lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

from bot.i18n import SOURCE_LANGUAGE, Raw, Renderer, Text

REVIEWED = "reviewed"


# The lines that start each part of a card after the short one. They are the same in
# every language, so translators copy them as they are.
MORE_MARKER = "=== more ==="
ALERT_MARKER = "=== alert ==="
URGENT_MARKER = "=== urgent ==="
PRACTICE_MARKER = "=== practice ==="
_PARTS = {
    ALERT_MARKER: "alert",
    URGENT_MARKER: "urgent",
    MORE_MARKER: "more",
    PRACTICE_MARKER: "practice",
}
_MARKER = re.compile(r"^===.*===$")
BULLET = "•"
# The urgent lines, in this order: do not open the door; remain silent; do not sign.
URGENT_COUNT = 3
# The practice role-play (/practice): what the agent says, in this order, each followed
# by the coach's praise for staying silent and the rights line a wrong answer breaks.
PRACTICE_KINDS = ("born", "status", "door", "entry", "sign")
AGENT, PRAISE, CORRECTION = ">", "+", "!"


@dataclass(frozen=True)
class PracticeStep:
    agent: str  # what the agent says ("Where were you born?")
    praise: str  # said after silence or a rights line
    correction: str  # the rights line an answer broke, said gently


@dataclass(frozen=True)
class RightsCard:
    language: str
    source: str
    review: str
    text: str  # the short card
    more: str  # the longer card, with advice for bystanders
    alert_heading: str  # "Know your rights:", above the alert lines
    alert_lines: tuple[str, ...]  # the points in every broadcast alert, without bullets
    urgent_lines: tuple[str, ...]  # door, silence, signing: for someone in danger now
    practice_intro: str = ""  # how the role-play starts
    practice: tuple[PracticeStep, ...] = ()  # one step per PRACTICE_KINDS, in that order

    @property
    def reviewed(self) -> bool:
        return self.review == REVIEWED


class RightsContentError(ValueError):
    pass


def _header(language: str, lines: list[str]) -> tuple[dict[str, str], list[str]]:
    if not lines or lines[0].strip() != "---" or "---" not in (line.strip() for line in lines[1:]):
        raise RightsContentError(f"rights card {language}: missing the --- header")
    end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    header: dict[str, str] = {}
    for line in lines[1:end]:
        key, sep, value = line.partition(":")
        if not sep:
            raise RightsContentError(f"rights card {language}: header line without ':': {line}")
        header[key.strip().lower()] = value.strip()
    for required in ("source", "review"):
        if not header.get(required):
            raise RightsContentError(f"rights card {language}: header needs '{required}:'")
    return header, lines[end + 1 :]


def _parts(language: str, body: list[str]) -> dict[str, list[str]]:
    """The short card ("short"), then each part under its marker line."""
    parts: dict[str, list[str]] = {"short": []}
    current = "short"
    for line in body:
        marker = line.strip()
        if _MARKER.match(marker):
            if marker not in _PARTS:
                raise RightsContentError(
                    f"rights card {language}: unknown line {marker}; "
                    f"the parts are {', '.join(_PARTS)}"
                )
            current = _PARTS[marker]
            if current in parts:
                raise RightsContentError(f"rights card {language}: {marker} appears twice")
            parts[current] = []
        else:
            parts[current].append(line)
    for marker, name in _PARTS.items():
        if name not in parts:
            raise RightsContentError(f"rights card {language}: the card needs a line {marker}")
    return parts


def _points(language: str, marker: str, lines: list[str]) -> tuple[str, ...]:
    points = []
    for line in lines:
        if not line.startswith(BULLET) or not line.removeprefix(BULLET).strip():
            raise RightsContentError(
                f"rights card {language}: under {marker}, each line is one point "
                f"starting with {BULLET}: {line}"
            )
        points.append(line.removeprefix(BULLET).strip())
    return tuple(points)


def _practice(language: str, lines: list[str]) -> tuple[str, tuple[PracticeStep, ...]]:
    """The intro, then for each of PRACTICE_KINDS three lines: `> ` what the agent says,
    `+ ` the praise for staying silent, `! ` the correction."""
    shown = [line.strip() for line in lines if line.strip()]
    first = next((i for i, line in enumerate(shown) if line.startswith(AGENT)), len(shown))
    intro, rest = shown[:first], shown[first:]
    prefixes = (AGENT, PRAISE, CORRECTION) * len(PRACTICE_KINDS)
    if (
        not intro
        or len(rest) != len(prefixes)
        or any(
            not line.startswith(prefix) or not line.removeprefix(prefix).strip()
            for line, prefix in zip(rest, prefixes, strict=True)
        )
    ):
        raise RightsContentError(
            f"rights card {language}: under {PRACTICE_MARKER}, an introduction, then "
            f"{len(PRACTICE_KINDS)} questions, each as three lines: {AGENT} what the agent "
            f"says, {PRAISE} praise for staying silent, {CORRECTION} the rights line a "
            "wrong answer breaks (where you were born, status, the door, how you entered, "
            "signing, in that order)"
        )
    steps = tuple(
        PracticeStep(*(line[1:].strip() for line in rest[index : index + 3]))
        for index in range(0, len(rest), 3)
    )
    return "\n".join(intro), steps


def parse_card(language: str, raw: str) -> RightsCard:
    """A card file: a header of `key: value` lines between `---` lines, the short card,
    then the alert lines, the urgent lines, the longer card and the practice role-play,
    each under its marker."""
    header, body = _header(language, raw.strip().splitlines())
    parts = _parts(language, body)
    text, more = "\n".join(parts["short"]).strip(), "\n".join(parts["more"]).strip()
    if not text or not more:
        raise RightsContentError(f"rights card {language}: the short or the longer card is empty")
    alert = [line.strip() for line in parts["alert"] if line.strip()]
    if len(alert) < 2 or alert[0].startswith(BULLET):
        raise RightsContentError(
            f"rights card {language}: under {ALERT_MARKER}, a heading line, then the points "
            f"for alerts, one per line starting with {BULLET}"
        )
    urgent = [line.strip() for line in parts["urgent"] if line.strip()]
    if len(urgent) != URGENT_COUNT:
        raise RightsContentError(
            f"rights card {language}: under {URGENT_MARKER}, exactly {URGENT_COUNT} lines "
            "(do not open the door; remain silent; do not sign anything), "
            f"found {len(urgent)}"
        )
    intro, steps = _practice(language, parts["practice"])
    return RightsCard(
        language,
        header["source"],
        header["review"],
        text,
        more,
        alert_heading=alert[0],
        alert_lines=_points(language, ALERT_MARKER, alert[1:]),
        urgent_lines=_points(language, URGENT_MARKER, urgent),
        practice_intro=intro,
        practice=steps,
    )


@cache
def cards() -> dict[str, RightsCard]:
    found = {}
    for entry in resources.files("bot.content").joinpath("rights").iterdir():
        if entry.name.endswith(".md"):
            language = entry.name.removesuffix(".md")
            found[language] = parse_card(language, entry.read_text(encoding="utf-8"))
    return found


def card_for(language: str) -> RightsCard:
    available = cards()
    return available.get(language) or available[SOURCE_LANGUAGE]


def alert_lines(language: str) -> tuple[str, ...]:
    """The points every broadcast alert carries, in `language` (English without a card)."""
    return card_for(language).alert_lines


def urgent_lines(language: str) -> tuple[str, ...]:
    """Do not open the door; remain silent; do not sign anything: in `language`, in
    that order (English without a card)."""
    return card_for(language).urgent_lines


@dataclass(frozen=True)
class CardLines:
    """Lines of the rights card, in each reader's language when the text is rendered,
    so one alert reads right in every chat it goes to."""

    part: Literal["alert", "urgent"]

    def render(self, renderer: Renderer, language: str) -> str:
        card = card_for(language)
        heading = [card.alert_heading] if self.part == "alert" else []
        points = card.alert_lines if self.part == "alert" else card.urgent_lines
        shown = [*heading, *(f"{BULLET} {point}" for point in points)]
        return "\n".join(Raw(line).render(renderer, language) for line in shown)


def alert_reminder() -> Text:
    """The card's heading and alert lines, as they end every broadcast alert."""
    return CardLines("alert")


def urgent_reminder() -> Text:
    """The three urgent lines, one per line with a bullet, for someone in danger now."""
    return CardLines("urgent")
