"""Wires one deployment together: config -> network, database, services, router.

Front ends get an `App` and only talk to the core through it. This is the one place
that knows the core's storage seam is SQLite (`storage.database.Database`). Start-up
order matters: the database is opened and migrated before anything can write, and
configured members are synced before the first message is handled.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from bot.config import DAYS, Config
from bot.core.actions import Actions
from bot.core.areas import Area
from bot.core.clock import Clock, SystemClock
from bot.core.dispatch import DispatchService
from bot.core.forms import FormService
from bot.core.media import MediaLimits
from bot.core.members import ConfiguredMember, MemberService
from bot.core.messenger import Messenger
from bot.core.models import TimerKind
from bot.core.network import DispatchStep, HotlineInfo, Network, Shift, StepWho
from bot.core.notices import Notices
from bot.core.people import PeopleService
from bot.core.places import KnownPlace
from bot.core.report_decisions import ReportDecisions
from bot.core.report_follow_ups import ReportFollowUps
from bot.core.report_intake import ReportIntake
from bot.core.report_timers import ReportTimers
from bot.core.reports import ReportService
from bot.core.retention import RetentionPolicy, RetentionService
from bot.core.router import CommandRouter
from bot.core.store import Changes
from bot.core.summary import SummaryService
from bot.core.task_timers import TaskTimers
from bot.core.tasks import TaskService
from bot.core.timers import TimerDispatcher
from bot.data_key import DataKey, announce_created, find_key
from bot.i18n import Renderer, forget_rendered
from bot.scheduler import TimerScheduler
from storage.database import Database
from storage.private_files import remove_database

log = logging.getLogger(__name__)


@dataclass
class _Made:
    """What a start created, so a start that fails can take it back: a new database, a
    new key file, and the folders made for them (removed only if left empty)."""

    database: Path | None = None
    key: DataKey | None = None
    directories: list[Path] = field(default_factory=list)

    def remove(self) -> None:
        key_file = self.key.created if self.key is not None else None
        for made in (self.database, key_file):
            if made is not None:
                log.info("the start failed: removing %s, which it had just made", made)
        if self.database is not None:
            remove_database(self.database)
        if key_file is not None:
            key_file.unlink(missing_ok=True)
        for folder in self.directories:  # deepest first
            try:
                folder.rmdir()
            except OSError:  # not empty (someone else's files), or already gone
                continue
            log.info("the start failed: removing the empty folder %s, which it had made", folder)
        self.database, self.key, self.directories = None, None, []


def missing_folders(*paths: Path) -> list[Path]:
    """The folders above `paths` that do not exist yet, deepest first: whatever of them
    exists after a start was made by it."""
    missing: set[Path] = set()
    for path in paths:
        for folder in path.absolute().parents:
            if folder.exists():
                break
            missing.add(folder)
    return sorted(missing, key=lambda folder: len(folder.parts), reverse=True)


def network_from_config(config: Config) -> Network:
    return Network(
        name=config.network.name,
        zone=config.network.zone,
        languages=tuple(config.network.languages),
        hotlines=tuple(
            HotlineInfo(
                h.label,
                h.number,
                h.hours,
                label_by_language=tuple(h.label_by_language.items()),
                hours_by_language=tuple(h.hours_by_language.items()),
            )
            for h in config.hotlines
        ),
        known_places=tuple(
            KnownPlace(place.name, tuple(place.match)) for place in config.known_locations
        ),
        targets=tuple(config.targets()),
        corroboration_window=config.timers.corroboration_window,
        claim_within=config.timers.claim_within,
        verification_expiry=config.timers.verification_expiry,
        active_check=config.timers.active_check,
        daily_summary=config.timers.daily_summary,
        max_message_chars=config.limits.max_message_chars,
        reports_per_hour=config.limits.reports_per_hour,
        region=config.network.region,
        media=MediaLimits(
            per_report=config.limits.media_per_report,
            max_bytes=config.limits.media_max_mb * 1_000_000,
        ),
        default_eta=config.dispatch.eta,
        claim_grace=config.dispatch.grace,
        dispatch_steps=tuple(
            DispatchStep(step.wait, StepWho(step.who), step.count) for step in config.dispatch.steps
        ),
        areas=tuple(Area(area.name, tuple(area.words)) for area in config.areas),
        shifts=tuple(
            Shift(
                shift.member,
                frozenset(DAYS.index(day) for day in shift.days),
                shift.start,
                shift.end,
                tuple(shift.areas),
            )
            for shift in config.dispatch.shifts
        ),
    )


class App:
    def __init__(self, config: Config, store: Database, clock: Clock) -> None:
        self.config = config
        self.store = store
        self._made = _Made()
        self._confirmed = False
        self.clock = clock
        self.network = network_from_config(config)
        self.renderer = Renderer(self.network.zone)
        self._outbox_listeners: list[tuple[str | None, Callable[[], None]]] = []
        self.messenger = messenger = Messenger(self.network, clock, self.renderer)
        self.members = MemberService(store, self.network, clock, messenger)
        network = self.network
        self.notices = Notices(store, network, clock, messenger)
        self.reports = ReportService(store, network, clock, messenger)
        self.intake = ReportIntake(store, network, clock, messenger, self.notices)
        self.decisions = ReportDecisions(store, network, clock, messenger)
        self.follow_ups = ReportFollowUps(store, network, clock, messenger)
        timers = config.timers
        self.tasks = TaskService(
            store,
            network,
            clock,
            messenger,
            {
                TimerKind.TASK_OFFER_REMINDER: timers.task_accept_reminder,
                TimerKind.TASK_OFFER_ESCALATION: timers.task_accept_escalation,
                TimerKind.TASK_DUE_REMINDER: timers.task_due_reminder,
                TimerKind.TASK_OVERDUE: timers.task_overdue_escalation,
            },
        )
        self.people = PeopleService(store, clock, network, self.tasks)
        self.forms = FormService(store, clock)
        self.summary = SummaryService(store, network, clock, messenger)
        kept = config.retention
        self.retention = RetentionService(
            store,
            network,
            clock,
            RetentionPolicy(
                people=timedelta(days=kept.people_days),
                reports=timedelta(days=kept.reports_days),
                messages=timedelta(days=kept.messages_days),
                audit=timedelta(days=kept.audit_days),
                purge_at=kept.purge_at,
            ),
        )
        report_timers = ReportTimers(store, network, clock, messenger).on_timer
        self.dispatch = DispatchService(store, network, clock, messenger)
        task_timers = TaskTimers(messenger).on_timer
        # One handler per kind of timer; the dispatcher refuses to start with one missing.
        self.timers = TimerDispatcher(
            store,
            clock,
            messenger,
            {
                TimerKind.REPORT_REASK: self.dispatch.on_timer,
                TimerKind.CLAIM_OVERDUE: self.dispatch.on_timer,
                TimerKind.REPORT_EXPIRE: report_timers,
                TimerKind.REPORT_ACTIVE_CHECK: report_timers,
                TimerKind.TASK_OFFER_REMINDER: task_timers,
                TimerKind.TASK_OFFER_ESCALATION: task_timers,
                TimerKind.TASK_DUE_REMINDER: task_timers,
                TimerKind.TASK_DUE: task_timers,
                TimerKind.TASK_OVERDUE: task_timers,
                TimerKind.DAILY_SUMMARY: self.summary.on_timer,
                TimerKind.DAILY_PURGE: self.retention.on_timer,
                TimerKind.PURGE_MORE: self.retention.on_timer,
            },
            recurring={
                TimerKind.DAILY_SUMMARY: self.summary.next_time,
                TimerKind.DAILY_PURGE: self.retention.next_time,
            },
        )
        self.scheduler = TimerScheduler(self.timers.fire)
        self.actions = Actions(
            network=network,
            clock=clock,
            members=self.members,
            reports=self.reports,
            intake=self.intake,
            decisions=self.decisions,
            follow_ups=self.follow_ups,
            tasks=self.tasks,
            people=self.people,
            dispatch=self.dispatch,
        )
        self.router = CommandRouter(self.actions, network)
        store.add_commit_hook(self._committed)

    @classmethod
    async def start(
        cls,
        config: Config,
        db_path: Path | str | None = None,
        clock: Clock | None = None,
        *,
        deployment: bool = False,
        escapes: Mapping[str, Callable[[str], str]] | None = None,
        confirm_later: bool = False,
    ) -> App:
        """Open (or create) the database with its data key and sync configured members.

        A start that fails leaves nothing behind that it made: a new key file, a new
        database and the folders made for them (if empty) are removed; an existing
        database is never touched. `confirm_later`: the start holds only once the caller
        says so (`started`, when its front ends are reached); until then `abandon` takes
        back what it made, and a new key file is not announced.

        `escapes`: how each platform that will run neutralises people's text (Discord's
        markdown and mentions), known before anything is written: what start-up itself
        says to the organizer chats (roles the config and the records disagree on,
        naming members by their profile names) is rendered here, before the front ends
        register."""
        path = Path(db_path) if db_path is not None else config.database_path()
        made = _Made()
        cipher = None
        if str(path) != ":memory:":
            made.database = None if path.exists() else path
            made.directories = missing_folders(path, config.key_path(path))
            try:
                made.key = find_key(config, path, deployment=deployment)
            except BaseException:
                made.remove()  # a folder made for a key file it could not write
                raise
            cipher = made.key.cipher
        try:
            db = await Database.open(path, cipher)
        except BaseException:
            made.remove()
            raise
        try:
            app = cls(config, db, clock or SystemClock())
            app._made = made
            for platform, escape in (escapes or {}).items():
                app.messenger.register(platform, escape)
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
                        ConfiguredMember(m.id, frozenset(m.roles), m.language, m.name)
                        for m in config.signal.members
                    ),
                )
        except BaseException:
            await db.close()
            made.remove()
            raise
        if not confirm_later:
            app.started()
        return app

    @property
    def confirmed(self) -> bool:
        """Whether the start holds (see `started`)."""
        return self._confirmed

    def started(self) -> None:
        """The start holds: what it made stays, and a new key file is announced now."""
        if self._confirmed:
            return
        self._confirmed = True
        if self._made.key is not None:
            announce_created(self._made.key)
        self._made = _Made()

    async def abandon(self) -> None:
        """Close after a start that could not go on (a front end's service unreachable)
        before anything was received, removing the key file, database and folders this
        start made, if it made them."""
        await self.close()
        if not self._confirmed:
            self._made.remove()

    def register_platform(
        self, platform: str, escape: Callable[[str], str], *, keeps_roles: bool = False
    ) -> Renderer:
        """Give a front end its own renderer, which neutralises people's text its way.
        `keeps_roles`: the platform says who has which role (Discord's server roles)."""
        if keeps_roles:
            self.members.roles_kept_by.add(platform)
        return self.messenger.register(platform, escape)

    async def fire_due(self) -> int:
        """Fire everything due now; tests and drills use it with an injected clock."""
        return await self.timers.fire_due()

    async def start_timers(self) -> None:
        """Run timers in this event loop; whatever came due while the bot was down fires now."""
        self.scheduler.prepare()
        await self.summary.ensure_scheduled()
        await self.retention.ensure_scheduled()
        async with self.store.reading() as tx:
            pending = await tx.timers.pending()
        self.scheduler.start(pending)

    def on_outbox(self, listener: Callable[[], None], platform: str | None = None) -> None:
        """Call `listener` after every commit that wrote outbox rows (for `platform` only,
        if named: a worker is not woken to plan for messages that are not its own)."""
        self._outbox_listeners.append((platform, listener))

    def _committed(self, changes: Changes) -> None:
        if changes.purged:  # messages kept rendered may quote what was just deleted
            forget_rendered()
        if changes.outbox:
            for platform, listener in self._outbox_listeners:
                if platform is None or platform in changes.outbox:
                    listener()
        if changes.timers:
            self.scheduler.apply(changes)

    async def close(self) -> None:
        self.scheduler.shutdown()
        await self.store.close()
