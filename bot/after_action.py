"""`rrbot report`: the after-action page for a debrief, one self-contained HTML file.

The same numbers as /stats (bot/core/stats.py), with charts: reports per day by how they
ended, how long deciding (and claiming) took, and reports by area. The charts are drawn
with matplotlib as inline SVG with their letters as shapes, so the page needs nothing
from anywhere (no scripts, fonts or pictures to fetch) and opens the same offline. The
page holds counts and times only: no names, places, report words or phone numbers, read
or written (the numbers' storage seam never reads them), so it can be passed around a
debrief. Headings are in the language asked for; the charts carry only numbers and dates,
their legends and captions are the page's text.
"""

from __future__ import annotations

import html
import io
import os
import re
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import matplotlib as mpl
from babel.dates import format_skeleton
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.core.stats import (
    OUTCOMES,
    Numbers,
    Outcome,
    Percent,
    Times,
    outcome_name,
    outcome_of,
    purge_note,
)
from bot.i18n import Renderer, Span, Text, When, _, _n

# Okabe and Ito's palette, told apart by people with any common colour blindness.
COLOURS = {
    Outcome.CONFIRMED: "#D55E00",
    Outcome.ROUTINE: "#56B4E9",
    Outcome.FALSE_ALARM: "#009E73",
    Outcome.UNVERIFIABLE: "#E69F00",
    Outcome.EXPIRED: "#999999",
    Outcome.RETRACTED: "#CC79A7",
    Outcome.WAITING: "#0072B2",
}
# How long deciding or claiming took, in minutes: the bars of the time charts.
MINUTE_BINS: tuple[tuple[int, int | None], ...] = (
    (0, 5), (5, 10), (10, 15), (15, 30), (30, 60), (60, 120), (120, 240), (240, None),
)  # fmt: skip
NO_AREA = _("no area recognised")
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
# A text, rendered in the page's language and escaped for HTML.
_Translate = Callable[[Text], str]


def page(found: Numbers, renderer: Renderer, language: str) -> str:
    """The whole page for `found`, in `language`."""

    def t(text: Text) -> str:
        return html.escape(renderer.render(text, language))

    zone = renderer.zone
    title = t(_("After-action report"))
    sections = [
        f"<h1>{title}</h1>",
        "<p class=when>"
        + t(_("From {since} to {until}", since=When(found.since), until=When(found.until)))
        + "</p>",
        "<p class=note>"
        + t(
            _(
                "Counts and times only: this page holds no names, places, report words "
                "or phone numbers. Practice (drill) reports are not counted."
            )
        )
        + "</p>",
        _figures(found, t),
        _purge_note(found, t),
        _heading(t(_("Reports per day, by how they ended"))),
        _legend(found, t),
        _per_day(found, zone, language) if found.total else _empty(t(_("No reports."))),
        _heading(t(_("Time to decide"))),
        _times_chart(
            found.to_decide, _spans_to_decide(found), t, _("no decisions yet"), claim=False
        ),
        _heading(t(_("Time to claim"))),
        _times_chart(
            found.to_claim, _spans_to_claim(found), t, _("no claims recorded"), claim=True
        ),
        _heading(t(_("Reports by area"))),
        _by_area(found, t),
    ]
    body = "\n".join(sections)
    direction = "rtl" if language == "ar" else "ltr"
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(language)}" dir="{direction}">\n<head>\n'
        '<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # Nothing may be fetched: not even by a link someone adds later.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">\n"
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{title}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n{body}\n"
        "</body>\n</html>\n"
    )


_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto;
       padding: 0 1rem; color: #222; }
