"""Areas: neighbourhoods, zip codes, cross streets that place a report somewhere.

Optional (`[[areas]]` in the config). A report placed in an area is offered first to
the verifiers on duty for it, and its alert goes to the chats that cover it plus the
network-wide chats (those that list no area); a report in no known area goes
everywhere, as without areas. This keeps each Signal group under its member cap and
each neighbourhood's alerts about that neighbourhood.

A report is placed by the words of its place and description: an area matches when
all the words of one of its phrases are there (order, accents, "St"/"Street" ignored,
as for known places), or, for a phrase of letters, when it is there with a typo
(rapidfuzz); numbers (zip codes, street numbers) must match exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.core.places import words
from bot.i18n.words import fold

# How alike (0-100) a phrase of letters must read to the report's words to count.
TYPO_SCORE = 88
# Shorter phrases must match exactly: "Elm" is not "Elk".
TYPO_MIN_CHARS = 6


@dataclass(frozen=True)
class Area:
    name: str
    phrases: tuple[str, ...]


def _matches(phrase: str, tokens: tuple[str, ...]) -> bool:
    wanted = words(phrase)
    if not wanted:
        return False
    present = set(tokens)
    if set(wanted) <= present:
        return True
    if any(word.isdigit() for word in wanted) or len(" ".join(wanted)) < TYPO_MIN_CHARS:
        return False
    size = len(wanted)
    windows = {" ".join(tokens[i : i + size]) for i in range(max(1, len(tokens) - size + 1))}
    return any(fuzz.ratio(" ".join(wanted), window) >= TYPO_SCORE for window in windows)


def area_of(texts: Sequence[str], areas: Sequence[Area]) -> Area | None:
    """The first configured area whose phrases the texts name, if any."""
    tokens = tuple(token for text in texts for token in words(text))
    if not tokens:
        return None
    for area in areas:
        if any(_matches(phrase, tokens) for phrase in (area.name, *area.phrases)):
            return area
    return None


def find_area(name: str, areas: Sequence[Area]) -> Area | None:
    """The area a member named ("eastside", "East side", "eastsid")."""
    by_name = {fold(area.name).replace(" ", ""): area for area in areas}
    typed = fold(name).replace(" ", "")
    if typed in by_name:
        return by_name[typed]
    near = process.extractOne(typed, list(by_name), scorer=fuzz.ratio, score_cutoff=90)
    return by_name[near[0]] if near else None
