"""A raid day: intake against a plain insert, open-loop mixed load, growth to 100,000.

Run with `python3 dev.py bench` (or `.venv/bin/python bench/bench_surge.py`; `--quick`
for a short run, `--no-write` to leave docs/BENCHMARKS.md alone). Every figure is a
ratio or a latency measured side by side in the same run; no profiler or tracemalloc
runs inside a timed loop, and memory is measured in a run of its own (a subprocess).

1. Intake: volunteers' reports (each a new place: a card for the organizers, two
   timers, an audit entry) through the whole core (`router.handle`, the same call the
   console and Signal make, with the reply rendered) with the timer scheduler running,
   against a plain aiosqlite insert, with the same settings, of exactly the rows the core
   wrote (read back from its database). One report at a time, and in bursts of 20
   at once. Target: the core at least 0.7x the plain insert, one at a time.
2. Open-loop mixed load: reports, verifications, /status and /rights offered at a fixed
   rate, each its own task, the console delivery worker running as in the bot; latency
   from the moment a command was due to when its reply is rendered. Target: p99 under
   50 ms at 200 commands a second; the saturation point is the highest rate whose p99
   stays under 50 ms.
3. Growth: /status (the same 20 listed rows), intake and start-up with 1,000 and with
   100,000 stored reports. Targets: /status and intake at 100,000 within 1.2x of 1,000;
   start-up within 2x.
"""

from __future__ import annotations

import asyncio
import contextlib
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiosqlite
from _common import ROOT, append, heading, machine, verdict

from bot.app import App
from bot.config import Config, load_config
from bot.core.models import Conversation, DismissReason, Member, TargetPurpose
from bot.core.replies import reply_languages
from bot.delivery import OutboxWorker
from bot.platforms.console import ConsoleSender

QUICK = "--quick" in sys.argv
INTAKE_REPORTS = 100 if QUICK else 300
INTAKE_ROUNDS = 2 if QUICK else 5
BURST = 20
RATIO_TARGET = 0.7
RATES = (50, 200) if QUICK else (10, 50, 100, 200, 300, 400, 600)
RATE_SECONDS = 3.0 if QUICK else 8.0
P99_TARGET_MS = 50.0
SMALL, LARGE = 1_000, (20_000 if QUICK else 100_000)
GROWTH_TARGET, STARTUP_TARGET = 1.2, 2.0
STATUS_CALLS = 200
GROWTH_ROUNDS = 5
GROWTH_INTAKE = 150

ORGANIZERS = Conversation(
    "console", "organizers", is_direct=False, purpose=TargetPurpose.ORGANIZERS
)


def config() -> Config:
    base = load_config(ROOT / "config.example.toml")
    # Many volunteers, each under the limit; the limit itself is checked all the same.
    return base.model_copy(
        update={"limits": base.limits.model_copy(update={"reports_per_hour": 6})}
    )


def dm(member: Member) -> Conversation:
    return Conversation("console", member.external_id, is_direct=True)


def report_line(number: int) -> str:
    return (
        f"/report where: {number} Elm St and {number % 97} Ave; what: 2 vans, agents at the "
        f"door of building {number}; agency: ICE; source: first-hand"
    )


async def handle(app: App, member: Member, conversation: Conversation, text: str) -> None:
    """What a front end does with one message: the core's answer, rendered for the reader."""
    replies = await app.router.handle(member, conversation, text)
    chat = None if conversation.is_direct else app.network.target("console", conversation.address)
    for reply in replies:
        app.renderer.render_all(reply.text, reply_languages(reply, member, chat))


async def volunteers(app: App, count: int, prefix: str = "v") -> list[Member]:
    return [await app.members.identify("console", f"{prefix}{n}") for n in range(count)]


def cpu_seconds() -> tuple[float, float]:
    """This process's time on a CPU and waiting for one (run queue), all threads, from
    /proc (Linux): a machine shared with other work shows as run-queue time."""
    on = queued = 0
    for stat in Path("/proc/self/task").glob("*/schedstat"):
        with contextlib.suppress(OSError, ValueError):
            ran, waited, _slices = stat.read_text().split()
            on, queued = on + int(ran), queued + int(waited)
    return on / 1e9, queued / 1e9


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def spread(values: list[float], fmt: str = "{:.0f}") -> str:
    return ", ".join(fmt.format(v) for v in values)


