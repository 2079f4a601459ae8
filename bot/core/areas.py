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
from functools import lru_cache

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


@lru_cache(maxsize=1024)
def _phrase(phrase: str) -> tuple[tuple[str, ...], str, bool]:
    """A phrase as it is looked for: its words, joined, and whether a typo may match it
    (no numbers, long enough). Kept: the config's phrases are read for every report."""
    wanted = tuple(words(phrase))
    joined = " ".join(wanted)
    fuzzy = not any(word.isdigit() for word in wanted) and len(joined) >= TYPO_MIN_CHARS
    return wanted, joined, fuzzy


def _matches(phrase: str, tokens: tuple[str, ...], present: frozenset[str]) -> bool:
    wanted, joined, fuzzy = _phrase(phrase)
    if not wanted:
        return False
    if present.issuperset(wanted):
        return True
    if not fuzzy:
        return False
    size = len(wanted)
    windows = {" ".join(tokens[i : i + size]) for i in range(max(1, len(tokens) - size + 1))}
    return (
        process.extractOne(joined, windows, scorer=fuzz.ratio, score_cutoff=TYPO_SCORE) is not None
    )


def area_of(texts: Sequence[str], areas: Sequence[Area]) -> Area | None:
    """The first configured area whose phrases the texts name, if any."""
    tokens = tuple(token for text in texts for token in words(text))
    if not tokens:
        return None
    present = frozenset(tokens)
    for area in areas:
        if any(_matches(phrase, tokens, present) for phrase in (area.name, *area.phrases)):
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
