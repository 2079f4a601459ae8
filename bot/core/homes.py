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
* Every house-number address in any words that go to the network with it (the
  verifier's description, a correction, the notes of an all clear, a correction or a
  retraction) is named as its block too: "2 agents at the door of 1234 elm st" goes
  out as "2 agents at the door of 1200 block of elm st"; the member who wrote it is
  told (`changed_words`).
* Its alert's description is the verifier's (`/verify R3 <what you saw>`); without
  one, the reporter's words are not broadcast at all, since they may name the house.

For every other report, the alert's description is the verifier's when they give one
(`/verify R3 3 vans, agents checking papers`), and the reporter's words otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from bot.core.models import Report, Sign
from bot.core.phone_numbers import DEFAULT_REGION, NoPhones
from bot.core.vocabulary import phrases_in
from bot.i18n import Raw, Renderer, Text, _
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


# House-number addresses inside longer words ------------------------------------------

# Where a house-number address ends: punctuation, or a dash between words.
_CLAUSE_END = re.compile(r"[,;:!?()\n]|\.(?:\s|$)|\s[-–—]\s")
_WORD = re.compile(r"[^\s,;:!?()]+")
_HOUSE_NUMBER = re.compile(r"(?<![\w$.,/:+-])(\d{1,6})(?:-?[A-Za-z])?(?![\w.,:/-]*\d)(?!\w)")
# Words that may come between a house number and its street: "el 455 de la calle pino".
_LINKS = frozenset({"de", "del", "la", "el"})
# A unit after the street names the home within it: "apt 4b", "depto 3", "#3".
_UNIT_AFTER = re.compile(
    r"(?:\s*,)?\s*(?:(?:apt|apartment|unit|suite|ste|depto|dpto|departamento|interior|int)"
    r"\.?\s*#?\s*|#\s*)[\w-]+",
    re.IGNORECASE,
)
# Stands for an address while the text is cut to its limit (private use: typed by no one,
# and removed from what people typed before it is used).
_HOUSE_MARK = "\ue001"


def _street_words() -> frozenset[str]:
    return frozenset(fold(word) for word in vocabulary().words("places").get("street", ()))


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    block: Block


def _clause(text: str, start: int) -> int:
    end = _CLAUSE_END.search(text, start)
    return end.start() if end else len(text)


def _words_between(text: str, start: int, end: int) -> list[re.Match[str]]:
    return list(_WORD.finditer(text, start, end))


def _plain(word: str) -> str:
    return fold(word).strip(".#")


def _number_first(text: str, number: re.Match[str], streets: frozenset[str]) -> _Found | None:
    """ "1234 elm st", "455 calle pino", "el 455 de la calle pino": the number, then
    its street (ending with a street word, or starting with one and one name after it)."""
    if text[: number.start()].rstrip().endswith("#"):
        return None  # "apt #3" is a unit
    words = _words_between(text, number.end(), _clause(text, number.end()))[:4]
    plain = [_plain(word.group()) for word in words]
    skip = 0
    while skip < len(plain) and plain[skip] in _LINKS:
        skip += 1
    for index in range(skip, min(skip + 3, len(plain))):
        if plain[index] not in streets:
            continue
        if index == skip:  # "calle pino": the street word first, then its name
            if index + 1 >= len(plain) or plain[index + 1] in streets:
                return None
            last = index + 1
        elif any(not word.isalpha() or word in _LINKS for word in plain[skip:index]):
            return None  # "2 vans on main st" is a count, not a house
        else:
            last = index
        street = text[words[skip].start() : words[last].end()]
        return _with_unit(text, number.start(), words[last].end(), number, street)
    return None


