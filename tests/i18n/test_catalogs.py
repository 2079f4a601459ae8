"""Every user-facing string is in every catalog, with the same placeholders."""

from __future__ import annotations

import gettext
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from bot import i18n
from bot.i18n import LOCALES, Renderer, _, _n, available_languages, languages
from bot.i18n import coverage as coverage_module
from bot.i18n.coverage import coverage, read_catalog, report
from tests.conftest import ROOT

KEYWORDS = {"_": None, "_n": (1, 2), "N_": None}


def code_messages() -> set[str | tuple[str, str]]:
    found: set[str | tuple[str, str]] = set()
    for package in ("bot", "cogs", "storage"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / package, keywords=KEYWORDS, comment_tags=()
        ):
            found.add(message if isinstance(message, str) else (message[0], message[1]))
    return found


def catalog(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def ids(cat: Catalog) -> set[str | tuple[str, str]]:
    return {m.id if isinstance(m.id, str) else (m.id[0], m.id[1]) for m in cat if m.id}


def fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None}


def test_the_template_matches_the_code() -> None:
    template = ids(catalog(LOCALES / "messages.pot"))
    in_code = code_messages()
    assert in_code - template == set(), "run: python3 dev.py catalogs"
    assert template - in_code == set(), "run: python3 dev.py catalogs"


@pytest.mark.parametrize("language", sorted(available_languages() - {"en"}))
def test_every_catalog_has_every_message_with_the_same_placeholders(language: str) -> None:
    """A missing or empty line fails; a fuzzy one is reported (see the coverage summary at
    the end of the run, or `python3 dev.py translations`), because readers see English."""
    found = coverage(language)
    assert found.missing == [], f"{language}: missing: {found.missing[:5]}"
    assert found.problems == []
    assert found.translated + len(found.fuzzy) == found.total


@pytest.mark.parametrize("language", sorted(available_languages() - {"en"}))
def test_plural_entries_have_exactly_the_forms_the_language_has(language: str) -> None:
    forms = get_plural(language).num_plurals
    translated = read_catalog(LOCALES / language / "LC_MESSAGES" / "messages.po", language)
    assert translated.num_plurals == forms, f"{language}: fix nplurals in Plural-Forms"
    for message in translated:
        if message.id and not isinstance(message.id, str):
            assert len(message.string) == forms, message.id


def write_catalog(folder: Path, language: str, text: str) -> None:
    po = folder / language / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    header = (
        f'msgid ""\nmsgstr ""\n"Language: {language}\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n'
        '"Content-Type: text/plain; charset=utf-8\\n"\n\n'
    )
    po.write_text(header + text, encoding="utf-8")
    (folder / "messages.pot").write_text(
        'msgid "Report {code}"\nmsgstr ""\n\nmsgid "Thank you."\nmsgstr ""\n\n'
        'msgid "Stay safe."\nmsgstr ""\n',
        encoding="utf-8",
    )


def test_a_fuzzy_line_is_shown_in_english_and_listed_for_review(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_catalog(
        tmp_path,
        "es",
        '#, fuzzy, python-brace-format\nmsgid "Report {code}"\nmsgstr "Reporte {code}"\n\n'
        'msgid "Thank you."\nmsgstr "Gracias."\n',
    )
    monkeypatch.setattr(i18n, "LOCALES", tmp_path)
    monkeypatch.setattr(coverage_module, "LOCALES", tmp_path)
    i18n._translations.cache_clear()
    try:
        renderer = Renderer(__import__("zoneinfo").ZoneInfo("UTC"))
        assert renderer.render(_("Report {code}", code="R1"), "es") == "Report R1"
        assert renderer.render(_("Thank you."), "es") == "Gracias."
        found = coverage("es")
        assert (found.translated, found.fuzzy, found.missing) == (
            1,
            ["Report {code}"],
            ["Stay safe."],
        )
        listed = report(["es"])
        assert listed.splitlines()[1].split() == ["es", "1/3", "1", "1"]
        assert "es: needs review (fuzzy: readers see English):\n  Report {code}" in listed
        assert "es: missing (readers see English):\n  Stay safe." in listed
    finally:
        i18n._translations.cache_clear()


SUPPORTED = {"en", "es", "zh", "vi", "tl", "ko", "ht", "pt", "ar", "fr"}


def test_every_supported_language_has_a_catalog_and_a_review_status() -> None:
    assert available_languages() == SUPPORTED
    listed = languages()
    assert set(listed) == SUPPORTED
    assert listed["en"].reviewed
    for code, info in listed.items():
        assert info.review in ("reviewed", "needs community review"), code
        assert info.name, code


def test_a_broken_translation_falls_back_to_english(monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken(gettext.NullTranslations):
        def gettext(self, message: str) -> str:
            return "Roto {nope}"

    monkeypatch.setattr(i18n, "_translations", lambda language: Broken())
    renderer = Renderer(__import__("zoneinfo").ZoneInfo("UTC"))
    assert renderer.render(_("Report {code}", code="R1"), "es") == "Report R1"


def test_plurals_follow_the_count() -> None:
    renderer = Renderer(__import__("zoneinfo").ZoneInfo("UTC"))
    singular = "A file could not be downloaded. Please send it again."
    plural = "{count} files could not be downloaded. Please send them again."
    one, two = _n(singular, plural, 1), _n(singular, plural, 2)
    assert renderer.render(one, "es") == "No pude descargar 1 archivo. Por favor, envíelo de nuevo."
    assert renderer.render(two, "es") == (
        "No pude descargar 2 archivos. Por favor, envíelos de nuevo."
    )
    assert renderer.render(one, "en") == singular
    assert renderer.render(two, "en") == "2 files could not be downloaded. Please send them again."
