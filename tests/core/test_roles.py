"""Roles organizers can really take away: the config is only a seed, the records stand
across restarts, the organizers hear once where the two disagree, the network always
keeps an organizer, and /roles says who holds what. Played on the console, restarting
as an operator does: a new process (a new App) on the same database file."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.config import Config
from bot.core.models import Conversation, MessageKind, Role
from storage import database
from tests.conftest import example_data, outbox_rows
from tests.fakes.chat import ChatHarness, in_chat
from tests.fakes.clock import FakeClock

REPORT = "dee@organizers: /report where: 5th & Main; what: 2 vans, agents stopping people"


def configured(change: Callable[[dict[str, Any]], None] | None = None) -> Config:
    data = example_data()
    if change is not None:
        change(data)
    return Config.model_validate(data)


@asynccontextmanager
async def running(config: Config, db: Path, clock: FakeClock) -> AsyncIterator[ChatHarness]:
    """One run of the bot on `db`: leaving the block is the process stopping."""
    app = await App.start(config, db, clock)
    try:
        yield ChatHarness(app)
    finally:
        await app.close()


async def role_notices(app: App) -> list[str]:
    return [row.body for row in await outbox_rows(app.store) if row.kind is MessageKind.ROLES]


async def roles_of(app: App, name: str) -> set[str]:
    found = await app.members.find("console", name)
    assert found is not None, name
    return {role.value for role in found.roles}


async def test_a_role_taken_away_stays_taken_away_after_a_restart(
    tmp_path: Path, clock: FakeClock
) -> None:
    config, db = configured(), tmp_path / "rrbot.sqlite3"
    async with running(config, db, clock) as chat:
        said = await chat.text("ana@dm: /role remove ben verifier")
        assert "ben now has: no role." in said
    async with running(config, db, clock) as chat:
        await chat.say(REPORT)
        refused = in_chat(await chat.say("ben@organizers: /verify R1"), "organizers")
        assert "Only verifiers and organizers can verify" in refused
        assert "Verified R1" not in refused
        assert await roles_of(chat.app, "ben") == set()
    async with running(config, db, clock) as chat:  # and after the next restart too
        assert await roles_of(chat.app, "ben") == set()
        assert (await chat.app.reports.get(1)).state.value == "pending"


async def test_organizers_hear_once_where_the_config_and_the_records_disagree(
    tmp_path: Path, clock: FakeClock
) -> None:
    config, db = configured(), tmp_path / "rrbot.sqlite3"
    async with running(config, db, clock) as chat:
        await chat.say("ana@dm: /role remove ben verifier")
        await chat.say("ana@dm: /role add eli verifier")
        assert await role_notices(chat.app) == []  # a change made in the chat is no news
    async with running(config, db, clock) as chat:
        told = in_chat(await chat.say("ana@dm: /hotline"), "organizers")
        assert "the config and my records disagree. My records stand" in told
        assert "• ben: the config says verifier; my records say no role." in told
        assert "• eli: the config says volunteer; my records say verifier and volunteer." in told
        assert "cruz" not in told and "dee" not in told  # they agree
        assert "send me /roles reset in a direct message" in told
        assert await roles_of(chat.app, "ben") == set()  # the records won
        assert await roles_of(chat.app, "eli") == {"verifier", "volunteer"}
    for _restart in range(2):
        async with running(config, db, clock) as chat:
            assert len(await role_notices(chat.app)) == 1  # told once, not at every start
            assert "disagree" not in "\n".join(await chat.say("ana@dm: /hotline"))
    async with running(config, db, clock) as chat:
        await chat.say("ana@dm: /role add ben organizer")  # a new disagreement about ben
    async with running(config, db, clock) as chat:
        [_first, second] = await role_notices(chat.app)
        assert "ben: the config says verifier; my records say organizer." in second
        assert "eli" not in second  # already told, unchanged
        reset = await chat.text("ana@dm: /roles reset")
        assert "Done: everyone in the config has exactly the roles it lists again." in reset
        assert "ben: verifier (before: organizer)" in reset
        assert "eli: volunteer (before: verifier and volunteer)" in reset
    async with running(config, db, clock) as chat:
        assert len(await role_notices(chat.app)) == 2  # they agree again: nothing to tell
        assert await roles_of(chat.app, "ben") == {"verifier"}


async def test_the_notice_is_in_the_organizer_chats_language(
    tmp_path: Path, clock: FakeClock
) -> None:
    def spanish_organizers(data: dict[str, Any]) -> None:
        data["console"]["chats"][0]["languages"] = ["es"]

    config, db = configured(spanish_organizers), tmp_path / "rrbot.sqlite3"
    async with running(config, db, clock) as chat:
        await chat.say("ana@dm: /rol quitar ben verificador")
    async with running(config, db, clock) as chat:
        told = in_chat(await chat.say("ana@dm: /hotline"), "organizers")
        assert told.startswith("Roles en la consola:")
        assert "• ben: la configuración dice verificador; mis registros, sin rol." in told
        assert "/roles restablecer" in told
        assert "disagree" not in told


async def test_the_config_seeds_new_members_and_keeps_those_it_no_longer_lists(
    tmp_path: Path, clock: FakeClock
) -> None:
    db = tmp_path / "rrbot.sqlite3"
    async with running(configured(), db, clock) as chat:
        await chat.say("fay@dm: /help")  # writes before anyone lists her

    def changed(data: dict[str, Any]) -> None:
        members = data["console"]["members"]
        members[:] = [m for m in members if m["name"] != "ben"]
        members.append({"name": "fay", "roles": ["verifier"]})
        members.append({"name": "gus", "roles": ["volunteer"], "language": "es"})

    config = configured(changed)
    async with running(config, db, clock) as chat:
        assert await roles_of(chat.app, "fay") == {"verifier"}  # seeded: first time listed
        assert await roles_of(chat.app, "gus") == {"volunteer"}
        assert await roles_of(chat.app, "ben") == {"verifier"}  # kept: the records stand
        [told] = await role_notices(chat.app)
        assert "• ben: no longer in the config; my records say verifier." in told
        assert "If they should have no role: /role remove ben verifier" in told
        assert "fay" not in told and "gus" not in told  # seeded, so they agree
        await chat.say("ana@dm: /role remove ben verifier")  # as the notice says
        await chat.say("ana@dm: /role remove gus volunteer")
    async with running(config, db, clock) as chat:
        assert await roles_of(chat.app, "ben") == set()
        assert await roles_of(chat.app, "gus") == set()  # seeded once, never again
        [_ben, gus] = await role_notices(chat.app)
        assert "gus: the config says volunteer; my records say no role." in gus
        assert "ben" not in gus  # no longer listed, no role: nothing to say


async def test_the_last_organizer_hands_over_before_leaving(
    tmp_path: Path, clock: FakeClock
) -> None:
    config, db = configured(), tmp_path / "rrbot.sqlite3"
    async with running(config, db, clock) as chat:
        refused = await chat.text("ana@dm: /role remove ana organizer")
        assert "You are the last organizer here" in refused
        assert "Hand over first: give someone else the organizer role" in refused
        assert "/role add <member> organizer), then remove yours." in refused
        spanish = await chat.text("ana@dm: /rol quitar ana organizadora")
        assert "ana now has" not in spanish and "Usted es el último organizador" in spanish
        assert "envíe /idioma es" in spanish  # she never chose: this answer in Spanish
        assert await roles_of(chat.app, "ana") == {"organizer"}
        await chat.text("ana@dm: /lang en")

        assert "cruz now has: organizer and verifier." in await chat.text(
            "ana@dm: /role add cruz organizer"
        )
        assert "ana now has: no role." in await chat.text("ana@dm: /role remove ana organizer")
        assert await roles_of(chat.app, "ana") == set()
        # cruz is the last one now; ana no longer gives or takes roles
        assert "Only organizers can give or take roles." in await chat.text(
            "ana@dm: /role remove cruz organizer"
        )
        refused = await chat.text("cruz@dm: /rol quitar cruz organizador")  # cruz reads Spanish
        assert "Usted es el último organizador aquí" in refused
        assert "dé el rol de organizador a otra persona (/rol dar <miembro> organizador)" in refused
        assert await roles_of(chat.app, "cruz") == {"organizer", "verifier"}


async def test_two_organizers_removing_each_other_at_once_leave_one(app: App) -> None:
    """The last other organizer: both commands were read while both were organizers;
    the second to be stored would leave nobody, so it is refused."""
    ana = await app.members.find("console", "ana")
    await app.members.change_role(ana, "ben", Role.ORGANIZER, grant=True)  # type: ignore[arg-type]
    ana = await app.members.find("console", "ana")
    ben = await app.members.find("console", "ben")
    assert ana is not None and ben is not None
    await app.members.change_role(ana, "ben", Role.ORGANIZER, grant=False)
    in_dm = Conversation("console", "ben", is_direct=True)
    replies = await app.router.handle(ben, in_dm, "/role remove ana organizer")
    said = "\n".join(app.renderer.render(r.text, "en") for r in replies)
    assert "ana is the last organizer here" in said
    assert "Give someone else the organizer role first" in said
    assert await roles_of(app, "ana") == {"organizer"}
    assert await roles_of(app, "ben") == {"verifier"}


async def test_roles_lists_who_has_which_role_for_an_organizer_in_a_direct_message(
    chat: ChatHarness,
) -> None:
    listed = in_chat(await chat.say("ana@dm: /roles"), "dm:ana")
    assert listed.splitlines() == [
        "Who has which role here:",
        "• organizer: ana",
        "• verifier: ben and cruz",
        "• volunteer: dee and eli",
        "To change one: /role add <member> <role> or /role remove <member> <role>. To give "
        "everyone in the config exactly the roles it lists again: /roles reset",
    ]
    assert await chat.text("ana@dm: /Roles ") == "\n".join(
        f"[dm:ana] {x}" for x in listed.split("\n")
    )
    # "/roles add …" is what /role does, as meant
    assert "dee now has: verifier and volunteer." in await chat.text(
        "ana@dm: /roles add dee verifier"
    )
    assert "• verifier: ben, cruz, and dee" in await chat.text("ana@dm: /roles")


async def test_roles_is_refused_to_other_members_and_in_a_group(chat: ChatHarness) -> None:
    for who in ("ben", "dee", "eli"):
        said = await chat.text(f"{who}@dm: /roles")
        assert said == f"[dm:{who}] Only organizers can see who has which role."
    said = await chat.text("cruz@dm: /roles")  # cruz reads Spanish
    assert said == "[dm:cruz] Solo los organizadores pueden ver quién tiene qué rol."
    in_group = await chat.say("ana@organizers: /roles")
    assert in_group == [
        "[organizers] Who has which role is shown only in a direct message, so nobody else "
        "in this chat learns it. Send me /roles there."
    ]
    assert "Only organizers" in await chat.text("ben@organizers: /roles")
    refused = await chat.text("ben@dm: /roles reset")
    assert "Only organizers" in refused and "Done" not in refused


async def test_re_applying_the_config_is_understood_as_typed_and_never_leaves_no_organizer(
    tmp_path: Path, clock: FakeClock
) -> None:
    db = tmp_path / "rrbot.sqlite3"
    async with running(configured(), db, clock) as chat:
        await chat.say("ana@dm: /role remove dee volunteer")
        for typed in ("/roles reset-from-config", "/roles restablecer", "/ROLES Reset"):
            said = await chat.text(f"ana@dm: {typed}")
            assert "the roles it lists" in said, typed
        assert await roles_of(chat.app, "dee") == {"volunteer"}
        assert "Send /roles to see who has which role, or /roles reset" in await chat.text(
            "ana@dm: /roles everything please"
        )

    def no_organizer(data: dict[str, Any]) -> None:
        for entry in data["console"]["members"]:
            if entry["name"] == "ana":
                entry["roles"] = ["verifier"]

    async with running(configured(no_organizer), db, clock) as chat:
        assert await roles_of(chat.app, "ana") == {"organizer"}  # the records stand
        refused = await chat.text("ana@dm: /roles reset")
        assert "applying it would leave nobody to run the network" in refused
        assert "Add an organizer to the config first." in refused
        assert await roles_of(chat.app, "ana") == {"organizer"}


async def test_a_role_taken_just_before_upgrading_is_not_given_back(
    tmp_path: Path, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The start that brings this version is itself a restart: a role an organizer took
    since the last start must not come back, though an older database does not say what
    the config listed (migration 0015 counts members with config roles as seeded)."""
    config, db = configured(), tmp_path / "rrbot.sqlite3"
    async with running(config, db, clock) as chat:
        await chat.say("ana@dm: /role remove ben verifier")
    with sqlite3.connect(db) as older:  # as the version before this one left it
        older.executescript("DROP TABLE config_members; PRAGMA user_version = 14;")
    # Migration 0015 runs again; the later ones are still in place (not run twice).
    shipped = database.migrations()
    monkeypatch.setattr(
        database,
        "migrations",
        lambda: [(n, name, sql if n <= 15 else "") for n, name, sql in shipped],
    )
    async with running(config, db, clock) as chat:
        assert await roles_of(chat.app, "ben") == set()
        assert await roles_of(chat.app, "cruz") == {"verifier"}
        [told] = await role_notices(chat.app)
        assert "• ben: the config says verifier; my records say no role." in told
        assert "cruz" not in told and "dee" not in told


async def test_a_role_change_is_told_to_the_organizers_and_to_the_member(
    tmp_path: Path, clock: FakeClock
) -> None:
    """Power is never given or taken quietly: the organizer chats hear who did it, and
    the member hears it (without the organizer's name), in their language."""
    async with running(configured(), tmp_path / "rrbot.sqlite3", clock) as chat:
        await chat.say("cruz@dm: /idioma es")
        said = await chat.say("ana@dm: /role remove cruz verifier")
        assert "ana took the verifier role from cruz. cruz now has: no role." in in_chat(
            said, "organizers"
        )
        told = in_chat(said, "dm:cruz")
        assert told.startswith("Un organizador le quitó el rol de")
        assert "ana" not in told
        given = await chat.say("ana@dm: /role add eli verifier")
        assert "ana gave eli the verifier role." in in_chat(given, "organizers")
        assert "Send /help to see what you can do now." in in_chat(given, "dm:eli")
        again = await chat.say("ana@dm: /role add eli verifier")  # nothing changes: no news
        assert in_chat(again, "organizers") == "" and in_chat(again, "dm:eli") == ""
