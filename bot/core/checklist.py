"""The verifier's checklist: what to look for before confirming or dismissing a report.

Like the rights cards, it is guidance people act on in the street, so it lives in plain
files a community reviewer can read and correct without Python
(`bot/content/checklist/<language>.md`), each naming its source and review status. The
claimer gets it by direct message, in their language, when they say they are going.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from bot.i18n import SOURCE_LANGUAGE, Raw, Renderer, Text


class ChecklistError(ValueError):
    pass


@dataclass(frozen=True)
class Checklist:
    language: str
    source: str
    review: str
    text: str


def parse_checklist(language: str, raw: str) -> Checklist:
    """A header of `key: value` lines between `---` lines (source, review), then the text."""
    lines = raw.strip().splitlines()
    if not lines or lines[0].strip() != "---" or "---" not in (s.strip() for s in lines[1:]):
        raise ChecklistError(f"checklist {language}: missing the --- header")
    end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    header: dict[str, str] = {}
    for line in lines[1:end]:
        key, sep, value = line.partition(":")
        if not sep:
            raise ChecklistError(f"checklist {language}: header line without ':': {line}")
        header[key.strip().lower()] = value.strip()
    for required in ("source", "review"):
        if not header.get(required):
            raise ChecklistError(f"checklist {language}: header needs '{required}:'")
    text = "\n".join(lines[end + 1 :]).strip()
    if not text:
        raise ChecklistError(f"checklist {language}: the checklist is empty")
    return Checklist(language, header["source"], header["review"], text)


@cache
def checklists() -> dict[str, Checklist]:
    found = {}
    for entry in resources.files("bot.content").joinpath("checklist").iterdir():
        if entry.name.endswith(".md"):
            language = entry.name.removesuffix(".md")
            found[language] = parse_checklist(language, entry.read_text(encoding="utf-8"))
    return found


def checklist_for(language: str) -> Checklist:
    available = checklists()
    return available.get(language) or available[SOURCE_LANGUAGE]


@dataclass(frozen=True)
class ChecklistText:
    """The checklist in the reader's language (English where there is none)."""

    def render(self, renderer: Renderer, language: str) -> str:
        return Raw(checklist_for(language).text).render(renderer, language)


def checklist() -> Text:
    return ChecklistText()
