"""Refusals the core explains to people.

A `UserError` is not a bug: it is the core saying no (not your role, already decided,
unknown code). It carries a translatable message, and front ends show it to the member
in their language. Anything else that escapes the core is a bug and is logged.
"""

from __future__ import annotations

from bot.i18n import Text


class UserError(Exception):
    def __init__(self, message: Text) -> None:
        super().__init__(getattr(message, "msgid", str(message)))
        self.message = message
