"""How complete each catalog is: translated, fuzzy (needs review) and missing lines.

A translator who is unsure of a line marks it `#, fuzzy`. The bot then shows that line
in English (a fuzzy line is left out when the catalog is compiled) until a fluent
reviewer checks it and removes the mark. This module lists those lines, per language,
so they are not forgotten:

    python3 dev.py translations
"""

from __future__ import annotations

import string
import sys
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from bot.i18n import DOMAIN, LOCALES, SOURCE_LANGUAGE, available_languages

MsgId = str | tuple[str, str]


def _fields(text: str) -> set[str]:
    try:
        return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}
    except ValueError:  # an unbalanced brace: no placeholder set can match it
        return {"{"}


def _key(message: Message) -> MsgId:
    return message.id if isinstance(message.id, str) else (message.id[0], message.id[1])


def read_catalog(path: Path, language: str | None = None) -> Catalog:
    """A catalog as the bot reads it; `abort_invalid` turns extra plural forms into errors."""
    with path.open("rb") as handle:
        return read_po(handle, locale=language, abort_invalid=language is not None)


@dataclass
class Coverage:
    language: str
    total: int
    translated: int = 0
    fuzzy: list[MsgId] = field(default_factory=list)  # shown in English until reviewed
    missing: list[MsgId] = field(default_factory=list)  # not in the catalog, or empty
    problems: list[str] = field(default_factory=list)  # placeholders or plural forms wrong


def template_ids() -> set[MsgId]:
    template = read_catalog(LOCALES / f"{DOMAIN}.pot")
    return {_key(message) for message in template if message.id}


def coverage(language: str) -> Coverage:
    wanted = template_ids()
    path = LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    catalog = read_catalog(path, language)
    found = Coverage(language, total=len(wanted))
    expected_forms = get_plural(language).num_plurals
    if catalog.num_plurals != expected_forms:
        found.problems.append(
            f"Plural-Forms says nplurals={catalog.num_plurals}; {language} has {expected_forms}"
        )
    seen: set[MsgId] = set()
    for message in catalog:
        if not message.id:
            continue
        key = _key(message)
        seen.add(key)
        string = message.string or ""
        forms = [string] if isinstance(string, str) else list(string)
        if not all(forms):
            found.missing.append(key)
            continue
        if message.fuzzy:
            found.fuzzy.append(key)
            continue
        found.translated += 1
        source = key if isinstance(key, str) else key[1]
        for form in forms:
            if _fields(form) != _fields(source):
                found.problems.append(f"placeholders differ from the English: {key!r}")
                break
    found.missing += sorted(wanted - seen, key=str)
    return found


def _short(key: MsgId, width: int = 70) -> str:
    text = key if isinstance(key, str) else key[0]
    return text if len(text) <= width else text[: width - 1] + "…"


def report(languages: list[str] | None = None) -> str:
    """A table per language, then every line that needs a reviewer or a translator."""
    codes = languages or sorted(available_languages() - {SOURCE_LANGUAGE})
    results = [coverage(code) for code in codes]
    out = ["language  translated  fuzzy  missing"]
    for result in results:
        done = f"{result.translated}/{result.total}"
        out.append(
            f"{result.language:<9} {done:>10} {len(result.fuzzy):>6} {len(result.missing):>8}"
        )
    for result in results:
        for title, keys in (
            ("needs review (fuzzy: readers see English)", result.fuzzy),
            ("missing (readers see English)", result.missing),
        ):
            if keys:
                out.append(f"{result.language}: {title}:")
                out += [f"  {_short(key)}" for key in keys]
        out += [f"{result.language}: {problem}" for problem in result.problems]
    return "\n".join(out)


def main(argv: list[str]) -> int:
    print(report(argv or None))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
