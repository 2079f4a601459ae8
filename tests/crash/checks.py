"""What must hold after the surge, however often the bot was killed.

The front ends differ only in how a delivery is seen (a line printed on the console, a
send the fake Signal service received), so the checks take what was seen through
`Seen`: every delivery, by conversation and run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from tests.crash.surge import Claim
from tests.crash.vault import Row, Snapshot, TimerRow, Vault

Conversation = tuple[bool, str]  # (is_direct, address), as the outbox writes it

# What each promise about time says when it fires, and where: a line of its message
# starts with the text (a late one has a "Late: …" line first), in the organizer chat or
# in a direct message to the task's volunteer.
TIMER_LINES: dict[str, tuple[str, str]] = {
    "report.reask": ("organizers", "Still waiting for a verifier: {code} at "),
    "report.expire": ("organizers", "{code} expired: nobody verified it"),
    "report.active_check": ("organizers", "{code} at "),
    "task.offer_reminder": ("volunteer", "Reminder: {code} is waiting for your answer."),
    "task.offer_escalation": ("organizers", "Nobody has accepted {code} yet"),
    "task.due_reminder": ("volunteer", "Reminder: {code}: "),
    "task.due": ("volunteer", "{code} is due now."),
    "task.overdue": ("organizers", "{code} is overdue:"),
}
ACTIVE_CHECK = "has had no news since"


class Seen(Protocol):
    """Deliveries as the members saw them."""

    runs: int

    def lines(self, conversation: Conversation, run: int) -> list[str]:
        """Every line delivered to a conversation in one run, in order (on the console,
        a message of three lines is three lines; on Signal, each send's lines)."""
        ...


@dataclass
class Findings:
    problems: list[str] = field(default_factory=list)
    figures: dict[str, object] = field(default_factory=dict)

    def check(self, ok: bool, problem: str) -> None:
        if not ok:
            self.problems.append(problem)


def _blocks(lines: list[str], block: list[str]) -> int:
    """How many times `block` appears whole, as consecutive lines."""
    size = len(block)
    return sum(1 for i in range(len(lines) - size + 1) if lines[i : i + size] == block)


def check_integrity(findings: Findings, snapshots: list[Snapshot], final: Snapshot) -> None:
    for number, snapshot in enumerate(snapshots, start=1):
        findings.check(
            snapshot.integrity.startswith("ok"),
            f"after kill {number}: PRAGMA integrity_check says {snapshot.integrity}",
        )
    findings.check(final.integrity == "ok", f"at the end: integrity_check {final.integrity}")


def check_claims(
    findings: Findings, vault: Vault, ledger: Iterable[Claim], platform_id: Callable[[str], str]
) -> None:
    """Every answered report, decision, person and task move is in the database."""
    reports = {row["id"]: row for row in vault.query("SELECT * FROM reports")}
    decisions = {row["report_id"]: row for row in vault.query("SELECT * FROM decisions")}
    corroborated = {
        (row["report_id"], vault.opened(row["place"], "corroborations.place"))
        for row in vault.query("SELECT report_id, place FROM corroborations")
    }
    people = {row["id"]: row for row in vault.query("SELECT id, name FROM people")}
    tasks = {row["id"]: row for row in vault.query("SELECT * FROM tasks")}
    members = vault.members()
    for claim in ledger:
        number = int(claim.code[1:])
        if claim.kind == "report":
            report = reports.get(number)
            stored = report is not None and (
                vault.opened(report["place"], "reports.place") == claim.detail
                or (number, claim.detail) in corroborated
            )
            findings.check(stored, f"{claim.code} ({claim.detail}) was answered but not stored")
        elif claim.kind in ("verified", "dismissed"):
            decision = decisions.get(number)
            findings.check(
                decision is not None and decision["decision"] == claim.kind,
                f"{claim.code} was answered as {claim.kind} but the decision is "
                f"{decision['decision'] if decision else 'missing'}",
            )
        elif claim.kind == "all_clear":
            state = reports[number]["state"] if number in reports else "missing"
            findings.check(state == "resolved", f"{claim.code}: all clear answered, state {state}")
        elif claim.kind == "person":
            person = people.get(number)
            name = vault.opened(person["name"], "people.name") if person else None
            findings.check(name == claim.detail, f"{claim.code} ({claim.detail}) stored as {name}")
        else:
            task = tasks.get(number)
            states = {"offered": ("offered", "accepted", "done"), "accepted": ("accepted", "done")}
            wanted = states.get(claim.kind, ("done",))
            state = task["state"] if task else "missing"
            findings.check(state in wanted, f"{claim.code}: {claim.kind} answered, state {state}")
            if claim.detail and task is not None:
                assignee = members.get(task["assignee_id"] or 0)
                findings.check(
                    assignee == platform_id(claim.detail),
                    f"{claim.code}: {claim.kind} by {claim.detail}, stored for another member",
                )


def check_timers(
    findings: Findings,
    vault: Vault,
    final: Snapshot,
    settled_at: datetime,
    organizers: Conversation,
    seen: Seen,
    snapshots: list[Snapshot],
) -> None:
    """Every timer due had fired, none failed, and each one's message went out once
    (once more for each kill that came while it was being delivered)."""
    late = [t for t in final.timers if t.state == "pending" and t.due_at <= settled_at]
    findings.check(not late, f"timers due but not fired: {late}")
    findings.check(
        not [t for t in final.timers if t.state == "failed" or t.attempts],
        "timers whose handler failed: "
        + repr([t for t in final.timers if t.state == "failed" or t.attempts]),
    )
    members = vault.members()
    assignees = {row["id"]: row["assignee_id"] for row in vault.query("SELECT * FROM tasks")}
    fired = [t for t in final.timers if t.state == "fired" and t.kind in TIMER_LINES]
    expected: Counter[tuple[Conversation, str]] = Counter()
    for timer in fired:
        where, text = TIMER_LINES[timer.kind]
        code = ("T" if timer.kind.startswith("task.") else "R") + str(timer.subject_id)
        if where == "organizers":
            conversation = organizers
        else:
            conversation = (True, members[assignees[timer.subject_id]])
        expected[conversation, text.format(code=code)] += 1
    findings.figures["timers fired"] = len(fired)
    for (conversation, start), wanted in sorted(expected.items()):
        active = start.endswith(" at ") and not start.startswith("Still")

        def matches(line: str, start: str = start, active: bool = active) -> bool:
            return line.startswith(start) and (not active or ACTIVE_CHECK in line)

        delivered = 0
        spare = 0
        for run in range(seen.runs):
            count = sum(1 for line in seen.lines(conversation, run) if matches(line))
            delivered += count
            if run < len(snapshots):  # the run was killed: what was in flight may come twice
                in_flight = sum(
                    1
                    for row in snapshots[run].pending()
                    if (row.is_direct, row.address) == conversation
                    and any(matches(line) for line in row.body.splitlines())
                )
                spare += min(in_flight, count)
        findings.check(
            wanted <= delivered <= wanted + spare,
            f"{start!r} to {conversation}: {wanted} fired, delivered {delivered} times "
            f"({spare} allowed again after kills in flight)",
        )


def check_console_deliveries(
    findings: Findings,
    final: Snapshot,
    snapshots: list[Snapshot],
    settled_at: datetime,
    seen: Seen,
) -> None:
    """Every message the bot owed was printed whole; a message printed twice was in
    flight at a kill (printed, not yet marked delivered), once per such kill.

    Group messages keep their text in the database, so each is counted exactly (a text
    that is part of a longer message, as an offer is of its reminder, counts for both).
    A direct message's text is erased once delivered: those the test saw pending at a
    kill are checked to have been printed; the timer check counts the reminders.
    """
    known: dict[int, Row] = {}
    for snapshot in snapshots:
        known.update({row.id: row for row in snapshot.pending() if row.is_direct})
    known.update({row.id: row for row in final.outbox.values() if not row.is_direct})
    groups: dict[tuple[Conversation, str], list[int]] = {}
    for row in known.values():
        groups.setdefault(((row.is_direct, row.address), row.body), []).append(row.id)
    duplicates = 0
    for (conversation, body), ids in groups.items():
        block = body.splitlines() or [""]
        owed = [
            i
            for i in ids
            if final.outbox[i].state == "delivered" or final.outbox[i].created_at <= settled_at
        ]
        holding = [  # every message to the same place whose text holds this one's
            i
            for (where, other), others in groups.items()
            if where == conversation and _blocks(other.splitlines(), block)
            for i in others
        ]
        printed = 0
        spare = 0
        for run in range(seen.runs):
            count = _blocks(seen.lines(conversation, run), block)
            printed += count
            if run < len(snapshots):
                pending = sum(
                    1
                    for i in holding
                    if i in snapshots[run].outbox and snapshots[run].outbox[i].state == "pending"
                )
                spare += min(pending, count)
        findings.check(
            printed >= len(owed),
            f"{len(owed)} message(s) to {conversation} printed {printed} times: {body[:160]!r}",
        )
        if conversation[0]:
            continue
        duplicates += max(0, printed - len(holding))
        findings.check(
            printed <= len(holding) + spare,
            f"{len(holding)} message(s) to {conversation} printed {printed} times ({spare} "
            f"allowed again after kills in flight): {body[:160]!r}",
        )
    undelivered = [
        row
        for row in final.outbox.values()
        if row.state != "delivered" and row.created_at <= settled_at
    ]
    findings.check(not undelivered, f"messages never delivered: {undelivered[:5]}")
    findings.figures["messages delivered"] = sum(
        1 for row in final.outbox.values() if row.state == "delivered"
    )
    findings.figures["printed again after a kill"] = duplicates


def check_alerts(
    findings: Findings, vault: Vault, ledger: Iterable[Claim], targets: set[str]
) -> None:
    """Each verified report's alert went to every alert chat, and was delivered there."""
    outbox = {row["id"]: row["state"] for row in vault.query("SELECT id, state FROM outbox")}
    sent: dict[int, set[str]] = {}
    for row in vault.query("SELECT * FROM broadcasts WHERE kind = 'alert'"):
        findings.check(
            outbox.get(row["outbox_id"]) == "delivered",
            f"R{row['report_id']}'s alert to {row['address']} is {outbox.get(row['outbox_id'])}",
        )
        sent.setdefault(row["report_id"], set()).add(row["address"])
    verified = [claim for claim in ledger if claim.kind == "verified"]
    for claim in verified:
        findings.check(
            sent.get(int(claim.code[1:])) == targets,
            f"{claim.code} verified, alerts went to {sent.get(int(claim.code[1:]))}",
        )
    findings.figures["alerts"] = sum(len(chats) for chats in sent.values())


def pending_timers(timers: list[TimerRow], by: datetime) -> list[TimerRow]:
    return [t for t in timers if t.state == "pending" and t.due_at <= by]


class SendLike(Protocol):
    run: int
    recipient: str
    message: str
    stamp: str


def check_signal_deliveries(
    findings: Findings,
    sends: list[SendLike],
    final: Snapshot,
    snapshots: list[Snapshot],
    settled_at: datetime,
) -> None:
    """Each message was sent, and recorded with the service's timestamp for it; every
    other send repeats a message that was pending when its run was killed (in flight:
    sent, not yet marked delivered), at most once per such kill."""
    by_stamp = {send.stamp: send for send in sends}
    recorded: set[str] = set()
    for row in final.outbox.values():
        if row.state != "delivered":
            findings.check(
                row.created_at > settled_at, f"outbox {row.id} ({row.kind}) is {row.state}"
            )
            continue
        send = by_stamp.get(row.external_id or "")
        findings.check(
            send is not None, f"outbox {row.id} ({row.kind}) delivered, the service never had it"
        )
        if send is not None and not row.is_direct:
            findings.check(
                send.recipient == row.address and send.message.endswith(row.body),
                f"outbox {row.id} recorded as a send of something else: {send.message[:80]!r}",
            )
        recorded.add(row.external_id or "")
    again = [send for send in sends if send.stamp not in recorded]
    used: set[tuple[int, int]] = set()
    for send in again:
        pending = snapshots[send.run].pending() if send.run < len(snapshots) else []
        row = next(
            (
                row
                for row in pending
                if (row.id, send.run) not in used
                and row.address == send.recipient
                and send.message.endswith(row.body)
                and final.outbox[row.id].state == "delivered"
            ),
            None,
        )
        ending = "its kill" if send.run < len(snapshots) else "the stop (SIGTERM) that ended it"
        findings.check(
            row is not None,
            f"run {send.run} sent to {send.recipient} a message it did not record as "
            f"delivered, and which was not in flight at {ending}: {send.message[:120]!r}",
        )
        if row is not None:
            used.add((row.id, send.run))
    findings.figures["messages delivered"] = len(recorded)
    findings.figures["sent again after a kill"] = len(again)


class LossLike(Protocol):
    run: int
    stamp: int
    last_receive: bool
    batch_lost: bool
    batch_answered: bool


def check_handled_once(
    findings: Findings,
    vault: Vault,
    final: Snapshot,
    handed: Iterable[tuple[int, tuple[int, ...]]],
    losses: list[LossLike],
    replies: Callable[[int], int],
) -> None:
    """Every message the service handed over was stored and handled, and answered once."""
    handled = {stamp for (_source, stamp), done in final.inbox.items() if done}
    lost = {loss.stamp for loss in losses}
    count = 0
    for run, stamps in handed:
        for stamp in stamps:
            count += 1
            if stamp not in lost:
                findings.check(
                    stamp in handled, f"message {stamp}, handed to run {run}, not handled"
                )
    for loss in losses:
        # The one moment the bot cannot cover: the service has answered the receive (and
        # signal-cli has taken the messages off Signal's servers) and the bot is storing
        # them. A batch lost then is lost whole; one the bot was already answering, or
        # one followed by another receive, was not in that moment.
        findings.check(
            loss.last_receive and loss.batch_lost and not loss.batch_answered,
            f"message {loss.stamp} lost by run {loss.run} outside the moment between the "
            f"service's answer and its storing (the run's last receive: {loss.last_receive}, "
            f"its batch all lost: {loss.batch_lost}, a message of it answered: "
            f"{loss.batch_answered})",
        )
    answers = vault.query("SELECT COUNT(*) FROM outbox WHERE kind = 'reply'")[0][0]
    owed = sum(replies(stamp) for stamp in handled)
    findings.check(
        answers == owed,
        f"{len(handled)} messages handled, owing {owed} answers, but {answers} were written: "
        "some were handled twice (or never)",
    )
    findings.figures["handed over"] = count
    findings.figures["lost between the service's answer and storing it"] = len(losses)
