"""Finding the words files' phrases in what people type, whole words in a row, each
word forgiving a slip of the thumb ("i wnat a lawyr", "its just a trafic stop")."""

from __future__ import annotations

import re
from functools import cache

from rapidfuzz.distance import OSA

from bot.i18n.words import fold, vocabulary

# Scripts written without spaces between words: a phrase is found inside the text.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


@cache
def _phrases(section: str, key: str) -> tuple[tuple[str, ...], ...]:
    """The section's words for `key`, in every language, each as its folded words."""
    typed = vocabulary().words(section).get(key, ())
    return tuple(tuple(fold(word).split()) for word in typed if fold(word))


def close(typed: str, word: str) -> bool:
    """The same word, or one slip away from it (two for long words); words shorter than
    four letters must be exact ("not" is not "now")."""
    if typed == word:
        return True
    if len(word) < 4:
        return False
    return bool(OSA.distance(typed, word) <= (1 if len(word) < 8 else 2))


def _at(said: list[str], start: int, phrase: tuple[str, ...]) -> bool:
    return start + len(phrase) <= len(said) and all(
        close(said[start + i], word) for i, word in enumerate(phrase)
    )


def _exact(said: list[str], start: int, phrase: tuple[str, ...]) -> bool:
    return tuple(said[start : start + len(phrase)]) == phrase


def says(text: str, section: str, key: str) -> bool:
    """Whether `text` says one of the phrases for `key` ("not sign" is not found in "I
    will sign": a phrase is its words in a row)."""
    folded = fold(text)
    said = folded.split()
    for phrase in _phrases(section, key):
        if _UNSPACED.search(phrase[0]) and " ".join(phrase) in folded:
            return True
        if any(_at(said, start, phrase) for start in range(len(said))):
            return True
    return False


def which(text: str, section: str) -> set[str]:
    """Every key of `section` whose phrases `text` says."""
    return {key for key in vocabulary().keys(section) if says(text, section, key)}


def only(text: str, section: str) -> set[str]:
    """The keys of the section's phrases when `text` is nothing but them ("ok thanks!",
    "gracias"); empty when anything else is in it."""
    said, start, keys = fold(text).split(), 0, set()
    while start < len(said):
        # The longest phrase that starts here; as typed rather than a slip away from it
        # ("vale" is Spanish for ok, not Portuguese "valeu" mistyped).
        found = max(
            (
                (len(phrase), _exact(said, start, phrase), key)
                for key in vocabulary().keys(section)
                for phrase in _phrases(section, key)
                if _at(said, start, phrase)
            ),
            default=None,
        )
        if found is None:
            return set()
        start += found[0]
        keys.add(found[2])
    return keys
