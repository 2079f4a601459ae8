"""Fan-out: a verification to 50 chats through a platform that enforces rate limits.

Run with `python3 dev.py bench` (or `.venv/bin/python bench/bench_fanout.py`). The
platform (tests/fakes/platform.py) refuses a send over its limits, as Discord does with
a 429: Discord's published numbers, at most 50 sends a second overall and 5 per channel
in any 5 seconds, and each send takes 50 ms (one round trip). The network has 50
broadcast chats and an organizer chat, all on that platform.

1. **A verification**: `/verify` through the core on a real SQLite file
   (`synchronous=FULL`), and the delivery worker sending everything it owes: the alert
   to 50 chats, the decision to the organizers, the outcome to the reporter (52
   messages). Timed from the verification's call to the platform taking the last one.
2. **The same, then a correction and an all clear at once** (3 messages per chat, in
   order: the per-chat limits and order matter too).

Each is measured side by side, in alternating rounds, against the minimum the limits
allow: the same messages sent by a bare loop (no store, no core; every message starts
as soon as both limits and its chat's previous message allow, with no bound on sends
under way) on the same platform; and the schedule's length worked out on paper. Also
shown: the worker with one send at a time (as before, with its per-message commits now
batched), and how many transactions recorded the outcomes.

Target: the worker within 1.1x of the measured minimum.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
import tomllib
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _common import ROOT, append, heading, machine, verdict

sys.path.insert(0, str(ROOT))  # the fake platform lives with the tests' fakes

from bot.app import App
from bot.config import Config
from bot.core.models import Member, OutboxEntry, ReportDraft
from bot.core.report_follow_ups import Correction
from bot.delivery import DeliveryError, OutboxWorker
from bot.pacing import Limits, LoopTimer, Pacer, Rate
from tests.fakes.platform import FakePlatform

CHATS = 50
PER_CHAT = Rate(5, 5.0)
OVERALL = Rate(50, 1.0)
LATENCY = 0.05
IN_FLIGHT = 8
# The worker's allowance for jitter (Limits.margin): the platform is in the same process
# here, but on a busy machine the process can be paused between counting a send and the
# platform's counting it.
MARGIN = 0.01
ROUNDS = 3
TARGET = 1.1


def network(chats: int) -> Config:
    data = tomllib.loads((ROOT / "config.example.toml").read_text(encoding="utf-8"))
    organizers = [c for c in data["console"]["chats"] if c["purpose"] == "organizers"]
    broadcast = [
        {"name": f"barrio-{n:02d}", "purpose": "broadcast", "languages": ["en"]}
        for n in range(chats)
    ]
    data["console"]["chats"] = organizers + broadcast
    return Config.model_validate(data)


class Platform(FakePlatform):
    """The fake platform, saying when it has taken a given number of messages."""

    def __init__(self) -> None:
        super().__init__(
            LoopTimer(), platform="console", per_chat=PER_CHAT, overall=OVERALL, latency=LATENCY
        )
        self.expected = sys.maxsize  # known once the news is written
        self.all_in = asyncio.Event()

    async def send(self, entry: OutboxEntry) -> str | None:
        result = await super().send(entry)
        if len(self.sent) >= self.expected:
            self.all_in.set()
        return result

    async def taken(self, expected: int) -> None:
        self.expected = expected
        if len(self.sent) < expected:
            await self.all_in.wait()


class NullSender:
    platform = "console"

    async def send(self, entry: OutboxEntry) -> str | None:
        return None


@dataclass
class Run:
    seconds: float  # from the first core call to the platform taking the last message
    recorded: float  # ... until every outcome is stored
    core: float  # of which the core's own calls (the verification's transaction and all)
    messages: int
    refused: int
    transactions: int
    chats: list[list[int]]  # each chat's messages (outbox ids), in the order sent


async def _cast(app: App) -> tuple[Member, Member, Member]:
    dee = await app.members.find("console", "dee")
    ben = await app.members.find("console", "ben")
    ana = await app.members.find("console", "ana")
    assert dee and ben and ana
    return dee, ben, ana


async def through_the_worker(
    folder: Path, name: str, news: Callable[[App, int], Awaitable[Any]], in_flight: int
) -> Run:
    app = await App.start(network(CHATS), folder / f"{name}.sqlite3")
    try:
        dee, _ben, _ana = await _cast(app)
        submission = await app.intake.submit(dee, ReportDraft(where="5th & Main", what="vans"))
        await OutboxWorker(app.store, NullSender(), app.clock).deliver_due()  # the card
        async with app.store.reading() as tx:
            before = {row.id for row in await tx.outbox.all_entries()}
        platform = Platform()
        limits = Limits(PER_CHAT, OVERALL, in_flight=in_flight, timeout=30.0, margin=MARGIN)
        worker = OutboxWorker(app.store, platform, app.clock, limits=limits)
        app.on_outbox(worker.wake.set, "console")
        running = asyncio.create_task(worker.run())
        await asyncio.sleep(0)
        begin = time.perf_counter()
        await news(app, submission.report.id)
        core = time.perf_counter() - begin
        async with app.store.reading() as tx:
            owed = [row for row in await tx.outbox.all_entries() if row.id not in before]
        await platform.taken(len(owed))
        taken = time.perf_counter() - begin
        while True:
            async with app.store.reading() as tx:
                pending = await tx.outbox.pending("console")
            if not pending:
                break
            await asyncio.sleep(0.001)
        recorded = time.perf_counter() - begin
        await worker.stop()
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
    finally:
        await app.close()
    order: dict[str, list[int]] = {}
    for sent in platform.sent:
        order.setdefault(sent.address, []).append(sent.id)
    return Run(
        taken,
        recorded,
        core,
        len(platform.sent),
        len(platform.refused),
        worker.ledger.batches,
        list(order.values()),
    )


async def bare(chats: list[list[int]]) -> float:
    """The same messages, each started as soon as the limits allow, nothing else done."""
    platform = Platform()
    pacer = Pacer(Limits(PER_CHAT, OVERALL, margin=0.0), LoopTimer())

    async def chat(number: int, ids: list[int]) -> None:
        for row_id in ids:
            while True:
                await pacer.until_allowed(number)
                try:
                    await platform.send(_entry(row_id, number))
                    break
                except DeliveryError as refused:  # a few microseconds early: go again then
                    await asyncio.sleep(refused.retry_after or 0)

    begin = time.perf_counter()
    await asyncio.gather(*(chat(n, ids) for n, ids in enumerate(chats)))
    return time.perf_counter() - begin


def _entry(row_id: int, chat: int) -> OutboxEntry:
    from datetime import UTC, datetime

    from bot.core.models import MessageKind

    moment = datetime.now(UTC)
    return OutboxEntry(
        id=row_id,
        platform="console",
        address=f"chat-{chat}",
        is_direct=False,
        languages=("en",),
        kind=MessageKind.ALERT,
        report_id=None,
        body="",
        ping=None,
        state="pending",
        attempts=0,
        next_attempt_at=moment,
        last_error=None,
        external_id=None,
        created_at=moment,
        delivered_at=None,
    )


def on_paper(chats: list[list[int]]) -> float:
    """The schedule's length: each message at the earliest moment both limits and its
    chat's previous message (its answer included) allow, the oldest first."""
    heads = [deque(ids) for ids in chats]
    ready = [0.0] * len(chats)
    per_chat: list[deque[float]] = [deque(maxlen=PER_CHAT.count) for _ in chats]
    overall: deque[float] = deque(maxlen=OVERALL.count)
    end = 0.0

    def earliest(n: int) -> float:
        start = ready[n]
        if len(per_chat[n]) == PER_CHAT.count:
            start = max(start, per_chat[n][0] + PER_CHAT.per)
        if len(overall) == OVERALL.count:
            start = max(start, overall[0] + OVERALL.per)
        return start

    while any(heads):
        n = min((i for i, h in enumerate(heads) if h), key=lambda i: (earliest(i), heads[i][0]))
        start = earliest(n)
        heads[n].popleft()
        per_chat[n].append(start)
        overall.append(start)
        ready[n] = start + LATENCY
        end = max(end, start + LATENCY)
    return end


