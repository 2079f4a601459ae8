"""APScheduler, rebuilt from the database: on time, once, and catching up after downtime."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.app import App
from bot.config import Config
from bot.core.models import ReportDraft
from bot.scheduler import TimerScheduler
from tests.conftest import example_data, member, outbox_rows


def fast_config() -> Config:
    data = example_data()
    data["timers"].update(verification_reminder="1s", verification_expiry="30s")
    return Config.model_validate(data)


async def reasks(app: App) -> int:
    return sum(row.kind == "reask" for row in await outbox_rows(app.store))


async def test_timers_fire_on_time_in_real_time(tmp_path: Path) -> None:
    app = await App.start(fast_config(), tmp_path / "t.sqlite3")
    try:
        await app.start_timers()
        await app.reports.submit(await member(app, "dee"), ReportDraft(where="Elm"))
        for _ in range(40):  # at most 2 s
            if await reasks(app):
                break
            await asyncio.sleep(0.05)
        assert await reasks(app) == 1
    finally:
        await app.close()


async def test_a_scheduler_rebuilt_twice_still_fires_each_timer_once(tmp_path: Path) -> None:
    app = await App.start(fast_config(), tmp_path / "t.sqlite3")
    extra = TimerScheduler(app.timers.fire)  # as if the schedule was loaded twice
    try:
        await app.reports.submit(await member(app, "dee"), ReportDraft(where="Elm"))
        await app.start_timers()
        async with app.store.reading() as tx:
            extra.start(await tx.timers.pending())
        await asyncio.sleep(1.6)
        assert await reasks(app) == 1
    finally:
        extra.shutdown()
        await app.close()


async def test_what_came_due_during_downtime_fires_once_at_start_up(tmp_path: Path) -> None:
    db = tmp_path / "t.sqlite3"
    app = await App.start(fast_config(), db)
    await app.reports.submit(await member(app, "dee"), ReportDraft(where="Elm"))
    await app.close()  # down before the reminder was due
    await asyncio.sleep(1.2)
    app = await App.start(fast_config(), db)
    try:
        await app.start_timers()
        for _ in range(40):
            if await reasks(app):
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)
        assert await reasks(app) == 1
    finally:
        await app.close()
