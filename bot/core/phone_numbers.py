"""Phone numbers: read from what people type, kept in one form, shown readably.

A number an organizer types for a family's contact is read as a number of the
network's country (`network.region`) unless it has a country code, checked to be one
that could exist, and kept as E.164 (+15550100199). Shown, it is written the way people
write it: (555) 010-0199 at home, +52 55 1234 5678 from elsewhere, which also lets
phones offer to call it. Hotline numbers from the config are shown as the operator
grouped them, or grouped the same way when written as one run of digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from babel import Locale
from babel.core import UnknownLocaleError
from phonenumbers import PhoneNumberFormat, ValidationResult

from bot.core.errors import UserError
from bot.i18n import Raw, Renderer, _

DEFAULT_REGION = "US"
_UNGROUPED = re.compile(r"^\+?[0-9]+$")
_PHONE_ALLOWED = re.compile(r"^\+?[0-9 ().-]+$")
# Left-to-right marks on both sides keep a number in one piece inside right-to-left
# text; without them "+1 555 0100" in an Arabic sentence shows as "0100 555 1+".
LRM = "\u200e"


def parse_phone(text: str, region: str = DEFAULT_REGION) -> str:
    """A phone number as E.164 (+15550100199), read as a number of `region` when it has
    no country code. Numbers that could exist are kept: a made-up-looking one may still
    be the family's, and 555-01xx numbers are only "invalid" because they are fictional."""
    cleaned = text.strip()
    refusal = UserError(
        _(
            "“{value}” is not a phone number I can use. Write it with digits, like "
            "+1 555 010 0199.",
            value=Raw(cleaned),
        )
    )
    if not _PHONE_ALLOWED.match(cleaned):
        raise refusal
    try:
        number = phonenumbers.parse(cleaned, region)
    except phonenumbers.NumberParseException:
        raise refusal from None
    possible = phonenumbers.is_possible_number_with_reason(number)
    if possible == ValidationResult.IS_POSSIBLE_LOCAL_ONLY:
        raise UserError(
            _(
                "“{value}” has no area code. Write the whole number, with the area code, "
                "so anyone in the network can call it.",
                value=Raw(cleaned),
            )
        )
    if possible != ValidationResult.IS_POSSIBLE:
        raise refusal
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def show_phone(stored: str, region: str = DEFAULT_REGION) -> str:
    """A stored number the way people write it: (555) 010-0199 for a number of the
    network's own country, +52 55 1234 5678 for one from elsewhere; as stored if odd."""
    try:
        number = phonenumbers.parse(stored, region)
    except phonenumbers.NumberParseException:
        return stored
    if not phonenumbers.is_possible_number(number):
        return stored
    home = number.country_code == phonenumbers.country_code_for_region(region)
    style = PhoneNumberFormat.NATIONAL if home else PhoneNumberFormat.INTERNATIONAL
    return phonenumbers.format_number(number, style)


def readable(number: str, region: str = DEFAULT_REGION) -> str:
    """A hotline number as the operator grouped it, or grouped like `show_phone`."""
    written = number.strip()
    if not _UNGROUPED.match(written) or len(written.lstrip("+")) < 7:
        return written  # grouped already, or a short code ("211")
    if not written.startswith("+"):
        return show_phone(written, region)
    try:  # written with its country code: shown with it, for every reader
        parsed = phonenumbers.parse(written, region)
    except phonenumbers.NumberParseException:
        return written
    if not phonenumbers.is_possible_number(parsed):
        return written
    return phonenumbers.format_number(parsed, PhoneNumberFormat.INTERNATIONAL)


def _right_to_left(language: str) -> bool:
    try:
        return Locale.parse(language).character_order == "right-to-left"
    except (UnknownLocaleError, ValueError):
        return False


@dataclass(frozen=True)
class PhoneNumber:
    """A number from the config, readable in the reader's language."""

    number: str
    region: str = DEFAULT_REGION

    def render(self, renderer: Renderer, language: str) -> str:
        shown = Raw(readable(self.number, self.region)).render(renderer, language)
        return f"{LRM}{shown}{LRM}" if _right_to_left(language) else shown


# Phone numbers in what people wrote, for group posts ----------------------------------
#
# The rule, in one place: no phone number anyone typed into a report (a caller's, a
# neighbour's, their own) is ever posted to a group: alerts, all clears, corrections,
# retractions, and the cards and notes in the organizer chat show "[phone number
# removed]" instead. The stored report keeps the text (sealed like the rest); the
# callback number of a relay is shown only in its organizer's direct messages.

# A run of 7 or more digits, grouped any way people group them: "555 0147", "213.555.0147",
# "(213) 555-0122", "+52 55 1234 5678". Dates and times rarely have 7 digits in a run of
# digits and separators; when they do, hiding them is the safe mistake.
_DIGIT_RUN = re.compile(r"(?<![\w+])\+?\(?\d[\d \t().\-]*\d(?!\w)")
_MIN_DIGITS = 7
PHONE_REMOVED = _("[phone number removed]")
# Stands for a removed number while the text is cut to its limit (private use: typed by
# no one, and removed from what people typed before it is used).
_MARK = "\ue000"


def phone_spans(text: str, region: str = DEFAULT_REGION) -> list[tuple[int, int]]:
    """Where phone numbers are in `text`: what libphonenumber finds for the network's
    region, and any run of 7 or more digits (so a number it would not accept is still
    found), merged, in order."""
    spans = [
        (match.start, match.end)
        for match in phonenumbers.PhoneNumberMatcher(
            text, region, leniency=phonenumbers.Leniency.POSSIBLE
        )
    ]
    for run in _DIGIT_RUN.finditer(text):
        if sum(char.isdigit() for char in run.group()) >= _MIN_DIGITS:
            spans.append((run.start(), run.end()))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def has_phone(text: str, region: str = DEFAULT_REGION) -> bool:
    return bool(phone_spans(text, region))


@dataclass(frozen=True)
class NoPhones:
    """Text a person wrote, shown in a group: like `Raw`, with every phone number in it
    replaced by "[phone number removed]" in the reader's language. With a `limit`, it is
    cut like `Raw` (a number is removed whole, never cut in half first)."""

    value: str
    region: str = DEFAULT_REGION
    limit: int | None = None

    def render(self, renderer: Renderer, language: str) -> str:
        text = self.value.replace(_MARK, "")
        spans = phone_spans(text, self.region)
        if not spans:
            return Raw(text, self.limit).render(renderer, language)
        marked, last = [], 0
        for start, end in spans:
            marked += [text[last:start], _MARK]
            last = end
        marked.append(text[last:])
        shown = Raw("".join(marked), self.limit).render(renderer, language)
        return shown.replace(_MARK, PHONE_REMOVED.render(renderer, language))
