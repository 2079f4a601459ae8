"""Intake through the console front end with the timer scheduler running.

Run with `python3 dev.py bench` (or `.venv/bin/python bench/bench_intake.py`). An
organizer relays hotline reports (organizers are exempt from the rate limit), each about
a different place so none is a corroboration; each report schedules two timers (re-ask,
expiry), so the scheduler holds two jobs more after every report. Targets:

1. 800 reports in one run: the mean of the last 100 is at most 1.5x the first 100's
   (intake must not slow down as timers pile up).
2. Intake with the timer scheduler running is at least 0.8x intake without it (same
   number of reports, fresh databases, order alternated, best of the rounds compared).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, append, heading, machine, verdict

from bot.app import App
from bot.config import load_config
from bot.platforms.console import Console

RELAYED = 800
SLICE = 100
GROWTH_TARGET = 1.5
PAIR_REPORTS = 300
PAIR_ROUNDS = 8  # the disk's fsync time varies run to run: best of eight each
RATIO_TARGET = 0.8


def _line(number: int) -> str:
    return (
        f"ana@organizers: /report where: {number} Elm St; what: 2 vans, agents at door "
        f"(hotline call {number}); agency: ICE; source: second-hand"
    )


async def relay(count: int, *, timers: bool) -> tuple[list[float], int]:
    """Relay `count` reports in a fresh database; per-report seconds and the job count."""
    config = load_config(ROOT / "config.example.toml")
    with tempfile.TemporaryDirectory() as folder:
        app = await App.start(config, Path(folder) / "intake.sqlite3")
        try:
            if timers:
                await app.start_timers()
            out: list[str] = []
            console = Console(app, write=out.append)
            await console.handle_line(_line(-1))  # warm-up: imports, statement cache
            times: list[float] = []
            for number in range(count):
                begin = time.perf_counter()
                await console.handle_line(_line(number))
                times.append(time.perf_counter() - begin)
            assert sum("R" in line for line in out) >= count
            jobs = app.scheduler.job_count() if timers else 0
        finally:
            await app.close()
    return times, jobs


def main() -> int:
    times, jobs = asyncio.run(relay(RELAYED, timers=True))
    means = [statistics.fmean(times[i : i + SLICE]) * 1000 for i in range(0, RELAYED, SLICE)]
    growth = means[-1] / means[0]
    growth_ok = growth <= GROWTH_TARGET

    rates: dict[bool, list[float]] = {True: [], False: []}
    for round_ in range(PAIR_ROUNDS):
        order = (True, False) if round_ % 2 == 0 else (False, True)
        for running in order:
            taken, _jobs = asyncio.run(relay(PAIR_REPORTS, timers=running))
            rates[running].append(PAIR_REPORTS / sum(taken))
    with_timers, without = max(rates[True]), max(rates[False])
    ratio = with_timers / without
    ratio_ok = ratio >= RATIO_TARGET

    lines = [
        heading("intake through the console with the timer scheduler (bench/bench_intake.py)"),
        "",
        f"Machine: {machine()}.",
        "",
        f"1. An organizer relays {RELAYED} hotline reports (distinct places: no "
        f"corroboration) through the console front end, `app.start_timers()` running; "
        f"each report's whole line (parse, store, two timers, organizer card delivered) is "
        f"timed. {jobs} scheduler jobs at the end.",
        "",
        "| reports | mean per report |",
        "|---|---|",
        *(f"| {i * SLICE + 1}-{(i + 1) * SLICE} | {mean:.2f} ms |" for i, mean in enumerate(means)),
        "",
        f"Last 100 / first 100 = {growth:.2f} (target <= {GROWTH_TARGET}): "
        f"**{verdict(growth_ok)}**",
        "",
        f"2. {PAIR_REPORTS} reports per database, fresh database each time, {PAIR_ROUNDS} "
        "rounds alternating which goes first; best rate of each compared.",
        "",
        "| timer scheduler | reports/s (each round) | best |",
        "|---|---|---|",
        f"| running | {', '.join(f'{r:.0f}' for r in rates[True])} | {with_timers:.0f} |",
        f"| not started | {', '.join(f'{r:.0f}' for r in rates[False])} | {without:.0f} |",
        "",
        f"Running / not started = {ratio:.2f} (target >= {RATIO_TARGET}): **{verdict(ratio_ok)}**",
        "",
    ]
    print("\n".join(lines))
    if "--no-write" not in sys.argv:
        append(lines)
    return 0 if growth_ok and ratio_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
