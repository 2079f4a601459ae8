"""How the domain's fixed choices are named to people and typed by them.

Each choice has one translated display name (from the catalogs) and the words people
may type for it (from the words files beside the catalogs, `bot/i18n/words.py`), in
every language, with or without accents, so a stressed volunteer typing "policía" or
"vans" is understood rather than corrected.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Generic, TypeVar, cast

from bot.core.errors import UserError
from bot.core.models import (
    Agency,
    DismissReason,
    PhotoChoice,
    ReportState,
    Role,
    Sign,
    Source,
)
from bot.i18n import ListOf, Msg, Raw, _, normalise_language, one_of
from bot.i18n.words import fold, vocabulary

AGENCY_NAMES: Mapping[Agency, Msg] = {
    Agency.ICE: _("ICE"),
    Agency.CBP: _("CBP (Border Patrol)"),
    Agency.HSI: _("HSI"),
    Agency.POLICE: _("local police"),
    Agency.UNKNOWN: _("unknown agency"),
}

SIGN_NAMES: Mapping[Sign, Msg] = {
    Sign.VEHICLES: _("vehicles parked haphazardly"),
    Sign.TENTS: _("tents set up"),
    Sign.BUSES: _("buses or vans"),
    Sign.GATHERING: _("agents gathering away from a federal building or immigration office"),
    Sign.QUESTIONING: _("agents questioning people"),
    Sign.HOUSE: _("agents at a particular house"),
}

SOURCE_NAMES: Mapping[Source, Msg] = {
    Source.FIRST_HAND: _("first-hand (seen in person)"),
    Source.SECOND_HAND: _("second-hand (someone told the reporter)"),
    Source.SOCIAL_MEDIA: _("from social media"),
}

REASON_NAMES: Mapping[DismissReason, Msg] = {
    DismissReason.ROUTINE: _("routine presence, not an operation"),
    DismissReason.FALSE_ALARM: _("false alarm"),
    DismissReason.UNVERIFIABLE: _("could not verify"),
}

STATE_NAMES: Mapping[ReportState, Msg] = {
    ReportState.PENDING: _("waiting for a verifier"),
    ReportState.VERIFIED: _("verified"),
    ReportState.RESOLVED: _("all clear"),
    ReportState.DISMISSED: _("dismissed"),
    ReportState.RETRACTED: _("retracted"),
}

ROLE_NAMES: Mapping[Role, Msg] = {
    Role.ORGANIZER: _("organizer"),
    Role.VERIFIER: _("verifier"),
    Role.VOLUNTEER: _("volunteer"),
}

E = TypeVar("E", bound=StrEnum)


_INDEXES: dict[tuple[str, type[StrEnum]], dict[str, StrEnum]] = {}


def _index(section: str, kind: type[E]) -> dict[str, E]:
    """{folded word: choice} for one section of the words files (and the plain values),
    built once: every report looks its words up here."""
    found = _INDEXES.get((section, kind))
    if found is None:
        found = {fold(member.value): member for member in kind}
        found |= {word: kind(key) for word, key in vocabulary().index(section).items()}
        _INDEXES[section, kind] = found
    return cast(dict[str, E], found)


def _choices(values: list[str]) -> ListOf:
    return one_of(Raw(value) for value in values)


def _lookup(kind: type[E], section: str, text: str, refusal: Callable[[Raw, ListOf], Msg]) -> E:
    """The choice `text` names, or a refusal listing every choice by its plain name."""
    found = _index(section, kind).get(fold(text))
    if found is None:
        raise UserError(refusal(Raw(text.strip()), _choices([member.value for member in kind])))
    return found


@dataclass(frozen=True)
class Found(Generic[E]):
    """What was recognised in someone's words, and the words it was recognised from."""

    choices: tuple[E, ...]
    leftover: str  # the words nothing was recognised in, as typed


def find(kind: type[E], section: str, text: str) -> Found[E]:
    """Every choice named anywhere in `text`, in the order written; never refuses.

    "vans parked haphazardly" names buses and vehicles; a part of a list ("a, b; c")
    in which nothing is recognised is kept as typed in `leftover`.
    """
    index = _index(section, kind)
    prepared = _looked_for(section, kind)
    found: list[E] = []
    leftover: list[str] = []
    for part in re.split(r"[,;\n]+", text):
        named = [index[phrase] for phrase in _phrases(part, prepared) if phrase in index]
        found.extend(choice for choice in named if choice not in found)
        if not named and part.strip():
            leftover.append(part.strip())
    return Found(tuple(found), ", ".join(leftover))


def _looked_for(section: str, kind: type[E]) -> tuple[tuple[str, str, int], ...]:
    """What `find` looks for in a section, prepared once: its choices' phrases and the
    phrases that only look like one ("bus stop" is not buses: `[not_<section>]`), both,
    so the longer "bus stop" takes the words "bus" is in."""
    prepared = _PREPARED.get((section, kind))
    if prepared is None:
        unlike = vocabulary().index(f"not_{section}")
        prepared = _longest_first(tuple({**dict.fromkeys(unlike), **_index(section, kind)}))
        _PREPARED[section, kind] = prepared
    return prepared


