"""Many timers due at once, on the real clock, with APScheduler firing them.

Run with `python3 dev.py bench` (or `.venv/bin/python bench/bench_timers.py`). Timers are
written through the storage seam (`tx.timers.schedule`) in a few big transactions, the
database is reopened, and `app.start_timers()` loads them, as after a restart. Targets:

1. Loading 10,000 pending timers at start-up (`app.start_timers()`) takes under 1 s.
2. 10,000 timers (real kind: report re-ask) due within one minute, with a measured no-op
   handler (`app.timers.handlers[kind] = ...`): each fires exactly once, p99 lateness
   (fire time - due time, measured in the handler) under 250 ms, and APScheduler logs no
   "skipped: maximum number of running instances" (its logger captured at WARNING).
3. Real work: 2,000 re-asks of real pending reports, the real handler (organizer card in
   the outbox, next re-ask scheduled) wrapped only to measure, the console's delivery
   worker running: same checks.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from _common import ROOT, append, heading, machine, verdict

from bot.app import App
from bot.config import load_config
from bot.core.models import ReportDraft, Timer, TimerKind
from bot.core.store import Transaction
from bot.platforms.console import Console

NOOP_TIMERS = 10_000
NOOP_SPREAD = timedelta(seconds=30)  # all due within one minute (here: within 30 s)
REAL_TIMERS = 2_000
REAL_SPREAD = timedelta(seconds=12)  # the rate: 10,000 a minute, ~167 a second
LEAD = timedelta(seconds=4)  # the first timer is due this long after they are written
BATCH = 2_000
LOAD_TARGET_S = 1.0
P99_TARGET_MS = 250.0
GRACE_S = 15.0  # after the last due time, how long to wait for stragglers


class Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _config():  # type: ignore[no-untyped-def]
    config = load_config(ROOT / "config.example.toml")
    # Keep the next re-ask of a real report far away, so each timer here fires once.
    timers = config.timers.model_copy(
        update={
            "claim_within": timedelta(minutes=30),
            "verification_expiry": timedelta(hours=2),
        }
    )
    return config.model_copy(update={"timers": timers})


async def _write_timers(path: Path, count: int, spread: timedelta, *, reports: bool) -> datetime:
    """Write `count` re-ask timers due from LEAD to LEAD + spread (and their reports)."""
    app = await App.start(_config(), path)
    try:
        ana = await app.members.find("console", "ana")
        assert ana is not None
        now = datetime.now(UTC)
        first = now + LEAD
        for start in range(0, count, BATCH):
            async with app.store.transaction() as tx:
                for n in range(start, min(start + BATCH, count)):
                    subject = n
                    if reports:
                        subject = await tx.reports.insert(
                            ReportDraft(where=f"{n} Oak Ave", what="vans"),
                            place_key=f"{n} oak ave",
                            known_location=None,
                            reporter_id=ana.id,
                            now=now,
                        )
                    due = first + spread * (n / count)
                    await tx.timers.schedule(TimerKind.REPORT_REASK, subject, due, now)
    finally:
        await app.close()
    return first


async def fire_all(count: int, spread: timedelta, *, real: bool) -> dict[str, float]:
    warnings = Warnings()
    aps = logging.getLogger("apscheduler")
    aps.addHandler(warnings)
    fired: Counter[int] = Counter()
    all_fired = asyncio.Event()
    lateness: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "timers.sqlite3"
        first = await _write_timers(path, count, spread, reports=real)
        app = await App.start(_config(), path)
        worker: asyncio.Task[None] | None = None
        try:
            kind = TimerKind.REPORT_REASK
            work = app.timers.handlers[kind]

            async def measured(tx: Transaction, timer: Timer, now: datetime) -> None:
                lateness.append((datetime.now(UTC) - timer.due_at).total_seconds() * 1000)
                fired[timer.id] += 1
                if len(fired) == count:
                    all_fired.set()
                if real:
                    await work(tx, timer, now)

            app.timers.handlers[kind] = measured
            if real:
                console = Console(app, write=lambda _line: None)
                worker = asyncio.create_task(console.worker.run())
            begin = time.perf_counter()
            await app.start_timers()
            load_s = time.perf_counter() - begin
            deadline = first + spread + timedelta(seconds=GRACE_S)
            with contextlib.suppress(TimeoutError):
                wait = (deadline - datetime.now(UTC)).total_seconds()
                await asyncio.wait_for(all_fired.wait(), timeout=wait)
            await asyncio.sleep(0.5)  # would anything fire twice?
            if worker is not None:
                worker.cancel()
                await asyncio.gather(worker, return_exceptions=True)
        finally:
            await app.close()
            aps.removeHandler(warnings)
    skipped = sum("maximum number of running instances" in r.getMessage() for r in warnings.records)
    ordered = sorted(lateness) or [float("nan")]
    return {
        "count": count,
        "load_s": load_s,
        "fired": len(fired),
        "twice": sum(1 for n in fired.values() if n > 1),
        "p50_ms": statistics.median(ordered),
        "p99_ms": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
        "max_ms": ordered[-1],
        "skipped": skipped,
        "warnings": len(warnings.records),
    }


def _ok(result: dict[str, float]) -> bool:
    return (
        result["fired"] == result["count"]
        and result["twice"] == 0
        and result["p99_ms"] < P99_TARGET_MS
        and result["skipped"] == 0
    )


def main() -> int:
    noop = asyncio.run(fire_all(NOOP_TIMERS, NOOP_SPREAD, real=False))
    real = asyncio.run(fire_all(REAL_TIMERS, REAL_SPREAD, real=True))
    load_ok = noop["load_s"] < LOAD_TARGET_S
    rows = []
    for name, r in (("no-op handler", noop), ("real re-ask handler", real)):
        rows.append(
            f"| {name} | {r['count']:.0f} | {r['load_s'] * 1000:.0f} ms | {r['fired']:.0f} | "
            f"{r['twice']:.0f} | {r['p50_ms']:.0f} ms | {r['p99_ms']:.0f} ms | "
            f"{r['max_ms']:.0f} ms | {r['skipped']:.0f} ({r['warnings']:.0f}) | "
            f"{verdict(_ok(r))} |"
        )
    lines = [
        heading("timers due at once, real clock, APScheduler (bench/bench_timers.py)"),
        "",
        f"Machine: {machine()}.",
        "",
        f"Re-ask timers written through the seam in transactions of {BATCH}, the database "
        f"reopened, then `app.start_timers()` timed. No-op run: {NOOP_TIMERS} timers due "
        f"evenly over {NOOP_SPREAD.seconds} s, handler replaced by a measured no-op. Real "
        f"run: {REAL_TIMERS} pending reports, their re-asks due over {REAL_SPREAD.seconds} "
        "s, the real handler (organizer card, next re-ask scheduled) wrapped to measure, "
        "the console delivery worker running. Lateness = handler start - due time.",
        "",
        "| run | timers | start_timers() | fired | twice | p50 late | p99 late | max late "
        "| skipped (all warnings) | verdict |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        f"Loading {NOOP_TIMERS} pending timers: {noop['load_s'] * 1000:.0f} ms (target < "
        f"{LOAD_TARGET_S * 1000:.0f} ms): **{verdict(load_ok)}**. Firing (every one once, "
        f"p99 < {P99_TARGET_MS:.0f} ms, no skipped runs): no-op **{verdict(_ok(noop))}**, "
        f"real **{verdict(_ok(real))}**.",
        "",
    ]
    print("\n".join(lines))
    if "--no-write" not in sys.argv:
        append(lines)
    return 0 if load_ok and _ok(noop) and _ok(real) else 1


if __name__ == "__main__":
    raise SystemExit(main())
