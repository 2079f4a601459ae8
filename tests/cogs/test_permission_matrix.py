"""The permission matrix (tests/test_permission_matrix.py) on Discord: every slash
command, button and form, for every role, roles read from the member's Discord roles."""

from __future__ import annotations

from typing import Any

import pytest
from discord import app_commands

from cogs.reports import ReportForm
from cogs.tasks import DetainedForm
from tests.cogs.conftest import Rig
from tests.cogs.test_reports_flow import press
from tests.fakes import discord as fakes
from tests.fakes.discord import replies_of
from tests.test_permission_matrix import (
    MATRIX,
    ROLES,
    Entry,
    fingerprint,
    groups_clean,
    judge,
    prepare,
)

# Discord has no volunteer role: "none" and "volunteer" are both members without a
# network role; the volunteer is the one T1 was offered to.
USERS = {"none": 507, "volunteer": 506, "verifier": 502, "organizer": 501, "reporter": 508}
COGS = {
    "ReportsCog": ("verify", "dismiss", "resolve", "still", "correct", "retract", "status"),
    "InfoCog": ("rights", "practice", "hotline", "lang", "help"),
    "DispatchCog": ("claim", "duty"),
    "MembersCog": ("roles",),
    "StatsCog": ("stats",),
    "DrillCog": ("drill", "drill stop", "drill status"),
    "TasksCog": (
        "add",
        "assign",
        "edit",
        "accept",
        "decline",
        "cancel",
        "tasks",
        "person",
        "person correction",
        "detained",
    ),
}
# Ways that are a slash command with other options: the command's callback they call.
CALLBACKS = {"person correction": "person", "drill stop": "drill", "drill status": "drill"}


def choice(value: str) -> app_commands.Choice[str]:
    return app_commands.Choice(name=value, value=value)


def options(rig: Rig, name: str) -> dict[str, Any]:
    return {
        "verify": {"report": "R1"},
        "claim": {"report": "R1", "eta": "15m"},
        "duty": {"state": choice("on"), "length": "4h"},
        "dismiss": {"report": "R1", "reason": choice("routine")},
        "resolve": {"report": "R1", "note": "over"},
        "still": {"report": "R1", "answer": choice("yes")},
        "correct": {"report": "R1", "where": "5th & Maple"},
        "retract": {"report": "R1", "note": "film crew"},
        "lang": {"language": "es"},
        "person": {"person": "P1"},
        "person correction": {"person": "P1", "dob": "1988-03-05", "phone": "555 010 4445"},
        "tasks": {"which": choice("open")},
        "add": {"description": "bring documents"},
        "assign": {"task": "T2", "member": rig.users["volunteer"]},
        "cancel": {"task": "T2"},
        "edit": {"task": "T2", "due": "4h"},
        "accept": {"task": "T1"},
        "decline": {"task": "T1", "reason": "busy"},
        "detained": {"report": "R1"},
        "stats": {"since": "30d"},
        "drill": {"action": choice("start"), "length": "1h"},
        "drill stop": {"action": choice("stop")},
        "drill status": {"action": choice("status")},
    }.get(name, {})


async def slash(rig: Rig, who: str, name: str) -> Any:
    cog_name = next(cog for cog, names in COGS.items() if name in names)
    cog = rig.cog(cog_name)
    interaction = rig.interaction(who)
    await getattr(cog, CALLBACKS.get(name, name)).callback(cog, interaction, **options(rig, name))
    return interaction


async def form(rig: Rig, who: str, name: str) -> list[Any]:
    """Open the form with its command and, if it opened, fill it in and send it."""
    opened = await slash(rig, who, name) if name == "detained" else rig.interaction(who)
    if name == "report":
        cog = rig.cog("ReportsCog")
        await cog.report.callback(cog, opened, photo=None)
    if name == "relay":
        cog = rig.cog("ReportsCog")
        await cog.report.callback(cog, opened, photo=None, hotline=True, callback="555 010 5555")
    if not opened.response.send_modal.await_count:
        return [opened]
    shown = opened.response.send_modal.call_args.args[0]
    if isinstance(shown, ReportForm):
        values = {"where": "9 Oak St", "what": "vans"}
    else:
        assert isinstance(shown, DetainedForm)
        values = {"name": "Rosa Ek", "phone": "555 010 3333"}  # what the organizer typed
    return [opened, await rig.submit(who, shown, values)]


async def run(rig: Rig, way: str, who: str) -> list[Any]:
    kind, _sep, what = way.partition(":")
    if kind == "slash":
        return [await slash(rig, who, what)]
    if kind == "button":
        return [await press(rig, who, what)]
    return await form(rig, who, what)


WAYS = [(entry, way) for entry in MATRIX for way in entry.discord]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("entry", "way"), WAYS, ids=[w for _, w in WAYS])
async def test_discord(rig: Rig, entry: Entry, way: str, role: str) -> None:
    rig.users["none"] = fakes.mock_member(USERS["none"])
    rig.users["volunteer"] = fakes.mock_member(USERS["volunteer"])
    rig.users["reporter"] = fakes.mock_member(USERS["reporter"], fakes.VERIFIER_ROLE)
    cast = {role_name: await rig.front.actor(rig.users[role_name]) for role_name in ROLES}
    await prepare(rig.app, cast, entry.verified, entry.t1, entry.drill)
    before = await fingerprint(rig.app)
    interactions = await run(rig, way, role)
    reply = "\n".join(text for i in interactions for text in replies_of(i))
    judge(entry, role, await fingerprint(rig.app) != before, reply)
    await groups_clean(rig.app.store)
