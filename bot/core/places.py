"""Deciding whether two reports describe the same place.

People under stress write the same corner many ways ("5th & Main", "Main St and 5th
Street"). We reduce a place to a key of its words, ignoring order, accents, filler
words and common abbreviations, and treat equal keys as the same place. Known places
(a federal building) match on their phrases and get a key of their own, so every way
of naming them lands together. Fuzzier matching would merge different corners of one
long street, and a wrongly merged report is worse than a second card for verifiers, so
fuzzy similarity (`possibly_same`) only ever produces a hint for them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

# fmt: off
_FILLER = frozenset({
    # English
    "the", "a", "an", "and", "at", "of", "on", "in", "by", "near", "corner",
    "across", "from", "outside", "front",
    # Spanish
    "y", "la", "el", "los", "las", "de", "del", "en", "cerca", "esquina", "frente",
    "al", "afuera",
})
# fmt: on
_ABBREVIATIONS = {
    "street": "st",
    "avenue": "ave",
    "av": "ave",
    "avenida": "ave",
    "boulevard": "blvd",
    "road": "rd",
    "drive": "dr",
    "lane": "ln",
    "place": "pl",
    "court": "ct",
    "highway": "hwy",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "calle": "st",
}
# Street types are left out of the key: people drop them all the time ("5th & Main"),
# and two streets of one name with different types rarely meet the same corner.
_STREET_TYPES = frozenset({"st", "ave", "blvd", "rd", "dr", "ln", "pl", "ct"})
_ORDINAL = re.compile(r"^(\d+)(st|nd|rd|th|a|o|er|ra)$")


@lru_cache(maxsize=4096)  # every new report is compared with the open ones' places
def words(text: str) -> tuple[str, ...]:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    tokens = re.sub(r"[^\w]+", " ", plain).split()
    result = []
    for token in tokens:
        if token in _FILLER:
            continue
        ordinal = _ORDINAL.match(token)
        if ordinal:
            token = ordinal.group(1)
        result.append(_ABBREVIATIONS.get(token, token))
    return tuple(result)


@dataclass(frozen=True)
class KnownPlace:
    name: str
    phrases: tuple[str, ...]


@dataclass(frozen=True)
class PlaceMatch:
    key: str
    known: KnownPlace | None


def match_place(text: str, known: Sequence[KnownPlace]) -> PlaceMatch:
    tokens = set(words(text))
    for place in known:
        for phrase in place.phrases:
            phrase_words = set(words(phrase))
            if phrase_words and phrase_words <= tokens:
                return PlaceMatch(key="known:" + " ".join(words(place.name)), known=place)
    key = " ".join(sorted(tokens - _STREET_TYPES)) or " ".join(sorted(tokens))
    key = key or " ".join(text.casefold().split())
    return PlaceMatch(key=key, known=None)


# How alike two places must read (0-100, word order and repeats ignored) to be pointed
# out to verifiers as possibly the same place.
SIMILAR = 85


def possibly_same(first: str, second: str) -> bool:
    """Whether two places may be the same one ("Pine & 3rd, outside the church" and
    "Pine and 3rd"), for a hint to verifiers. Different numbers ("5th & Main", "6th &
    Main") are different places however alike the rest reads."""
    a, b = words(first), words(second)
    if not a or not b:
        return False
    numbers_a = {word for word in a if word.isdigit()}
    numbers_b = {word for word in b if word.isdigit()}
    if numbers_a and numbers_b and not numbers_a & numbers_b:
        return False
    return bool(fuzz.token_set_ratio(" ".join(a), " ".join(b)) >= SIMILAR)
