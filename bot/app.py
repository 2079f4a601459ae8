"""Wires one deployment together: config -> network, database, services, router.

Front ends get an `App` and only talk to the core through it. This is the one place
that knows the core's storage seam is SQLite (`storage.database.Database`). Start-up
order matters: the database is opened and migrated before anything can write, and
configured members are synced before the first message is handled.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from bot.config import Config
from bot.core.clock import Clock, SystemClock
from bot.core.members import ConfiguredMember, MemberService
from bot.core.messenger import Messenger
from bot.core.models import TimerKind
from bot.core.network import HotlineInfo, Network
from bot.core.places import KnownPlace
from bot.core.reports import ReportService
from bot.core.retention import RetentionPolicy, RetentionService
from bot.core.router import CommandRouter
from bot.core.store import Changes
from bot.core.summary import SummaryService
from bot.core.tasks import TaskService
from bot.core.timers import TimerDispatcher
from bot.data_key import load_cipher
from bot.i18n import Renderer
from bot.scheduler import TimerScheduler
from storage.database import Database


def network_from_config(config: Config) -> Network:
    return Network(
        name=config.network.name,
        zone=config.network.zone,
        languages=tuple(config.network.languages),
        hotlines=tuple(HotlineInfo(h.label, h.number, h.hours) for h in config.hotlines),
        known_places=tuple(
            KnownPlace(place.name, tuple(place.match)) for place in config.known_locations
        ),
        targets=tuple(config.targets()),
        corroboration_window=config.timers.corroboration_window,
        verification_reminder=config.timers.verification_reminder,
        verification_expiry=config.timers.verification_expiry,
        active_check=config.timers.active_check,
        daily_summary=config.timers.daily_summary,
        max_message_chars=config.limits.max_message_chars,
        reports_per_hour=config.limits.reports_per_hour,
    )


class App:
    def __init__(self, config: Config, store: Database, clock: Clock) -> None:
        self.config = config
        self.store = store
        self.clock = clock
        self.network = network_from_config(config)
        self.renderer = Renderer(self.network.zone)
        self._outbox_listeners: list[Callable[[], None]] = []
        self.members = MemberService(store, self.network, clock)
        self.messenger = Messenger(self.network, clock, self.renderer)
        self.reports = ReportService(store, self.network, clock, self.renderer, self.messenger)
        timers = config.timers
        self.tasks = TaskService(
            store,
            self.network,
            clock,
            self.messenger,
            {
                TimerKind.TASK_OFFER_REMINDER: timers.task_accept_reminder,
                TimerKind.TASK_OFFER_ESCALATION: timers.task_accept_escalation,
                TimerKind.TASK_DUE_REMINDER: timers.task_due_reminder,
                TimerKind.TASK_OVERDUE: timers.task_overdue_escalation,
            },
        )
        self.summary = SummaryService(store, self.network, clock, self.messenger)
        kept = config.retention
        self.retention = RetentionService(
            store,
            self.network,
            clock,
            RetentionPolicy(
                people=timedelta(days=kept.people_days),
                reports=timedelta(days=kept.reports_days),
                messages=timedelta(days=kept.messages_days),
                audit=timedelta(days=kept.audit_days),
                purge_at=kept.purge_at,
            ),
        )
        report_timer = self.reports.on_timer
        task_timer = self.tasks.on_timer
        self.timers = TimerDispatcher(
            store,
            clock,
            self.messenger,
            {
                TimerKind.REPORT_REASK: report_timer,
                TimerKind.REPORT_EXPIRE: report_timer,
                TimerKind.REPORT_ACTIVE_CHECK: report_timer,
                TimerKind.TASK_OFFER_REMINDER: task_timer,
                TimerKind.TASK_OFFER_ESCALATION: task_timer,
                TimerKind.TASK_DUE_REMINDER: task_timer,
                TimerKind.TASK_DUE: task_timer,
                TimerKind.TASK_OVERDUE: task_timer,
                TimerKind.DAILY_SUMMARY: self.summary.on_timer,
                TimerKind.DAILY_PURGE: self.retention.on_timer,
            },
        )
        self.scheduler = TimerScheduler(self.timers.fire)
        self.router = CommandRouter(self.reports, self.members, self.network, self.tasks)
        store.add_commit_hook(self._committed)

    @classmethod
    async def start(
        cls,
        config: Config,
        db_path: Path | str | None = None,
        clock: Clock | None = None,
        *,
        deployment: bool = False,
    ) -> App:
        path = Path(db_path) if db_path is not None else config.database_path()
        cipher = (
            load_cipher(config, path, deployment=deployment) if str(path) != ":memory:" else None
        )
        db = await Database.open(path, cipher)
        app = cls(config, db, clock or SystemClock())
        try:
            if config.console is not None:
                await app.members.sync_configured(
                    "console",
                    (
                        ConfiguredMember(m.name, frozenset(m.roles), m.language)
                        for m in config.console.members
                    ),
                )
            if config.signal is not None:
                await app.members.sync_configured(
                    "signal",
                    (
                        ConfiguredMember(m.id, frozenset(m.roles), m.language)
                        for m in config.signal.members
                    ),
                )
        except BaseException:
            await db.close()
            raise
        return app

    def register_platform(self, platform: str, escape: Callable[[str], str]) -> Renderer:
        """Give a front end its own renderer, which neutralises people's text its way."""
        return self.messenger.register(platform, escape)

    async def fire_due(self) -> int:
        """Fire everything due now; tests and drills use it with an injected clock."""
        return await self.timers.fire_due()

    async def start_timers(self) -> None:
        """Run timers in this event loop; whatever came due while the bot was down fires now."""
        await self.summary.ensure_scheduled()
        await self.retention.ensure_scheduled()
        async with self.store.reading() as tx:
            pending = await tx.timers.pending()
        self.scheduler.start(pending)

    def on_outbox(self, listener: Callable[[], None]) -> None:
        """Call `listener` after every commit that wrote outbox rows (wakes workers)."""
        self._outbox_listeners.append(listener)

    def _committed(self, changes: Changes) -> None:
        if changes.outbox:
            for listener in self._outbox_listeners:
                listener()
        if changes.timers:
            self.scheduler.apply(changes)

    async def close(self) -> None:
        self.scheduler.shutdown()
        await self.store.close()
