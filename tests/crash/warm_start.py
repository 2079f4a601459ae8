"""Run `rrbot` in a process that has already imported the bot, when told to go.

`python -m tests.crash.warm_start GO READY <rrbot arguments>` imports everything
`rrbot` needs, says so with a byte on file descriptor READY, waits for a byte on file
descriptor GO, then calls `bot.cli.main` with the arguments, exactly as the `rrbot`
script does (GO closed without a byte: it exits, having done nothing). Python's
start-up and imports take a second or more on a busy machine and touch no file of the
bot's, so the crash test prepares the next run while the current one works, and its
kills land on what matters: start-up proper (key, database, migrations, catching up),
commands, timers and deliveries.
"""

from __future__ import annotations

import os
import sys


def main() -> int:
    go, ready = int(sys.argv[1]), int(sys.argv[2])
    import bot.cli
    import bot.platforms.signal.frontend  # what `rrbot run` imports later

    os.write(ready, b"r")
    os.close(ready)
    told = os.read(go, 1)
    os.close(go)
    if not told:
        return 0
    return bot.cli.main(sys.argv[3:])


if __name__ == "__main__":
    sys.exit(main())
