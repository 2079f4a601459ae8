"""Script a chat through the console front end and read back what the bot sent.

Each `say` feeds one console line (`member@chat: text`) and returns the lines the bot
wrote because of it: replies first, then everything the outbox delivered.
"""

from __future__ import annotations

from bot.app import App
from bot.platforms.console import Console


class ChatHarness:
    def __init__(self, app: App) -> None:
        self.app = app
        self.lines: list[str] = []
        self.console = Console(app, write=self.lines.append)

    async def say(self, line: str) -> list[str]:
        start = len(self.lines)
        await self.console.handle_line(line)
        return self.lines[start:]

    async def text(self, line: str) -> str:
        return "\n".join(await self.say(line))


def in_chat(lines: list[str], chat: str) -> str:
    """The text that went to one chat (`organizers`, `dm:dee`), prefixes removed."""
    prefix = f"[{chat}] "
    return "\n".join(line[len(prefix) :] for line in lines if line.startswith(prefix))
