"""Two bot processes on one database: decisions and task moves still have one winner.

Each test opens two `App`s on the same file, so the two sides hold two SQLite
connections and no shared asyncio lock: only the compare-and-sets in the core (and the
database's own locking) keep them apart. Races are run several times, alternating
which side goes first, to give interleavings a chance.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable
from pathlib import Path

import pytest

from bot.app import App
from bot.config import Config
from bot.core.models import MessageKind, Task, TaskState, TimerState
from tests.conftest import outbox_rows
from tests.fakes.chat import ChatHarness, in_chat
from tests.fakes.clock import FakeClock

ROUNDS = 5
PERSON = "ana@dm: /detained R1 name: Rosa Díaz; contact: Marta Díaz; phone: +1 555 010 0199"


class Pair:
    def __init__(self, one: App, two: App) -> None:
        self.apps = (one, two)
        self.chats = (ChatHarness(one), ChatHarness(two))


@pytest.fixture
async def pairs(config: Config, tmp_path: Path) -> AsyncIterator[list[Pair]]:
    """ROUNDS databases, each opened twice (two connections), sharing one fake clock."""
    clock = FakeClock()
    opened: list[App] = []
    made = []
    try:
        for n in range(ROUNDS):
            path = tmp_path / f"shared-{n}.sqlite3"
            one = await App.start(config, path, clock)
            opened.append(one)
            two = await App.start(config, path, clock)
            opened.append(two)
            assert one.store is not two.store
            made.append(Pair(one, two))
        yield made
    finally:
        for app in opened:
            await app.close()


async def after(delay: float, move: Awaitable[list[str]]) -> list[str]:
    await asyncio.sleep(delay)
    return await move


def reply_to(lines: list[str], chat: str) -> str:
    return in_chat(lines, chat)


async def test_two_verifiers_on_two_connections_make_one_decision(pairs: list[Pair]) -> None:
    for n, pair in enumerate(pairs):
        first, second = pair.chats if n % 2 == 0 else pair.chats[::-1]
        await first.say("dee@organizers: /report where: 5th & Main; what: 2 vans")
        ben, ana = await asyncio.gather(
            first.say("ben@organizers: /verify R1 saw them"),
            second.say("ana@organizers: /verify R1 confirmed by phone"),
        )
        answers = [reply_to(ben, "organizers"), reply_to(ana, "organizers")]
        won = [a for a in answers if "was already decided" not in a]
        lost = [a for a in answers if "was already decided: verified by" in a]
        assert len(won) == 1 and len(lost) == 1, answers
        assert "Nothing changed." in lost[0]
        assert "Traceback" not in "".join(answers)
        winner = "ben" if won[0] is answers[0] else "ana"
        assert f"verified by {winner}" in lost[0]

        for app in pair.apps:  # both sides see the same single outcome
            async with app.store.reading() as tx:
                report = await tx.reports.get(1)
                pending = [t for t in await tx.timers.for_subject(1) if t.state == "pending"]
            assert report is not None and report.state == "verified"
            assert [t.kind for t in pending] == ["report.active_check"]
        rows = await outbox_rows(pair.apps[0].store)
        alerts = [(r.address, r.report_id) for r in rows if r.kind == "alert"]
        assert sorted(alerts) == [("alertas", 1), ("alerts", 1)]
        assert sum(r.kind == "decision" for r in rows) == 1
        async with pair.apps[1].store.reading() as tx:
            assert len(await tx.broadcasts.for_report(1, MessageKind.ALERT)) == 2
            verified = [e for e in await tx.audit.entries("R1") if e["action"] == "report.verified"]
        assert len(verified) == 1


async def raid(pair: Pair) -> None:
    """R1 verified and P1 recorded: T1 (call the family) exists, offered to dee."""
    chat = pair.chats[0]
    await chat.say("dee@organizers: /report where: 5th & Main; what: arrests")
    await chat.say("ben@organizers: /verify R1")
    assert "Recorded P1" in await chat.text(PERSON)
    assert "Offered T1 to dee" in await chat.text("ana@dm: /task assign T1 dee 2h")


async def task(app: App, task_id: int = 1) -> tuple[Task, list[str]]:
    async with app.store.reading() as tx:
        found = await tx.tasks.get(task_id)
        timers = [
            t.kind.value
            for t in await tx.timers.for_subject(task_id)
            if t.state is TimerState.PENDING and t.kind.value.startswith("task.")
        ]
    assert found is not None
    return found, sorted(timers)


async def both_agree(pair: Pair) -> tuple[Task, list[str]]:
    seen = [await task(app) for app in pair.apps]
    assert seen[0] == seen[1]
    return seen[0]


async def test_done_and_cancel_at_once_have_one_winner(pairs: list[Pair]) -> None:
    for n, pair in enumerate(pairs):
        await raid(pair)
        await pair.chats[0].say("dee@dm: /task accept T1")
        left, right = (0, 1) if n % 2 == 0 else (1, 0)
        done, cancel = await asyncio.gather(
            pair.chats[left].say("dee@dm: /task done T1 talked to Marta"),
            pair.chats[right].say("ana@dm: /task cancel T1"),
        )
        done_text, cancel_text = reply_to(done, "dm:dee"), reply_to(cancel, "dm:ana")
        done_won = "T1 is marked done" in done_text
        cancel_won = "T1 is cancelled." in cancel_text
        assert done_won != cancel_won, (done_text, cancel_text)
        found, timers = await both_agree(pair)
        if done_won:
            assert found.state is TaskState.DONE
            assert "so this does not apply" in cancel_text or "changed by someone" in cancel_text
        else:
            assert found.state is TaskState.CANCELLED
            # (A volunteer is told "not assigned to you" about a cancelled task: friendly,
            # if not the clearest words.)
            assert any(
                refusal in done_text
                for refusal in ("not assigned to you", "does not apply", "changed by someone")
            ), done_text
        assert timers == []  # no reminder outlives the task


async def test_accept_and_reassign_at_once_end_consistently(pairs: list[Pair]) -> None:
    for n, pair in enumerate(pairs):
        await raid(pair)
        left, right = (0, 1) if n % 2 == 0 else (1, 0)
        # The accept is the shorter path and wins a fair start: in odd rounds it starts a
        # moment late, so the reassignment gets there first.
        accept, assign = await asyncio.gather(
            after(0.01 if n % 2 else 0, pair.chats[left].say("dee@dm: /task accept T1")),
            pair.chats[right].say("ana@dm: /task assign T1 eli"),
        )
        accept_text = reply_to(accept, "dm:dee")
        assert "Offered T1 to eli" in reply_to(assign, "dm:ana")
        found, timers = await both_agree(pair)
        eli = await pair.apps[0].members.find("console", "eli")
        assert eli is not None
        # Whoever came first, the organizer's reassignment is where it stands now...
        assert (found.state, found.assignee_id) == (TaskState.OFFERED, eli.id)
        assert timers == ["task.offer_escalation", "task.offer_reminder"]
        if "Thank you: T1 is yours." in accept_text:
            # ...and dee, who had accepted it, is told it went to someone else (delivered
            # by whichever side's worker ran after the reassignment).
            assert "T1 was given to someone else" in in_chat(accept + assign, "dm:dee")
        else:
            assert "T1 is not assigned to you" in accept_text


async def test_assign_and_cancel_at_once_leave_it_cancelled(pairs: list[Pair]) -> None:
    for n, pair in enumerate(pairs):
        await raid(pair)
        await pair.chats[0].say("dee@dm: /task decline T1 busy")  # back to open
        left, right = (0, 1) if n % 2 == 0 else (1, 0)
        assign, cancel = await asyncio.gather(
            pair.chats[left].say("ana@dm: /task assign T1 eli"),
            pair.chats[right].say("ana@dm: /task cancel T1"),
        )
        assert "T1 is cancelled." in reply_to(cancel, "dm:ana")
        assign_text = reply_to(assign, "dm:ana")
        found, timers = await both_agree(pair)
        assert found.state is TaskState.CANCELLED
        assert timers == []  # an offer that lost the race leaves no reminder behind
        if "Offered T1 to eli" not in assign_text:
            assert "it cannot be assigned" in assign_text or "changed by someone" in assign_text
