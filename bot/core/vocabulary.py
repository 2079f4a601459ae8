"""How the domain's fixed choices are named to people and typed by them.

Each choice has one translated display name and a set of words people may type for it,
in English and Spanish, with or without accents, so a stressed volunteer typing
"policía" or "vans" is understood rather than corrected.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum
from typing import TypeVar

from bot.core.errors import UserError
from bot.core.models import Agency, DismissReason, ReportState, Role, Sign, Source
from bot.core.places import words
from bot.i18n import ListOf, Msg, Raw, _, one_of

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

# Words people type, compared after the same normalisation as places (case, accents).
_AGENCY_WORDS: Mapping[Agency, tuple[str, ...]] = {
    Agency.ICE: ("ice", "ero", "immigration", "inmigracion", "migra", "la migra"),
    Agency.CBP: ("cbp", "border patrol", "patrulla fronteriza", "border"),
    Agency.HSI: ("hsi", "homeland security investigations"),
    Agency.POLICE: ("police", "policia", "sheriff", "cops", "pd"),
    Agency.UNKNOWN: ("unknown", "not sure", "unsure", "no se", "desconocida", "desconocido", "?"),
}
_SIGN_WORDS: Mapping[Sign, tuple[str, ...]] = {
    Sign.VEHICLES: ("vehicles", "vehicle", "cars", "parked", "vehiculos", "carros", "autos"),
    Sign.TENTS: ("tents", "tent", "carpas", "carpa", "tiendas"),
    Sign.BUSES: ("buses", "bus", "vans", "van", "autobuses", "camionetas", "camion"),
    Sign.GATHERING: ("gathering", "staging", "agents gathering", "reunidos", "agentes reunidos"),
    Sign.QUESTIONING: ("questioning", "questioning people", "interrogando", "preguntando"),
    Sign.HOUSE: ("house", "home", "at a house", "casa", "en una casa"),
}
_SOURCE_WORDS: Mapping[Source, tuple[str, ...]] = {
    Source.FIRST_HAND: (
        "first-hand",
        "firsthand",
        "first hand",
        "saw",
        "i saw",
        "seen",
        "primera mano",
        "lo vi",
        "yo",
    ),
    Source.SECOND_HAND: (
        "second-hand",
        "secondhand",
        "second hand",
        "told",
        "heard",
        "friend",
        "segunda mano",
        "me dijeron",
        "un amigo",
    ),
    Source.SOCIAL_MEDIA: (
        "social-media",
        "social media",
        "social",
        "online",
        "facebook",
        "instagram",
        "twitter",
        "tiktok",
        "whatsapp",
        "redes",
        "redes sociales",
    ),
}
_REASON_WORDS: Mapping[DismissReason, tuple[str, ...]] = {
    DismissReason.ROUTINE: ("routine", "routine presence", "lunch", "rutina", "rutinario"),
    DismissReason.FALSE_ALARM: ("false", "false alarm", "false-alarm", "falsa", "falsa alarma"),
    DismissReason.UNVERIFIABLE: (
        "unverifiable",
        "could not verify",
        "cant verify",
        "unverified",
        "unknown",
        "no verificable",
        "no se pudo",
    ),
}


def _key(text: str) -> str:
    return " ".join(words(text)) or text.strip().casefold()


E = TypeVar("E", bound=StrEnum)


def _parser(table: Mapping[E, tuple[str, ...]]) -> dict[str, E]:
    index: dict[str, E] = {}
    for value, typed in table.items():
        for word in (value.value, *typed):
            index[_key(word)] = value
    return index


_AGENCIES = _parser(_AGENCY_WORDS)
_SIGNS = _parser(_SIGN_WORDS)
_SOURCES = _parser(_SOURCE_WORDS)
_REASONS = _parser(_REASON_WORDS)


def _choices(values: list[str]) -> ListOf:
    return one_of(Raw(value) for value in values)


def _lookup(
    kind: type[E], index: Mapping[str, E], text: str, refusal: Callable[[Raw, ListOf], Msg]
) -> E:
    """The choice `text` names, or a refusal listing every choice by its plain name."""
    found = index.get(_key(text))
    if found is None:
        raise UserError(refusal(Raw(text.strip()), _choices([member.value for member in kind])))
    return found


def parse_agency(text: str) -> Agency:
    return _lookup(
        Agency,
        _AGENCIES,
        text,
        lambda value, choices: _(
            "I don't know the agency “{value}”. Use one of: {choices}.",
            value=value,
            choices=choices,
        ),
    )


def parse_source(text: str) -> Source:
    return _lookup(
        Source,
        _SOURCES,
        text,
        lambda value, choices: _(
            "I don't know the source “{value}”. Use one of: {choices}.",
            value=value,
            choices=choices,
        ),
    )


def parse_signs(text: str) -> tuple[Sign, ...]:
    found: list[Sign] = []
    for part in text.replace(";", ",").split(","):
        if not part.strip():
            continue
        sign = _lookup(
            Sign,
            _SIGNS,
            part,
            lambda value, choices: _(
                "I don't know the sign “{value}”. Use any of: {choices}.",
                value=value,
                choices=choices,
            ),
        )
        if sign not in found:
            found.append(sign)
    return tuple(found)


_ROLE_WORDS: Mapping[Role, tuple[str, ...]] = {
    Role.ORGANIZER: ("organizer", "organiser", "organizador", "organizadora"),
    Role.VERIFIER: ("verifier", "verificador", "verificadora"),
    Role.VOLUNTEER: ("volunteer", "voluntario", "voluntaria"),
}
_ROLES = _parser(_ROLE_WORDS)


def parse_role(text: str) -> Role:
    return _lookup(
        Role,
        _ROLES,
        text,
        lambda value, choices: _(
            "I don't know the role “{value}”. Use one of: {choices}.",
            value=value,
            choices=choices,
        ),
    )


def parse_reason(text: str) -> DismissReason | None:
    return _REASONS.get(_key(text))


def reason_choices() -> ListOf:
    return _choices([reason.value for reason in DismissReason])