def _number_last(text: str, number: re.Match[str], streets: frozenset[str]) -> _Found | None:
    """ "calle roble 1530", "elm st #1200": a street, then the number, ending its clause."""
    after = text[number.end() : _clause(text, number.end())]
    if after.strip() and not _UNIT_AFTER.match(after):
        return None  # "calle pino 3 camionetas" counts vans
    start = number.start()
    prefix = text[:start].rstrip()
    prefix = re.sub(r"(?:#|\bNo\.?|Nº)$", "", prefix, flags=re.IGNORECASE).rstrip()
    clause_start = max((m.end() for m in _CLAUSE_END.finditer(prefix)), default=0)
    words = _words_between(prefix, clause_start, len(prefix))[-3:]
    plain = [_plain(word.group()) for word in words]
    for index, word in enumerate(plain):
        if word not in streets:
            continue
        first = index if index < len(plain) - 1 else index - 1
        if first < 0 or not all(part.isalpha() for part in plain[first:]):
            return None
        street = prefix[words[first].start() :]
        return _with_unit(text, words[first].start(), number.end(), number, street)
    return None


def _with_unit(
    text: str, start: int, end: int, number: re.Match[str], street: str
) -> _Found | None:
    unit = _UNIT_AFTER.match(text, end)
    end = unit.end() if unit else end
    street = street.strip(" ,.;")
    if not street:
        return None
    return _Found(start, end, Block(int(number.group(1)) // 100 * 100, street))


def _houses(text: str) -> Iterator[_Found]:
    """The house-number addresses in `text`, in order: "1234 elm st", "455 calle pino
    depto 3", "Calle Roble 1530". A block ("1200 block of elm st"), a corner ("5th &
    main") and a count ("2 vans on main st") are not houses."""
    if not any(char.isdigit() for char in text):
        return
    streets = _street_words()
    after = 0
    for number in _HOUSE_NUMBER.finditer(text):
        if number.start() < after:
            continue
        found = _number_first(text, number, streets) or _number_last(text, number, streets)
        if found is None or phrases_in(text[number.end() : found.end], _words("block")):
            continue
        if found.start < after:
            continue
        after = found.end
        yield found


def names_a_house(text: str) -> bool:
    return next(_houses(text), None) is not None


def _block_text(block: Block) -> Text:
    if block.number > 0:
        return _(
            "{number} block of {street}", number=Raw(str(block.number)), street=Raw(block.street)
        )
    return Raw(block.street)


@dataclass(frozen=True)
class HousesAsBlocks:
    """Words a person wrote about a home, shown to the network: like `NoPhones`, with
    every house-number address in them named as its block, in the reader's language."""

    value: str
    region: str = DEFAULT_REGION
    limit: int | None = None

    def render(self, renderer: Renderer, language: str) -> str:
        text = self.value.replace(_HOUSE_MARK, "")
        houses = list(_houses(text))
        marked, last = [], 0
        for house in houses:
            marked += [text[last : house.start], _HOUSE_MARK]
            last = house.end
        marked.append(text[last:])
        shown = NoPhones("".join(marked), self.region, self.limit).render(renderer, language)
        for house in houses:
            shown = shown.replace(
                _HOUSE_MARK, _block_text(house.block).render(renderer, language), 1
            )
        return shown.replace(_HOUSE_MARK, "")


def broadcast_words(
    report: Report, words: str, region: str = DEFAULT_REGION, limit: int | None = None
) -> Text:
    """Words that go to the network with a report (its description, a note): never a
    phone number; at a home, never a house number either (its block instead)."""
    if at_a_home(report):
        return HousesAsBlocks(words, region, limit)
    return NoPhones(words, region, limit)


def changed_words(report: Report, *words: str, region: str = DEFAULT_REGION) -> Text | None:
    """What to tell the member whose words named a house of a report at a home: how the
    network reads them."""
    if not at_a_home(report):
        return None
    changed = [text for text in words if text and names_a_house(text)]
    if not changed:
        return None
    return _(
        "{code} reads as someone's home, so your words name the block, not the house. "
        "The network reads: {words}",
        code=report.code,
        words=HousesAsBlocks(" / ".join(changed), region),
    )
