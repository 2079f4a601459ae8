"""A wrong config fails at start-up with one line naming the field."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from bot.config import PATTERN_HINTS, Config, ConfigError, load_config
from bot.core.models import TargetPurpose
from tests.conftest import EXAMPLE_CONFIG, ROOT, example_data, run_rrbot


def write_toml(path: Path, data: dict[str, Any]) -> Path:
    """Minimal TOML writer for the shapes our config uses (tables, arrays of tables)."""

    def value(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, str):
            return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return str(v)

    out: list[str] = []

    def table(prefix: str, body: dict[str, Any]) -> None:
        scalars = {
            k: v
            for k, v in body.items()
            if not isinstance(v, dict | list)
            or (isinstance(v, list) and not (v and isinstance(v[0], dict)))
        }
        for key, v in scalars.items():
            out.append(f"{key} = {value(v)}")
        for key, v in body.items():
            name = f"{prefix}.{key}" if prefix else key
            if isinstance(v, dict):
                out.append(f"[{name}]")
                table(name, v)
            elif isinstance(v, list) and v and isinstance(v[0], dict):
                for item in v:
                    out.append(f"[[{name}]]")
                    table(name, item)

    table("", data)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


def broken(tmp_path: Path, change: Any) -> str:
    data = copy.deepcopy(example_data())
    change(data)
    with pytest.raises(ConfigError) as raised:
        load_config(write_toml(tmp_path / "config.toml", data))
    message = str(raised.value)
    assert "\n" not in message
    return message


def broken_lines(tmp_path: Path, change: Any) -> str:
    data = copy.deepcopy(example_data())
    change(data)
    with pytest.raises(ConfigError) as raised:
        load_config(write_toml(tmp_path / "config.toml", data))
    return str(raised.value)


def test_the_example_config_is_valid_and_describes_the_console_network() -> None:
    config = load_config(EXAMPLE_CONFIG)
    assert config.console is not None
    roles = {m.name: sorted(m.roles) for m in config.console.members}
    assert roles == {
        "ana": ["organizer"],
        "ben": ["verifier"],
        "cruz": ["verifier"],
        "dee": ["volunteer"],
        "eli": ["volunteer"],
    }
    assert next(m for m in config.console.members if m.name == "cruz").language == "es"
    targets = {t.address: (t.purpose, t.languages) for t in config.targets()}
    assert targets == {
        "organizers": (TargetPurpose.ORGANIZERS, ("en",)),
        "alerts": (TargetPurpose.BROADCAST, ("en",)),
        "alertas": (TargetPurpose.BROADCAST, ("es",)),
    }
    assert config.hotlines and config.known_locations
    assert config.database_path() == ROOT / "data" / "rrbot.sqlite3"


def test_the_writer_round_trips_the_example(tmp_path: Path) -> None:
    copy_path = write_toml(tmp_path / "c.toml", example_data())
    assert load_config(copy_path).model_dump() == load_config(EXAMPLE_CONFIG).model_dump()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.pop("hotlines"), "hotlines: this field is required"),
        (lambda d: d.__setitem__("hotlines", []), "hotlines: List should have at least 1 item"),
        (lambda d: d["network"].pop("name"), "network.name: this field is required"),
        (
            lambda d: d["network"].__setitem__("timezone", "Mars/Olympus"),
            "network.timezone: unknown time zone 'Mars/Olympus'",
        ),
        (  # a folder of zones in the time-zone database, not a zone
            lambda d: d["network"].__setitem__("timezone", "Pacific"),
            "network.timezone: unknown time zone 'Pacific'",
        ),
        (
            lambda d: d["network"].__setitem__("region", "Narnia"),
            "network.region: unknown region 'Narnia'",
        ),
        (
            lambda d: d["network"].__setitem__("languages", ["en", "xx"]),
            "network.languages: unknown language 'xx'",
        ),
        (
            lambda d: d["timers"].__setitem__("verification_expiry", "an hour"),
            "timers.verification_expiry: 'an hour' is not a duration",
        ),
        (
            lambda d: d["timers"].__setitem__("verification_expiry", 60),
            "timers.verification_expiry: write durations as text",
        ),
        (
            lambda d: d["timers"].__setitem__("verification_expiry", "5m"),
            "timers: verification_expiry must be longer than claim_within",
        ),
        (
            lambda d: d["network"].__setitem__("nmae", "typo"),
            "network.nmae: unknown field (check the spelling)",
        ),
        (lambda d: d["hotlines"][0].__setitem__("number", "call us"), "hotlines[1].number:"),
        (
            lambda d: d["hotlines"][0]["label_by_language"].__setitem__("sp", "Línea"),
            "hotlines[1].label_by_language.sp: unknown language 'sp'",
        ),
        (
            lambda d: d["hotlines"][0]["label_by_language"].__setitem__("es", ""),
            "hotlines[1].label_by_language.es:",
        ),
        (
            lambda d: d["hotlines"][0].pop("hours"),
            "hotlines[1]: hours_by_language needs hours too",
        ),
        (
            lambda d: d["console"]["members"].append({"name": "ana"}),
            "console: member 'ana' is defined twice",
        ),
        (
            lambda d: d["console"]["members"][1].__setitem__("roles", ["boss"]),
            "console.members[2].roles[1]:",
        ),
        (
            lambda d: d["console"]["members"][0].__setitem__("name", "Ana María"),
            "console.members[1].name: use lowercase",
        ),
        (lambda d: d["console"]["chats"][0].__setitem__("name", "dm"), "'dm' is reserved"),
        (
            lambda d: d["console"].__setitem__(
                "chats", [c for c in d["console"]["chats"] if c["purpose"] != "broadcast"]
            ),
            "define at least one chat with purpose = 'broadcast'",
        ),
        (
            lambda d: d["console"].__setitem__(
                "chats", [c for c in d["console"]["chats"] if c["purpose"] != "organizers"]
            ),
            "define at least one chat with purpose = 'organizers'",
        ),
        (
            lambda d: d["network"].__setitem__("languages", ["en"]),
            "chat 'alertas' uses 'es', which is not in network.languages",
        ),
        (lambda d: d["limits"].__setitem__("max_message_chars", 10), "limits.max_message_chars:"),
    ],
)
def test_each_mistake_names_its_field_in_one_line(
    tmp_path: Path, change: Any, expected: str
) -> None:
    assert expected in broken(tmp_path, change)


def test_every_mistake_is_listed_one_per_line(tmp_path: Path) -> None:
    data = copy.deepcopy(example_data())
    data["network"].pop("name")
    data["hotlines"][0]["number"] = "call us"
    data["timers"]["verification_expiry"] = "an hour"
    path = write_toml(tmp_path / "config.toml", data)
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert str(raised.value).splitlines() == [
        f"{path}: 3 problems:",
        "  network.name: this field is required",
        "  hotlines[1].number: 'call us' is not valid: write a phone number: digits, spaces "
        'and ( ) . - , maybe starting with +, like "+1 555 0100"',
        "  timers.verification_expiry: 'an hour' is not a duration like 90s, 15m or 2h",
    ]
    result = run_rrbot("check-config", "--config", str(path))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 4


def _patterns(model: type[BaseModel]) -> set[str]:
    found: set[str] = set()
    for field in model.model_fields.values():
        for meta in field.metadata:
            if getattr(meta, "pattern", None):
                found.add(meta.pattern)
        for arg in (field.annotation, *getattr(field.annotation, "__args__", ())):
            inner = getattr(arg, "__args__", (arg,))
            for kind in (arg, *inner):
                if isinstance(kind, type) and issubclass(kind, BaseModel):
                    found |= _patterns(kind)
    return found


def test_no_regular_expression_is_ever_shown_to_an_organizer(tmp_path: Path) -> None:
    patterns = _patterns(Config)
    assert len(patterns) >= 6
    assert patterns <= set(PATTERN_HINTS), "describe the new pattern in PATTERN_HINTS"
    for hint in PATTERN_HINTS.values():
        assert "^" not in hint and "[0-9]" not in hint

    def bad_ids(d: dict[str, Any]) -> None:
        d["signal"] = {
            "number": "5551234",
            "url": "not a url",
            "organizer_group": {"id": "abc", "name": "org", "languages": ["en"]},
            "broadcast": [{"id": "group.abcdefgh12", "name": "b", "languages": ["en"]}],
            "members": [{"id": "ana"}],
        }
        d["security"] = {"key_env": "my key"}

    message = broken_lines(tmp_path, bad_ids)
    assert "^" not in message and "[0-9]" not in message and "pattern" not in message
    assert "signal.number: '5551234' is not valid: write a phone number with its country code" in (
        message
    )
    assert "signal.members[1].id: 'ana' is not valid: write a Signal UUID" in message


def test_missing_file_invalid_toml_and_binary_are_one_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[network\nname = 1", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad)
    bad.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(bad)


def test_rrbot_reports_config_errors_without_a_traceback(tmp_path: Path) -> None:
    data = example_data()
    data["network"]["timezone"] = "Nowhere/Land"
    path = write_toml(tmp_path / "config.toml", data)
    result = run_rrbot("console", "--config", str(path), "--db", str(tmp_path / "x.db"))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"rrbot: {path}: network.timezone: unknown time zone 'Nowhere/Land'; "
        "use a name like America/Chicago"
    ]
    assert "Traceback" not in result.stderr


def test_check_config_says_ok(tmp_path: Path) -> None:
    result = run_rrbot("check-config", "--config", str(EXAMPLE_CONFIG))
    assert result.returncode == 0, result.stderr
    assert "OK (Riverside Rapid Response Network; 3 chats)" in result.stdout


def test_a_hotline_written_before_labels_in_other_languages_is_still_valid(
    tmp_path: Path,
) -> None:
    data = example_data()
    data["hotlines"] = [{"label": "Hotline", "number": "+1 555 0100"}]
    config = load_config(write_toml(tmp_path / "old.toml", data))
    [hotline] = config.hotlines
    assert (hotline.hours, hotline.label_by_language, hotline.hours_by_language) == ("", {}, {})
