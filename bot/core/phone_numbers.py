"""Phone numbers as people can read, tap and dial them, in any language.

Hotline numbers come from the operator's config, written however they were typed. A
number written as one run of digits ("+15550100100") is grouped the way its country
writes it ("+1 555-010-0100"), which also lets phones offer to call it; a number the
operator grouped already is shown as written. Numbers without a country code are read
as United States numbers, where the rights content applies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from babel import Locale
from babel.core import UnknownLocaleError

from bot.i18n import Raw, Renderer

DEFAULT_REGION = "US"
_UNGROUPED = re.compile(r"^\+?[0-9]+$")
# Left-to-right marks on both sides keep a number in one piece inside right-to-left
# text; without them "+1 555 0100" in an Arabic sentence shows as "0100 555 1+".
LRM = "\u200e"


def readable(number: str) -> str:
    written = number.strip()
    if not _UNGROUPED.match(written):
        return written
    try:
        parsed = phonenumbers.parse(written, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return written
    if not phonenumbers.is_possible_number(parsed) or len(written.lstrip("+")) < 7:
        return written  # short codes ("211") and local-only numbers stay as they are
    style = (
        phonenumbers.PhoneNumberFormat.INTERNATIONAL
        if written.startswith("+")
        else phonenumbers.PhoneNumberFormat.NATIONAL
    )
    return phonenumbers.format_number(parsed, style)


def _right_to_left(language: str) -> bool:
    try:
        return Locale.parse(language).character_order == "right-to-left"
    except (UnknownLocaleError, ValueError):
        return False


@dataclass(frozen=True)
class PhoneNumber:
    """A number from the config, readable in the reader's language."""

    number: str

    def render(self, renderer: Renderer, language: str) -> str:
        shown = Raw(readable(self.number)).render(renderer, language)
        return f"{LRM}{shown}{LRM}" if _right_to_left(language) else shown
