"""Every slash command for each kind of member; answers are private, refusals change nothing."""

from __future__ import annotations

import re
from typing import Any

from bot.core.models import ReportState
from tests.cogs.conftest import Rig
from tests.cogs.test_reports_flow import file_report, press
from tests.fakes import discord as fakes
from tests.fakes.discord import replies_of


async def call(rig: Rig, cog: str, command: str, who: str, **options: Any) -> str:
    interaction = rig.interaction(who)
    instance = rig.cog(cog)
    await getattr(instance, command).callback(instance, interaction, **options)
    return "\n".join(replies_of(interaction))


def choice(value: str) -> Any:
    from discord import app_commands

    return app_commands.Choice(name=value, value=value)


async def test_bad_codes_are_answered_not_raised(rig: Rig) -> None:
    assert "“banana” is not a report code" in await call(
        rig, "ReportsCog", "verify", "verifier", report="banana"
    )
    assert "There is no report R9" in await call(
        rig, "ReportsCog", "resolve", "verifier", report="R9"
    )


async def test_status_shows_pending_only_to_verifiers(rig: Rig) -> None:
    await file_report(rig, "reporter")
    assert "R1 · 5th & Main · waiting for a verifier" in await call(
        rig, "ReportsCog", "status", "verifier"
    )
    assert "R1" not in await call(rig, "ReportsCog", "status", "member")


async def test_autocomplete_offers_pending_reports_only_to_verifiers(rig: Rig) -> None:
    await file_report(rig, "reporter")
    cog = rig.cog("ReportsCog")
    offered = await cog.pending_codes(rig.interaction("verifier"), "")
    assert [(c.name, c.value) for c in offered] == [("R1 · 5th & Main", "R1")]
    assert await cog.pending_codes(rig.interaction("member"), "") == []
    assert await cog.pending_codes(rig.interaction("verifier"), "oak") == []
    assert await cog.pending_codes(rig.interaction("verifier", guild_id=5), "") == []
    await press(rig, "verifier", "verify:report:1")
    assert [c.value for c in await cog.active_codes(rig.interaction("member"), "")] == ["R1"]


async def test_info_commands_for_everyone(rig: Rig) -> None:
    assert (await call(rig, "InfoCog", "rights", "member")).startswith("KNOW YOUR RIGHTS")
    assert (await call(rig, "InfoCog", "rights", "member", language="es")).startswith(
        "CONOZCA SUS DERECHOS"
    )
    assert "I don't have a rights card" in await call(
        rig, "InfoCog", "rights", "member", language="xx"
    )
    assert "+1 555 0100" in await call(rig, "InfoCog", "hotline", "member")
    assert "/report:" in await call(rig, "InfoCog", "help", "member")
    assert "/verify:" not in await call(rig, "InfoCog", "help", "member")
    assert "/verify:" in await call(rig, "InfoCog", "help", "verifier")


async def test_lang_switches_every_later_answer_including_buttons(rig: Rig) -> None:
    assert (await call(rig, "InfoCog", "lang", "verifier", language="es")).startswith(
        "Desde ahora le escribiré en español.\nEsta traducción todavía no ha sido revisada"
    )
    await file_report(rig, "reporter")
    [reply] = replies_of(await press(rig, "verifier", "verify:report:1"))
    assert reply.startswith("R1 verificado.")
    assert (await rig.app.reports.get(1)).state is ReportState.VERIFIED


# What would still work if it reached Discord: a ping, a mention, a masked link, styling
# (escaped markup is preceded by a backslash; a zero-width space breaks mentions).
LIVE = [
    re.compile(p)
    for p in (
        r"@everyone",
        r"@here",
        r"<@&2002>",
        r"<@777>",
        r"(?<!\\)\[official notice\]\(",
        r"(?<!\\)\*\*URGENT",
    )
]
MALICIOUS = "@everyone @here <@&2002> <@777> [official notice](https://evil.example) **URGENT**"


async def test_mention_injection_in_every_field_pings_nobody(rig: Rig) -> None:
    await file_report(
        rig,
        "reporter",
        {"where": MALICIOUS, "what": MALICIOUS, "agency": "", "signs": "", "source": ""},
    )
    await file_report(
        rig,
        "member",
        {"where": MALICIOUS, "what": MALICIOUS, "agency": "", "signs": "", "source": ""},
    )  # a corroboration
    # The card is posted (and its message id recorded) before anyone can verify it: the
    # decision then edits it. Delivered in one go, the edit raced the card's bookkeeping.
    await rig.deliver()
    await call(rig, "ReportsCog", "verify", "verifier", report="R1", note=MALICIOUS)
    await call(
        rig, "ReportsCog", "correct", "organizer", report="R1", what=MALICIOUS, note=MALICIOUS
    )
    await call(rig, "ReportsCog", "resolve", "verifier", report="R1", note=MALICIOUS)
    await rig.deliver()
    sent = [m for channel in rig.channels.values() for m in channel.sent]
    edits = [e for channel in rig.channels.values() for _, e in channel.edits]
    assert len(sent) >= 8 and edits
    for message in sent:
        text = message["content"]
        if text.startswith(f"<@&{fakes.VERIFIER_ROLE}>\n"):  # the one deliberate role ping
            assert message["allowed_mentions"].roles == [
                __import__("discord").Object(id=fakes.VERIFIER_ROLE)
            ]
            text = text.split("\n", 1)[1]
        else:
            mentions = message["allowed_mentions"]
            assert (mentions.everyone, mentions.roles, mentions.users) == (False, False, False)
        for live in LIVE:
            assert not live.search(text), (live.pattern, text)
    for edit in edits:
        assert edit["allowed_mentions"].everyone is False
        if "content" in edit:
            assert "@everyone" not in edit["content"] and "<@&2002>" not in edit["content"]


async def test_words_kept_as_typed_are_neutralised_on_the_card(rig: Rig) -> None:
    from tests.cogs.test_reports_flow import GOOD

    await file_report(rig, "member", {**GOOD, "agency": "@everyone <@&2002>", "signs": MALICIOUS})
    await rig.deliver()
    cards = [m["content"] for channel in rig.channels.values() for m in channel.sent]
    assert any("Agency, in their words:" in card for card in cards)
    for card in cards:
        body = card.split("\n", 1)[1] if card.startswith(f"<@&{fakes.VERIFIER_ROLE}>") else card
        assert not any(live.search(body) for live in LIVE), body
