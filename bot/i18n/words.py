"""The words people type, per language, kept as data beside the catalogs.

Each language has a `locales/<code>/words.toml`: the names of commands, the labels of
fields (`where:`, `dónde:`), agencies, warning signs, sources, dismissal reasons, task
verbs, yes and no, and the names of languages. A community member adds the words of
their language by editing that file; no Python is involved (see docs/TRANSLATING.md).

Every section maps a fixed key (`report`, `where`, `ice`) to the words for it. The
English file names every key there is; another language may only use those keys, so a
typing mistake in a file is found by the tests instead of being silently ignored.
Words are compared folded (lowercase, without accents, punctuation as spaces), so
"Dónde", "donde" and "DONDE" are one word.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

from bot.i18n import LOCALES, SOURCE_LANGUAGE, available_languages

FILE_NAME = "words.toml"

Section = Mapping[str, tuple[str, ...]]


class WordsError(ValueError):
    """A words file that cannot be used as it is; the message says where and why."""


_SPACES = re.compile(r"[^\w]+")


def fold(text: str) -> str:
    """How typed words are compared: "¿Dónde?" and "donde" are the same."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _SPACES.sub(" ", plain).strip()


def _sections(table: Mapping[str, object], prefix: str, language: str) -> dict[str, Section]:
    """{"labels.report": {"where": ("where", …)}, …} from nested TOML tables."""
    found: dict[str, Section] = {}
    entries: dict[str, tuple[str, ...]] = {}
    for key, value in table.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            found |= _sections(value, path, language)
        elif isinstance(value, list) and all(isinstance(word, str) for word in value):
            entries[key] = tuple(word.strip() for word in value if word.strip())
        else:
            raise WordsError(f"{language}/{FILE_NAME}: {path} must be a list of words in quotes")
    if entries:
        if not prefix:
            raise WordsError(f"{language}/{FILE_NAME}: words must be inside a [section]")
        found[prefix] = entries
    return found


def _load(language: str) -> dict[str, Section]:
    path = LOCALES / language / FILE_NAME
    if not path.exists():
        return {}
    try:
        with path.open("rb") as handle:
            table = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise WordsError(f"{language}/{FILE_NAME}: {error}") from None
    return _sections(table, "", language)


@dataclass(frozen=True)
class Vocabulary:
    """Every language's words, checked against the English file's keys."""

    by_language: Mapping[str, Mapping[str, Section]]
    # Built once per section: every report and command looks words up.
    _indexes: dict[str, dict[str, str]] = field(default_factory=dict, repr=False, compare=False)

    def words(self, section: str) -> dict[str, tuple[str, ...]]:
        """{key: every word for it in every language}, English first."""
        merged: dict[str, list[str]] = {key: [] for key in self.keys(section)}
        for language in self.languages():
            for key, typed in self.by_language[language].get(section, {}).items():
                merged[key].extend(word for word in typed if word not in merged[key])
        return {key: tuple(typed) for key, typed in merged.items()}

    def keys(self, section: str) -> tuple[str, ...]:
        return tuple(self.by_language[SOURCE_LANGUAGE].get(section, {}))

    def index(self, section: str) -> dict[str, str]:
        """{folded word: key} for one section, in every language (do not change it)."""
        if section not in self._indexes:
            self._indexes[section] = {
                fold(word): key for key, typed in self.words(section).items() for word in typed
            }
        return self._indexes[section]

    def local(self, section: str, key: str, language: str) -> tuple[str, ...]:
        """The words of one language only (its first word is the one shown to readers)."""
        return self.by_language.get(language, {}).get(section, {}).get(key, ())

    def languages(self) -> list[str]:
        return [SOURCE_LANGUAGE, *sorted(set(self.by_language) - {SOURCE_LANGUAGE})]


def check(by_language: Mapping[str, Mapping[str, Section]]) -> list[str]:
    """Every problem with the files: unknown sections or keys, one word for two keys."""
    problems: list[str] = []
    english = by_language.get(SOURCE_LANGUAGE, {})
    owner: dict[tuple[str, str], tuple[str, str]] = {}
    for language in [SOURCE_LANGUAGE, *sorted(set(by_language) - {SOURCE_LANGUAGE})]:
        for section, entries in by_language[language].items():
            if section not in english:
                problems.append(f"{language}/{FILE_NAME}: unknown section [{section}]")
                continue
            for key, typed in entries.items():
                if key not in english[section]:
                    problems.append(
                        f"{language}/{FILE_NAME}: [{section}] has no key {key!r} "
                        f"(known: {', '.join(english[section])})"
                    )
                    continue
                for word in typed:
                    folded = fold(word)
                    if not folded:
                        problems.append(f"{language}/{FILE_NAME}: [{section}] {key}: {word!r}")
                        continue
                    first = owner.setdefault((section, folded), (key, language))
                    if first[0] != key:
                        problems.append(
                            f"{language}/{FILE_NAME}: [{section}] {word!r} means {key!r} here "
                            f"but {first[0]!r} in {first[1]}/{FILE_NAME}"
                        )
    return problems


@cache
def vocabulary() -> Vocabulary:
    by_language = {language: _load(language) for language in sorted(available_languages())}
    problems = check(by_language)
    if problems:
        raise WordsError("\n".join(problems))
    return Vocabulary(by_language)
