"""Reading rows in one round trip to the database's thread.

`async with conn.execute(...) as cursor: await cursor.fetchone()` costs three trips to
aiosqlite's thread (execute, fetch, close), each a wake-up of that thread and of the
event loop; these helpers cost one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

from storage.connection import Connection

Params = Sequence[Any] | Mapping[str, Any]


async def rows(conn: Connection, sql: str, params: Params = ()) -> list[sqlite3.Row]:
    """Every row of a query."""
    return list(await conn.execute_fetchall(sql, params))


async def row(conn: Connection, sql: str, params: Params = ()) -> sqlite3.Row | None:
    """The first row of a query, if any (write the query to return at most one)."""
    found = await conn.execute_fetchall(sql, params)
    return next(iter(found), None)
