"""Reading a report from what a frightened person typed, without refusing it.

A report is never refused for its wording: labels are optional, free text is kept
whole as what the reporter saw, and the place, agency, signs and source are recognised
inside it where they can be. A word we do not recognise is kept as the reporter's own
words for verifiers to read. When no exact place can be found, the report is still
filed and marked so verifiers confirm the place and the reporter is asked for it. The
only refusal is a report with nothing in it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from bot.core.commands import label_table, parse_fields
from bot.core.errors import UserError
from bot.core.homes import reads_as_home
from bot.core.models import (
    Agency,
    HotlineCall,
    OwnWords,
    PlaceOrigin,
    ReportDraft,
    Sign,
    Source,
)
from bot.core.phone_numbers import phone_spans
from bot.core.vocabulary import find, phrases_in
from bot.i18n import Raw, Text, _
from bot.i18n.words import fold, vocabulary

MAX_PLACE_CHARS = 200
MAX_DESCRIPTION_CHARS = 4000
# An example report, in the reader's language and with their command's name (a catalog
# line, so each language shows the words its speakers type).
REPORT_EXAMPLE = _("/report ICE at the Walmart on Main St, 2 vans, agents asking for papers")
REPORT_LABELS = label_table("report")

# The least direct source counts when several are named: "saw it on facebook" is not
# first-hand, and a verifier should not trust it as if it were.
_LEAST_DIRECT_FIRST = (Source.SOCIAL_MEDIA, Source.SECOND_HAND, Source.FIRST_HAND)
# Immigration agencies before the police: "ICE with police backup" is an ICE operation.
_MOST_SPECIFIC_FIRST = (Agency.ICE, Agency.CBP, Agency.HSI, Agency.POLICE, Agency.UNKNOWN)


def read_report(body: str, *, media: tuple[str, ...] = ()) -> ReportDraft:
    """A report from one line of text: "/report <anything>"."""
    fields = parse_fields(body, REPORT_LABELS)
    values = fields.values
    what = "; ".join(part for part in (fields.free, values.get("what", "")) if part)
    typed = ("where", "agency", "signs", "source", "callback")
    if not what and not any(values.get(key) for key in typed):
        what = body.strip()  # only labels with nothing after them: keep what was typed
    typed_media = tuple(values.get("media", "").replace(",", " ").split())
    return build_draft(
        where=values.get("where", ""),
        what=what,
        agency=values.get("agency", ""),
        signs=values.get("signs", ""),
        source=values.get("source", ""),
        media=(*typed_media, *media),
        callback=values.get("callback", ""),
    )


# `/report` alone in a direct message: the question, answered by the next message.
WHAT_DID_YOU_SEE = _(
    "What did you see, and where? Tell me in your next message, in your own words (a photo "
    "is welcome too). Send cancel to stop."
)


def has_words(text: str) -> bool:
    """Whether there is anything to read: a letter or a digit, in any script."""
    return any(char.isalnum() for char in text)


def read_as(typed: str, meant: str) -> Text:
    """A command word with a slip in it, taken as the one it was nearest to."""
    return _("(I read /{typed} as /{meant}.)", typed=Raw(typed[:32]), meant=Raw(meant))


def build_draft(
    *,
    where: str = "",
    what: str = "",
    agency: str = "",
    signs: str = "",
    source: str = "",
    media: tuple[str, ...] = (),
    hotline: bool = False,
    callback: str = "",
) -> ReportDraft:
    """A report from the words people typed, whichever front end they typed them in.
    `hotline`: filed for a hotline caller (also read from `source: hotline`, from
    "caller says …", or from a `callback:` number); the intake decides whether the
    sender may relay one."""
    where, what = where.strip(), what.strip()
    agency, signs, source = agency.strip(), signs.strip(), source.strip()
    callback, after = split_callback(callback)  # "callback: 555 123 4567 ice at 7th & …"
    what = "; ".join(part for part in (what, after) if part)
    if not callback:
        callback, what = take_callback(what)
    relay, source = _relay(source, what)
    relayed = hotline or relay or bool(callback)
    if not media and not has_words(where + what + agency + signs + source):
        raise UserError(
            _(
                "What did you see, and where? Write it in your own words after /report, "
                "for example: {example}",
                example=REPORT_EXAMPLE,
            )
        )
    if len(where) > MAX_PLACE_CHARS:  # keep all of it: the whole text goes to the description
        what = "; ".join(part for part in (where, what) if part)
        where = shorten(where, MAX_PLACE_CHARS)
    origin = PlaceOrigin.TYPED
    if not where:
        where, origin = find_place(what)
    return ReportDraft(
        where=where,
        what=shorten(what, MAX_DESCRIPTION_CHARS),
        agency=_agency(agency, what),
        signs=_signs(signs, what),
        source=_source(source, what),
        media=media,
        own_words=OwnWords(
            agency=_own(Agency, "agencies", agency),
            signs=_own(Sign, "signs", signs),
            source=_own(Source, "sources", source),
        ),
        place_origin=origin,
        hotline=HotlineCall(callback=callback) if relayed else None,
        at_home=reads_as_home(where, what, _signs(signs, what), signs),
    )


def _relay(source: str, what: str) -> tuple[bool, str]:
    """Whether the words say a hotline caller told it ("source: hotline", "caller says
    …", "source hotline" without its colon), and the source field without the words that
    said so ("hotline" is how the report came, not how the caller knows)."""
    words = vocabulary().index("relays")
    named = phrases_in(source, words)
    said = phrases_in(what, {phrase: key for phrase, key in words.items() if key == "said"})
    if named and not fold(_without(source, named)):
        source = ""
    return bool(named or said or _source_named(what)), source


def _source_named(what: str) -> bool:
    """A source label and a relay word with no colon between them: "source hotline",
    "fuente: línea" inside the free text."""
    labels = [label for label, field in REPORT_LABELS.items() if field == "source"]
    relays = [word for word, key in vocabulary().index("relays").items() if key == "source"]
    return _first(_flat(what), tuple(f"{a} {b}" for a in labels for b in relays)) is not None


# A callback number in the text, with or without its colon: "callback 213 555 0147",
# "call back at (213) 555-0122", "cb: 555 0100 199", "llamar al 213 555 0147",
# "devolver la llamada al …", "regresar la llamada …". The words are the `callback`
# labels of every language (and "caller"); a few small words may come between them and
# the number. Without a number right after them, the words are left as they are.
_PHONE_RUN = r"\+?\(?\d[\d \t().\-]{5,}\d"
_CALLBACK_LINK = (
    r"(?:\s*[:#=\-–]\s*|\s+)(?:(?:at|to|on|is|number|no|num|al|a|en|es|el|número|numero|"
    r"de|la|au|le|para|tel|phone)\b\.?[:\s]*)*"
)


def _callback_pattern() -> re.Pattern[str]:
    labels = sorted(
        {label for label, field in REPORT_LABELS.items() if field == "callback"}
        | {"caller", "regresar la llamada", "regresar llamada", "devolver la llamada"},
        key=len,
        reverse=True,
    )
    words = "|".join(r"\s+".join(re.escape(word) for word in label.split()) for label in labels)
    return re.compile(
        rf"(?<!\w)(?:{words}){_CALLBACK_LINK}(?P<number>{_PHONE_RUN})(?!\w)", re.IGNORECASE
    )


def take_callback(text: str) -> tuple[str, str]:
    """The callback number named in free text, and the text without it (so it is never
    part of what verifiers and the network read); ("", text) when there is none."""
    match = _callback_pattern().search(unicodedata.normalize("NFC", text))
    if match is None:
        return "", text
    normal = unicodedata.normalize("NFC", text)
    rest = f"{normal[: match.start()]} {normal[match.end() :]}"
    rest = re.sub(r"\s+([.,;])", r"\1", rest)  # "main, , source" -> "main,, source"
    rest = re.sub(r"([.,;])[,;]+", r"\1", rest)  # -> "main, source"
    rest = re.sub(r"\s{2,}", " ", rest).lstrip(" .,;:-–").rstrip(" ,;:-–")
    return match.group("number").strip(), rest


def split_callback(typed: str) -> tuple[str, str]:
    """A `callback:` field as the number and what came after it ("555 123 4567 ice at
    7th & Alvarado": the report's words, not the number's)."""
    typed = typed.strip()
    match = re.match(rf"^{_PHONE_RUN}", typed)
    if match is None or not typed[match.end() :].strip():
        return typed, ""
    return match.group().strip(), typed[match.end() :].strip(" ,;.-–")


def _without(text: str, phrases: list[str]) -> str:
    folded = f" {fold(text)} "
    for phrase in phrases:
        folded = folded.replace(f" {phrase} ", " ")
    return folded.strip()


E = TypeVar("E", bound=StrEnum)


def _own(kind: type[E], section: str, typed: str) -> str:
    """The reporter's words for a field, unless each part is just the name of a choice
    ("ICE", "vans", "first-hand"): a phrase ("my cousin told me", "la migra") says more
    than the choice it is recognised as, and verifiers see it as written."""
    parts = [fold(part) for part in re.split(r"[,;\n]+", typed) if part.strip()]
    names = {fold(member.value) for member in kind}
    index = vocabulary().index(section)
    plain = all(part in names or (part in index and " " not in part) for part in parts)
    return "" if plain else typed


def _agency(typed: str, what: str) -> Agency:
    named = find(Agency, "agencies", typed or what).choices
    return next((agency for agency in _MOST_SPECIFIC_FIRST if agency in named), Agency.UNKNOWN)


def _signs(typed: str, what: str) -> tuple[Sign, ...]:
    found = list(find(Sign, "signs", typed).choices)
    found += [sign for sign in find(Sign, "signs", what).choices if sign not in found]
    return tuple(found)


def _source(typed: str, what: str) -> Source | None:
    named = find(Source, "sources", typed or what).choices
    return next((source for source in _LEAST_DIRECT_FIRST if source in named), None)


def shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] or text[: limit - 1]
    return cut.rstrip(" ,;.") + "…"


# Finding the place in free text --------------------------------------------------------

# Where a place phrase ends: punctuation, or words that start what happens there.
_END = re.compile(r"[,.;:!?()\n]|\s[-–—]\s|\s(?:&&)\s")
_NUMBER = re.compile(r"\d")
_INTERSECTION = re.compile(
    r"(?<!\w)((?:\d+\w*|[A-ZÁÉÍÓÚÑ][\w'’]*)(?:\s+[A-ZÁÉÍÓÚÑ][\w'’]*)?\s*(?:&|\band\b|\by\b|/)\s*"
    r"(?:\d+\w*|[A-ZÁÉÍÓÚÑ][\w'’]*)(?:\s+[A-Za-z]{2,6}\b\.?)?)"
)
_PERSONAL = frozenset({"my", "our", "mi", "mis", "nuestra", "nuestro", "ma", "mon", "minha", "meu"})
MAX_READ_PLACE_CHARS = 120
_SELF = frozenset({"i", "i m", "im", "i ve", "i ll", "i d"})  # "I'm" names no place


@dataclass(frozen=True)
class _Span:
    start: int
    end: int


def _flat(text: str) -> str:
    """Lowercase, without accents, punctuation as spaces, the same length as `text`,
    so a match in it is a match at the same place in what was typed."""
    out = []
    for char in text:
        plain = "".join(
            c for c in unicodedata.normalize("NFKD", char.lower()) if not unicodedata.combining(c)
        )
        plain = plain if len(plain) == 1 else char.lower()[:1] or " "
        out.append(plain if plain.isalnum() or plain == "_" else " ")
    return "".join(out)


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    words = fold(phrase).split()
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(word) for word in words) + r"(?!\w)")


