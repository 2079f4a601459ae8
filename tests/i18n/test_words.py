"""The words files: every language's words are usable, and a mistake in one is found."""

from __future__ import annotations

from bot.core.commands import COMMANDS, find_command, local_name
from bot.core.models import Agency, DismissReason, Role, Sign, Source
from bot.i18n import available_languages
from bot.i18n.words import check, fold, vocabulary


def test_the_shipped_files_have_no_problems_and_every_language_has_words() -> None:
    words = vocabulary()
    assert check(words.by_language) == []
    assert set(words.by_language) == available_languages()
    for language, sections in words.by_language.items():
        assert sections.get("labels.report") and sections.get("task_verbs"), language
        assert sections.get("answers"), language


def test_every_choice_and_command_has_its_key_in_the_english_file() -> None:
    words = vocabulary()
    assert set(words.keys("commands")) == {spec.name for spec in COMMANDS}
    for section, kind in (("agencies", Agency), ("signs", Sign), ("sources", Source),
                          ("reasons", DismissReason), ("roles", Role)):  # fmt: skip
        assert set(words.keys(section)) == {member.value for member in kind}, section


def test_a_word_for_two_things_or_an_unknown_key_is_reported_with_its_file() -> None:
    english = {"commands": {"report": ("report",), "verify": ("verify",)}}
    spanish = {"commands": {"report": ("reportar",), "verify": ("Reportar",), "tpyo": ("x",)}}
    problems = check({"en": english, "es": spanish})
    assert any("'Reportar' means 'verify' here but 'report'" in p for p in problems)
    assert any("has no key 'tpyo'" in p for p in problems)


def test_spanish_french_and_portuguese_command_names_reach_their_commands() -> None:
    for language in ("es", "fr", "pt"):
        for spec in COMMANDS:
            name = local_name(spec.name, language)
            assert name is not None, (language, spec.name)
            found = find_command(name)
            assert found is not None and found.name == spec.name, (language, name)


def test_words_are_compared_without_case_accents_or_punctuation() -> None:
    assert fold("¿Dónde?") == "donde" == fold("DONDE")
    assert vocabulary().index("labels.report")[fold("Dirección")] == "where"
