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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from bot.core.clock import Clock, next_daily
from bot.core.network import Network
from bot.core.reports import LATE_AFTER
from storage import audit, retention, timers
from storage.database import Database

log = logging.getLogger(__name__)

DAILY = "retention.daily"


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
        db: Database,
        network: Network,
        clock: Clock,
        policy: RetentionPolicy,
        on_timers: Callable[[], None] = lambda: None,
    ) -> None:
        self.db, self.network, self.clock, self.policy = db, network, clock, policy
        self._on_timers = on_timers

    def cutoffs(self, now: datetime) -> retention.Cutoffs:
        return retention.Cutoffs(
            people=now - self.policy.people,
            reports=now - self.policy.reports,
            messages=now - self.policy.messages,
            audit=now - self.policy.audit,
        )

    async def plan(self) -> dict[str, int]:
        """What a purge now would delete, per kind of record (the dry run)."""
        async with self.db.reading() as conn:
            return await retention.count(conn, self.cutoffs(self.clock.now()))

    async def purge(self) -> dict[str, int]:
        now = self.clock.now()
        async with self.db.transaction() as conn:
            removed = await retention.delete(conn, self.cutoffs(now))
            await audit.record(conn, now, None, "retention.purged", None, **_short_names(removed))
        await self.db.checkpoint()
        log.info("retention purge: %s", ", ".join(f"{n} {k}" for k, n in removed.items()))
        return removed

    def _next(self, after: datetime) -> datetime:
        return next_daily(after, self.policy.purge_at, self.network.zone)

    async def ensure_scheduled(self) -> None:
        """At start-up: exactly one pending daily purge."""
        now = self.clock.now()
        async with self.db.transaction() as conn:
            await timers.keep_one(conn, DAILY, self._next(now), now)
        self._on_timers()

    async def fire_timer(self, timer_id: int) -> bool:
        now = self.clock.now()
        async with self.db.transaction() as conn:
            timer = await timers.claim_recurring(
                conn, timer_id, DAILY, now, LATE_AFTER, self._next(now)
            )
            if timer is None:
                return False
        self._on_timers()
        await self.purge()
        return True


def _short_names(removed: dict[str, int]) -> dict[str, int]:
    """Audit details keyed by table-like words ("closed_tasks"), counts only."""
    return {name.split(" (")[0].replace(" ", "_"): count for name, count in removed.items()}