h1 { margin-bottom: .2rem; } h2 { margin-top: 2rem; font-size: 1.2rem; }
.when { color: #555; margin-top: 0; } .note { font-size: .9rem; color: #555; }
table { border-collapse: collapse; } td { padding: .2rem .8rem .2rem 0; }
td.n { text-align: end; font-variant-numeric: tabular-nums; }
.legend span { display: inline-block; margin-inline-end: 1rem; }
.legend i { display: inline-block; width: .8rem; height: .8rem; margin-inline-end: .3rem;
            vertical-align: -.1rem; }
.empty { color: #555; font-style: italic; }
svg { max-width: 100%; height: auto; }
"""


def _purge_note(found: Numbers, t: _Translate) -> str:
    note = purge_note(found)
    return "" if note is None else f"<p class=note>{t(note)}</p>"


def _heading(text: str) -> str:
    # Not an f-string around _(): the catalogs' extractor reads only plain calls.
    return f"<h2>{text}</h2>"


def _empty(text: str) -> str:
    return f"<p class=empty>{text}</p>"


def _figures(found: Numbers, t: _Translate) -> str:
    rows: list[tuple[str, str]] = [(t(_("Reports")), str(found.total))]
    for outcome in OUTCOMES:
        count = found.outcomes[outcome]
        if count:
            share = t(Percent(count, found.total))
            rows.append((t(outcome_name(outcome)), f"{count} ({share})"))
    for label, times, nothing in (
        (_("Time to claim"), found.to_claim, _("no claims recorded")),
        (_("Time to decide"), found.to_decide, _("no decisions yet")),
    ):
        if times.median is None or times.p90 is None:
            rows.append((t(label), t(nothing)))
        else:
            rows.append(
                (
                    t(label),
                    t(
                        _(
                            "median {median}, 9 in 10 within {p90}",
                            median=Span(times.median),
                            p90=Span(times.p90),
                        )
                    ),
                )
            )
    tasks = found.tasks
    rows += [
        (
            t(_("Alerts")),
            t(
                _n(
                    "{count} report alerted, in {messages} chat messages",
                    "{count} reports alerted, in {messages} chat messages",
                    found.alerted_reports,
                    messages=found.alerts,
                )
            ),
        ),
        (
            t(_("Tasks")),
            t(
                _(
                    "{added} added, {done} done ({late} late), {open} still open "
                    "({overdue} overdue), {cancelled} cancelled",
                    added=tasks.added,
                    done=tasks.done,
                    late=tasks.done_late,
                    open=tasks.open,
                    overdue=tasks.overdue,
                    cancelled=tasks.cancelled,
                )
            ),
        ),
        (t(_("People detained recorded")), str(found.people)),
    ]
    if found.drills_left_out:
        rows.append((t(_("Drill reports left out")), str(found.drills_left_out)))
    cells = "\n".join(f"<tr><td>{label}</td><td class=n>{value}</td></tr>" for label, value in rows)
    return f"<table>\n{cells}\n</table>"


def _legend(found: Numbers, t: _Translate) -> str:
    shown = [o for o in OUTCOMES if found.outcomes[o]]
    items = "".join(
        f'<span><i style="background:{COLOURS[o]}"></i>{t(outcome_name(o))}</span>' for o in shown
    )
    return f"<p class=legend>{items}</p>"


def _figure(width: float, height: float) -> tuple[Figure, Axes]:
    figure = Figure(figsize=(width, height), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", color="#dddddd", linewidth=0.6)
    axes.set_axisbelow(True)
    return figure, axes


def _svg(figure: Figure) -> str:
    out = io.StringIO()
    with mpl.rc_context(
        {"svg.fonttype": "none", "svg.hashsalt": "rrbot", "font.family": "sans-serif"}
    ):
        figure.savefig(out, format="svg", metadata={"Date": None})
    text = out.getvalue()
    # Only the drawing: no XML prologue, and no metadata block (it names web addresses).
    return _METADATA.sub("", text[text.index("<svg") :])


def _days(found: Numbers, zone: ZoneInfo) -> list[date]:
    first = found.since.astimezone(zone).date()
    last = found.until.astimezone(zone).date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _per_day(found: Numbers, zone: ZoneInfo, language: str) -> str:
    return _svg(per_day_figure(found, zone, language))


def per_day_figure(
    found: Numbers, zone: ZoneInfo, language: str, names: dict[Outcome, str] | None = None
) -> Figure:
    """Reports per day (in the network's time zone), stacked by how they ended; with
    `names`, a legend (the page has its own, in HTML)."""
    days = _days(found, zone)
    index = {day: n for n, day in enumerate(days)}
    counts: dict[Outcome, list[int]] = {o: [0] * len(days) for o in OUTCOMES}
    for report in found.reports:
        day = report.created_at.astimezone(zone).date()
        if day in index:
            counts[outcome_of(report)][index[day]] += 1
    figure, axes = _figure(9, 3.2)
    bottom = [0] * len(days)
    positions = list(range(len(days)))
    for outcome in OUTCOMES:
        heights = counts[outcome]
        if any(heights):
            axes.bar(
                positions,
                heights,
                bottom=bottom,
                color=COLOURS[outcome],
                width=0.8,
                label=(names or {}).get(outcome, ""),
            )
            bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    if names:
        axes.legend(loc="upper left", frameon=False, fontsize="small")
    step = max(1, len(days) // 15)
    axes.set_xticks(positions[::step])
    axes.set_xticklabels([format_skeleton("Md", d, locale=language) for d in days[::step]])
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    return figure


def _spans_to_decide(found: Numbers) -> list[timedelta]:
    return [
        r.decided_at - r.created_at
        for r in found.reports
        if r.decided_at is not None and r.decided_by_member
    ]


def _spans_to_claim(found: Numbers) -> list[timedelta]:
    return [r.claimed_at - r.created_at for r in found.reports if r.claimed_at is not None]


def times_figure(spans: Sequence[timedelta]) -> Figure:
    """How many reports took how long, in bands of minutes."""
    counts = [0] * len(MINUTE_BINS)
    for span in spans:
        minutes = span.total_seconds() / 60
        for n, (low, high) in enumerate(MINUTE_BINS):
            if minutes >= low and (high is None or minutes < high):
                counts[n] += 1
                break
    labels = [f"{low}–{high}" if high is not None else f"{low}+" for low, high in MINUTE_BINS]
    figure, axes = _figure(9, 2.6)
    axes.bar(range(len(counts)), counts, color="#0072B2", width=0.8)
    axes.set_xticks(range(len(counts)))
    axes.set_xticklabels(labels)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    return figure


def _times_chart(
    times: Times, spans: Sequence[timedelta], t: _Translate, nothing: Text, *, claim: bool
) -> str:
    if times.median is None or times.p90 is None:
        return _empty(t(nothing))
    figure = times_figure(spans)
    caption = t(
        _(
            "Minutes from the report to the claim, how many reports in each band. "
            "Median {median}; 9 in 10 within {p90}.",
            median=Span(times.median),
            p90=Span(times.p90),
        )
        if claim
        else _(
            "Minutes from the report to the decision, how many reports in each band. "
            "Median {median}; 9 in 10 within {p90}.",
            median=Span(times.median),
            p90=Span(times.p90),
        )
    )
    return f"{_svg(figure)}\n<p class=note>{caption}</p>"


def _by_area(found: Numbers, t: _Translate) -> str:
    if not found.reports:
        return _empty(t(_("No reports.")))
    figure = area_figure(found, html.unescape(t(NO_AREA)))
    if figure is None:
        return _empty(t(_("No areas recognised: every report went to the whole network.")))
    return _svg(figure)


def area_figure(found: Numbers, no_area: str) -> Figure | None:
    """Reports per area (the twenty with most), stacked by how they ended; None when no
    report was placed in an area."""
    areas = Counter(r.area for r in found.reports)
    if set(areas) <= {None}:
        return None
    by_outcome = Counter((r.area, outcome_of(r)) for r in found.reports)
    names = sorted(areas, key=lambda a: (a is None, -areas[a], a or ""))[:20]
    figure, axes = _figure(9, 0.4 * len(names) + 0.8)
    left = [0] * len(names)
    rows = list(range(len(names)))
    for outcome in OUTCOMES:
        widths = [by_outcome[(name, outcome)] for name in names]
        if any(widths):
            axes.barh(rows, widths, left=left, color=COLOURS[outcome], height=0.7)
            left = [a + b for a, b in zip(left, widths, strict=True)]
    axes.set_yticks(rows)
    axes.set_yticklabels([name or no_area for name in names])
    axes.invert_yaxis()
    axes.grid(axis="y", visible=False)
    axes.grid(axis="x", color="#dddddd", linewidth=0.6)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    return figure


def write_page(found: Numbers, renderer: Renderer, language: str, out: Path) -> None:
    """Write the page for its owner's eyes only (0600), an older copy at `out` too."""
    text = page(found, renderer, language)
    descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)
