"""How fast the core handles a busy day: report, verify, deliver, on a real SQLite file.

Run with `python3 dev.py bench`. Results are appended to docs/BENCHMARKS.md (not with
`--no-write`). Targets:
a county network sees at most a few thousand reports a day, bursts of a few per second
during a raid; each full cycle (report, corroboration, verification, delivery of every
message) should stay well under 50 ms so a burst never queues behind the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from _common import ROOT, append, heading, machine

from bot.app import App
from bot.config import Config, load_config
from bot.core.errors import UserError
from bot.core.models import Member, OutboxEntry, ReportDraft
from bot.delivery import OutboxWorker

REPORTS = 500
TARGET_MS = 50.0


class NullSender:
    platform = "console"

    async def send(self, entry: OutboxEntry) -> str | None:
        return None


def unlimited(config: Config) -> Config:
    """The cycle benchmark has one member report hundreds of times: lift the rate limit."""
    limits = config.limits.model_copy(update={"reports_per_hour": 100_000})
    return config.model_copy(update={"limits": limits})


async def flood() -> dict[str, float]:
    """One member floods (refused after the limit) while 50 others report once each."""
    config = load_config(ROOT / "config.example.toml")
    with tempfile.TemporaryDirectory() as folder:
        app = await App.start(config, Path(folder) / "flood.sqlite3")
        try:
            flooder = await app.members.identify("console", "flooder")
            others = [await app.members.identify("console", f"m{n}") for n in range(50)]

            async def timed(member: Member, where: str) -> float:
                begin = time.perf_counter()
                await app.intake.submit(member, ReportDraft(where=where))
                return (time.perf_counter() - begin) * 1000

            quiet = [await timed(m, f"{n} Quiet St") for n, m in enumerate(others[:25])]
            stop = asyncio.Event()
            attempts = 0

            async def spam() -> None:
                nonlocal attempts
                while not stop.is_set():
                    attempts += 1
                    with contextlib.suppress(UserError):  # refused: the limit at work
                        await app.intake.submit(flooder, ReportDraft(where=f"{attempts} Spam"))
                    await asyncio.sleep(0)

            spammers = [asyncio.create_task(spam()) for _ in range(4)]
            await asyncio.sleep(0.2)
            loud = [await timed(m, f"{n} Loud St") for n, m in enumerate(others[25:])]
            stop.set()
            await asyncio.gather(*spammers)
        finally:
            await app.close()
    return {
        "flood_attempts": attempts,
        "quiet_median_ms": statistics.median(quiet),
        "flood_median_ms": statistics.median(loud),
        "flood_p95_ms": statistics.quantiles(loud, n=20)[18],
    }


async def cast(app: App) -> tuple[Member, Member, Member]:
    dee = await app.members.find("console", "dee")
    eli = await app.members.find("console", "eli")
    ben = await app.members.find("console", "ben")
    assert dee and eli and ben
    return dee, eli, ben


async def one_cycle(
    app: App, worker: OutboxWorker, people: tuple[Member, Member, Member], number: int
) -> None:
    """Report, corroborate, verify, deliver every message."""
    dee, eli, ben = people
    where = f"{number} Main St"
    submission = await app.intake.submit(dee, ReportDraft(where=where, what="vans"))
    await app.intake.submit(eli, ReportDraft(where=f"Main & {number}"))
    await app.decisions.verify(ben, submission.report.id)
    await worker.deliver_due()


async def memory() -> float:
    """Peak Python memory over the same cycles, in a separate untimed pass: tracemalloc
    slows every allocation, so it must never run inside the timed loop."""
    config = unlimited(load_config(ROOT / "config.example.toml"))
    with tempfile.TemporaryDirectory() as folder:
        app = await App.start(config, Path(folder) / "memory.sqlite3")
        try:
            worker = OutboxWorker(app.store, NullSender(), app.clock)
            people = await cast(app)
            tracemalloc.start()
            for number in range(REPORTS):
                await one_cycle(app, worker, people, number)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        finally:
            await app.close()
    return peak / 2**20


async def run() -> dict[str, float]:
    config = unlimited(load_config(ROOT / "config.example.toml"))
    with tempfile.TemporaryDirectory() as folder:
        app = await App.start(config, Path(folder) / "bench.sqlite3")
        try:
            worker = OutboxWorker(app.store, NullSender(), app.clock)
            people = await cast(app)
            cycle: list[float] = []
            started = time.perf_counter()
            for number in range(REPORTS):
                begin = time.perf_counter()
                await one_cycle(app, worker, people, number)
                cycle.append((time.perf_counter() - begin) * 1000)
            total = time.perf_counter() - started
            dee, _eli, ben = people
            racers = await app.intake.submit(dee, ReportDraft(where="race"))
            begin = time.perf_counter()
            await asyncio.gather(
                *(app.decisions.verify(ben, racers.report.id) for _ in range(200)),
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
        "race_200_presses_ms": race_ms,
    }


def main() -> int:
    result = asyncio.run(run())
    result["peak_mib"] = asyncio.run(memory())
    flooding = asyncio.run(flood())
    verdict = "meets" if max(result["p95_ms"], flooding["flood_p95_ms"]) < TARGET_MS else "MISSES"
    lines = [
        heading("full cycle and flood (bench/bench_core.py)"),
        "",
        f"Machine: {machine()}.",
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
        f"| peak Python memory over the same cycles (separate untimed pass) | "
        f"{result['peak_mib']:.1f} MiB |",
        "",
        f"Flood: one member sends {flooding['flood_attempts']:.0f} reports from 4 concurrent "
        "loops (all but the first few refused by the rate limit) while 25 other members "
        "report once each.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| another member's report, no flood (median) | {flooding['quiet_median_ms']:.1f} ms |",
        f"| another member's report during the flood (median) | "
        f"{flooding['flood_median_ms']:.1f} ms |",
        f"| another member's report during the flood (p95) | {flooding['flood_p95_ms']:.1f} ms |",
        "",
    ]
    print("\n".join(lines))
    if "--no-write" not in sys.argv:
        append(lines)
    return 0 if verdict == "meets" else 1


if __name__ == "__main__":
    raise SystemExit(main())
