"""The delivery worker against a platform that fails, stalls, rate-limits and succeeds
at random (Hypothesis stateful testing), on a real SQLite store and the fake clock.

Whatever the platform does, and however time moves:
- a chat's messages reach it in the order they were written, each at most once;
- nothing is sent once it is marked delivered (or given up);
- a row is marked delivered only if the platform took it;
- in the end every message is delivered, or given up for good: a group chat's then
  reported to the organizers, a member's direct message dropped without a word.
"""

from __future__ import annotations

import asyncio
import random
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from bot.core.models import MessageKind, OutboxEntry
from bot.delivery import Backoff, OutboxWorker
from bot.pacing import Limits
from storage.database import Database
from tests.fakes.clock import FakeClock
from tests.fakes.platform import FAIL, OK, PERMANENT, STALL, THROTTLE, FakePlatform

CHATS = [("alerts", False), ("alertas", False), ("organizers", False), ("ana", True)]
TIMEOUT = 30.0
ROUNDS_TO_FINISH = 12


class CheckingPlatform(FakePlatform):
    """Also checks, at every send, that the store still has the row as owed."""

    def __init__(self, clock: FakeClock, db: Database) -> None:
        super().__init__(clock, throttle_wait=45.0)
        self.db = db
        self.resent: list[tuple[int, str]] = []  # (row, its state when it was sent again)

    async def send(self, entry: OutboxEntry) -> str | None:
        async with self.db.reading() as tx:
            state = {row.id: row.state for row in await tx.outbox.all_entries()}[entry.id]
        if state != "pending":
            self.resent.append((entry.id, state))
        return await super().send(entry)


class DeliveryMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.runner = asyncio.Runner()
        self.clock = FakeClock()
        self.db: Database = self.run(Database.open(":memory:"))
        self.platform = CheckingPlatform(self.clock, self.db)
        self.told: list[int] = []  # rows the organizers were told could not be delivered
        self.written: dict[tuple[str, bool], list[int]] = {}
        self.worker = OutboxWorker(
            self.db,
            self.platform,
            self.clock,
            Backoff(base=2, cap=60, rng=random.Random(0)),
            on_unreachable=self._unreachable,
            limits=Limits(in_flight=3, timeout=TIMEOUT),
            timer=self.clock,
        )

    def run(self, work: Any) -> Any:
        return self.runner.run(work)

    async def _unreachable(self, entry: OutboxEntry, reason: str) -> None:
        self.told.append(entry.id)

    # -- what happens --------------------------------------------------------------------

    @rule(chat=st.sampled_from(CHATS), count=st.integers(1, 3))
    def write(self, chat: tuple[str, bool], count: int) -> None:
        address, is_direct = chat

        async def enqueue() -> list[int]:
            async with self.db.transaction() as tx:
                return [
                    await tx.outbox.enqueue(
                        platform="test",
                        address=address,
                        is_direct=is_direct,
                        languages=("en",),
                        kind=MessageKind.ALERT,
                        body=f"{address} {n}",
                        now=self.clock.now(),
                    )
                    for n in range(count)
                ]

        self.written.setdefault(chat, []).extend(self.run(enqueue()))

    @rule(
        outcomes=st.lists(st.sampled_from([OK, FAIL, PERMANENT, STALL, THROTTLE]), max_size=8),
        callers=st.integers(1, 2),
    )
    def deliver(self, outcomes: list[str], callers: int) -> None:
        """A delivery round; with two callers at once, as the run loop and a front end's
        own call meet (a new message wakes the worker while a command waits for it)."""
        self.platform.script.clear()
        self.platform.next(*outcomes)
        self.run(self._round(callers))

    @rule(seconds=st.sampled_from([0.5, 3.0, 20.0, 90.0]))
    def wait(self, seconds: float) -> None:
        self.clock.advance(seconds)

    async def _round(self, callers: int = 1) -> None:
        """One delivery round; a stalled send's timeout passes once nothing else moves."""

        async def deliver() -> None:
            await asyncio.gather(*(self.worker.deliver_due() for _ in range(callers)))

        sending = asyncio.create_task(deliver())
        for _ in range(20_000):
            if sending.done():
                break
            busy = self.platform.in_flight
            if busy and busy == self.platform.stalled:
                self.clock.advance_to_next_wake()  # only the send timeouts are waiting
            await asyncio.sleep(0.001)
        else:
            sending.cancel()
            raise AssertionError("a delivery round never ended")
        await sending

    # -- what must always hold -----------------------------------------------------------

    @invariant()
    def in_order_once_and_never_after_being_marked(self) -> None:
        assert self.platform.resent == []
        sent = [s.id for s in self.platform.sent]
        assert len(sent) == len(set(sent)), "a message was sent twice"
        for ids in self.written.values():
            mine = [i for i in sent if i in set(ids)]
            assert mine == sorted(mine), "a chat's messages went out of order"

    def teardown(self) -> None:
        try:
            self.run(self._finish())
        finally:
            self.run(self.db.close())
            self.runner.close()

    async def _finish(self) -> None:
        """The platform recovers and time passes: everything owed is settled."""
        self.platform.script.clear()
        for _ in range(ROUNDS_TO_FINISH):
            self.clock.advance(600)  # past every backoff and every wait Signal asked for
            await self._round()
        async with self.db.reading() as tx:
            rows = {row.id: row for row in await tx.outbox.all_entries()}
        sent = {s.id for s in self.platform.sent}
        for (_address, is_direct), ids in self.written.items():
            for row_id in ids:
                row = rows[row_id]
                assert row.state in ("delivered", "failed"), f"row {row_id} still {row.state}"
                assert (row.state == "delivered") == (row_id in sent)
                if row.state == "failed":
                    # A chat is reported to organizers; a member's direct message is not.
                    assert (row_id in self.told) == (not is_direct)
            delivered = [i for i in ids if rows[i].state == "delivered"]
            assert [s.id for s in self.platform.sent if s.id in set(ids)] == delivered


DeliveryMachine.TestCase.settings = settings(
    max_examples=40, stateful_step_count=20, deadline=None, derandomize=True
)
TestDeliveryWorker = DeliveryMachine.TestCase
