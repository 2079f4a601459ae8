"""The licence the README names is the one in LICENSE and in the package's metadata."""

from __future__ import annotations

import hashlib
import tomllib

from tests.conftest import ROOT

# SHA-256 of https://www.gnu.org/licenses/agpl-3.0.txt, the FSF's text, unchanged.
AGPL_3_0 = "0d96a4ff68ad6d4b6f1f30f713b18d5184912ba8dd389f86aa7710db079abcb0"


def test_the_licence_is_the_agpl_word_for_word_and_the_package_says_so() -> None:
    text = (ROOT / "LICENSE").read_bytes()
    assert text.startswith(b"                    GNU AFFERO GENERAL PUBLIC LICENSE\n")
    assert hashlib.sha256(text).hexdigest() == AGPL_3_0
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "AGPL-3.0-or-later"
    assert project["license-files"] == ["LICENSE"]
    assert "(`AGPL-3.0-or-later`)" in (ROOT / "README.md").read_text(encoding="utf-8")