async def verification(app: App, report_id: int) -> None:
    _dee, ben, _ana = await _cast(app)
    await app.decisions.verify(ben, report_id, "two vans at the bus stop")


async def verification_correction_all_clear(app: App, report_id: int) -> None:
    _dee, ben, ana = await _cast(app)
    await app.decisions.verify(ben, report_id, "two vans at the bus stop")
    await app.follow_ups.correct(ana, report_id, Correction(), note="three vans, not two")
    await app.follow_ups.resolve(ben, report_id, "they left")


SCENARIOS: list[tuple[str, Callable[[App, int], Awaitable[Any]]]] = [
    ("a verification", verification),
    (
        "a verification, then a correction and an all clear at once",
        verification_correction_all_clear,
    ),
]


async def measure(name: str, news: Callable[[App, int], Awaitable[Any]]) -> dict[str, Any]:
    workers: list[Run] = []
    singles: list[Run] = []
    bares: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        for round_ in range(ROUNDS):
            run = await through_the_worker(Path(folder), f"w{round_}", news, IN_FLIGHT)
            workers.append(run)
            bares.append(await bare(run.chats))
            singles.append(await through_the_worker(Path(folder), f"s{round_}", news, 1))
    worker = statistics.median(r.seconds for r in workers)
    minimum = statistics.median(bares)
    return {
        "name": name,
        "messages": workers[0].messages,
        "paper": on_paper(workers[0].chats),
        "bare": minimum,
        "worker": worker,
        "recorded": statistics.median(r.recorded for r in workers),
        "core": statistics.median(r.core for r in workers),
        "single": statistics.median(r.seconds for r in singles),
        "refused": sum(r.refused for r in workers + singles),
        "transactions": statistics.median(r.transactions for r in workers),
        "ratio": worker / minimum,
        "rounds": [(r.seconds, b) for r, b in zip(workers, bares, strict=True)],
    }


