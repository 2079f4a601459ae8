"""`rrbot run` explains in one line why it cannot start, and never shows a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import EXAMPLE_CONFIG, ROOT, example_data
from tests.fakes import discord as fakes
from tests.test_config import write_toml


def rrbot_run(config: Path, tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("RRBOT_")}
    environment.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "run",
            "--config",
            str(config),
            "--db",
            str(tmp_path / "r.db"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env=environment,
    )


def test_a_config_without_discord_has_nothing_to_run(tmp_path: Path) -> None:
    result = rrbot_run(EXAMPLE_CONFIG, tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"rrbot: {EXAMPLE_CONFIG}: no front end to run: add a [discord] section "
        "(or try the bot with `rrbot console`)"
    ]


def test_a_missing_token_is_one_clear_line(tmp_path: Path) -> None:
    data = example_data()
    data["discord"] = fakes.discord_section()
    config = write_toml(tmp_path / "config.toml", data)
    result = rrbot_run(config, tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "rrbot: the Discord bot token is missing: put it in the environment variable "
        "RRBOT_TEST_TOKEN"
    ]
    assert "Traceback" not in result.stderr


def test_discord_config_mistakes_name_their_field(tmp_path: Path) -> None:
    data = example_data()
    section = fakes.discord_section()
    section["verifier_role_id"] = section["organizer_role_id"]
    data["discord"] = section
    config = write_toml(tmp_path / "config.toml", data)
    result = rrbot_run(config, tmp_path, RRBOT_TEST_TOKEN="x")
    assert result.returncode == 2
    assert (
        "discord: organizer_role_id and verifier_role_id must be different roles" in result.stderr
    )
