"""Translated text: messages are built language-neutral and rendered per reader.

The core never formats a sentence in a language. It builds `Msg` values (a catalog id
plus parameters) and each front end renders them for the member or chat that reads
them, so one alert can go out in English to one group and in Spanish and English to
another. Catalogs are standard gettext `.po` files, edited by translators with any PO
editor; English is the source language, so its msgids are the English text.
"""

from __future__ import annotations

import gettext
import io
import re
import tomllib
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal, Protocol
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import DateTimePattern, format_timedelta, match_skeleton, parse_pattern
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

LOCALES = Path(__file__).parent / "locales"
SOURCE_LANGUAGE = "en"
DOMAIN = "messages"


class Text(Protocol):
    """Anything that can be turned into a string for one reader's language."""

    def render(self, renderer: Renderer, language: str) -> str: ...


@dataclass(frozen=True)
class Msg:
    msgid: str
    params: tuple[tuple[str, object], ...] = ()
    plural: str | None = None
    count: int | None = None

    def render(self, renderer: Renderer, language: str) -> str:
        return renderer.translate(self, language)


# Characters that change how the text around them is shown rather than being shown:
# C0/C1 controls (but tab and newline) and the bidirectional embeddings, overrides and
# isolates. A place name carrying U+202E could make the rest of an alert read backwards
# ("R3 verify" shown as something else). Marks that right-to-left writing needs (LRM,
# RLM, ALM) and the joiners some scripts need (ZWJ, ZWNJ) are kept.
_HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile("\r\n?|[\u2028\u2029\x85]")


def neutralise(text: str) -> str:
    """People's text with nothing in it that could rearrange or hide the text around it."""
    return _HIDDEN.sub("", _LINE_BREAKS.sub("\n", text))


@dataclass(frozen=True)
class Raw:
    """Text a person wrote (a place, a description): never translated, and neutralised
    for the platform it is shown on, so it cannot ping anyone, hide a link or reorder
    the message. With a `limit`, longer text is cut and says how much was left out."""

    value: str
    limit: int | None = None

    def render(self, renderer: Renderer, language: str) -> str:
        text = neutralise(self.value)
        if self.limit is None or len(text) <= self.limit:
            return renderer.escape(text)
        kept = text[: self.limit].rstrip()
        note = _n(
            "[{count} more character not shown]",
            "[{count} more characters not shown]",
            len(text) - len(kept),
        )
        return f"{renderer.escape(kept)}… {note.render(renderer, language)}"


@dataclass(frozen=True)
class Trusted:
    """Text the bot itself made (a member's handle, a code): shown exactly as is."""

    value: str

    def render(self, renderer: Renderer, language: str) -> str:
        return self.value


@dataclass(frozen=True)
class ByLanguage:
    """Text the operator wrote, with versions per language (a hotline's label): the
    reader's version, or the one written for everyone. Shown like `Raw` text."""

    default: str
    by_language: tuple[tuple[str, str], ...] = ()

    def render(self, renderer: Renderer, language: str) -> str:
        return Raw(dict(self.by_language).get(language, self.default)).render(renderer, language)


@dataclass(frozen=True)
class Lines:
    """Several texts shown one per line; empty parts are skipped."""

    parts: tuple[Text, ...]
    separator: str = "\n"

    def render(self, renderer: Renderer, language: str) -> str:
        rendered = (part.render(renderer, language) for part in self.parts)
        return self.separator.join(text for text in rendered if text)


@dataclass(frozen=True)
class ListOf:
    """A list shown the way the reader's language writes lists ("a, b and c"), or, with
    style "or", a list of alternatives to choose from ("a, b or c")."""

    items: tuple[Text, ...]
    style: Literal["standard", "or"] = "standard"  # CLDR's "a, b and c" or "a, b or c"

    def render(self, renderer: Renderer, language: str) -> str:
        return format_list(
            [item.render(renderer, language) for item in self.items],
            style=self.style,
            locale=language,
        )


def one_of(items: Iterable[Text]) -> ListOf:
    """Alternatives, one of which the reader chooses: "routine, false-alarm or unverifiable"."""
    return ListOf(tuple(items), style="or")


