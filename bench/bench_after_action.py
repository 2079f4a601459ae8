"""How long `rrbot report` takes for 100,000 reports in its window (issue 15: "the page
for 100,000 reports builds in a few seconds"): reading the numbers, drawing the charts
and writing the page, measured apart, in a fresh process like an operator's."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import ROOT, append, heading, machine, verdict
from bench.after_action_demo import NOW, seed

QUICK = "--quick" in sys.argv
REPORTS = 10_000 if QUICK else 100_000
TARGET_SECONDS = 5.0

CHILD = """
import asyncio, sys, time
from datetime import timedelta
from pathlib import Path
start = time.perf_counter()
from bot.after_action import page
from bot.app import App
from bot.config import load_config
from bench.after_action_demo import NOW
from tests.fakes.clock import FakeClock
imported = time.perf_counter()
async def main():
    app = await App.start(load_config(Path("config.example.toml")), Path(sys.argv[1]),
                          FakeClock(NOW))
    opened = time.perf_counter()
    found = await app.stats.numbers(timedelta(days=30))
    counted = time.perf_counter()
    text = page(found, app.renderer, "en")
    drawn = time.perf_counter()
    Path(sys.argv[2]).write_text(text, encoding="utf-8")
    await app.close()
    print(found.total, imported - start, opened - imported, counted - opened,
          drawn - counted, time.perf_counter() - start, len(text))
asyncio.run(main())
"""


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "after-action.sqlite3"
        began = time.perf_counter()
        asyncio.run(seed(db, REPORTS))
        seeded = time.perf_counter() - began
        out = Path(folder) / "after-action.html"
        done = subprocess.run(  # noqa: S603 - this Python, this script
            [sys.executable, "-c", CHILD, str(db), str(out)],
            cwd=ROOT, capture_output=True, text=True, check=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
    total, imports, opening, counting, drawing, whole, size = done.stdout.split()
    ok = float(whole) <= TARGET_SECONDS
    lines = [
        heading(f"after-action page ({int(total):,} reports in 30 days)"),
        "",
        machine(),
        "",
        f"- seeded in {seeded:.1f} s (not part of the figure); page {int(size) / 1024:.0f} KiB",
        f"- imports (matplotlib, the bot) {float(imports):.2f} s; opening the database "
        f"{float(opening):.2f} s",
        f"- reading the numbers (one indexed query per table) {float(counting):.2f} s",
        f"- drawing the charts and the page {float(drawing):.2f} s",
        f"- **whole `rrbot report`, in a fresh process: {float(whole):.2f} s** "
        f"(target ≤ {TARGET_SECONDS:.0f} s): {verdict(ok)}",
        "",
    ]
    print("\n".join(lines))
    if not QUICK:
        append(lines)
    return 0 if ok else 1


if __name__ == "__main__":
    assert NOW.tzinfo is not None
    raise SystemExit(main())
