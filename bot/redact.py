"""Keeping identities out of logs and error notes.

Services explain failures in their own words, and those words often carry who was
involved ("Unregistered user +15551234567", a Signal account's UUID). Error reasons are
kept in the database, shown to organizers and logged, so they are cleaned first; and
the log formatter leaves exception messages out altogether, because an exception's text
can quote whatever data was being handled.
"""

from __future__ import annotations

import logging
import re
import traceback

_PHONE = re.compile(r"\+?\d[\d ().-]{5,}\d")
_UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b", re.I)


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?: \d{1,2})?")


def _number(match: re.Match[str]) -> str:
    found = match.group(0)
    digits = sum(char.isdigit() for char in found)
    return found if digits < 7 or _DATE.fullmatch(found) else "[number]"


def redact(text: str) -> str:
    """The text with phone numbers, long numeric ids and UUIDs replaced by placeholders."""
    return _PHONE.sub(_number, _UUID.sub("[id]", text))


class PrivateFormatter(logging.Formatter):
    """Logs where a traceback keeps its frames (file, line, function) and the exception's
    type, but never its message, and every line is redacted."""

    def formatException(self, ei: logging._SysExcInfoType) -> str:  # noqa: N802 - stdlib name
        kind, _value, tb = ei
        frames = "".join(traceback.format_tb(tb)) if tb is not None else ""
        name = kind.__name__ if kind is not None else "Exception"
        return f"Traceback (most recent call last):\n{frames}{name} (message withheld)"

    def format(self, record: logging.LogRecord) -> str:
        clean = logging.makeLogRecord(record.__dict__)
        clean.msg, clean.args = redact(record.getMessage()), None
        return super().format(clean)