@dataclass(frozen=True)
class When:
    """A moment shown in the network's time zone, the way the reader's locale writes it."""

    moment: datetime

    def render(self, renderer: Renderer, language: str) -> str:
        return renderer.format_moment(self.moment, language)


@dataclass(frozen=True)
class Span:
    """A length of time the way the reader's language says it ("1 hour", "1 hora")."""

    length: timedelta

    def render(self, renderer: Renderer, language: str) -> str:
        return format_timedelta(self.length, locale=language, threshold=1.2)


@dataclass(frozen=True)
class Size:
    """A file's size the way the reader's locale writes numbers ("2.4 MB", "2,4 MB")."""

    count: int  # bytes

    def render(self, renderer: Renderer, language: str) -> str:
        for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
            if self.count >= scale:
                return f"{format_decimal(self.count / scale, '#,##0.#', locale=language)} {unit}"
        return f"{format_decimal(self.count, '#,##0', locale=language)} B"


def _(msgid: str, /, **params: object) -> Msg:
    """Mark a message for translation; pybabel extracts these calls."""
    return Msg(msgid, tuple(params.items()))


def _n(singular: str, plural: str, count: int, /, **params: object) -> Msg:
    """A message whose wording depends on a number; `{count}` is available to it."""
    return Msg(singular, (("count", count), *params.items()), plural=plural, count=count)


def N_(msgid: str, /) -> str:  # noqa: N802 - the gettext convention for "mark only"
    """Mark a plain string for the catalog where a `str` is required (Discord command
    descriptions); whoever shows it looks the translation up with `lookup`."""
    return msgid


def lookup(msgid: str, language: str) -> str | None:
    """The catalog's translation of `msgid` in `language`, or None if it has none."""
    translated = _translations(language).gettext(msgid)
    return None if translated == msgid else translated


def lines(*parts: Text | None) -> Lines:
    return Lines(tuple(part for part in parts if part is not None))


REVIEWED = "reviewed"


@dataclass(frozen=True)
class LanguageInfo:
    code: str
    name: str
    review: str

    @property
    def reviewed(self) -> bool:
        return self.review == REVIEWED


@cache
def languages() -> dict[str, LanguageInfo]:
    """What locales/languages.toml says of each language (name, review status)."""
    with (LOCALES / "languages.toml").open("rb") as handle:
        table = tomllib.load(handle)
    return {
        code: LanguageInfo(code, str(entry["name"]), str(entry["review"]))
        for code, entry in table.items()
    }


@cache
def available_languages() -> frozenset[str]:
    """Languages with a catalog (English is the source and needs none)."""
    found = {SOURCE_LANGUAGE}
    for po in LOCALES.glob(f"*/LC_MESSAGES/{DOMAIN}.po"):
        found.add(po.parent.parent.name)
    return frozenset(found)


def normalise_language(code: str) -> str:
    """ "es-MX" -> "es", "zh-Hans" -> "zh", "PT_br" -> "pt": people type codes many ways."""
    wanted = code.strip().lower().replace("_", "-")
    return wanted if wanted in available_languages() else wanted.split("-")[0]


@cache
def _translations(language: str) -> gettext.NullTranslations:
    path = LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    # Compiling in memory keeps the repository free of generated .mo files; fuzzy
    # (unreviewed) entries are left out so readers see English rather than a guess.
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def language_name(code: str, in_language: str | None = None, *, menu: bool = True) -> str:
    """The language's own name: "Español" in a menu, "español" inside a sentence."""
    known = languages().get(code)
    locale = Locale.parse(code)
    if known is not None and in_language in (None, code) and (menu or locale.language != code):
        return known.name  # our own spelling ("中文（简体）"; Tagalog, which CLDR calls Filipino)
    name = locale.get_display_name(in_language or code) or code
    return name[:1].upper() + name[1:] if menu else name


TRANSLATED_KEPT = 8192  # rendered messages kept per renderer
_RENDERERS: weakref.WeakSet[Renderer] = weakref.WeakSet()


