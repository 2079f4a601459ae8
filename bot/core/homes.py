"""Homes in alerts: a report at someone's home never broadcasts the house.

"ICE at my door", verified with `where: 1200 Elm St`, used to send the reporter's home
address and their own words ("están aquí en mi casa") to every alert chat: whoever reads
the alerts learnt who called the network, and where they live. The rule, in one place:

* A report reads as being at a home when its words say so, whoever's home it is
  ("my house", "mi puerta", "at home", "her house", "su casa", "la casa de ella",
  "knocking at a house on Oak"; a hotline relay is a caller's words), or when a
  house-number address comes with home words ("agents knocking at 1200 Elm St", "casa
  en 1200 Elm St", "at her house 88 Oak Ave") or the "at a house" sign.
* Its card tells verifiers so, and to give only the block or a public place nearby.
* Its alert (and all clear, correction, retraction) names the block, not the house:
  "1200 block of Elm St" ("cuadra 1200 de Elm St"). A place the verifier gives that is
  not a house-number address (a shop, a corner, "1200 block of Elm") is used as given.
* Its alert's description is the verifier's (`/verify R3 <what you saw>`); without
  one, the reporter's words are not broadcast at all, since they may name the house.

For every other report, the alert's description is the verifier's when they give one
(`/verify R3 3 vans, agents checking papers`), and the reporter's words otherwise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.models import Report, Sign
from bot.core.phone_numbers import DEFAULT_REGION, NoPhones
from bot.core.vocabulary import phrases_in
from bot.i18n import Raw, Text, _
from bot.i18n.words import fold, vocabulary

# "1200 Elm St", "1200-B Elm St", "1200 Elm St Apt 3"; "Calle Elm 1200", "Elm St #1200".
_NUMBER_FIRST = re.compile(r"^\s*(\d{1,6})(?:-?[A-Za-z])?\s+(?P<street>\D.*?)\s*$")
_NUMBER_LAST = re.compile(r"^\s*(?P<street>\D.*?)\s+(?:#|No\.?\s*|Nº\s*)?(\d{1,6})\s*$")
# What follows a street and names the home within it: dropped with the number.
_UNIT = re.compile(
    r"(?:,|\s)\s*(?:apt|apartment|unit|suite|ste|#|depto|dpto|departamento|interior|int)\b.*$",
    re.IGNORECASE,
)


def _words(key: str) -> dict[str, str]:
    return {phrase: k for phrase, k in vocabulary().index("homes").items() if k == key}


@dataclass(frozen=True)
class Block:
    """A house-number address made general: its hundred block, and the street."""

    number: int
    street: str


def block_of(place: str) -> Block | None:
    """The block of a house-number address ("1234 Elm St" is in the 1200 block), or None
    when `place` is not one (a shop, a corner, already a block)."""
    text = place.strip()
    if phrases_in(text, _words("block")):
        return None
    match = _NUMBER_FIRST.match(text) or _NUMBER_LAST.match(text)
    if match is None:
        return None
    number = int(next(group for group in match.groups() if group and group.isdigit()))
    street = _UNIT.sub("", match.group("street")).strip(" ,.;")
    if not street or any(char.isdigit() for char in street.split()[0]):
        return None  # "5th & Main" and "12 and 14" are corners, not houses
    if "&" in street or re.search(r"\b(?:and|y|et|e)\b", street, re.IGNORECASE):
        return None
    return Block(number // 100 * 100, street)


# Where a house number may start inside longer words: "her house 88 Oak Ave".
_NUMBER_INSIDE = re.compile(r"(?<![\w#])\d{1,6}(?:-?[A-Za-z])?\s+\D")


def address_in(text: str) -> Block | None:
    """The block of a house-number address that `text` is (see `block_of`) or ends with,
    when its words say it is a street: "her house 88 oak ave" is in the 0 block of oak
    ave; "2 ice vans" is no address."""
    block = block_of(text)
    if block is not None:
        return block
    streets = {fold(word) for word in vocabulary().words("places").get("street", ())}
    for match in _NUMBER_INSIDE.finditer(text):
        found = block_of(text[match.start() :])
        if found is not None and streets & set(fold(found.street).split()):
            return found
    return None


def reads_as_home(where: str, what: str, signs: tuple[Sign, ...], signs_typed: str = "") -> bool:
    """Whether a report's words say it is at someone's home: "my door", "mi casa", or a
    house or door (or the "at a house" sign) named with a house-number address. Judged
    once, from the reporter's words, and kept with the report (`Report.at_home`), so a
    verifier's later place or description cannot make the report forget it."""
    text = " ; ".join((where, what, signs_typed))
    if phrases_in(text, _words("own")):
        return True
    housey = Sign.HOUSE in signs or bool(phrases_in(text, _words("house")))
    return housey and (address_in(where) is not None or _has_house_number(what))


def _has_house_number(text: str) -> bool:
    return any(address_in(part) is not None for part in re.split(r"[,;.]|\bat\b|\ben\b", text))


def at_a_home(report: Report) -> bool:
    """Whether the report reads as being at someone's home (as it came, or as a
    corroboration or a later place said)."""
    return report.at_home or (Sign.HOUSE in report.signs and address_in(report.where) is not None)


def broadcast_place(report: Report, region: str = DEFAULT_REGION) -> Text:
    """The place as broadcasts name it: the block, for a house-number address at a home
    (also when other words come before it: "her house 88 Oak Ave"); never a phone number."""
    if at_a_home(report):
        block = address_in(report.where)
        if block is not None and block.number > 0:
            return _(
                "{number} block of {street}",
                number=Raw(str(block.number)),
                street=Raw(block.street),
            )
        if block is not None:
            return NoPhones(block.street, region)
    return NoPhones(report.where, region)


def broadcast_what(report: Report) -> str:
    """The description broadcasts carry: the verifier's when they gave one (stored as the
    report's description at verification), else the reporter's words, except at a home,
    where the reporter's words are never broadcast."""
    if report.decision_note:
        return report.what
    return "" if at_a_home(report) else report.what


def card_advice(report: Report) -> Text | None:
    """What the card tells verifiers about a report at a home."""
    if not at_a_home(report):
        return None
    return _(
        "This reads as someone's home. The alert will name only the block, not the house, "
        "and will not quote the reporter. Describe what you saw when you verify: "
        "/verify {code} where: 1200 block of Elm St; 2 vans, agents at a door",
        code=report.code,
    )
