#!/usr/bin/env python3
"""Set up a local virtual environment, then run the bot or the checks.

This file exists so a new organizer or contributor needs nothing but Python 3.11+:
  python3 dev.py run    # install, then play the bot in this terminal
  python3 dev.py test   # install, then lint, type-check and run the tests
  python3 dev.py catalogs  # after changing user-facing text: refresh translation catalogs
  python3 dev.py translations  # per language: translated, fuzzy (needs review), missing
  python3 dev.py bench  # run every bench/bench_*.py; results go to docs/BENCHMARKS.md

It only uses the standard library, because it runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".installed-from"


def _fingerprint() -> str:
    # Reinstall only when the dependency list changes, so repeated runs are quick.
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def ensure_environment() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script must explain, not crash
        sys.exit(
            f"Rapid Response Bot needs Python 3.11 or newer; this is {sys.version.split()[0]}."
        )
    if not (BIN / "python").exists():
        print("Creating a virtual environment in .venv …", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    if not STAMP.exists() or STAMP.read_text() != _fingerprint():
        print("Installing Rapid Response Bot and its development tools …", flush=True)
        pip = [str(BIN / "python"), "-m", "pip", "--disable-pip-version-check", "-q"]
        subprocess.run([*pip, "install", "--upgrade", "pip"], check=True)
        subprocess.run([*pip, "install", "-e", f"{ROOT}[dev]"], check=True)
        STAMP.write_text(_fingerprint())


def run(args: list[str]) -> int:
    command = [str(BIN / "rrbot"), "console", "--config", str(ROOT / "config.example.toml")]
    if not any(a == "--db" or a.startswith("--db=") for a in args):
        (ROOT / "data").mkdir(mode=0o700, exist_ok=True)
        command += ["--db", str(ROOT / "data" / "rrbot.sqlite3")]
    child = subprocess.Popen([*command, *args])
    while True:
        try:
            code = child.wait()
        except KeyboardInterrupt:
            # Ctrl-C reached the bot too (same terminal); it closes its database, says
            # goodbye and exits. Wait for that quietly instead of printing a traceback.
            continue
        return 128 - code if code < 0 else code  # killed by signal N: 128 + N, as shells say


def test(args: list[str]) -> int:
    steps = [
        [str(BIN / "ruff"), "check", "."],
        [str(BIN / "ruff"), "format", "--check", "."],
        [str(BIN / "mypy")],
        [str(BIN / "python"), "-m", "pytest", *args],
    ]
    for step in steps:
        print("$", " ".join(Path(step[0]).name if i == 0 else s for i, s in enumerate(step)))
        code = subprocess.call(step, cwd=ROOT)
        if code != 0:
            return code
    return 0


def catalogs(_args: list[str]) -> int:
    """Extract every marked string into the template and merge it into each language."""
    locales = ROOT / "bot" / "i18n" / "locales"
    template = locales / "messages.pot"
    pybabel = str(BIN / "pybabel")
    extract = [pybabel, "extract", "--no-location", "--sort-output", "--omit-header"]
    extract += ["-k", "_n:1,2", "-k", "N_", "-o", str(template), "bot", "cogs", "storage"]
    code = subprocess.call(extract, cwd=ROOT)
    for po in sorted(locales.glob("*/LC_MESSAGES/messages.po")):
        if code == 0:
            update = [pybabel, "update", "--no-wrap", "--ignore-obsolete", "-N"]
            update += ["-i", str(template), "-o", str(po), "-l", po.parent.parent.name]
            code = subprocess.call(update, cwd=ROOT)
    return code or translations([])


def translations(args: list[str]) -> int:
    """Coverage per language, and every line marked fuzzy (needs review) or missing."""
    return subprocess.call([str(BIN / "python"), "-m", "bot.i18n.coverage", *args], cwd=ROOT)


def bench(args: list[str]) -> int:
    """Speed and memory targets live here, not in timed unit tests."""
    code = 0
    for script in sorted(p.name for p in (ROOT / "bench").glob("bench_*.py")):
        print("$ python bench/" + script, flush=True)
        result = subprocess.call(
            [str(BIN / "python"), str(ROOT / "bench" / script), *args], cwd=ROOT
        )
        code = code or result
    return code


ACTIONS = {
    "run": run,
    "test": test,
    "catalogs": catalogs,
    "translations": translations,
    "bench": bench,
}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in ACTIONS:
        print(__doc__)
        return 2
    ensure_environment()
    return ACTIONS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