def main() -> int:
    results = [asyncio.run(measure(name, news)) for name, news in SCENARIOS]
    ok = all(r["ratio"] <= TARGET for r in results)
    lines = [
        heading("fan-out to 50 chats within rate limits (bench/bench_fanout.py)"),
        "",
        f"Machine: {machine()}.",
        "",
        f"A platform that refuses sends over {OVERALL.count} a second overall or "
        f"{PER_CHAT.count} per chat in any {PER_CHAT.per:g} s (Discord's published limits), "
        f"each send taking {LATENCY * 1000:.0f} ms; {CHATS} broadcast chats and an organizer "
        f"chat. The worker: {IN_FLIGHT} sends under way at most. Minimum = the same messages "
        "sent by a bare loop on the same platform (no store, no core, no bound on sends under "
        "way), measured in the same run; on paper = that schedule's length. Medians of "
        f"{ROUNDS} alternating rounds; time from the core call to the platform taking the last "
        "message.",
        "",
        "| news | messages | on paper | minimum (measured) | worker | worker / minimum "
        "| of which the core's calls | all recorded | transactions | one send at a time "
        "| refused |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['name']} | {r['messages']} | {r['paper']:.3f} s | {r['bare']:.3f} s "
            f"| {r['worker']:.3f} s | {r['ratio']:.3f} | {r['core'] * 1000:.0f} ms "
            f"| {r['recorded']:.3f} s "
            f"| {r['transactions']:.0f} | {r['single']:.3f} s | {r['refused']} |"
        )
    lines += [
        "",
        f"Worker within {TARGET}x of the minimum: **{verdict(ok)}**. Refused = sends the "
        "platform refused as over a limit, in all the worker's rounds (each is retried after "
        "the wait the platform names).",
        "",
        "Rounds (worker, minimum): "
        + "; ".join(
            f"{r['name']}: " + ", ".join(f"{w:.3f}/{b:.3f}" for w, b in r["rounds"])
            for r in results
        ),
        "",
    ]
    print("\n".join(lines))
    if "--no-write" not in sys.argv:
        append(lines)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
