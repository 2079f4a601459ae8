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

from rapidfuzz import fuzz

from bot.core.places import words

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


# How alike a word typed after /duty must read to an area's name or words ("downtwon").
NAMED_SCORE = 80


def named_area(text: str, areas: Sequence[Area]) -> Area | None:
    """The area a member names, by its name or one of its words ("centro" is Downtown),
    accents, capitals and small typos forgiven ("downtwon", "East side"; not in the first
    letter, nor in words under six letters); numbers (zip codes) must be exact."""
    typed = " ".join(words(text))
    if not typed:
        return None
    squeezed = typed.replace(" ", "")
    best: tuple[float, Area] | None = None
    for area in areas:
        for phrase in (area.name, *area.phrases):
            wanted = " ".join(words(phrase))
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
