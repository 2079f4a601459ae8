"""How fast the core handles a busy day: report, verify, deliver, on a real SQLite file.

Run with `python3 dev.py bench`. Results are appended to docs/BENCHMARKS.md. Targets:
a county network sees at most a few thousand reports a day, bursts of a few per second
during a raid; each full cycle (report, corroboration, verification, delivery of every
message) should stay well under 50 ms so a burst never queues behind the database.
"""

from __future__ import annotations

import asyncio
import platform
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

from bot.app import App
from bot.config import load_config
from bot.core.models import ReportDraft
from bot.delivery import OutboxWorker
from storage.outbox import OutboxEntry

ROOT = Path(__file__).resolve().parent.parent
REPORTS = 500
TARGET_MS = 50.0


class NullSender:
    platform = "console"

    async def send(self, entry: OutboxEntry) -> str | None:
        return None


async def run() -> dict[str, float]:
    config = load_config(ROOT / "config.example.toml")
    with tempfile.TemporaryDirectory() as folder:
        app = await App.start(config, Path(folder) / "bench.sqlite3")
        try:
            worker = OutboxWorker(app.db, NullSender(), app.clock)
            dee = await app.members.find("console", "dee")
            eli = await app.members.find("console", "eli")
            ben = await app.members.find("console", "ben")
            assert dee and eli and ben
            cycle: list[float] = []
            tracemalloc.start()
            started = time.perf_counter()
            for number in range(REPORTS):
                begin = time.perf_counter()
                where = f"{number} Main St"
                submission = await app.reports.submit(dee, ReportDraft(where=where, what="vans"))
                await app.reports.submit(eli, ReportDraft(where=f"Main & {number}"))
                await app.reports.verify(ben, submission.report.id)
                await worker.deliver_due()
                cycle.append((time.perf_counter() - begin) * 1000)
            total = time.perf_counter() - started
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            racers = await app.reports.submit(dee, ReportDraft(where="race"))
            begin = time.perf_counter()
            await asyncio.gather(
                *(app.reports.verify(ben, racers.report.id) for _ in range(200)),
                return_exceptions=True,
            )
            race_ms = (time.perf_counter() - begin) * 1000
        finally:
            await app.close()
    return {
        "reports": REPORTS,
        "cycles_per_second": REPORTS / total,
        "median_ms": statistics.median(cycle),
        "p95_ms": statistics.quantiles(cycle, n=20)[18],
        "max_ms": max(cycle),
        "peak_mib": peak / 2**20,
        "race_200_presses_ms": race_ms,
    }


def main() -> int:
    result = asyncio.run(run())
    verdict = "meets" if result["p95_ms"] < TARGET_MS else "MISSES"
    lines = [
        f"## {datetime.now(UTC):%Y-%m-%d %H:%M} UTC · Python {sys.version.split()[0]} · "
        f"{platform.machine()} · {platform.system()}",
        "",
        f"Full cycle = report + corroborating report + verification + delivery of every "
        f"message (organizer cards, two alerts, decision notice), {REPORTS} times, on a "
        f"SQLite file with `synchronous=FULL`.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| cycles per second | {result['cycles_per_second']:.0f} |",
        f"| cycle median | {result['median_ms']:.1f} ms |",
        f"| cycle p95 (target < {TARGET_MS:.0f} ms: {verdict}) | {result['p95_ms']:.1f} ms |",
        f"| cycle max | {result['max_ms']:.1f} ms |",
        f"| 200 simultaneous presses of Verify | {result['race_200_presses_ms']:.0f} ms |",
        f"| peak Python memory during the run | {result['peak_mib']:.1f} MiB |",
        "",
    ]
    report = ROOT / "docs" / "BENCHMARKS.md"
    if not report.exists():
        report.write_text(
            "# Benchmarks\n\nWritten by `python3 dev.py bench` (bench/bench_core.py). "
            "Newest last.\n\n"
        )
    with report.open("a") as handle:
        handle.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0 if verdict == "meets" else 1


if __name__ == "__main__":
    raise SystemExit(main())
