"""Dispatch: claims and escalation steps of pending reports, duty, round-robin turns."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime, timedelta

from bot.core.models import Dispatch, Duty
from storage.connection import Connection
from storage.queries import row, rows
from storage.timecodec import from_db, maybe_from_db, to_db


def _dispatch(found: sqlite3.Row) -> Dispatch:
    eta = found["eta_minutes"]
    return Dispatch(
        report_id=found["report_id"],
        step=found["step"],
        claimed_by=found["claimed_by"],
        eta=timedelta(minutes=eta) if eta is not None else None,
        claimed_at=maybe_from_db(found["claimed_at"]),
        reasked=bool(found["reasked"]),
    )


class SqliteDispatch:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def get(self, report_id: int) -> Dispatch:
        found = await row(self._conn, "SELECT * FROM dispatch WHERE report_id = ?", (report_id,))
        return _dispatch(found) if found is not None else Dispatch(report_id)

    async def set_step(self, report_id: int, step: int) -> None:
        await self._conn.execute(
            "INSERT INTO dispatch (report_id, step) VALUES (?, ?) "
            "ON CONFLICT (report_id) DO UPDATE SET step = excluded.step",
            (report_id, step),
        )

    async def claim(
        self,
        report_id: int,
        member_id: int,
        eta: timedelta,
        now: datetime,
        *,
        expected: int | None,
    ) -> bool:
        minutes = max(1, round(eta.total_seconds() / 60))
        await self._conn.execute(
            "INSERT INTO dispatch (report_id) VALUES (?) ON CONFLICT (report_id) DO NOTHING",
            (report_id,),
        )
        cursor = await self._conn.execute(
            "UPDATE dispatch SET claimed_by = ?, eta_minutes = ?, claimed_at = ?, reasked = 0 "
            "WHERE report_id = ? AND claimed_by IS ?",
            (member_id, minutes, to_db(now), report_id, expected),
        )
        return cursor.rowcount == 1

    async def release(self, report_id: int, *, expected: int) -> bool:
        cursor = await self._conn.execute(
            "UPDATE dispatch SET claimed_by = NULL, eta_minutes = NULL, claimed_at = NULL, "
            "reasked = 0 WHERE report_id = ? AND claimed_by = ?",
            (report_id, expected),
        )
        return cursor.rowcount == 1

    async def mark_reasked(self, report_id: int) -> None:
        await self._conn.execute(
            "UPDATE dispatch SET reasked = 1 WHERE report_id = ?", (report_id,)
        )

    async def claimed(self) -> list[Dispatch]:
        found = await rows(
            self._conn,
            "SELECT * FROM dispatch WHERE claimed_by IS NOT NULL ORDER BY report_id",
        )
        return [_dispatch(item) for item in found]

    async def forget(self, report_id: int) -> None:
        await self._conn.execute("DELETE FROM dispatch WHERE report_id = ?", (report_id,))

    async def duty_on(
        self,
        member_id: int,
        until: datetime | None,
        now: datetime,
        areas: tuple[str, ...] = (),
        *,
        drill: bool = False,
    ) -> None:
        if drill:  # keep the duty they had before the drill, once (migration 24)
            await self._conn.execute(
                "INSERT OR IGNORE INTO drill_duty (member_id, had, since, until, areas) "
                "SELECT :member, EXISTS (SELECT 1 FROM duty WHERE member_id = :member), "
                "d.since, d.until, d.areas FROM (SELECT 1) "
                "LEFT JOIN duty AS d ON d.member_id = :member",
                {"member": member_id},
            )
        await self._conn.execute(
            "INSERT INTO duty (member_id, since, until, areas) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (member_id) DO UPDATE SET until = excluded.until, "
            "areas = excluded.areas, since = CASE "
            "WHEN duty.until IS NOT NULL AND duty.until <= excluded.since "
            "THEN excluded.since ELSE duty.since END",
            (member_id, to_db(now), to_db(until) if until is not None else None, "\n".join(areas)),
        )

    async def duty_off(self, member_id: int, now: datetime) -> bool:
        """End a duty now (the row stays: it says the network uses duty). Off is off,
        in a drill too: the duty kept from before a drill is not put back."""
        await self._conn.execute("DELETE FROM drill_duty WHERE member_id = ?", (member_id,))
        cursor = await self._conn.execute(
            "UPDATE duty SET until = ? WHERE member_id = ? AND (until IS NULL OR until > ?)",
            (to_db(now), member_id, to_db(now)),
        )
        return cursor.rowcount == 1

    async def duty_in_use(self) -> bool:
        return await row(self._conn, "SELECT 1 FROM duty LIMIT 1") is not None

    async def on_duty(self, now: datetime, *, real: bool = False) -> list[Duty]:
        """Who is on duty now (a duty that ran out or ended is left out); `real`: as
        before the running drill, if one runs (its duties left out, migration 24)."""
        if real:
            found = await rows(
                self._conn,
                "SELECT d.member_id, "
                "CASE WHEN k.member_id IS NULL THEN d.since ELSE k.since END AS since, "
                "CASE WHEN k.member_id IS NULL THEN d.until ELSE k.until END AS until, "
                "CASE WHEN k.member_id IS NULL THEN d.areas ELSE COALESCE(k.areas, '') "
                "END AS areas "
                "FROM duty AS d LEFT JOIN drill_duty AS k ON k.member_id = d.member_id "
                "WHERE k.member_id IS NULL OR k.had = 1 ORDER BY since, d.member_id",
            )
        else:
            found = await rows(self._conn, "SELECT * FROM duty ORDER BY since, member_id")
        duties = [
            Duty(
                item["member_id"],
                from_db(item["since"]),
                maybe_from_db(item["until"]),
                tuple(area for area in item["areas"].split("\n") if area),
            )
            for item in found
        ]
        return [duty for duty in duties if duty.until is None or duty.until > now]

    async def last_offered(self, member_ids: Iterable[int]) -> dict[int, datetime]:
        wanted = list(member_ids)
        if not wanted:
            return {}
        marks = ", ".join("?" for _ in wanted)
        found = await rows(
            self._conn,
            "SELECT member_id, last_offered_at FROM dispatch_turns "  # noqa: S608
            f"WHERE member_id IN ({marks})",
            wanted,
        )
        return {item["member_id"]: from_db(item["last_offered_at"]) for item in found}

    async def offered(
        self, member_ids: Iterable[int], now: datetime, *, drill: bool = False
    ) -> None:
        for member_id in member_ids:
            if drill:  # keep the turn from before the drill, once (migration 24)
                await self._conn.execute(
                    "INSERT OR IGNORE INTO drill_turns (member_id, last_offered_at) "
                    "VALUES (:member, (SELECT last_offered_at FROM dispatch_turns "
                    "WHERE member_id = :member))",
                    {"member": member_id},
                )
            else:  # a real offer is their real turn, kept after the drill
                await self._conn.execute(
                    "DELETE FROM drill_turns WHERE member_id = ?", (member_id,)
                )
            await self._conn.execute(
                "INSERT INTO dispatch_turns (member_id, last_offered_at) VALUES (?, ?) "
                "ON CONFLICT (member_id) DO UPDATE SET last_offered_at = excluded.last_offered_at",
                (member_id, to_db(now)),
            )
