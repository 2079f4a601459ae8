"""The fake Signal service is only as good as the API description it checks against:
without it, every Signal test fails with a message that says so, none is skipped."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakes import signal_server
from tests.fakes.signal_server import MissingDescriptionError, load_description


def test_the_description_in_the_repository_is_the_services() -> None:
    description = signal_server.SWAGGER
    assert description["info"]["title"] == "Signal Cli REST API"
    assert {"/v2/send", "/v1/receive/{number}", "/v1/attachments"} <= set(description["paths"])
    readme = (signal_server.SWAGGER_PATH.parent / "README.md").read_text(encoding="utf-8")
    assert "github.com/bbernhard/signal-cli-rest-api" in readme  # where it comes from
    assert "src/docs/swagger.json" in readme and "commit " in readme  # which version
    digest = hashlib.sha256(signal_server.SWAGGER_PATH.read_bytes()).hexdigest()
    assert f"`{digest}`" in readme  # and the README names this very file


def test_a_clone_without_the_description_fails_every_signal_test_loudly(tmp_path: Path) -> None:
    """A copy of the fake without its reference folder, and a test that uses it, as a
    clone that lost the file would run them."""
    shutil.copy(signal_server.__file__, tmp_path / "signal_server.py")
    (tmp_path / "test_uses_the_fake.py").write_text(
        "from signal_server import FakeSignal\n\n\n"
        "def test_something() -> None:\n"
        "    assert FakeSignal\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rA", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    missing = tmp_path / "reference" / "signal-cli-rest-api.swagger.json"
    assert f"MissingDescriptionError: the signal-cli-rest-api API description {missing}" in output
    assert "restore it from git" in output
    assert "skipped" not in output and " passed" not in output


def test_a_file_that_is_not_the_description_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "swagger.json"
    other.write_text(json.dumps({"openapi": "3.0.0", "paths": {}}), encoding="utf-8")
    with pytest.raises(MissingDescriptionError, match="is not the signal-cli-rest-api Swagger"):
        load_description(other)
    other.write_text("{ not json", encoding="utf-8")
    with pytest.raises(MissingDescriptionError, match="cannot be read"):
        load_description(other)
