"""The `rrbot` command.

Operators see one clear line for anything they can fix (a config typo, a database that
cannot be opened) and a traceback only for our bugs.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from bot import __version__
from bot.app import App
from bot.config import ConfigError, load_config
from bot.platforms.console import Console
from storage.database import DatabaseError

DEFAULT_CONFIG = Path("config.toml")


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

    check = commands.add_parser("check-config", help="validate a config file and exit")
    check.add_argument("--config", type=Path, default=DEFAULT_CONFIG, help="config file (TOML)")
    return parser


async def _console(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    if config.console is None:
        raise ConfigError(f"{args.config}: console: this config has no [console] section")
    app = await App.start(config, args.db)
    try:
        console = Console(app)
        if sys.stdin.isatty():
            return await console.run_interactive()
        return await console.run_script(sys.stdin)
    finally:
        await app.close()


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if getattr(args, "verbose", False) else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        if args.command == "check-config":
            config = load_config(args.config)
            targets = list(config.targets())
            print(f"{args.config}: OK ({config.network.name}; {len(targets)} chats)")
            return 0
        return asyncio.run(_console(args))
    except (ConfigError, DatabaseError) as error:
        print(f"rrbot: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