_PREPARED: dict[tuple[str, type], tuple[tuple[str, str, int], ...]] = {}


def phrases_in(text: str, index: Mapping[str, object]) -> list[str]:
    """The folded phrases of `index` that `text` contains as whole words, longest first
    and without overlaps, in the order they appear in the text."""
    return _phrases(text, _longest_first(tuple(index)))


def _phrases(text: str, prepared: tuple[tuple[str, str, int], ...]) -> list[str]:
    folded = f" {fold(text)} "
    taken: list[tuple[int, int, str]] = []
    for phrase, spaced, pad in prepared:
        start = folded.find(spaced)
        while start != -1:
            first, last = start + pad, start + len(spaced) - pad
            if all(last <= a or first >= b for a, b, _ in taken):
                taken.append((first, last, phrase))
            start = folded.find(spaced, start + 1)
    return [phrase for _start, _end, phrase in sorted(taken)]


@lru_cache(maxsize=256)
def _longest_first(phrases: tuple[str, ...]) -> tuple[tuple[str, str, int], ...]:
    """Each phrase as it is looked for, longest first: (phrase, with its spaces, how
    many spaces are shared with the words around it). The vocabulary's sections are few,
    so this is worked out once per section, not at every message."""
    out = []
    for phrase in sorted(phrases, key=len, reverse=True):
        spaced = phrase if _unspaced(phrase) else f" {phrase} "
        out.append((phrase, spaced, 0 if spaced == phrase else 1))
    return tuple(out)


def _unspaced(phrase: str) -> bool:
    """Scripts written without spaces between words (Chinese, Japanese) match inside words."""
    return any("\u3000" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff" for char in phrase)


def parse_agency(text: str) -> Agency:
    return _lookup(
        Agency,
        "agencies",
        text,
        lambda value, choices: _(
            "I don't know the agency “{value}”. Use one of: {choices}.",
            value=value,
            choices=choices,
        ),
    )


def parse_role(text: str) -> Role:
    found = _index("roles", Role).get(fold(text))
    if found is None:
        raise UserError(
            _(
                "I don't know the role “{value}”. Use one of: {choices}.",
                value=Raw(text.strip()),
                choices=one_of(ROLE_NAMES[role] for role in Role),  # in the reader's words
            )
        )
    return found


def role_verb(text: str) -> str | None:
    """What /role and /roles are asked to do ("quitar" -> "remove", "reset from config"
    -> "reset"), from the words files' [role_verbs]; None for anything else."""
    return vocabulary().index("role_verbs").get(fold(text))


def language_code(text: str) -> str:
    """ "spanish", "Español", "es-MX" -> "es": a language as people name it."""
    named = vocabulary().index("languages").get(fold(text))
    return named if named is not None else normalise_language(text)


def parse_reason(text: str) -> DismissReason | None:
    return _index("reasons", DismissReason).get(fold(text))


def reason_choices() -> ListOf:
    return _choices([reason.value for reason in DismissReason])


_TOKEN = re.compile(r"\S+")
_JOINERS = frozenset({"and", "y", "et", "e", "und", "at", "va", "ak"})


def _photo_number(token: str) -> int | None:
    digits = token.strip(",.;:#")
    return int(digits) if digits.isdigit() and 0 < int(digits) < 100 else None


def split_photo_choice(note: str) -> tuple[PhotoChoice | None, str]:
    """ "with photos" (or "con fotos", "with photo 2", "with photos 1 and 3") anywhere in
    a verifier's note: which photos go with the alert, and the note without those words.
    None when the note names no photos: then none leave the organizer chat."""
    tokens = list(_TOKEN.finditer(note))
    folded = [fold(token.group()) for token in tokens]
    phrases = sorted(
        (phrase.split() for phrase in vocabulary().index("photos")), key=len, reverse=True
    )
    for start in range(len(tokens)):
        for words in phrases:
            if folded[start : start + len(words)] != words:
                continue
            end, numbers = start + len(words), []
            while end < len(tokens):
                number = _photo_number(tokens[end].group())
                joined = folded[end] in _JOINERS or tokens[end].group() in (",", "&")
                if number is None and joined and end + 1 < len(tokens):
                    number = _photo_number(tokens[end + 1].group())
                    end += number is not None
                if number is None:
                    break
                numbers.append(number)
                end += 1
            before = note[: tokens[start].start()].rstrip(" ,;")
            after = note[tokens[end - 1].end() :].lstrip(" ,;.")
            rest = "; ".join(part for part in (before, after) if part)
            return PhotoChoice(tuple(numbers)), rest
    return None, note


def parse_photo_numbers(text: str) -> PhotoChoice | None:
    """A form's answer to "which photos go with the alert?": nothing (none), numbers
    ("1 3", "1, 3"), or any other word ("all", "todas"), which means every photo."""
    if not text.strip():
        return None
    numbers = tuple(n for n in (_photo_number(t) for t in re.split(r"[\s,;]+", text)) if n)
    return PhotoChoice(numbers)