def _first(flat: str, phrases: tuple[str, ...]) -> _Span | None:
    best: _Span | None = None
    for phrase in phrases:
        match = _phrase_pattern(phrase).search(flat)
        if match and (best is None or match.start() < best.start):
            best = _Span(match.start(), match.end())
    return best


def _words_of(section_key: str) -> tuple[str, ...]:
    return vocabulary().words("places").get(section_key, ())


def _until_end(text: str, start: int) -> str:
    rest = text[start:]
    end = _END.search(rest)
    phrase = (rest[: end.start()] if end else rest).strip()
    stop = _phrase_stop(phrase)
    return phrase[:stop].strip() if stop is not None else phrase


def _phrase_stop(phrase: str) -> int | None:
    """Where a place phrase runs into what happens there ("… right now what do I do")."""
    flat = _flat(phrase)
    found = _first(flat, _words_of("until"))
    return found.start if found else None


def specific(place: str) -> bool:
    """A place a verifier could go to: a number, a name, or a street word in it, and
    nobody's "my" ("my door", "on my street": whose?)."""
    words = fold(place).split()
    if not words or _PERSONAL & set(words):
        return False
    return addressed(place) or any(
        word[:1].isupper() and fold(word) not in _SELF for word in place.split()
    )


def addressed(place: str) -> bool:
    """A number or a street word in it: "1420 Pine", "on Oak Street"."""
    streets = {fold(word) for word in _words_of("street")}
    return bool(_NUMBER.search(place)) or any(word in streets for word in fold(place).split())


