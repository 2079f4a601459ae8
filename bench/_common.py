"""What the benchmarks share: the machine they ran on, and where results are written."""

from __future__ import annotations

import os
import platform
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "BENCHMARKS.md"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 2**20:.0f} GiB"
    except OSError:
        pass
    return "?"


def machine() -> str:
    """One line naming the machine, so figures from different hosts are not compared."""
    return (
        f"CPU {_cpu_model()} ({os.cpu_count()} cores), RAM {_ram_gib()}, "
        f"Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}, "
        f"{platform.system()} {platform.machine()}; databases in a temporary directory "
        "(ext4 on a virtual disk here), WAL, `synchronous=FULL`"
    )


def heading(title: str) -> str:
    return f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {title}"


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def append(lines: list[str]) -> None:
    if not REPORT.exists():
        REPORT.write_text(
            "# Benchmarks\n\nWritten by `python3 dev.py bench` (bench/*.py). Newest last.\n\n"
        )
    with REPORT.open("a") as handle:
        handle.write("\n".join(lines) + "\n")
