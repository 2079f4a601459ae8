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


# The line that separates the short card (a phone screen) from the longer one. It is
# the same in every language, so translators copy it as it is.
MORE_MARKER = "=== more ==="


@dataclass(frozen=True)
class RightsCard:
    language: str
    source: str
    review: str
    text: str  # the short card
    more: str  # the longer card, with advice for bystanders

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
    body = lines[end + 1 :]
    if MORE_MARKER not in (line.strip() for line in body):
        raise RightsContentError(
            f"rights card {language}: the longer card needs a line {MORE_MARKER}"
        )
    split = next(i for i, line in enumerate(body) if line.strip() == MORE_MARKER)
    text, more = "\n".join(body[:split]).strip(), "\n".join(body[split + 1 :]).strip()
    if not text or not more:
        raise RightsContentError(f"rights card {language}: the short or the longer card is empty")
    return RightsCard(language, header["source"], header["review"], text, more)


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