def find_place(text: str) -> tuple[str, PlaceOrigin]:
    """The place named in free text, and how sure we are of it.

    Tried in order: a word that introduces a place ("at", "en la", "cerca de") and the
    words after it up to the end of the clause; a street corner ("5th & Main", "Pine
    and 3rd"); a weaker word ("on", "en"). A vague place ("my door", "el parque") is
    kept but marked missing, so the reporter is asked where exactly.

    Phone numbers are found in the whole text first and read as the end of a clause, so
    a place never holds part of one ("5th & main call me 213.555.0147" was cut at its
    first '.', keeping the area code); the description keeps the text as typed.
    """
    text = _without_phones(text)
    flat = _flat(text)
    for key in ("before", "maybe_before"):
        span = _first(flat, _words_of(key))
        if span is None:
            continue
        start = span.end
        # "en la tienda" reads better with its article: start the place at "la".
        last = fold(text[span.start : span.end]).split()[-1]
        if last in {fold(word) for word in _words_of("articles")}:
            start = span.end - len(last)
        place = _until_end(text, start)
        if place:
            return _read(place)
    corner = _INTERSECTION.search(text)
    if corner:
        return _read(corner.group(1))
    return "", PlaceOrigin.MISSING


def _without_phones(text: str) -> str:
    """`text` with every phone number in it replaced by the end of a clause (";"), padded
    to the same length, so places found in it are found at the same place as typed."""
    for start, end in phone_spans(text):
        text = text[:start] + ";" + " " * (end - start - 1) + text[end:]
    return text


def _read(place: str) -> tuple[str, PlaceOrigin]:
    place = shorten(place, MAX_READ_PLACE_CHARS)
    return place, PlaceOrigin.READ if specific(place) else PlaceOrigin.MISSING
