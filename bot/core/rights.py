"""Know-Your-Rights cards, kept as reviewed text files per language.

Rights content is legal guidance that people act on when agents are at the door, so it
lives in plain files a community reviewer can read and correct without Python, each
naming its source and its review status. A card that has not been reviewed says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from bot.i18n import SOURCE_LANGUAGE

REVIEWED = "reviewed"


@dataclass(frozen=True)
class RightsCard:
    language: str
    source: str
    review: str
    text: str

    @property
    def reviewed(self) -> bool:
        return self.review == REVIEWED


class RightsContentError(ValueError):
    pass


def parse_card(language: str, raw: str) -> RightsCard:
    """A card file: a header of `key: value` lines between `---` lines, then the text."""
    lines = raw.strip().splitlines()
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
    text = "\n".join(lines[end + 1 :]).strip()
    if not text:
        raise RightsContentError(f"rights card {language}: the card has no text")
    return RightsCard(language, header["source"], header["review"], text)


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
