import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.commands import (
    COMMANDS,
    find_command,
    label_key,
    label_table,
    names,
    parse_fields,
    parse_report_code,
    split_command,
    take_report_code,
)
from bot.core.errors import UserError
from bot.core.report_reading import REPORT_LABELS
from bot.i18n.words import fold


def test_split_command_reads_name_and_body() -> None:
    line = split_command("  /Report where: 5th & Main  ")
    assert line is not None
    assert (line.name, line.body) == ("report", "where: 5th & Main")
    assert line.spec is not None and line.spec.name == "report"


def test_spanish_aliases_reach_the_same_command() -> None:
    for alias, name in [
        ("reportar", "report"),
        ("verificar", "verify"),
        ("descartar", "dismiss"),
        ("estado", "status"),
        ("derechos", "rights"),
        ("ayuda", "help"),
        ("idioma", "lang"),
        ("línea", "hotline"),
    ]:
        line = split_command(f"/{alias}")
        assert line is not None and line.spec is not None and line.spec.name == name


def test_not_a_command() -> None:
    assert split_command("Migra at 5th and Main!!") is None
    assert split_command("") is None
    unknown = split_command("/frobnicate now")
    assert unknown is not None and unknown.spec is None


def test_no_two_commands_share_a_name_or_alias() -> None:
    owners: dict[str, str] = {}
    for spec in COMMANDS:
        for name in names(spec.name):
            assert owners.setdefault(fold(name), spec.name) == spec.name, name
    assert find_command("/VERIFY") is not None


def test_fields_in_english_and_spanish_with_free_text() -> None:
    fields = parse_fields(
        "two vans; dónde: 5th & Main; Agencia: ICE\nsigns: vans, tents; it's 3:30 now",
        REPORT_LABELS,
    )
    assert fields.values == {"where": "5th & Main", "agency": "ICE", "signs": "vans, tents"}
    assert fields.free == "two vans; it's 3:30 now"


def test_full_stops_commas_and_dashes_separate_fields_only_before_a_known_label() -> None:
    fields = parse_fields(
        "where: the Marathon gas station on 9th. what: white vans, no plates. source: my sister",
        REPORT_LABELS,
    )
    assert fields.values == {
        "where": "the Marathon gas station on 9th",
        "what": "white vans, no plates",
        "source": "my sister",
    }
    dashed = parse_fields("where: Main St - signs: vans, tents", REPORT_LABELS)
    assert dashed.values == {"where": "Main St", "signs": "vans, tents"}


def test_unknown_labels_are_kept_as_text() -> None:
    fields = parse_fields("where: 5th & Main; when: 10 min ago", REPORT_LABELS)
    assert fields.values == {"where": "5th & Main"}
    assert fields.free == "when: 10 min ago"


def test_a_value_may_continue_after_a_semicolon_when_asked() -> None:
    labels = label_table("person")
    fields = parse_fields(
        "name: Ana; notes: diabetic; medicine in her bag; allergies: penicillin",
        labels,
        continued=True,
    )
    assert fields.values == {"name": "Ana", "notes": "diabetic; medicine in her bag"}
    assert fields.free == "allergies: penicillin"


def test_a_colon_in_free_text_is_not_a_label() -> None:
    fields = parse_fields("see https://example.org/x: vans", REPORT_LABELS)
    assert fields.values == {}
    assert fields.free == "see https://example.org/x: vans"


def test_a_label_given_twice_keeps_both_values() -> None:
    fields = parse_fields("where: 5th; where: 6th", REPORT_LABELS)
    assert fields.values == {"where": "5th; 6th"}


@pytest.mark.parametrize(
    ("token", "number"), [("R3", 3), ("r12", 12), ("#7", 7), ("7", 7), ("R-4", 4)]
)
def test_report_codes_as_people_type_them(token: str, number: int) -> None:
    assert parse_report_code(token) == number


@pytest.mark.parametrize("token", ["R", "R0", "X3", "R3x", "three", "R1234567890"])
def test_bad_report_codes_are_refused(token: str) -> None:
    with pytest.raises(UserError):
        parse_report_code(token)


def test_take_report_code_splits_note_across_lines() -> None:
    assert take_report_code("R3\nsaw them", "/verify R3") == (3, "saw them")
    with pytest.raises(UserError):
        take_report_code("   ", "/verify R3")


@given(st.text(max_size=300))
def test_parse_fields_never_refuses(body: str) -> None:
    fields = parse_fields(body, REPORT_LABELS)
    assert set(fields.values) <= {"where", "what", "agency", "signs", "source", "media"}


@given(st.text(max_size=200))
def test_split_command_never_crashes(text: str) -> None:
    line = split_command(text)
    if line is not None:
        assert text.strip().startswith("/")


# Values people type: anything but the separators, trimmed, not empty.
VALUES = (
    st.text(
        alphabet=st.characters(
            blacklist_categories=["Cs", "Cc", "Zl", "Zp"], blacklist_characters=";\n\r\x85"
        ),
        min_size=1,
        max_size=60,
    )
    .map(str.strip)
    .filter(bool)
)
LABELS = st.sampled_from(["where", "dónde", "Donde", "what", "qué", "agency", "agencia", "signs",
                          "source", "fuente"])  # fmt: skip


@given(st.dictionaries(LABELS, VALUES, max_size=4), st.sampled_from(["; ", "\n", " ;\n "]))
def test_labelled_fields_come_back_as_typed_in_any_order_and_language(
    typed: dict[str, str], separator: str
) -> None:
    canonical = {label: REPORT_LABELS[label_key(label)] for label in typed}
    if len(set(canonical.values())) < len(canonical):
        return  # the same field under two spellings: both values kept, tested above
    body = separator.join(f"{label}: {value}" for label, value in typed.items())
    fields = parse_fields(body, REPORT_LABELS)
    for label, value in typed.items():
        if ":" in value:
            return  # a value with a label-like part of its own ("x. where: y")
        assert fields.values[canonical[label]] == value.strip()


@pytest.mark.parametrize(
    ("typed", "command"),
    [("/signaler where: x", "report"), ("/Vérifier R1", "verify"), ("/droits plus", "rights"),
     ("/relatar where: x", "report"), ("/situação", "status"), ("/AYUDA", "help")],
)  # fmt: skip
def test_french_portuguese_and_accented_names_reach_the_same_command(
    typed: str, command: str
) -> None:
    line = split_command(typed)
    assert line is not None and line.spec is not None and line.spec.name == command
