"""Forgetting on schedule: what the bot no longer needs is deleted, every day.

A database that is seized, subpoenaed or copied by an infiltrator can only reveal what
is still in it. Detained people's details go some days after the last task about them
closed, closed reports after a while longer, sent messages within days; the audit log
(codes and hashed actors only) is kept longest. Deleted rows are overwritten
(`secure_delete`) and the write-ahead log is truncated afterwards, so the pages do not
linger in the -wal file either.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from bot.core.clock import Clock, next_daily
from bot.core.models import Timer, TimerKind
from bot.core.network import Network
from bot.core.store import Cutoffs, Store, Transaction

log = logging.getLogger(__name__)

DAILY = TimerKind.DAILY_PURGE
MORE = TimerKind.PURGE_MORE
# Rows deleted per unit of work. The store holds one unit of work at a time, so anything
# else (an interaction's answer, a delivery) waits for at most one batch, not the whole
# purge (docs/BENCHMARKS.md: "interactions during a purge").
BATCH = 2000


@dataclass(frozen=True)
class RetentionPolicy:
    people: timedelta = timedelta(days=30)
    reports: timedelta = timedelta(days=90)
    messages: timedelta = timedelta(days=7)
    audit: timedelta = timedelta(days=365)
    purge_at: time = time(3, 30)


class RetentionService:
    def __init__(
        self,
        store: Store,
        network: Network,
        clock: Clock,
        policy: RetentionPolicy,
        batch: int = BATCH,
    ) -> None:
        self.store, self.network, self.clock, self.policy = store, network, clock, policy
        self.batch = batch

    def cutoffs(self, now: datetime) -> Cutoffs:
        return Cutoffs(
            people=now - self.policy.people,
            reports=now - self.policy.reports,
            messages=now - self.policy.messages,
            audit=now - self.policy.audit,
        )

    async def plan(self) -> dict[str, int]:
        """What a purge now would delete, per kind of record (the dry run)."""
        async with self.store.reading() as tx:
            return await tx.retention.count(self.cutoffs(self.clock.now()))

    async def purge(self) -> dict[str, int]:
        """Purge now (`rrbot purge`): batch after batch, each its own unit of work, until
        nothing is left; how many rows went, per kind of record."""
        now = self.clock.now()
        total: dict[str, int] = {}
        while True:
            async with self.store.transaction() as tx:
                removed = await self._purge(tx, now)
            for name, count in removed.items():
                total[name] = total.get(name, 0) + count
            if sum(removed.values()) < self.batch:
                return total

    async def _purge(self, tx: Transaction, now: datetime) -> dict[str, int]:
        removed = await tx.retention.delete(self.cutoffs(now), limit=self.batch)
        await tx.audit.record(now, None, "retention.purged", None, **_short_names(removed))
        log.info("retention purge: %s", ", ".join(f"{n} {k}" for k, n in removed.items()))
        return removed

    def next_time(self, after: datetime) -> datetime:
        return next_daily(after, self.policy.purge_at, self.network.zone)

    async def ensure_scheduled(self) -> None:
        """At start-up: exactly one pending daily purge."""
        now = self.clock.now()
        async with self.store.transaction() as tx:
            await tx.timers.keep_one(DAILY, self.next_time(now), now)

    async def on_timer(self, tx: Transaction, timer: Timer, now: datetime) -> None:
        """The daily purge, one batch per timer: claimed, purged and rescheduled in one
        transaction, so a crash between them loses nothing (the store folds the WAL
        after the commit). A full batch may leave more: the next batch is a timer due
        at once, so other work gets the store in between and a restart goes on."""
        if timer.kind is DAILY:
            await tx.timers.schedule(DAILY, 0, self.next_time(now), now)
        removed = await self._purge(tx, now)
        if sum(removed.values()) >= self.batch:
            await tx.timers.schedule(MORE, 0, now, now)


def _short_names(removed: dict[str, int]) -> dict[str, int]:
    """Audit details keyed by table-like words ("closed_tasks"), counts only."""
    return {name.split(" (")[0].replace(" ", "_"): count for name, count in removed.items()}
