"""Each received Signal message is handled exactly once, whenever the bot dies.

Signal hands a message over once; the bot stores it, then handles it. The power can go
at any moment: before handling, in the middle, or right after the handling committed.
After the restart nothing may be lost (the message is handled) and nothing may happen
twice (no second report, no second answer, no second alert).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.config import Config
from bot.core.store import Changes
from bot.platforms.signal.frontend import SignalFrontEnd, group_address
from tests.conftest import outbox_rows, report_count
from tests.fakes.clock import FakeClock
from tests.fakes.signal_server import FakeSignal
from tests.platforms.signal.conftest import ALERTS, BEN, DEE, ORGANIZERS, SignalRig
from tests.platforms.signal.test_end_to_end import REPORT


class PowerCut(BaseException):
    """The process dies: no handler catches it, nothing after it runs."""


Envelope = dict[str, Any]


class Bot:
    """One run of the bot on a database that outlives it."""

    def __init__(self, config: Config, db: Path, clock: FakeClock) -> None:
        self.config, self.db, self.clock = config, db, clock

    async def __aenter__(self) -> SignalFrontEnd:
        assert self.config.signal is not None
        self.app = await App.start(self.config, self.db, self.clock)
        self.front = SignalFrontEnd(self.app, self.config.signal)
        return self.front

    async def __aexit__(self, *exc: object) -> None:
        self.front.client.close()
        await self.app.close()


async def crash_while_handling(
    config: Config, db: Path, clock: FakeClock, cut: Callable[[SignalFrontEnd], None]
) -> None:
    """Fetch and store what is waiting, then handle it until `cut` pulls the plug."""
    async with Bot(config, db, clock) as front:
        cut(front)
        with pytest.raises(PowerCut):
            await front.receive_once()


def right_after_a_commit(front: SignalFrontEnd) -> None:
    """Dies as soon as a unit of work that sends something has committed."""

    def hook(changes: Changes) -> None:
        if changes.outbox:
            raise PowerCut

    front.app.store.add_commit_hook(hook)


def after_the_effect(front: SignalFrontEnd) -> None:
    """Dies when handling returns, before anything after it (the old mark) runs."""
    handle = front.handle_envelope

    async def then_die(envelope: Envelope) -> None:
        await handle(envelope)
        raise PowerCut

    front.handle_envelope = then_die  # type: ignore[method-assign]


def before_the_effect(front: SignalFrontEnd) -> None:
    async def die(envelope: Envelope) -> None:
        raise PowerCut

    front.handle_envelope = die  # type: ignore[method-assign]


async def what_the_bot_owes(front: SignalFrontEnd) -> list[tuple[str, str, str, str]]:
    """Every message the bot has written to send, to whom: the visible effect of handling."""
    rows = await outbox_rows(front.app.store)
    return [(r.platform, r.address, r.kind.value, r.body) for r in rows]


CUTS: list[Callable[[SignalFrontEnd], None]] = [
    right_after_a_commit,
    after_the_effect,
    before_the_effect,
]
# The scenarios: messages handled before the one the power cut hits, then that one.
SCENARIOS = {
    "a report": ([], (REPORT, DEE)),
    "a verification": ([(REPORT, DEE)], ("/verify R1 seen it", BEN)),
}


async def run(
    fake: FakeSignal,
    config: Config,
    db: Path,
    clock: FakeClock,
    scenario: str,
    cut: Callable[[SignalFrontEnd], None] | None,
) -> list[tuple[str, str, str, str]]:
    """Play a scenario on a new database, cutting the power at the last message (or
    not); then restart, handle what is left, and say what the bot owes."""
    before, (text, sender) = SCENARIOS[scenario]
    for earlier, who in before:
        fake.deliver(earlier, uuid=who, group=ORGANIZERS)
        async with Bot(config, db, clock) as front:
            await front.receive_once()
    fake.deliver(text, uuid=sender, group=ORGANIZERS)
    if cut is not None:
        await crash_while_handling(config, db, clock, cut)
    async with Bot(config, db, clock) as front:
        await front.receive_once()  # after a restart: what was stored and not handled
        assert await front.handle_pending() == 0  # nothing left for a second time
        return await what_the_bot_owes(front)


@pytest.mark.parametrize("cut", CUTS, ids=lambda cut: cut.__name__)
@pytest.mark.parametrize("scenario", SCENARIOS)
async def test_a_message_is_handled_once_wherever_the_power_goes(
    signal_config: Config,
    fake_signal: FakeSignal,
    tmp_path: Path,
    clock: FakeClock,
    scenario: str,
    cut: Callable[[SignalFrontEnd], None],
) -> None:
    """Exactly what a run without the power cut owes: no answer, card or alert missing
    (nothing lost) and none twice (nothing repeated)."""
    expected = await run(fake_signal, signal_config, tmp_path / "a.db", clock, scenario, None)
    assert expected  # the scenario does something visible
    after_cut = await run(fake_signal, signal_config, tmp_path / "b.db", clock, scenario, cut)
    assert after_cut == expected


async def test_an_alert_goes_out_once_after_a_power_cut(
    signal_config: Config, fake_signal: FakeSignal, tmp_path: Path, clock: FakeClock
) -> None:
    db = tmp_path / "once.sqlite3"
    await run(fake_signal, signal_config, db, clock, "a verification", right_after_a_commit)
    async with Bot(signal_config, db, clock) as front:
        await front.worker.deliver_due()
        assert await report_count(front.app.store) == 1
    assert len(fake_signal.to(group_address(ALERTS))) == 1


async def test_a_message_that_breaks_handling_leaves_no_half_done_work(
    signal_rig: SignalRig,
) -> None:
    """A bug outside the actions (they answer their own with an apology) undoes what the
    message had done so far, and the message is not retried forever."""
    front: SignalFrontEnd = signal_rig.front
    handle = front.handle_envelope

    async def half_then_bug(envelope: Envelope) -> None:
        await handle(envelope)  # the report is filed and answered...
        raise RuntimeError("...then a bug")

    front.handle_envelope = half_then_bug  # type: ignore[method-assign]
    signal_rig.server.deliver(REPORT, uuid=DEE, group=ORGANIZERS)
    await front.receive_once()
    assert await report_count(front.app.store) == 0
    assert await outbox_rows(front.app.store) == []
    assert await front.handle_pending() == 0  # marked: not tried again
