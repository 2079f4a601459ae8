"""Reports with their decision, corroborations and later updates.

What people wrote (places, descriptions, media links, notes) is sealed. Who reported is
sealed while the report is open, because the two-person rule and telling reporters the
outcome need it; when the report closes only a keyed hash stays, enough to rate-limit
and to say "this member reported before", not enough to say who reported what.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import datetime, timedelta

from bot.core.models import (
    Agency,
    Decision,
    DismissReason,
    OwnWords,
    PlaceOrigin,
    Relay,
    Report,
    ReportDraft,
    ReportState,
    Sign,
    Source,
    TrackRecord,
)
from bot.core.store import ReportPlace
from storage.connection import Connection
from storage.crypto import remembered, seal, unseal_text
from storage.identities import REPORTER_FIELD, member_hash, place_hash
from storage.queries import row, rows
from storage.timecodec import from_db, maybe_from_db, to_db

# A report with everything the core shows of it, in one query: its decision, the sealed
# ids of the members who corroborated it while it is open (sealed values have no spaces),
# and how many distinct people reported it, by keyed hash (still right once it is closed).
# A list of reports is one query, not three per report.
_SELECT = (
    "SELECT r.*, d.decided_by, d.decided_at, d.reason, d.note AS decision_note, "
    "(SELECT group_concat(c.reporter_sealed, ' ') FROM corroborations c "
    "WHERE c.report_id = r.id AND c.reporter_sealed IS NOT NULL) AS corroborators, "
    "(r.reporter_hash IS NOT NULL) + (SELECT COUNT(DISTINCT c.reporter_hash) "
    "FROM corroborations c WHERE c.report_id = r.id AND c.reporter_hash IS NOT NULL "
    "AND c.reporter_hash IS NOT r.reporter_hash) AS reporter_count "
    "FROM reports r LEFT JOIN decisions d ON d.report_id = r.id"
)


# Open reports (the partial index reports_open_by_id holds these).
_OPEN_STATES = {ReportState.PENDING.value, ReportState.VERIFIED.value}


def _signs(text: str) -> tuple[Sign, ...]:
    return tuple(Sign(part) for part in text.split(",") if part)


def _seal_words(words: OwnWords, table: str) -> str | None:
    if not words:
        return None
    plain = {"agency": words.agency, "signs": words.signs, "source": words.source}
    return seal(json.dumps(plain, ensure_ascii=False), f"{table}.own_words")


def _own_words(sealed: str | None, table: str) -> OwnWords:
    if not sealed:
        return OwnWords()
    plain = json.loads(unseal_text(sealed, f"{table}.own_words"))
    return OwnWords(plain.get("agency", ""), plain.get("signs", ""), plain.get("source", ""))


def _reporter(sealed: str | None, table: str) -> int | None:
    return None if sealed is None else int(unseal_text(sealed, f"{table}.{REPORTER_FIELD}"))


def _seal_reporter(member_id: int, table: str) -> tuple[str, str]:
    return seal(str(member_id), f"{table}.{REPORTER_FIELD}") or "", member_hash(member_id)


class SqliteReports:
    """Reports with their decision, corroborations and later updates."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    @staticmethod
    def _report(row: sqlite3.Row) -> Report:
        """The report a row (with its decision, corroborators and count) says; /status
        reads the same open reports again and again, so a row seen before is not made
        into a report again (the row is the key: any change makes another one)."""
        return remembered(("report", tuple(row)), lambda: SqliteReports._make_report(row))

    @staticmethod
    def _make_report(row: sqlite3.Row) -> Report:
        reporter = _reporter(row["reporter_sealed"], "reports")
        others = {
            _reporter(sealed, "corroborations") for sealed in (row["corroborators"] or "").split()
        }
        return Report(
            id=row["id"],
            state=ReportState(row["state"]),
            where=unseal_text(row["place"], "reports.place"),
            what=unseal_text(row["description"], "reports.description"),
            agency=Agency(row["agency"]),
            signs=_signs(row["signs"]),
            source=Source(row["source"]) if row["source"] else None,
            media=tuple(json.loads(unseal_text(row["media"], "reports.media"))),
            reporter_id=reporter,
            place_key=row["place_key"],
            known_location=row["known_location"],
            created_at=from_db(row["created_at"]),
            updated_at=from_db(row["updated_at"]),
            decided_by=row["decided_by"],
            decided_at=maybe_from_db(row["decided_at"]),
            dismiss_reason=DismissReason(row["reason"]) if row["reason"] else None,
            decision_note=unseal_text(row["decision_note"], "decisions.note")
            if row["decision_note"]
            else "",
            reporters=frozenset(m for m in others | {reporter} if m is not None),
            own_words=_own_words(row["own_words"], "reports"),
            place_origin=PlaceOrigin(row["place_origin"]),
            reporter_count=int(row["reporter_count"]),
            relayed=bool(row["relayed"]),
            at_home=bool(row["at_home"]),
            drill=bool(row["drill"]),
        )

    async def insert(
        self,
        draft: ReportDraft,
        *,
        place_key: str,
        known_location: str | None,
        reporter_id: int,
        now: datetime,
    ) -> int:
        reporter_sealed, reporter_hash = _seal_reporter(reporter_id, "reports")
        cursor = await self._conn.execute(
            "INSERT INTO reports (place, place_key, known_location, description, agency, signs, "
            "source, media, reporter_sealed, reporter_hash, created_at, updated_at, own_words, "
            "place_origin, relayed, at_home) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                seal(draft.where, "reports.place"),
                place_hash(place_key),
                known_location,
                seal(draft.what, "reports.description"),
                draft.agency.value,
                ",".join(sign.value for sign in draft.signs),
                draft.source.value if draft.source else None,
                seal(json.dumps(list(draft.media)), "reports.media"),
                reporter_sealed,
                reporter_hash,
                to_db(now),
                to_db(now),
                _seal_words(draft.own_words, "reports"),
                draft.place_origin.value,
                int(draft.hotline is not None),
                int(draft.at_home),
            ),
        )
        assert cursor.lastrowid is not None  # noqa: S101 - an INSERT always has one
        return cursor.lastrowid

    async def exists(self, report_id: int) -> bool:
        return await row(self._conn, "SELECT 1 FROM reports WHERE id = ?", (report_id,)) is not None

    async def get(self, report_id: int) -> Report | None:
        found = await row(self._conn, f"{_SELECT} WHERE r.id = ?", (report_id,))
        return None if found is None else self._report(found)

    async def find_open_match(self, place_key: str, since: datetime) -> Report | None:
        """The newest open report of the same place made since `since`, if any."""
        found = await row(
            self._conn,
            f"{_SELECT} WHERE r.place_key = ? AND r.state IN ('pending', 'verified') "
            "AND r.created_at >= ? ORDER BY r.id DESC LIMIT 1",
            (place_hash(place_key), to_db(since)),
        )
        return None if found is None else self._report(found)

    async def in_states(
        self, states: Iterable[ReportState], *, since: datetime | None = None
    ) -> list[Report]:
        wanted = [state.value for state in states]
        marks = ",".join("?" for _ in wanted)
        query = f"{_SELECT} WHERE r.state IN ({marks})"
        params: list[str] = list(wanted)
        if since is not None:
            query += " AND r.updated_at >= ?"
            params.append(to_db(since))
        return [
            self._report(found)
            for found in await rows(self._conn, f"{query} ORDER BY r.id", params)
        ]

    async def page(
        self,
        states: Iterable[ReportState],
        *,
        since: datetime | None = None,
        limit: int | None = None,
        newest: bool = False,
    ) -> tuple[list[Report], int]:
        wanted = [state.value for state in states]
        marks = ",".join("?" for _ in wanted)
        where = f"r.state IN ({marks})"
        params: list[object] = list(wanted)
        if since is not None:
            where += " AND r.updated_at >= ?"
            params.append(to_db(since))
        counted = await row(
            self._conn,
            f"SELECT COUNT(*) AS n FROM reports r WHERE {where}",  # noqa: S608 - marks only
            params,
        )
        found = await rows(
            self._conn,
            f"{_SELECT} WHERE {where} ORDER BY r.id {'DESC' if newest else 'ASC'} LIMIT ?",
            [*params, -1 if limit is None else limit],
        )
        shown = [self._report(each) for each in found]
        return (shown[::-1] if newest else shown), (counted["n"] if counted else 0)

    async def newest(
        self, states: Iterable[ReportState], *, since: datetime, limit: int
    ) -> list[Report]:
        wanted = [state.value for state in states]
        marks = ",".join("?" for _ in wanted)
        found = await rows(
            self._conn,
            f"{_SELECT} WHERE r.state IN ({marks}) AND r.created_at >= ? "
            "ORDER BY r.id DESC LIMIT ?",
            [*wanted, to_db(since), limit],
        )
        return [self._report(each) for each in found]

    async def newest_places(
        self, states: Iterable[ReportState], *, since: datetime, limit: int
    ) -> list[ReportPlace]:
        wanted = [state.value for state in states]
        if set(wanted) == _OPEN_STATES:
            # The open reports' own index, newest first: stops at `limit` (the states are
            # written out so SQLite sees the index's condition; see migration 0016).
            query = (
                "SELECT id, place, place_origin FROM reports INDEXED BY reports_open_by_id "
                "WHERE state IN ('pending', 'verified') AND created_at >= ? "
                "ORDER BY id DESC LIMIT ?"
            )
            params: list[object] = [to_db(since), limit]
        else:
            marks = ",".join("?" for _ in wanted)
            query = (
                f"SELECT id, place, place_origin FROM reports WHERE state IN ({marks}) "  # noqa: S608
                "AND created_at >= ? ORDER BY id DESC LIMIT ?"
            )
            params = [*wanted, to_db(since), limit]
        found = await rows(self._conn, query, params)
        return [
            ReportPlace(
                each["id"],
                unseal_text(each["place"], "reports.place"),
                PlaceOrigin(each["place_origin"]),
            )
            for each in found
        ]

    async def add_corroboration(
        self,
        report_id: int,
        draft: ReportDraft,
        *,
        reporter_id: int,
        now: datetime,
    ) -> int:
        reporter_sealed, reporter_hash = _seal_reporter(reporter_id, "corroborations")
        cursor = await self._conn.execute(
            "INSERT INTO corroborations (report_id, reporter_sealed, reporter_hash, place, "
            "description, agency, signs, source, media, created_at, own_words, relayed) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                report_id,
                reporter_sealed,
                reporter_hash,
                seal(draft.where, "corroborations.place"),
                seal(draft.what, "corroborations.description"),
                draft.agency.value,
                ",".join(sign.value for sign in draft.signs),
                draft.source.value if draft.source else None,
                seal(json.dumps(list(draft.media)), "corroborations.media"),
                to_db(now),
                _seal_words(draft.own_words, "corroborations"),
                int(draft.hotline is not None),
            ),
        )
        await self._conn.execute(
            "UPDATE reports SET updated_at = ?, at_home = MAX(at_home, ?) WHERE id = ?",
            (to_db(now), int(draft.at_home), report_id),
        )
        assert cursor.lastrowid is not None  # noqa: S101 - an INSERT always has one
        return cursor.lastrowid

    async def change_state(
        self,
        report_id: int,
        *,
        expected: ReportState,
        new: ReportState,
        now: datetime,
    ) -> bool:
        """Move the report only if it is still in `expected`: the guard against double presses."""
        cursor = await self._conn.execute(
            "UPDATE reports SET state = ?, updated_at = ? WHERE id = ? AND state = ?",
            (new.value, to_db(now), report_id, expected.value),
        )
        if cursor.rowcount != 1:
            return False
        if not new.is_open:
            await self.forget_reporters(report_id)
        return True

    async def forget_reporters(self, report_id: int) -> None:
        """A closed report keeps only the keyed hashes of the people who reported it."""
        for table, column in (("reports", "id"), ("corroborations", "report_id")):
            await self._conn.execute(
                f"UPDATE {table} SET reporter_sealed = NULL WHERE {column} = ?",  # noqa: S608
                (report_id,),
            )

    async def reports_by(self, member_id: int, since: datetime) -> tuple[int, datetime | None]:
        """How many reports (new or corroborating) a member sent since `since`, and the
        oldest of them (when the member may send again)."""
        reporter = member_hash(member_id)
        found = await row(
            self._conn,
            "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM ("
            "SELECT created_at FROM reports WHERE reporter_hash = :who AND created_at >= :since "
            "UNION ALL SELECT created_at FROM corroborations "
            "WHERE reporter_hash = :who AND created_at >= :since)",
            {"who": reporter, "since": to_db(since)},
        )
        if found is None:
            return 0, None
        return int(found["n"]), maybe_from_db(found["oldest"])

    async def record_decision(
        self,
        report_id: int,
        decision: Decision,
        *,
        reason: DismissReason | None,
        note: str,
        decided_by: int | None,
        now: datetime,
    ) -> None:
        await self._conn.execute(
            "INSERT INTO decisions (report_id, decision, reason, note, decided_by, decided_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                report_id,
                decision.value,
                reason.value if reason else None,
                seal(note, "decisions.note"),
                decided_by,
                to_db(now),
            ),
        )

    async def mark_claimed(self, report_id: int, at: datetime) -> None:
        await self._conn.execute(
            "UPDATE reports SET first_claimed_at = ? WHERE id = ? AND first_claimed_at IS NULL",
            (to_db(at), report_id),
        )

    async def place_in_area(self, report_id: int, area: str | None) -> None:
        await self._conn.execute("UPDATE reports SET area = ? WHERE id = ?", (area, report_id))

    async def update_details(
        self,
        report_id: int,
        *,
        where: str | None = None,
        place_key: str | None = None,
        what: str | None = None,
        agency: Agency | None = None,
        place_origin: PlaceOrigin | None = None,
        known_location: str | None = None,
        now: datetime,
    ) -> None:
        await self._conn.execute(
            "UPDATE reports SET place = COALESCE(?, place), place_key = COALESCE(?, place_key), "
            "description = COALESCE(?, description), agency = COALESCE(?, agency), "
            "place_origin = COALESCE(?, place_origin), "
            "known_location = COALESCE(?, known_location), updated_at = ? WHERE id = ?",
            (
                seal(where, "reports.place"),
                None if place_key is None else place_hash(place_key),
                seal(what, "reports.description"),
                agency.value if agency else None,
                place_origin.value if place_origin else None,
                known_location,
                to_db(now),
                report_id,
            ),
        )

    async def record_update(
        self,
        report_id: int,
        kind: str,
        *,
        note: str,
        actor_id: int,
        now: datetime,
    ) -> None:
        await self._conn.execute(
            "INSERT INTO report_updates (report_id, kind, note, actor_id, at) "
            "VALUES (?, ?, ?, ?, ?)",
            (report_id, kind, seal(note, "report_updates.note"), actor_id, to_db(now)),
        )

    async def next_id(self) -> int:
        """The number the next report will get (AUTOINCREMENT never reuses one)."""
        found = await row(self._conn, "SELECT seq FROM sqlite_sequence WHERE name = 'reports'")
        return (int(found["seq"]) if found else 0) + 1

    async def add_relay(
        self,
        report_id: int,
        *,
        corroboration_id: int | None,
        relayed_by: int,
        callback: str,
        now: datetime,
    ) -> None:
        await self._conn.execute(
            "INSERT INTO report_relays (report_id, corroboration_id, relayed_by, callback, "
            "created_at) VALUES (?, ?, ?, ?, ?)",
            (
                report_id,
                corroboration_id,
                seal(str(relayed_by), "report_relays.relayed_by"),
                seal(callback, "report_relays.callback") if callback else None,
                to_db(now),
            ),
        )

    async def relays(self, report_id: int) -> list[Relay]:
        found = await rows(
            self._conn,
            "SELECT id, report_id, corroboration_id, relayed_by, callback FROM report_relays "
            "WHERE report_id = ? ORDER BY id",
            (report_id,),
        )
        return [
            Relay(
                id=each["id"],
                report_id=each["report_id"],
                corroboration_id=each["corroboration_id"],
                relayed_by=int(unseal_text(each["relayed_by"], "report_relays.relayed_by"))
                if each["relayed_by"]
                else None,
                callback=unseal_text(each["callback"], "report_relays.callback")
                if each["callback"]
                else "",
            )
            for each in found
        ]

    async def relay_reminded(self, relay_id: int) -> None:
        """The relaying organizer was reminded to call back: who they are is forgotten
        (the number stays with the report until the purge)."""
        await self._conn.execute(
            "UPDATE report_relays SET relayed_by = NULL WHERE id = ?", (relay_id,)
        )

    async def track_record(
        self, report_id: int, *, corroboration_id: int | None = None, window: timedelta
    ) -> TrackRecord | None:
        """How the earlier reports of whoever sent this report (or this corroboration)
        ended: theirs by keyed hash, made within `window` before it, relays left out.
        None for a relay, or a report sent before reporters were hashed."""
        if corroboration_id is None:
            found = await row(
                self._conn,
                "SELECT reporter_hash, relayed, created_at FROM reports WHERE id = ?",
                (report_id,),
            )
        else:
            found = await row(
                self._conn,
                "SELECT reporter_hash, relayed, created_at FROM corroborations WHERE id = ?",
                (corroboration_id,),
            )
        if found is None or found["relayed"] or found["reporter_hash"] is None:
            return None
        sent = from_db(found["created_at"])
        params = {
            "who": found["reporter_hash"],
            "since": to_db(sent - window),
            "sent": found["created_at"],
            "report": report_id,
        }
        outcomes = await rows(
            self._conn,
            "SELECT r.state, d.reason, d.decided_by FROM ("
            "SELECT id AS report_id FROM reports WHERE reporter_hash = :who "
            "AND created_at >= :since AND created_at <= :sent AND id < :report AND relayed = 0 "
            "UNION SELECT report_id FROM corroborations WHERE reporter_hash = :who "
            "AND created_at >= :since AND created_at <= :sent AND relayed = 0"
            ") AS theirs JOIN reports r ON r.id = theirs.report_id "
            "LEFT JOIN decisions d ON d.report_id = r.id WHERE r.id != :report",
            params,
        )
        counts = {"confirmed": 0, "routine": 0, "false": 0, "unverified": 0, "open": 0}
        for each in outcomes:
            state = ReportState(each["state"])
            if state in (ReportState.VERIFIED, ReportState.RESOLVED):
                counts["confirmed"] += 1
            elif state is ReportState.RETRACTED:  # alerted, then found wrong
                counts["false"] += 1
            elif state is ReportState.PENDING:
                counts["open"] += 1
            elif each["reason"] == DismissReason.ROUTINE.value:
                counts["routine"] += 1
            elif each["reason"] == DismissReason.FALSE_ALARM.value:
                counts["false"] += 1
            else:
                counts["unverified"] += 1
        return TrackRecord(
            confirmed=counts["confirmed"],
            routine=counts["routine"],
            false_alarms=counts["false"],
            unverified=counts["unverified"],
            still_open=counts["open"],
        )