def forget_rendered() -> None:
    """Every renderer drops the messages it kept rendered (after a purge)."""
    for renderer in list(_RENDERERS):
        renderer.forget()


def _as_is(text: str) -> str:
    return text


class Renderer:
    """Turns texts into strings for a language, with dates in the network's time zone.

    `escape` neutralises people's text for one platform (Discord mentions and masked
    links, say); each platform renders its messages with its own renderer.
    """

    def __init__(self, zone: ZoneInfo, escape: Callable[[str], str] = _as_is) -> None:
        self.zone = zone
        self.escape = escape
        # Messages rendered lately: /status renders the same report lines again and
        # again. Texts are frozen values, so an equal message renders the same; the
        # parameters' types are part of the key (True == 1, but they read differently).
        self._translated: dict[tuple[object, ...], str] = {}
        _RENDERERS.add(self)

    def forget(self) -> None:
        """Drop the messages kept rendered (after a purge: they may quote what went)."""
        self._translated.clear()

    def render(self, text: Text, language: str) -> str:
        return text.render(self, language)

    def render_all(self, text: Text, languages: Sequence[str]) -> str:
        """One message for a chat that reads several languages, the first language first."""
        return "\n\n".join(text.render(self, language) for language in languages)

    def translate(self, message: Msg, language: str) -> str:
        key = (message, language, *(type(value) for _name, value in message.params))
        try:
            known = self._translated.get(key)
        except TypeError:  # a parameter that cannot be hashed: rendered every time
            return self._translate(message, language)
        if known is None:
            known = self._translate(message, language)
            if len(self._translated) >= TRANSLATED_KEPT:
                del self._translated[next(iter(self._translated))]  # the oldest
            self._translated[key] = known
        return known

    def _translate(self, message: Msg, language: str) -> str:
        translations = _translations(language)
        if message.plural is None:
            template = translations.gettext(message.msgid)
        else:
            template = translations.ngettext(message.msgid, message.plural, message.count or 0)
        values = self._values(message.params, language)
        try:
            return template.format_map(values)
        except (KeyError, IndexError, ValueError):
            # A broken translation must never cost a message: fall back to English.
            fallback = (
                message.msgid if message.plural is None or message.count == 1 else message.plural
            )
            return fallback.format_map(values)

    def _values(self, params: Iterable[tuple[str, object]], language: str) -> Mapping[str, object]:
        values: dict[str, object] = {}
        for name, value in params:
            if hasattr(value, "render"):
                values[name] = value.render(self, language)
            elif isinstance(value, datetime):
                values[name] = self.format_moment(value, language)
            elif isinstance(value, str):
                values[name] = Raw(value).render(self, language)  # as untrusted as Raw
            else:
                values[name] = value
        return values

    def format_moment(self, moment: datetime, language: str) -> str:
        return _format_moment(moment, self.zone, language)


@lru_cache(maxsize=4096)  # /status shows the same moments again and again
def _format_moment(moment: datetime, zone: ZoneInfo, language: str) -> str:
    day_pattern, time_pattern, glue = _moment_patterns(language)
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    local = aware.astimezone(zone)
    day = day_pattern.apply(local, _locale(language))
    time = time_pattern.apply(local, _locale(language))
    return glue.replace("{1}", day).replace("{0}", time)


@cache
def _locale(language: str) -> Locale:
    return Locale.parse(language)


@cache
def _moment_patterns(language: str) -> tuple[DateTimePattern, DateTimePattern, str]:
    """A language's patterns for a moment, parsed once: the day ("Tue, Mar 3", Babel's
    `MMMEd` skeleton), the short time, and the locale's own way of joining a date and a
    time ("{1}, {0}", "{1}، {0}", "{0} {1}"). Parsing them on every timestamp was a
    twentieth of a busy bot's time."""
    locale = _locale(language)
    skeleton = match_skeleton("MMMEd", locale.datetime_skeletons) or "MMMEd"
    day = parse_pattern(locale.datetime_skeletons[skeleton])
    time = parse_pattern(locale.time_formats["short"])
    return day, time, str(locale.datetime_formats["medium"])
