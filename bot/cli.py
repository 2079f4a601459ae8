"""The `rrbot` command.

Operators see one clear line for anything they can fix (a config typo, a database that
cannot be opened) and a traceback only for our bugs.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot import __version__
from bot.app import App
from bot.config import Config, ConfigError, load_config
from bot.data_key import key_problem, rotate
from bot.platforms.console import Console
from bot.redact import PrivateFormatter
from bot.stopping import FrontEndRun, StopRequest, run_until_stopped
from storage.crypto import DataKeyError, generate_key
from storage.database import DatabaseError

if TYPE_CHECKING:
    from bot.platforms.signal.frontend import SignalFrontEnd
    from cogs.client import RapidResponseBot

DEFAULT_CONFIG = Path("config.toml")
GOODBYE = "Stopped (Ctrl-C). Goodbye."
STOPPED = "Stopped: everything in flight was finished or put back, and the database is closed."
INTERRUPTED = 130  # the shell's code for "stopped by Ctrl-C" (128 + SIGINT)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rrbot", description="Rapid Response Bot: verify before you broadcast."
    )
    parser.add_argument("--version", action="version", version=f"rrbot {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    console = commands.add_parser(
        "console", help="play the network in this terminal (or run a script from stdin)"
    )
    console.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="config file (TOML)")
    console.add_argument("--db", type=Path, help="SQLite file (default: storage.path in config)")
    console.add_argument("--verbose", action="store_true", help="log what the bot does to stderr")

    run = commands.add_parser(
        "run", help="run every front end the config enables (Discord and Signal)"
    )
    run.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="config file (TOML)")
    run.add_argument("--db", type=Path, help="SQLite file (default: storage.path in config)")
    run.add_argument("--verbose", action="store_true", help="log what the bot does to stderr")

    commands.add_parser(
        "generate-key", help="print a new data key (put it in RRBOT_DATA_KEY, keep a copy safe)"
    )
    rotate = commands.add_parser(
        "rotate-key",
        help="stop the bot first; re-seal all personal data with the key in RRBOT_NEW_DATA_KEY",
    )
    rotate.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="config file (TOML)")
    rotate.add_argument("--db", type=Path, help="SQLite file (default: storage.path in config)")

    purge = commands.add_parser(
        "purge", help="delete what the [retention] settings say is no longer needed, now"
    )
    purge.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="config file (TOML)")
    purge.add_argument("--db", type=Path, help="SQLite file (default: storage.path in config)")
    purge.add_argument(
        "--dry-run", action="store_true", help="only show what would be deleted; change nothing"
    )

    report = commands.add_parser(
        "report",
        help="write the after-action page for a debrief: numbers and charts, no personal data",
    )
    report.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="config file (TOML)")
    report.add_argument("--db", type=Path, help="SQLite file (default: storage.path in config)")
    report.add_argument(
        "--since",
        default="30d",
        help="how far back to count: 7d, 30d, 12w, or a day like 2026-11-01 (default: 30d)",
    )
    report.add_argument(
        "--until", help="the last day to count, like 2026-11-08 (default: up to now)"
    )
    report.add_argument(
        "--out", type=Path, default=Path("after-action.html"), help="the page to write (HTML)"
    )
    report.add_argument(
        "--lang", help="the page's language (default: the first of the network's languages)"
    )

    check = commands.add_parser("check-config", help="validate a config file and exit")
    check.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="config file (TOML)")
    return parser


async def _console(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    if config.console is None:
        raise ConfigError(f"{args.config}: console: this config has no [console] section")
    # A drill on the console never queues messages for the real Discord or Signal chats.
    config = config.for_front_ends("console")
    app = await App.start(config, args.db)
    request = StopRequest(logged=False)
    try:
        await app.start_timers()
        console = Console(app)

        async def run() -> None:
            if sys.stdin.isatty():
                await console.run_interactive()
            else:
                await console.run_script(sys.stdin)

        # SIGTERM and SIGINT, as for `rrbot run`: the line being handled finishes and
        # what it owes is printed, then the database is closed.
        with request.installed():
            await run_until_stopped(
                [FrontEndRun("console", run(), console.stop)], request, grace=stop_grace(config)
            )
    finally:
        await app.close()
    if request.signal is not None:
        print(GOODBYE if request.exit_code == INTERRUPTED else STOPPED, file=sys.stderr)
    return request.exit_code


class StartError(Exception):
    """The bot cannot start for reasons the operator can fix; one line says each."""

    def __init__(self, *problems: str) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


async def _purge(args: argparse.Namespace) -> str:
    """The daily purge on demand; with --dry-run, what it would delete."""
    config = load_config(args.config)
    app = await App.start(config, args.db, deployment=True)
    try:
        if args.dry_run:
            counts = await app.retention.plan()
            head = "rrbot purge --dry-run: nothing is deleted. A purge now would delete:"
        else:
            counts = await app.retention.purge()
            head = "rrbot purge: deleted (and overwrote on disk):"
    finally:
        await app.close()
    kept = config.retention
    rows = [f"  {count:>7}  {name}" for name, count in counts.items()]
    policy = (
        f"Kept: people {kept.people_days} days after their last task closed, closed reports "
        f"{kept.reports_days} days, sent messages {kept.messages_days} days, audit log "
        f"{kept.audit_days} days ([retention] in {args.config})."
    )
    return "\n".join([head, *rows, policy])


async def _report(args: argparse.Namespace) -> str:
    """`rrbot report`: the after-action page (bot/after_action.py) from the database."""
    from bot.after_action import write_page  # loads matplotlib: only for this command
    from bot.core.errors import UserError
    from bot.core.stats import parse_window
    from bot.i18n import available_languages

    config = load_config(args.config)
    database = Path(args.db) if args.db is not None else config.database_path()
    if not database.exists():
        raise StartError(f"there is no database at {database}: nothing to report on")
    language = args.lang or config.network.languages[0]
    if language not in available_languages():
        raise StartError(
            f"--lang {language}: not a language I have; one of "
            + ", ".join(sorted(available_languages()))
        )
    zone = ZoneInfo(config.network.timezone)
    until = None
    if args.until:
        last = _day(args.until, "--until")
        until = datetime.combine(last + timedelta(days=1), time(), zone)  # its end
    try:
        since = datetime.combine(_day(args.since, "--since"), time(), zone)
    except StartError:
        try:
            since = None
            window = parse_window(args.since)
        except UserError:
            raise StartError(
                f"--since {args.since}: give a length of time, like 7d or 30d, or a day, "
                "like 2026-11-01"
            ) from None
    app = await App.start(config, database, deployment=True)
    try:
        end = until or app.clock.now()
        if since is not None:
            window = end - since
        if window <= timedelta(0):
            raise StartError(f"--since {args.since} is not before --until {args.until}")
        found = await app.stats.numbers(window, end)
        await asyncio.to_thread(write_page, found, app.renderer, language, args.out)
    except OSError as error:
        raise StartError(f"cannot write {args.out}: {error.strerror or error}") from None
    finally:
        await app.close()
    return (
        f"rrbot report: wrote {args.out} ({found.total} reports from "
        f"{found.since.astimezone(zone):%Y-%m-%d %H:%M} to "
        f"{found.until.astimezone(zone):%Y-%m-%d %H:%M}; no personal data)"
    )


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise StartError(f"{option} {text}: give a day like 2026-11-01") from None


async def _run(args: argparse.Namespace) -> int:
    """Every front end the config enables, on one core and one database, until stopped.

    Everything that can be checked before anything is made (the Discord token, the data
    key) is checked first, and every problem found is named at once. A start that fails
    before any message could have been received (a service unreachable, a token refused)
    takes back what it made; once a front end is reached, or Signal has received a
    message, the database stays whatever happens."""
    config = load_config(args.config)
    if config.discord is None and config.signal is None:
        raise StartError(
            f"{args.config}: no front end to run: add a [discord] or [signal] section "
            "(or try the bot with `rrbot console`)"
        )
    # The console is for drills: its chats are not where a deployment's alerts go.
    config = config.for_front_ends("discord", "signal")
    token = ""
    problems: list[str] = []
    if config.discord is not None:
        token = os.environ.get(config.discord.token_env, "").strip()
        if not token:
            problems.append(
                "the Discord bot token is missing: put it in the environment variable "
                f"{config.discord.token_env}"
            )
    database = Path(args.db) if args.db is not None else config.database_path()
    key = key_problem(config, database, deployment=True)
    if key is not None:
        problems.append(key)
    if problems:
        raise StartError(*problems)
    app = await App.start(
        config, database, deployment=True, escapes=front_end_escapes(config), confirm_later=True
    )
    runs: list[FrontEndRun] = []
    signal = None
    if config.signal is not None:
        try:
            signal, run = await _signal(app)
        except BaseException:
            await app.abandon()  # nothing was received: a new database or key goes too
            raise
        runs.append(run)
    if config.discord is None:
        app.started()  # Signal answered: the start holds
    request = StopRequest()
    failed = True
    try:
        with request.installed():
            await app.start_timers()
            if config.discord is not None:
                runs.append(_discord(app, token))
            await run_until_stopped(runs, request, grace=stop_grace(config))
        failed = False
    finally:
        if failed and not app.confirmed and (signal is None or not signal.received):
            await app.abandon()  # Discord never answered, and Signal brought nothing
        else:
            app.started()  # kept: what it made is said, once
            await app.close()
    if request.signal is not None:
        print(GOODBYE if request.exit_code == INTERRUPTED else STOPPED, file=sys.stderr)
    return request.exit_code


def front_end_escapes(config: Config) -> dict[str, Callable[[str], str]]:
    """How each front end that will run neutralises people's text, for what the bot
    writes while it starts, before the front ends are up (see `App.start`)."""
    escapes: dict[str, Callable[[str], str]] = {}
    if config.discord is not None:
        from cogs.text import escape_user_text  # loads discord.py: only when it runs

        escapes["discord"] = escape_user_text
    return escapes


def stop_grace(config: Config) -> float:
    """How long the work in flight may take once a stop is asked for.

    A Signal receive already under way must be allowed to finish, or the messages it
    fetched (which signal-cli has already taken off Signal's servers) would be lost.
    """
    grace = 10.0
    if config.signal is not None:
        grace = max(grace, config.signal.request_timeout.total_seconds() + 5)
    return grace


async def _signal(app: App) -> tuple[SignalFrontEnd, FrontEndRun]:
    from bot.platforms.signal.frontend import (
        SignalFrontEnd,
        SignalUnavailableError,
    )

    assert app.config.signal is not None  # noqa: S101 - checked by the caller
    front = SignalFrontEnd(app, app.config.signal)
    try:
        await front.check_service()
    except SignalUnavailableError as error:
        front.client.close()
        raise StartError(str(error)) from None
    return front, FrontEndRun("signal", front.run(), front.stop)


def _discord(app: App, token: str) -> FrontEndRun:
    # Imported here so `rrbot console` starts without loading discord.py.
    from cogs.client import RapidResponseBot

    # Once Discord took the token and the commands, members may act: the start holds.
    bot = RapidResponseBot(app.config, app=app, reached=app.started)
    return FrontEndRun("discord", _run_discord(bot, token), bot.close)


async def _run_discord(bot: RapidResponseBot, token: str) -> None:
    import aiohttp
    import discord

    variable = bot.settings.token_env
    try:
        async with bot:
            await bot.start(token)
    except discord.LoginFailure:
        raise StartError(
            f"Discord refused the token in {variable}: copy it again from the Developer "
            "Portal (Bot > Reset Token)"
        ) from None
    except (aiohttp.ClientConnectionError, OSError) as error:
        raise StartError(f"cannot reach Discord: {error}") from None


def _where_hint(command: str) -> str:
    """How to name the config and the database, when the config given is not there."""
    return (
        "name the config with --config and the database with --db, for example (the "
        "console's trial database, as `python3 dev.py run` uses it): "
        f"rrbot {command} --config config.example.toml --db data/rrbot.sqlite3"
    )


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # Whatever the bot writes (the database, its -wal and -shm, a key file) is its
    # owner's alone, even a file some library creates on its behalf.
    umask = os.umask(0o077)
    try:
        return _main(args)
    finally:
        os.umask(umask)


def _main(args: argparse.Namespace) -> int:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(PrivateFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(
        level=logging.INFO if getattr(args, "verbose", False) else logging.WARNING,
        handlers=[handler],
    )
    # aiosqlite logs every statement with its parameters at DEBUG: message text must never
    # reach a log, so its logger stays quiet whatever the verbosity.
    logging.getLogger("aiosqlite").setLevel(logging.WARNING)
    try:
        if args.command == "generate-key":
            print(generate_key())
            return 0
        if args.command == "rotate-key":
            config = load_config(args.config)
            print(asyncio.run(rotate(config, args.db or config.database_path())))
            return 0
        if args.command == "purge":
            print(asyncio.run(_purge(args)))
            return 0
        if args.command == "report":
            print(asyncio.run(_report(args)))
            return 0
        if args.command == "check-config":
            config = load_config(args.config)
            targets = list(config.targets())
            print(f"{args.config}: OK ({config.network.name}; {len(targets)} chats)")
            return 0
        if args.command == "run":
            return asyncio.run(_run(args))
        return asyncio.run(_console(args))
    except StartError as error:
        for problem in error.problems:
            print(f"rrbot: {problem}", file=sys.stderr)
        return 2
    except (ConfigError, DatabaseError, DataKeyError) as error:
        print(f"rrbot: {error}", file=sys.stderr)
        named = getattr(args, "config", None)
        if isinstance(error, ConfigError) and isinstance(named, Path) and not named.exists():
            print(f"rrbot: {_where_hint(args.command)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        # Ctrl-C is how people stop the bot: the database is already closed (asyncio.run
        # cancelled the work and ran its clean-up), so say goodbye, not a traceback.
        newline = "\n" if sys.stderr.isatty() else ""  # after the "> " prompt
        print(f"{newline}{GOODBYE}", file=sys.stderr)
        return INTERRUPTED
