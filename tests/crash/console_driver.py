"""Plays the surge into `rrbot console` runs, killing each at its planned moment.

The console reads a script on stdin and handles its lines in order, each one's messages
delivered before the next line is read. After each message the driver writes a line
the console answers at once and in order (`!mark-N`: "Unknown console command
!mark-N"), so every line the bot printed belongs to exactly one message: the one
before the first mark not yet printed. A message is answered (its sender saw the bot's
receipt) when its answer is among those lines, even if the kill came before its mark.

A message the bot had not answered when it died is sent again by its member at the next
run, as people do when they get no answer; those are the only messages sent twice.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from tests.crash.runs import BotProcess, Kill, WarmProcesses, environment
from tests.crash.surge import Step, Surge
from tests.crash.vault import Snapshot, Vault

MARK = re.compile(r"^! Unknown console command !mark-(\d+)\.")
WINDOW = 6  # messages written ahead of the bot's answers: a queue, as in a surge
SETTLE_TIMEOUT = 60.0
SILENCE = 5.0  # a run that printed nothing for this long after its go is killed anyway


@dataclass
class Sent:
    """One message (or `!wait`) written to a run, and the lines it made the bot print."""

    seq: int
    step: Step | None
    lines: list[str] = field(default_factory=list)


def prefix(member: str, chat: str) -> str:
    return f"[dm:{member}] " if chat == "dm" else f"[{chat}] "


def said_to(lines: list[str], member: str, chat: str) -> str:
    """What the bot printed to one conversation, prefixes removed."""
    start = prefix(member, chat)
    return "\n".join(line[len(start) :] for line in lines if line.startswith(start))


@dataclass
class ConsoleRun:
    bot: BotProcess
    sent: collections.deque[Sent] = field(default_factory=collections.deque)
    all_sent: list[Sent] = field(default_factory=list)
    parsed: int = 0  # lines of the bot's output already given to a message

    def attribute(self) -> list[Sent]:
        """Give new output lines to the message they belong to; the messages now done."""
        finished = []
        while self.parsed < len(self.bot.lines):
            line = self.bot.lines[self.parsed]
            self.parsed += 1
            if not self.sent:
                raise AssertionError(f"the console printed with nothing to answer: {line!r}")
            head = self.sent[0]
            found = MARK.match(line)
            if found and int(found.group(1)) == head.seq:
                finished.append(self.sent.popleft())
            else:
                head.lines.append(line)
        return finished


class ConsoleDriver:
    def __init__(self, tmp: Path, config: Path, db: Path, surge: Surge, plan: list[Kill]) -> None:
        self.tmp, self.config, self.db = tmp, config, db
        self.surge = surge
        self.plan = plan
        self.vault = Vault(db)
        self.runs: list[ConsoleRun] = []
        self.snapshots: list[Snapshot] = []  # the database as each killed run left it
        self.seq = 0
        self.settled_at: datetime | None = None
        self.exit_code: int | None = None

    async def _spawn(self) -> BotProcess:
        args = ["console", "--config", str(self.config), "--db", str(self.db)]
        return await BotProcess.spawn(args, environment(), self.tmp / "stderr.txt", stdin=True)

    async def play(self) -> None:
        warm = WarmProcesses(self._spawn, len(self.plan) + 1)
        try:
            for number in range(len(self.plan) + 1):
                kill = self.plan[number] if number < len(self.plan) else None
                bot = await warm.next()
                await bot.go()
                run = ConsoleRun(bot)
                self.runs.append(run)
                if kill is None:
                    await self._last_run(run)
                else:
                    await self._run_until_killed(run, kill)
                    self.snapshots.append(self.vault.snapshot())
        finally:  # a failure leaves no process behind
            await warm.close()
            if self.runs:
                await self.runs[-1].bot.kill()

    # -- one run -----------------------------------------------------------------------

    def _in_flight(self) -> set[int]:
        return {sent.step.story for sent in self._current().sent if sent.step is not None}

    def _current(self) -> ConsoleRun:
        return self.runs[-1]

    def _send(self, run: ConsoleRun, step: Step | None, text: str) -> None:
        self.seq += 1
        sent = Sent(self.seq, step)
        run.sent.append(sent)
        run.all_sent.append(sent)
        run.bot.write(f"{text}\n!mark-{self.seq}\n")

    def _feed(self, run: ConsoleRun) -> None:
        busy = self._in_flight()
        for story in self.surge.stories:
            if len(run.sent) >= WINDOW:
                return
            step = story.step
            if step is None or story.number in busy:
                continue
            text = step.text.format(who=step.who) if step.who else step.text
            self._send(run, step, f"{step.member}@{step.chat}: {text}")
            busy.add(story.number)
        if not run.sent:  # nothing to say: let time pass, so timers fire and are delivered
            self._send(run, None, "!wait 1s")

    def _answered(self, sent: Sent) -> bool:
        """Whether the lines printed for `sent` hold its answer; if so the story goes on."""
        step = sent.step
        if step is None:
            return False
        text = said_to(sent.lines, step.member, step.chat)
        if step.answer.search(text) is None:
            self.surge.partly_answered(step, text)
            return False
        story = self.surge.stories[step.story - 1]
        assert story.step is step
        story.answer(text)
        return True

    def _settle(self, finished: list[Sent]) -> None:
        for sent in finished:
            if sent.step is not None and not self._answered(sent):
                raise AssertionError(
                    f"no answer to {sent.step.member}@{sent.step.chat}: {sent.step.text!r}; "
                    "the bot printed:\n" + "\n".join(sent.lines)
                )

    async def _wait_for_output(self, run: ConsoleRun, seconds: float) -> None:
        run.bot.output.clear()
        if len(run.bot.lines) > run.parsed:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(run.bot.output.wait(), seconds)

    async def _run_until_killed(self, run: ConsoleRun, kill: Kill) -> None:
        loop = asyncio.get_running_loop()
        deadline = run.bot.started_at + kill.after if kill.during_start else None
        silent = run.bot.started_at + SILENCE
        while True:
            self._feed(run)
            if deadline is None and run.bot.lines:
                deadline = loop.time() + kill.after
            if deadline is None and loop.time() > silent:
                deadline = loop.time()  # it printed nothing: kill it anyway, and see
            wait = 0.05 if deadline is None else max(0.0, min(0.05, deadline - loop.time()))
            await self._wait_for_output(run, wait)
            self._settle(run.attribute())
            if deadline is not None and loop.time() >= deadline:
                break
            if run.bot.process.returncode is not None:
                raise AssertionError(f"the console stopped on its own: {self.stderr()}")
        await run.bot.kill()
        self._settle(run.attribute())
        if run.sent and self._answered(run.sent[0]):  # answered, killed before its mark
            run.sent.popleft()

    async def _last_run(self, run: ConsoleRun) -> None:
        """No kill: finish every story, let every timer that is due fire, stop."""
        loop = asyncio.get_running_loop()
        deadline = None
        heard = (0, loop.time())  # lines printed so far, and when the last one came
        while True:
            self._feed(run)
            await self._wait_for_output(run, 0.05)
            self._settle(run.attribute())
            if len(run.bot.lines) != heard[0]:
                heard = (len(run.bot.lines), loop.time())
            assert loop.time() - heard[1] < SILENCE * 4, (
                f"the console printed nothing for {SILENCE * 4:.0f} s with messages waiting"
            )
            if self.surge.done() and all(sent.step is None for sent in run.sent):
                deadline = deadline or loop.time() + SETTLE_TIMEOUT
                settled = self._timers_settled() if not run.sent else None
                if settled is not None:
                    self.settled_at = settled
                    break
                assert loop.time() < deadline, "timers still due after a minute of waiting"
            if run.bot.process.returncode is not None:
                raise AssertionError(f"the console stopped on its own: {self.stderr()}")
        assert run.bot.process.stdin is not None
        run.sent.append(Sent(0, None))  # what the console delivers once the script ends
        run.bot.process.stdin.close()
        self.exit_code = await asyncio.wait_for(run.bot.finished(), SETTLE_TIMEOUT)
        self._settle(run.attribute())

    def _timers_settled(self) -> datetime | None:
        """The moment by which every timer due had fired and every message gone out."""
        now = datetime.now(UTC)
        return now if self.vault.settled(now) else None

    def stderr(self) -> str:
        return (self.tmp / "stderr.txt").read_text(encoding="utf-8", errors="replace")[-3000:]
