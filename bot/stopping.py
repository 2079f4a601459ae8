"""How the bot stops when it is asked to: `docker stop`, `systemctl stop`, Ctrl-C.

SIGTERM and SIGINT do not kill the process. They set a request that the runner turns
into an orderly stop: every front end stops taking new input, the work already in flight
(a command being handled, a message being sent, a batch just fetched from Signal) is
given a grace period to finish, then whatever is left is cancelled, which rolls back its
transaction, and the database is closed. Nothing fetched is dropped on the floor: Signal
messages are stored before they are handled and handled at the next start, and Discord
re-sends what it could not deliver.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class StopRequest:
    """Set by SIGTERM or SIGINT while installed; remembers which signal asked."""

    def __init__(self, *, logged: bool = True) -> None:
        self.event = asyncio.Event()
        self.signal: signal.Signals | None = None
        self.logged = logged  # the console says goodbye itself: no log line before it

    def request(self, signum: signal.Signals) -> None:
        if self.signal is None and self.logged:
            log.warning("stopping on %s: finishing the work in flight", signum.name)
        self.signal = self.signal or signum
        self.event.set()

    async def wait(self) -> None:
        await self.event.wait()

    @property
    def exit_code(self) -> int:
        """0 for SIGTERM (a requested, clean stop); 128 + n for Ctrl-C, as shells expect."""
        if self.signal is signal.SIGINT:
            return 128 + signal.SIGINT
        return 0

    @contextlib.contextmanager
    def installed(self) -> Iterator[StopRequest]:
        loop = asyncio.get_running_loop()
        installed: list[signal.Signals] = []
        for signum in STOP_SIGNALS:
            try:
                loop.add_signal_handler(signum, self.request, signum)
            except (NotImplementedError, RuntimeError):  # Windows; not the main thread
                continue
            installed.append(signum)
        try:
            yield self
        finally:
            for signum in installed:
                loop.remove_signal_handler(signum)


@dataclass(frozen=True)
class FrontEndRun:
    """One front end as the runner sees it: what runs it, and how to ask it to stop."""

    name: str
    run: Coroutine[Any, Any, None]
    stop: Callable[[], Awaitable[None]]


async def run_until_stopped(runs: list[FrontEndRun], request: StopRequest, *, grace: float) -> None:
    """Run every front end until one fails or a stop is requested, then stop them all.

    A front end that fails stops the bot with its error; one that returns on its own
    (Discord after `close`) counts as stopped. On a stop request each front end's `stop`
    is called, then all of them get `grace` seconds to finish before they are cancelled.
    """
    tasks = [asyncio.create_task(run.run, name=run.name) for run in runs]
    asked = asyncio.create_task(request.wait(), name="stop-request")
    try:
        done, _pending = await asyncio.wait([*tasks, asked], return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            if task is not asked:
                task.result()  # a front end that stopped with an error stops the bot with it
        await _stop_all(runs, tasks, grace)
    finally:
        asked.cancel()
        for task in tasks:
            task.cancel()
        await asyncio.gather(asked, *tasks, return_exceptions=True)


async def _stop_all(runs: list[FrontEndRun], tasks: list[asyncio.Task[None]], grace: float) -> None:
    running = [task for task in tasks if not task.done()]
    if not running:
        return
    stops: asyncio.Future[Any] = asyncio.ensure_future(
        asyncio.gather(*(run.stop() for run in runs), return_exceptions=True)
    )
    waited: list[asyncio.Future[Any]] = [*running, stops]
    done, late = await asyncio.wait(waited, timeout=grace)
    if not stops.done():
        stops.cancel()
    late_names = [task.get_name() for task in late if task in running]
    if late_names:
        log.warning("still busy after %.0f s, cancelled: %s", grace, ", ".join(late_names))
    for task in done:
        if task in running and not task.cancelled() and task.exception() is not None:
            log.error("%s stopped with an error", task.get_name(), exc_info=task.exception())