# -- 1. intake against the plain insert --------------------------------------------------

COPIED = ("reports", "outbox", "broadcasts", "audit_log", "timers")


async def core_intake(folder: Path, name: str, *, burst: int) -> tuple[float, Path]:
    """Reports per second through the core; the database it wrote."""
    path = folder / f"{name}.sqlite3"
    app = await App.start(config(), path)
    try:
        await app.start_timers()
        people = await volunteers(app, INTAKE_REPORTS)
        await handle(app, people[0], dm(people[0]), report_line(-1))  # warm-up
        started = time.perf_counter()
        for first in range(0, INTAKE_REPORTS, burst):
            await asyncio.gather(
                *(
                    handle(app, people[n], dm(people[n]), report_line(n))
                    for n in range(first, min(first + burst, INTAKE_REPORTS))
                )
            )
        taken = time.perf_counter() - started
    finally:
        await app.close()
    return INTAKE_REPORTS / taken, path


def rows_written(path: Path) -> list[tuple[str, list[str], list[tuple[object, ...]]]]:
    """Every row the core wrote per table (the warm-up's and the members' excepted)."""
    out = []
    with sqlite3.connect(path) as raw:
        first = raw.execute("SELECT MIN(id) FROM reports").fetchone()[0]
        for table in COPIED:
            columns = [r[1] for r in raw.execute(f"PRAGMA table_info({table})")]
            if table == "audit_log":
                columns.remove("id")
            where = {
                "reports": "id > ?",
                "outbox": "report_id > ?",
                "broadcasts": "report_id > ?",
                "audit_log": "action = 'report.submitted' AND subject != 'R' || ?",
                "timers": "subject_id > ? AND kind LIKE 'report%'",
            }[table]
            rows = raw.execute(
                f"SELECT {', '.join(columns)} FROM {table} WHERE {where} ORDER BY id",  # noqa: S608
                (first,),
            ).fetchall()
            out.append((table, columns, rows))
    return out


async def plain_insert(
    template: Path,
    folder: Path,
    written: list[tuple[str, list[str], list[tuple[object, ...]]]],
    *,
    burst: int,
) -> float:
    """The same rows, one transaction per report, on a plain aiosqlite connection."""
    path = folder / "plain.sqlite3"
    shutil.copy(template, path)
    with sqlite3.connect(path) as raw:
        for table in COPIED:
            if table != "audit_log":
                raw.execute(f"DELETE FROM {table}")  # noqa: S608
    per_report: list[list[tuple[str, tuple[object, ...]]]] = [[] for _ in range(INTAKE_REPORTS)]
    for table, columns, rows in written:
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"  # noqa: S608
        per = len(rows) // INTAKE_REPORTS
        assert per * INTAKE_REPORTS == len(rows), (table, len(rows))
        for n in range(INTAKE_REPORTS):
            for row in rows[n * per : (n + 1) * per]:
                per_report[n].append((sql, row))
    conn = await aiosqlite.connect(path, isolation_level=None)
    for pragma in ("journal_mode = WAL", "synchronous = FULL", "foreign_keys = ON"):
        await conn.execute(f"PRAGMA {pragma}")
    lock = asyncio.Lock()

    async def one(statements: list[tuple[str, tuple[object, ...]]]) -> None:
        async with lock:
            await conn.execute("BEGIN IMMEDIATE")
            for sql, row in statements:
                await conn.execute(sql, row)
            await conn.execute("COMMIT")

    started = time.perf_counter()
    for first in range(0, INTAKE_REPORTS, burst):
        await asyncio.gather(*(one(s) for s in per_report[first : first + burst]))
    taken = time.perf_counter() - started
    await conn.close()
    return INTAKE_REPORTS / taken


async def intake() -> dict[str, object]:
    results: dict[str, object] = {}
    for burst in (1, BURST):
        core_rates: list[float] = []
        plain_rates: list[float] = []
        ratios: list[float] = []
        for round_ in range(INTAKE_ROUNDS):
            with tempfile.TemporaryDirectory() as tmp:
                folder = Path(tmp)
                template = folder / "template.sqlite3"
                app = await App.start(config(), template)
                await app.close()
                core, written_path = await core_intake(folder, f"core{round_}", burst=burst)
                written = rows_written(written_path)
                plain = await plain_insert(template, folder, written, burst=burst)
            core_rates.append(core)
            plain_rates.append(plain)
            ratios.append(core / plain)
        results[f"core_{burst}"] = core_rates
        results[f"plain_{burst}"] = plain_rates
        results[f"ratio_{burst}"] = ratios
    return results


