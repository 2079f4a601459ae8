"""The words that answer a yes-or-no question (/still R3 yes), in one place.

English and Spanish for now, compared without case or accents ("Sí", "si", "SI").
The recognised words are moving to per-language data files; this list moves with them.
"""

from __future__ import annotations

import unicodedata

YES_WORDS = frozenset({"yes", "y", "si", "sí", "yeah", "yep"})
NO_WORDS = frozenset({"no", "n", "nope"})


def _fold(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.strip().casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


_YES = frozenset(_fold(word) for word in YES_WORDS)
_NO = frozenset(_fold(word) for word in NO_WORDS)


def parse_yes_no(word: str) -> bool | None:
    """True for yes, False for no, None for anything else."""
    folded = _fold(word).rstrip(".!")
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    return None
