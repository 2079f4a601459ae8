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


# How alike a word typed after /duty must read to an area's name or words ("downtwon").
NAMED_SCORE = 80


def named_area(text: str, areas: Sequence[Area]) -> Area | None:
    """The area a member names, by its name or one of its words ("centro" is Downtown),
    accents, capitals and small typos forgiven ("downtwon", "East side"; not in the first
    letter, nor in words under six letters); numbers (zip codes) must be exact."""
    typed = " ".join(words(text))  # not cached: what members type varies
    if not typed:
        return None
    squeezed = typed.replace(" ", "")
    best: tuple[float, Area] | None = None
    for area in areas:
        for phrase in (area.name, *area.phrases):
            wanted = _phrase(phrase)[1]
            if not wanted:
                continue
            if typed == wanted or squeezed == wanted.replace(" ", ""):
                return area
            whole = wanted.replace(" ", "")
            if any(c.isdigit() for c in whole + squeezed) or min(len(whole), len(squeezed)) < (
                TYPO_MIN_CHARS
            ):
                continue
            if whole[0] != squeezed[0]:  # "westside" is not a typo of "eastside"
                continue
            score = fuzz.ratio(squeezed, whole)
            if score >= NAMED_SCORE and (best is None or score > best[0]):
                best = (score, area)
    return best[1] if best else None
