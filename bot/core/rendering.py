"""What the bot says about reports: cards for verifiers, alerts for the network.

Each function builds language-neutral text; it is rendered once per target language
when it is written to the outbox. Two rules hold for every text here: a report is
never shown with its reporter's name, and an unverified report is always labelled as
unverified so a screenshot of a card cannot pass for an alert.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.core import homes, media_text, rights
from bot.core.media import DEFAULT_LIMITS, MediaLimits
from bot.core.member_names import member_name
from bot.core.models import (
    DismissReason,
    Media,
    Member,
    MessageKind,
    OwnWords,
    PlaceOrigin,
    Report,
    ReportDraft,
    ReportState,
    TrackRecord,
)
from bot.core.network import HotlineInfo, Network
from bot.core.phone_numbers import DEFAULT_REGION, NoPhones, PhoneNumber
from bot.core.vocabulary import AGENCY_NAMES, REASON_NAMES, SIGN_NAMES, SOURCE_NAMES, STATE_NAMES
from bot.i18n import ByLanguage, Lines, ListOf, Raw, Span, Text, Trusted, When, _, _n, lines

BULLET = "• "


def chat_list(labels: Sequence[str]) -> ListOf:
    """Chat names as the reader's language lists them ("alerts and alertas").

    The names come from the operator's config, not from reporters, so they are shown as
    written ("#alerts" stays a channel name on Discord).
    """
    return ListOf(tuple(Trusted(label) for label in labels))


def hotline_lines(network: Network) -> Text:
    """One line per hotline, its label and hours in the reader's language if the
    operator wrote them in it (the config's own otherwise)."""
    return lines(*(hotline_line(h, network.region) for h in network.hotlines))


def hotline_line(hotline: HotlineInfo, region: str = "US") -> Text:
    label = ByLanguage(hotline.label, hotline.label_by_language)
    number = PhoneNumber(hotline.number, region)
    if not hotline.hours:
        return _("Call {label}: {number}", label=label, number=number)
    hours = ByLanguage(hotline.hours, hotline.hours_by_language)
    return _("Call {label}: {number} ({hours})", label=label, number=number, hours=hours)


def bullet(text: Text) -> Text:
    return Lines((Trusted(BULLET), text), separator="")


# A broadcast alert must read on a lock screen; the organizer chat sees everything.
ALERT_WHAT_CHARS = 300


def _details(
    report: Report,
    *,
    what_limit: int | None = None,
    with_place: bool = True,
    broadcast: bool = False,
    described: bool = False,
    region: str = DEFAULT_REGION,
) -> list[Text]:
    """The report's details; `broadcast`: as the network reads them (a home's block, not
    its house; the verifier's description, or `described` by a correction; see homes).
    Both are posted to groups, so no phone number in them is shown (see phone_numbers)."""
    where: Text = (
        homes.broadcast_place(report, region) if broadcast else NoPhones(report.where, region)
    )
    parts: list[Text] = [_("Where: {where}", where=where)] if with_place else []
    what = homes.broadcast_what(report) if broadcast and not described else report.what
    if what:
        shown = (
            homes.broadcast_words(report, what, region, what_limit)
            if broadcast
            else NoPhones(what, region, limit=what_limit)
        )
        parts.append(_("What: {what}", what=shown))
    parts.append(_("Agency: {agency}", agency=AGENCY_NAMES[report.agency]))
    if report.signs:
        parts.append(_("Signs: {signs}", signs=ListOf(tuple(SIGN_NAMES[s] for s in report.signs))))
    return parts


# The ping calls every verifier, whoever reported: leaving one out would tell the others
# who reported. So the text says it instead, naming no one.
NOT_YOUR_OWN = _("If you reported it yourself, another verifier has to check it.")


def _place_line(
    report: Report, *, reporter_asked: bool = False, region: str = DEFAULT_REGION
) -> Text:
    """Where, said as surely as we know it: typed, read from the text, or not known."""
    where = NoPhones(report.where, region)
    if report.place_origin is PlaceOrigin.READ:
        return _("Where (read from the report, check it): {where}", where=where)
    if report.place_origin is PlaceOrigin.TYPED:
        return _("Where: {where}", where=where)
    vague = (
        _("Where: not exact (“{where}”).", where=where) if report.where else _("Where: not given.")
    )
    ask = (
        _("I asked the reporter where exactly; their answer will come here.")
        if reporter_asked
        else None
    )
    return lines(
        vague,
        ask,
        _(
            "Confirm the place before verifying, and give it: /verify {code} where: 5th & Main",
            code=report.code,
        ),
    )


def _own_words(words: OwnWords, region: str = DEFAULT_REGION) -> list[Text]:
    """What the reporter wrote in labelled fields, when it says more than we recognised."""
    parts: list[Text] = []
    if words.agency:
        parts.append(_("Agency, in their words: {words}", words=NoPhones(words.agency, region)))
    if words.signs:
        parts.append(_("Signs, in their words: {words}", words=NoPhones(words.signs, region)))
    if words.source:
        parts.append(_("Source, in their words: {words}", words=NoPhones(words.source, region)))
    return parts


# How far back a track record looks unless the network says otherwise.
TRACK_RECORD_WINDOW = timedelta(days=90)


def track_record(
    record: TrackRecord | None, *, relayed: bool, window: timedelta = TRACK_RECORD_WINDOW
) -> Text | None:
    """How the sender's earlier reports ended, naming nobody: what verifiers weigh a
    report from an unknown number by. A relay has none: an organizer took the call."""
    if relayed:
        return _(
            "Relayed from the hotline: an organizer took the call, so there is no reporter "
            "track record. The organizer has the caller's callback number, if one was given."
        )
    if record is None:
        return None
    if record.first:
        return _("First report from this reporter (none in the last {span}).", span=Span(window))
    counts: list[Text] = [
        _n("{count} confirmed", "{count} confirmed", record.confirmed),
        _n("{count} routine", "{count} routine", record.routine),
        _n("{count} false alarm", "{count} false alarms", record.false_alarms),
    ]
    if record.unverified:
        counts.append(
            _n("{count} could not be verified", "{count} could not be verified", record.unverified)
        )
    if record.still_open:
        counts.append(_n("{count} still open", "{count} still open", record.still_open))
    return _(
        "This reporter, earlier reports in the last {span}: {counts}.",
        span=Span(window),
        counts=ListOf(tuple(counts)),
    )


def new_report_card(
    report: Report,
    *,
    related: Sequence[Report] = (),
    reporter_asked: bool = False,
    media: Sequence[Media] = (),
    limits: MediaLimits = DEFAULT_LIMITS,
    record: TrackRecord | None = None,
    window: timedelta = TRACK_RECORD_WINDOW,
    region: str = DEFAULT_REGION,
) -> Text:
    """Posted in the organizer chat for verifiers; never leaves it, and shows no phone
    number (a relay's callback is its organizer's, in their direct messages). `media`: the files
    that came with it (clean copies of photos are uploaded with the card); `record`:
    how the reporter's earlier reports ended (see `track_record`)."""
    source = SOURCE_NAMES[report.source] if report.source else _("not given")
    caution = (
        _(
            "Caution: this is near {place}, where agents are often present on routine "
            "business. Check in person before verifying.",
            place=Raw(report.known_location),
        )
        if report.known_location
        else None
    )
    return lines(
        _("NEW REPORT {code} (NOT VERIFIED, do not share)", code=report.code),
        _place_line(report, reporter_asked=reporter_asked, region=region),
        *_details(report, with_place=False, region=region),
        _("Source: {source}", source=source),
        *_own_words(report.own_words, region),
        track_record(record, relayed=report.relayed, window=window),
        media_text.links_line(report.media),
        *media_text.card_lines(media, limits),
        _("Reported: {when}", when=When(report.created_at)),
        caution,
        homes.card_advice(report),
        *(
            _(
                "Possibly the same place as {code} ({where}, {state}). Check before "
                "verifying: reports are not merged automatically.",
                code=other.code,
                where=NoPhones(other.where, region),
                state=STATE_NAMES[other.state],
            )
            for other in related
        ),
        _(
            "Verifiers: can someone check, ideally in person? "
            "Then send /verify {code} or /dismiss {code} routine|false|unverifiable",
            code=report.code,
        ),
        _("Going? Send /claim {code} 15m (your ETA) first.", code=report.code),
        media_text.how_to_share(report.code, media),
        NOT_YOUR_OWN,
    )


def corroboration_card(
    report: Report,
    draft: ReportDraft,
    *,
    media: Sequence[Media] = (),
    limits: MediaLimits = DEFAULT_LIMITS,
    record: TrackRecord | None = None,
    window: timedelta = TRACK_RECORD_WINDOW,
    region: str = DEFAULT_REGION,
) -> Text:
    """More eyes on an open report: what this reporter adds, never who they are (nor
    any phone number they typed)."""
    source = SOURCE_NAMES[draft.source] if draft.source else _("not given")
    return lines(
        _n(
            "{code}: another report of the same place ({count} independent report so far).",
            "{code}: another report of the same place ({count} independent reports so far).",
            report.independent_reports,
            code=report.code,
        ),
        _("Where, as this reporter wrote it: {where}", where=NoPhones(draft.where, region))
        if draft.where and draft.where != report.where
        else None,
        _("What: {what}", what=NoPhones(draft.what, region)) if draft.what else None,
        _("Source: {source}", source=source),
        *_own_words(draft.own_words, region),
        track_record(record, relayed=draft.hotline is not None, window=window),
        media_text.links_line(draft.media),
        *media_text.card_lines(media, limits),
        _("Still waiting for a verifier.") if report.state is ReportState.PENDING else None,
        media_text.how_to_share(report.code, media)
        if report.state is ReportState.PENDING
        else None,
    )


def where_exactly(report: Report) -> Text:
    """The one follow-up a reporter gets when their report has no exact place."""
    return _(
        "Where exactly is it, for {code}? Reply with the street and the nearest corner, or a "
        "place people know (a shop, a school). I will add it to your report.",
        code=report.code,
    )


def words_from_reporter(report: Report, answer: str, region: str = DEFAULT_REGION) -> Text:
    """The reporter answered "Where exactly?" with something that is not a place."""
    return _(
        "{code}: asked where exactly, the reporter answered: {words}",
        code=report.code,
        words=NoPhones(answer.strip(), region),
    )


def place_from_reporter(report: Report, answer: str, region: str = DEFAULT_REGION) -> Text:
    return _(
        "{code}: the reporter says the place is: {where}",
        code=report.code,
        where=NoPhones(answer.strip(), region),
    )


def alert(report: Report, network: Network) -> Text:
    """The broadcast. Short enough for a lock screen at the top, details below."""
    assert report.decided_at is not None  # noqa: S101 - only verified reports are alerts
    return lines(
        _("VERIFIED ALERT {code}: immigration enforcement activity confirmed", code=report.code),
        *_details(report, what_limit=ALERT_WHAT_CHARS, broadcast=True, region=network.region),
        _(
            "Seen: {seen} · Verified: {verified}",
            seen=When(report.created_at),
            verified=When(report.decided_at),
        ),
        _("Confirmed by a second member of {network}.", network=Raw(network.name)),
        Raw(""),
        rights.alert_reminder(),
        hotline_lines(network),
    )


def all_clear(report: Report, note: str, network: Network) -> Text:
    return lines(
        _(
            "ALL CLEAR {code}: the activity at {where} is over.",
            code=report.code,
            where=homes.broadcast_place(report, network.region),
        ),
        _("Note: {note}", note=homes.broadcast_words(report, note, network.region))
        if note
        else None,
        _("Stay alert. If you see agents again, report it to the network."),
        hotline_lines(network),
    )


def correction(
    report: Report,
    changes: Sequence[Text],
    note: str,
    *,
    described: bool = False,
    region: str = DEFAULT_REGION,
) -> Text:
    """`described`: the correction gave the description (it is the alert's from now)."""
    return lines(
        _("CORRECTION to alert {code}:", code=report.code),
        _("Changed: {fields}", fields=ListOf(tuple(changes))) if changes else None,
        _("Note: {note}", note=homes.broadcast_words(report, note, region)) if note else None,
        _("Current details:"),
        *_details(
            report,
            what_limit=ALERT_WHAT_CHARS,
            broadcast=True,
            described=described,
            region=region,
        ),
    )


def retraction(report: Report, note: str, region: str = DEFAULT_REGION) -> Text:
    return lines(
        _(
            "RETRACTED {code}: the alert about {where} was wrong. Please disregard it and "
            "do not share it further.",
            code=report.code,
            where=homes.broadcast_place(report, region),
        ),
        _("Note: {note}", note=homes.broadcast_words(report, note, region)) if note else None,
    )


def decision_notice(
    report: Report, decider: Member, targets: Sequence[str], region: str = DEFAULT_REGION
) -> Text:
    """Tells the organizer chat what happened to a card, and who decided."""
    if report.state is ReportState.VERIFIED:
        head: Text = _(
            "{code} VERIFIED by {member}. Alert sent to: {targets}.",
            code=report.code,
            member=member_name(decider),
            targets=chat_list(targets),
        )
    else:
        assert report.dismiss_reason is not None  # noqa: S101 - dismissed has a reason
        head = _(
            "{code} dismissed by {member}: {reason}. Nothing was broadcast.",
            code=report.code,
            member=member_name(decider),
            reason=REASON_NAMES[report.dismiss_reason],
        )
    note = (
        _("Note: {note}", note=NoPhones(report.decision_note, region))
        if report.decision_note
        else None
    )
    return lines(head, note)


def update_notice(
    report: Report,
    actor: Member,
    targets: Sequence[str],
    kind: MessageKind,
    *,
    changes: Sequence[Text] = (),
    note: str = "",
) -> Text:
    """Tells the organizer chat what was done to an alert, by whom, and where it went."""
    sent_to = chat_list(targets) if targets else _("no chats")
    member = member_name(actor)
    if kind is MessageKind.CORRECTED:
        head: Text = (
            _(
                "{code} corrected by {member} ({fields}). Sent to: {targets}.",
                code=report.code,
                member=member,
                fields=ListOf(tuple(changes)),
                targets=sent_to,
            )
            if changes
            else _(
                "{code} corrected by {member}. Sent to: {targets}.",
                code=report.code,
                member=member,
                targets=sent_to,
            )
        )
    elif kind is MessageKind.RETRACTED:
        head = _(
            "{code} retracted by {member}. Sent to: {targets}.",
            code=report.code,
            member=member,
            targets=sent_to,
        )
    else:
        head = _(
            "All clear for {code} sent by {member}. Sent to: {targets}.",
            code=report.code,
            member=member,
            targets=sent_to,
        )
    return lines(head, _("Note: {note}", note=NoPhones(note)) if note else None)


def state_name(report: Report) -> Text:
    """The report's state as /status shows it: a report nobody decided before it expired
    says so, rather than looking as if a verifier had dismissed it."""
    expired = report.state is ReportState.DISMISSED and report.decided_by is None
    if expired and report.dismiss_reason is DismissReason.UNVERIFIABLE:
        return _("could not verify (expired)")
    return STATE_NAMES[report.state]


def status_line(report: Report) -> Text:
    count = report.independent_reports
    return _n(
        "{code} · {where} · {state} · {when} · {count} report",
        "{code} · {where} · {state} · {when} · {count} reports",
        count,
        code=report.code,
        where=NoPhones(report.where) if report.where else _("place not given"),
        state=state_name(report),
        when=When(report.updated_at),
    )


def late_note(due_at: datetime) -> Text:
    return _(
        "(Late: this was due {when}, while the bot was offline.)",
        when=When(due_at),
    )


def reask(report: Report) -> Text:
    return lines(
        _n(
            "Still waiting for a verifier: {code} at {where}, reported {when} "
            "({count} independent report). Can someone check?",
            "Still waiting for a verifier: {code} at {where}, reported {when} "
            "({count} independent reports). Can someone check?",
            report.independent_reports,
            code=report.code,
            where=NoPhones(report.where),
            when=When(report.created_at),
        ),
        _("Send /verify {code} or /dismiss {code} routine|false|unverifiable", code=report.code),
        NOT_YOUR_OWN,
    )


def expired(report: Report, after: timedelta) -> Text:
    return _(
        "{code} expired: nobody verified it within {span}. It is closed as “could not "
        "verify” and nothing was broadcast. If it is still happening, report it again.",
        code=report.code,
        span=Span(after),
    )


def still_active(report: Report) -> Text:
    assert report.decided_at is not None  # noqa: S101 - only verified reports are checked
    return lines(
        _(
            "{code} at {where} was verified {when} and has had no news since. Is it still "
            "going on?",
            code=report.code,
            where=NoPhones(report.where),
            when=When(report.updated_at),
        ),
        _(
            "Answer /still {code} yes if it is, or /still {code} no to send the all clear. "
            "Send /correct {code} if something changed.",
            code=report.code,
        ),
    )


def still_active_confirmed(report: Report, actor: Member, next_check: datetime, note: str) -> Text:
    """The organizer chat hears that someone confirmed an alert is still going on."""
    return lines(
        _(
            "{code} is still going on, {member} confirmed. It stays active; the next check "
            "is {when}.",
            code=report.code,
            member=member_name(actor),
            when=When(next_check),
        ),
        _("Note: {note}", note=NoPhones(note)) if note else None,
    )


def _reported_place(report: Report) -> Text:
    """The place in "Your report R3 (5th & Main)": never empty brackets."""
    return Raw(report.where) if report.where.strip() else _("no place given")


def outcome_for_reporter(report: Report) -> Text:
    """What a reporter hears back: the outcome, never who checked it."""
    if report.state is ReportState.VERIFIED:
        return _(
            "Thank you. Your report {code} ({where}) was checked and confirmed by a "
            "verifier, and the network has been alerted.",
            code=report.code,
            where=_reported_place(report),
        )
    if report.decided_by is None:
        return _(
            "Your report {code} ({where}) could not be verified in time and was closed. "
            "If it is still happening, report it again.",
            code=report.code,
            where=_reported_place(report),
        )
    assert report.dismiss_reason is not None  # noqa: S101 - dismissed has a reason
    return _(
        "Thank you. Your report {code} ({where}) was checked and dismissed: {reason}. "
        "No alert was sent. Keep reporting what you see: checking is how we avoid panic.",
        code=report.code,
        where=_reported_place(report),
        reason=REASON_NAMES[report.dismiss_reason],
    )


def call_back(report: Report, callback: str, region: str) -> Text:
    """The organizer who relayed a hotline call, reminded (in a direct message only) to
    call the caller back with the outcome, and the number to call."""
    where = _reported_place(report)
    if report.state is ReportState.VERIFIED:
        head: Text = _(
            "Hotline relay {code} ({where}) was confirmed and the network was alerted. "
            "Please call the caller back to tell them.",
            code=report.code,
            where=where,
        )
    elif report.decided_by is None:
        head = _(
            "Hotline relay {code} ({where}) could not be verified in time and was closed. "
            "Please call the caller back to tell them, and ask whether it is still happening.",
            code=report.code,
            where=where,
        )
    else:
        assert report.dismiss_reason is not None  # noqa: S101 - dismissed has a reason
        head = _(
            "Hotline relay {code} ({where}) was checked and dismissed: {reason}. No alert "
            "was sent. Please call the caller back to tell them.",
            code=report.code,
            where=where,
            reason=REASON_NAMES[report.dismiss_reason],
        )
    number = (
        _("Callback number: {number}", number=PhoneNumber(callback, region))
        if callback
        else _("No callback number was given with this relay.")
    )
    return lines(head, number)
