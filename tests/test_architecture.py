"""The shape in DESIGN.md, checked: one seam to storage, and no SQL outside storage/.

The core, the front ends, the cogs, delivery and the scheduler talk to the database only
through `bot.core.store`; `bot/app.py` is the one place that wires in `storage`. Both
checkers are run on made-up sources too, so a checker that silently found nothing would
fail here rather than pass forever.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

FORBIDDEN_IMPORTS = ("storage", "aiosqlite")
# Modules that must reach storage through the seam only.
LAYERED = (
    *sorted((ROOT / "bot" / "core").rglob("*.py")),
    *sorted((ROOT / "bot" / "platforms").rglob("*.py")),
    *sorted((ROOT / "cogs").rglob("*.py")),
    ROOT / "bot" / "delivery.py",
    ROOT / "bot" / "scheduler.py",
)
# SQL keywords as SQL is written here (upper case), so prose like "select a report" passes.
SQL = re.compile(r"\b(SELECT|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(module: str | None, level: int, importer: str, is_package: bool) -> str:
    """The absolute name a (possibly relative) `from … import` refers to."""
    if level == 0:
        return module or ""
    base = importer.split(".")
    if not is_package:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


def forbidden_imports(
    source: str, importer: str, *, is_package: bool = False, filename: str = "<source>"
) -> list[str]:
    """`file:line name` for every import of a forbidden package in `source`."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(node.module, node.level, importer, is_package)
            # `from . import storage` names a module too.
            names = [target, *(f"{target}.{alias.name}" if target else alias.name
                               for alias in node.names)]  # fmt: skip
        for name in names:
            if name.split(".")[0] in FORBIDDEN_IMPORTS:
                found.append(f"{filename}:{node.lineno} imports {name}")
                break
    return found


def sql_strings(source: str, filename: str = "<source>") -> list[str]:
    """`file:line text` for every string constant that looks like SQL."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if SQL.search(node.value):
                found.append(f"{filename}:{node.lineno} {node.value[:60]!r}")
        elif isinstance(node, ast.JoinedStr):  # an f-string: check its literal parts joined
            text = "".join(
                part.value if isinstance(part, ast.Constant) else " x " for part in node.values
            )
            if SQL.search(text):
                found.append(f"{filename}:{node.lineno} {text[:60]!r}")
    return found


def test_the_checked_tree_is_really_there() -> None:
    names = {module_name(path) for path in LAYERED}
    assert {"bot.core.reports", "bot.core.store", "bot.platforms.console", "cogs.reports"} <= names
    assert {"bot.delivery", "bot.scheduler"} <= names


def test_only_the_wiring_imports_storage() -> None:
    offending = []
    for path in LAYERED:
        offending += forbidden_imports(
            path.read_text(encoding="utf-8"),
            module_name(path),
            is_package=path.name == "__init__.py",
            filename=str(path.relative_to(ROOT)),
        )
    assert offending == [], "\n".join(offending)


def test_no_sql_outside_storage() -> None:
    offending = []
    for folder in ("bot", "cogs"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            offending += sql_strings(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert offending == [], "\n".join(offending)


@pytest.mark.parametrize(
    ("source", "importer", "is_package", "offends"),
    [
        ("import storage", "bot.core.x", False, True),
        ("import storage.database as db", "bot.core.x", False, True),
        ("import aiosqlite", "bot.delivery", False, True),
        ("from storage.database import Database", "bot.core.x", False, True),
        ("from storage import crypto", "cogs.x", False, True),
        ("from aiosqlite import Row", "bot.scheduler", False, True),
        ("def f():\n    import storage.outbox", "bot.core.x", False, True),
        ("try:\n    import aiosqlite\nexcept ImportError:\n    pass", "cogs.x", False, True),
        # Relative imports that climb out to a top-level `storage` package.
        ("from ...storage import database", "bot.core.x", False, True),
        ("from .. import storage", "bot.x", False, True),
        ("from . import storage", "bot", True, False),  # bot.storage: not the package
        ("from .store import Store", "bot.core.x", False, False),
        ("from bot.core.store import Store", "bot.core.x", False, False),
        ("import storageless", "bot.core.x", False, False),
        ("from bot.core import storage_words", "bot.core.x", False, False),
    ],
)
def test_the_import_checker_catches_violations(
    source: str, importer: str, is_package: bool, offends: bool
) -> None:
    found = forbidden_imports(source, importer, is_package=is_package, filename="fake.py")
    assert bool(found) is offends, found
    if offends:
        assert found[0].startswith("fake.py:")


@pytest.mark.parametrize(
    ("source", "offends"),
    [
        ('q = "SELECT id FROM reports WHERE state = ?"', True),
        ('q = "SELECT COUNT(*) AS n FROM timers"', True),
        ("q = 'INSERT INTO outbox (body) VALUES (?)'", True),
        ('q = "UPDATE tasks SET state = ?"', True),
        ('q = "DELETE FROM people"', True),
        ('q = f"DELETE FROM {table} WHERE x"', True),
        ('q = f"SELECT {column} FROM {table}"', True),
        ('q = (\n    "UPDATE reports "\n    "SET state = ?"\n)', True),
        ('text = "Select a report from the list"', False),
        ('text = "Please update your language"', False),
        ('text = "Delete from your phone after reading"', False),
        ('text = "verify R1"', False),
    ],
)
def test_the_sql_checker_catches_violations(source: str, offends: bool) -> None:
    found = sql_strings(source, "fake.py")
    assert bool(found) is offends, found
    if offends:
        assert found[0].startswith("fake.py:")