# -- 2. open-loop mixed load -------------------------------------------------------------


async def open_loop(rate: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        app = await App.start(config(), Path(tmp) / "load.sqlite3")
        try:
            await app.start_timers()
            count = int(rate * RATE_SECONDS)
            people = await volunteers(app, count // 2 + 10)
            ben = await app.members.find("console", "ben")
            ana = await app.members.find("console", "ana")
            assert ben is not None and ana is not None
            sender = ConsoleSender(lambda _line: None, lambda: _no_names(), app.renderer)
            worker = OutboxWorker(app.store, sender, app.clock)
            app.on_outbox(worker.wake.set)
            delivery = asyncio.create_task(worker.run())
            await handle(app, people[-1], dm(people[-1]), report_line(-1))  # warm-up
            completed = 0  # reports answered: R2 .. R(completed + 1) exist (R1: warm-up)
            verified = 1
            filed = 0
            latencies: list[float] = []
            errors = 0

            def command(n: int) -> Callable[[], Awaitable[None]]:
                nonlocal filed, verified
                kind = n % 10
                if kind < 4:  # 40 %: a report
                    member = people[filed]
                    number = filed
                    filed += 1

                    async def report() -> None:
                        nonlocal completed
                        await handle(app, member, dm(member), report_line(number))
                        completed += 1

                    return report
                if kind < 6 and verified < completed + 1:  # 20 %: a verification
                    verified += 1
                    code = verified

                    async def verify() -> None:
                        await handle(app, ben, ORGANIZERS, f"/verify R{code} seen it")

                    return verify
                if kind < 8:  # 20 %: /status in the organizer chat
                    return lambda: handle(app, ana, ORGANIZERS, "/status")
                member = people[n % len(people)]
                return lambda: handle(app, member, dm(member), "/rights")

            loop = asyncio.get_running_loop()
            start = loop.time() + 0.05
            tasks = []
            ran_before, queued_before = cpu_seconds()

            async def timed(due: float, run: Callable[[], Awaitable[None]]) -> None:
                nonlocal errors
                try:
                    await run()
                except Exception:
                    errors += 1
                latencies.append((loop.time() - due) * 1000)

            for n in range(count):
                due = start + n / rate
                delay = due - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(timed(due, command(n))))
            await asyncio.gather(*tasks)
            finished = loop.time() - start
            ran_after, queued_after = cpu_seconds()
            delivery.cancel()
            await asyncio.gather(delivery, return_exceptions=True)
        finally:
            await app.close()
    return {
        "rate": rate,
        "p50": percentile(latencies, 0.5),
        "p99": percentile(latencies, 0.99),
        "max": max(latencies),
        "achieved": count / finished,
        "errors": errors,
        "cpu": (ran_after - ran_before) / finished,
        "queued": (queued_after - queued_before) / finished,
    }


async def _no_names() -> list[str]:
    return []


# -- 3. growth -----------------------------------------------------------------------------


async def fill(path: Path, stored: int) -> None:
    """`stored` reports closed days ago (resolved, dismissed, retracted), 10 pending and
    10 closed within the day: /status lists the same 20 either way."""
    app = await App.start(config(), path)
    try:
        people = await volunteers(app, 20, prefix="g")
        for n, member in enumerate(people):
            await handle(app, member, dm(member), report_line(10_000_000 + n))
        ana = await app.members.find("console", "ana")
        assert ana is not None
        for code in range(1, 11):  # ten of them closed today
            await app.decisions.dismiss(ana, code, DismissReason.ROUTINE)
    finally:
        await app.close()
    old = (datetime.now(UTC) - timedelta(days=5)).isoformat()
    with sqlite3.connect(path) as raw:
        columns = [r[1] for r in raw.execute("PRAGMA table_info(reports)") if r[1] != "id"]
        listed = ", ".join(columns)
        chosen = ", ".join(
            {
                "state": "'resolved'",
                "created_at": "?",
                "updated_at": "?",
                "reporter_sealed": "NULL",
            }.get(c, c)
            for c in columns
        )
        copies = stored - 20
        template_rows = raw.execute("SELECT COUNT(*) FROM reports").fetchone()[0]
        raw.execute("BEGIN")
        made = 0
        while made < copies:
            take = min(template_rows, copies - made)
            raw.execute(
                f"INSERT INTO reports ({listed}) SELECT {chosen} FROM reports "  # noqa: S608
                "WHERE id <= ? ORDER BY id LIMIT ?",
                (old, old, template_rows, take),
            )
            made += take
        # The copies come after the 20 real ones: give them ids below, as older reports.
        raw.execute("COMMIT")
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")


async def growth_run(path: Path) -> dict[str, float]:
    begin = time.perf_counter()
    app = await App.start(config(), path)
    await app.start_timers()
    startup = (time.perf_counter() - begin) * 1000
    try:
        ana = await app.members.find("console", "ana")
        assert ana is not None
        await handle(app, ana, ORGANIZERS, "/status")  # warm-up
        status: list[float] = []
        cpu_begin = time.thread_time()
        for _ in range(STATUS_CALLS):
            begin = time.perf_counter()
            await handle(app, ana, ORGANIZERS, "/status")
            status.append((time.perf_counter() - begin) * 1000)
        status_cpu = (time.thread_time() - cpu_begin) * 1000 / STATUS_CALLS
        people = await volunteers(app, GROWTH_INTAKE, prefix="late")
        begin = time.perf_counter()
        cpu_begin = time.thread_time()
        for n, member in enumerate(people):
            await handle(app, member, dm(member), report_line(20_000_000 + n))
        rate = GROWTH_INTAKE / (time.perf_counter() - begin)
        intake_cpu = (time.thread_time() - cpu_begin) * 1000 / GROWTH_INTAKE
    finally:
        await app.close()
    return {
        "startup_ms": startup,
        "status_p50_ms": statistics.median(status),
        "status_cpu_ms": status_cpu,
        "intake": rate,
        "intake_cpu_ms": intake_cpu,
    }


async def growth() -> dict[str, list[dict[str, float]]]:
    out: dict[str, list[dict[str, float]]] = {"small": [], "large": []}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for size, stored in (("small", SMALL), ("large", LARGE)):
            made = folder / size
            made.mkdir()
            await fill(made / "db.sqlite3", stored)
        for round_ in range(GROWTH_ROUNDS):
            for size in ("small", "large") if round_ % 2 == 0 else ("large", "small"):
                work = folder / f"{size}-{round_}"
                shutil.copytree(folder / size, work)
                out[size].append(await growth_run(work / "db.sqlite3"))
    return out


# -- memory, in a run of its own -------------------------------------------------------


def memory() -> float:
    """Resident memory (MiB, peak) of a process that opens 100,000 stored reports, runs
    /status and takes reports: a subprocess, so nothing else is counted."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, __file__, "--memory-child", *(["--quick"] if QUICK else [])],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return float(done.stdout.strip().splitlines()[-1])


async def memory_child() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "db.sqlite3"
        await fill(path, LARGE)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        await growth_run(path)
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{before / 1024:.1f}")
    print(f"{after / 1024:.1f}")


def main() -> int:
    if "--memory-child" in sys.argv:
        asyncio.run(memory_child())
        return 0
    taken = asyncio.run(intake())
    loads = [asyncio.run(open_loop(rate)) for rate in RATES]
    grown = asyncio.run(growth())
    resident = memory()

    ratio_1 = taken["ratio_1"]
    ratio_b = taken[f"ratio_{BURST}"]
    assert isinstance(ratio_1, list) and isinstance(ratio_b, list)
    intake_ok = statistics.median(ratio_1) >= RATIO_TARGET
    at_target = next((r for r in loads if r["rate"] == 200), None)
    load_ok = at_target is not None and at_target["p99"] < P99_TARGET_MS
    saturation = max((r["rate"] for r in loads if r["p99"] < P99_TARGET_MS), default=0)

    def med(size: str, key: str) -> float:
        return statistics.median(run[key] for run in grown[size])

    status_ratio = med("large", "status_p50_ms") / med("small", "status_p50_ms")
    intake_ratio = med("small", "intake") / med("large", "intake")
    startup_ratio = med("large", "startup_ms") / med("small", "startup_ms")
    growth_ok = status_ratio <= GROWTH_TARGET and intake_ratio <= GROWTH_TARGET
    startup_ok = startup_ratio <= STARTUP_TARGET

    lines = [
        heading("surge: intake, open-loop load, growth (bench/bench_surge.py)"),
        "",
        f"Machine: {machine()}." + (" Quick run (--quick)." if QUICK else ""),
        "",
        f"1. Intake, timer scheduler running: {INTAKE_REPORTS} volunteers' reports through "
        "`router.handle` (reply rendered) against a plain aiosqlite insert (WAL, "
        "`synchronous=FULL`, one transaction per report) of exactly the rows the core "
        f"wrote; {INTAKE_ROUNDS} rounds, fresh databases.",
        "",
        "| mode | core reports/s | plain insert reports/s | core / plain (each round) | median |",
        "|---|---|---|---|---|",
    ]
    for burst, label in ((1, "one at a time"), (BURST, f"bursts of {BURST}")):
        core, plain, ratio = (taken[f"{k}_{burst}"] for k in ("core", "plain", "ratio"))
        assert isinstance(core, list) and isinstance(plain, list) and isinstance(ratio, list)
        lines.append(
            f"| {label} | {spread(core)} | {spread(plain)} | {spread(ratio, '{:.2f}')} | "
            f"{statistics.median(ratio):.2f} |"
        )
    lines += [
        "",
        f"Core / plain, one at a time (median, target >= {RATIO_TARGET}): **{verdict(intake_ok)}**",
        "",
        f"2. Open-loop mixed load, {RATE_SECONDS:.0f} s per rate: 40 % reports, 20 % "
        "verifications (alert to two chats, reporter told), 20 % /status in the organizer "
        "chat, 20 % /rights; the console delivery worker running. Latency from the due time.",
        "",
        "| offered/s | achieved/s | p50 | p99 | max | errors | on a CPU | waiting for one |",
        "|---|---|---|---|---|---|---|---|",
        *(
            f"| {r['rate']:.0f} | {r['achieved']:.0f} | {r['p50']:.1f} ms | {r['p99']:.1f} ms "
            f"| {r['max']:.0f} ms | {r['errors']:.0f} | {r['cpu']:.0%} | {r['queued']:.0%} |"
            for r in loads
        ),
        "",
        "On a CPU / waiting for one: this process's time running, and runnable but waiting "
        "for a core (other processes on the machine), as a share of the run's wall time.",
        "",
        f"p99 under {P99_TARGET_MS:.0f} ms at 200/s: **{verdict(load_ok)}**; saturation "
        f"(highest rate measured with p99 under {P99_TARGET_MS:.0f} ms): {saturation}/s.",
        "",
        f"3. Growth: {SMALL:,} against {LARGE:,} stored reports (/status lists the same 20; "
        f"{STATUS_CALLS} calls, median), {GROWTH_INTAKE} reports one at a time, start-up = "
        f"`App.start` + `start_timers`; {GROWTH_ROUNDS} rounds each, alternating; CPU = the "
        "event loop thread's CPU time per call or report (what preemption by other "
        "processes does not inflate).",
        "",
        "| stored | start-up (each) | /status p50 (each) | /status CPU (each) | "
        "intake reports/s (each) | intake CPU per report (each) |",
        "|---|---|---|---|---|---|",
        *(
            f"| {stored:,} | {spread([r['startup_ms'] for r in grown[size]])} ms | "
            f"{spread([r['status_p50_ms'] for r in grown[size]], '{:.1f}')} ms | "
            f"{spread([r['status_cpu_ms'] for r in grown[size]], '{:.1f}')} ms | "
            f"{spread([r['intake'] for r in grown[size]])} | "
            f"{spread([r['intake_cpu_ms'] for r in grown[size]], '{:.1f}')} ms |"
            for size, stored in (("small", SMALL), ("large", LARGE))
        ),
        "",
        f"/status {status_ratio:.2f}x, intake {intake_ratio:.2f}x (slower at {LARGE:,}; "
        f"target <= {GROWTH_TARGET}): **{verdict(growth_ok)}**. Start-up {startup_ratio:.2f}x "
        f"(target <= {STARTUP_TARGET}): **{verdict(startup_ok)}**.",
        "",
        f"Memory (own run, a subprocess): peak resident {resident:.0f} MiB with {LARGE:,} "
        "stored reports after start-up, /status and intake.",
        "",
    ]
    print("\n".join(lines))
    if "--no-write" not in sys.argv:
        append(lines)
    return 0 if intake_ok and load_ok and growth_ok and startup_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
