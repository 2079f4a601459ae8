"""The fake Discord refuses what Discord refuses, in Discord's words, as discord.py sees it.

These pin the fake itself (tests/fakes/discord_server.py): a test that passes against
it must not pass only because the fake is lenient.
"""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import discord
import pytest
from PIL import Image

from bot.app import App
from bot.config import Config
from cogs.client import RapidResponseBot
from tests.cogs.live import MEMBER, Live, fake_discord
from tests.fakes import discord as fakes
from tests.fakes.clock import FakeClock
from tests.fakes.discord_records import Exchange, Upload


def channel(live: Live, channel_id: int) -> discord.TextChannel:
    found = live.bot.get_channel(channel_id)
    assert isinstance(found, discord.TextChannel)
    return found


async def test_content_over_2000_is_refused_as_an_invalid_form_body(live: Live) -> None:
    with pytest.raises(discord.HTTPException) as refused:
        await channel(live, fakes.GENERAL_CHANNEL).send("x" * 2001)
    assert refused.value.status == 400 and refused.value.code == 50035
    assert "In content: Must be 2000 or fewer in length." in refused.value.text
    assert live.discord.problems == [
        f"POST /channels/{fakes.GENERAL_CHANNEL}/messages: refused: content: Must be 2000 or "
        "fewer in length."
    ]
    live.discord.problems.clear()  # expected here; any other test fails on it


async def test_a_button_label_over_80_and_a_repeated_custom_id_are_refused(live: Live) -> None:
    view = discord.ui.View()
    view.add_item(discord.ui.Button(label="x" * 81, custom_id="same"))
    view.add_item(discord.ui.Button(label="ok", custom_id="same"))
    with pytest.raises(discord.HTTPException) as refused:
        await channel(live, fakes.GENERAL_CHANNEL).send("hi", view=view)
    assert refused.value.code == 50035
    assert "components.0.components.0.label: Must be 80 or fewer in length." in refused.value.text
    assert "Component custom id cannot be duplicated" in refused.value.text
    live.discord.problems.clear()


async def test_a_member_with_direct_messages_closed(live: Live) -> None:
    live.discord.dms_closed.add(MEMBER)
    user = await live.bot.fetch_user(MEMBER)
    with pytest.raises(discord.Forbidden) as refused:
        await user.send("your task")
    assert refused.value.code == 50007
    assert refused.value.text == "Cannot send messages to this user"


async def test_nobody_is_pinged_unless_allowed(live: Live) -> None:
    general = channel(live, fakes.GENERAL_CHANNEL)
    quiet = await general.send(f"@everyone <@{MEMBER}> <@&{fakes.VERIFIER_ROLE}>")
    loud = await general.send(
        f"<@&{fakes.VERIFIER_ROLE}> <@{MEMBER}>",
        allowed_mentions=discord.AllowedMentions(roles=[discord.Object(fakes.VERIFIER_ROLE)]),
    )
    assert live.discord.messages[quiet.id].pings == frozenset()  # the bot-wide default
    assert live.discord.messages[loud.id].pings == {f"role:{fakes.VERIFIER_ROLE}"}
    del live.discord.messages[loud.id]  # not a card: the fixture would object


async def test_a_held_request_waits_for_the_test(live: Live) -> None:
    gate = live.discord.hold("POST", rf"/channels/{fakes.GENERAL_CHANNEL}/messages")
    sending = asyncio.create_task(channel(live, fakes.GENERAL_CHANNEL).send("slow"))
    await gate.reached.wait()
    assert not sending.done() and live.discord.texts(fakes.GENERAL_CHANNEL) == []
    gate.released.set()
    sent = await sending
    assert live.discord.messages[sent.id].content == "slow"


async def test_a_scripted_failure_and_an_unserved_route(live: Live) -> None:
    live.discord.fail("POST", rf"/channels/{fakes.GENERAL_CHANNEL}/messages", 503)
    with pytest.raises(discord.DiscordServerError):
        await channel(live, fakes.GENERAL_CHANNEL).send("down")
    await channel(live, fakes.GENERAL_CHANNEL).send("up again")
    with pytest.raises(discord.NotFound):
        await live.bot.fetch_guild(fakes.GUILD_ID)
    assert live.discord.problems == [f"not served by the fake: GET /guilds/{fakes.GUILD_ID}"]
    live.discord.problems.clear()


async def test_an_interaction_answered_too_late_is_unknown(live: Live) -> None:
    live.discord.deadline = 0.0  # Discord gives 3 s; here every answer is late
    asked = await live.discord.slash(MEMBER, "hotline")
    assert asked.callback is None and asked.text == ""
    [late] = [r for r in live.discord.requests if r.path.endswith("/callback")]
    assert late.status == 404


async def test_a_disabled_button_cannot_be_pressed(live: Live) -> None:
    view = discord.ui.View()
    view.add_item(discord.ui.Button(label="count", custom_id="count:1", disabled=True))
    sent = await channel(live, fakes.GENERAL_CHANNEL).send("card", view=view)
    with pytest.raises(AssertionError, match="cannot be pressed"):
        await live.discord.press(MEMBER, live.discord.messages[sent.id], "count")


async def unanswered(live: Live) -> Exchange:
    """An interaction the bot leaves alone (a button it never made)."""
    view = discord.ui.View()
    view.add_item(discord.ui.Button(label="other", custom_id="not:ours"))
    sent = await channel(live, fakes.GENERAL_CHANNEL).send("someone else's", view=view)
    pressed = await live.discord.press(MEMBER, live.discord.messages[sent.id], "other")
    assert pressed.callback is None
    return pressed


def as_discord_py(live: Live, exchange: Exchange) -> discord.Interaction:
    """The interaction as discord.py builds it from the gateway payload."""
    return discord.Interaction(data=exchange.payload, state=live.bot._connection)  # type: ignore[arg-type]


async def test_a_deferred_answer_is_replaced_by_the_first_follow_up(live: Live) -> None:
    exchange = await unanswered(live)
    interaction = as_discord_py(live, exchange)
    await interaction.response.defer(ephemeral=True, thinking=True)
    assert exchange.callback == 5 and exchange.original is not None
    await interaction.followup.send("done", ephemeral=True)
    assert exchange.texts == ["done"] and exchange.original.ephemeral
    await interaction.edit_original_response(content="done, and edited")
    assert exchange.text == "done, and edited"


async def test_an_interaction_is_answered_once(live: Live) -> None:
    exchange = await unanswered(live)
    await as_discord_py(live, exchange).response.send_message("first", ephemeral=True)
    with pytest.raises(discord.HTTPException) as refused:
        await as_discord_py(live, exchange).response.send_message("second", ephemeral=True)
    assert refused.value.code == 40060
    assert exchange.text == "first"


async def test_files_arrive_as_multipart(live: Live) -> None:
    picture = discord.File(io.BytesIO(b"\xff\xd8jpeg bytes"), filename="photo.jpg")
    sent = await channel(live, fakes.ORGANIZER_CHANNEL).send("R1: a photo", file=picture)
    [upload] = live.discord.messages[sent.id].files
    assert (upload.filename, upload.data) == ("photo.jpg", b"\xff\xd8jpeg bytes")


async def test_a_wrong_token_is_refused_as_discord_refuses_it(
    discord_config: Config, tmp_path: Path, clock: FakeClock
) -> None:
    server = fake_discord()
    await server.start()
    app = await App.start(discord_config, tmp_path / "token.sqlite3", clock)
    bot = RapidResponseBot(discord_config, app=app)
    try:
        with server.pointed_at(), pytest.raises(discord.LoginFailure):
            await bot.login("not-the-token")
    finally:
        await bot.close()
        await app.close()
        await server.stop()
    assert [(r.path, r.status) for r in server.requests] == [("/users/@me", 401)]


# -- files: the CDN serves what is attached, at signed addresses, until it is gone


async def test_a_members_file_is_served_at_its_signed_address_until_it_expires(
    live: Live,
) -> None:
    sent = await live.discord.dm(MEMBER, "", files=(Upload("a b.jpg", b"\xff\xd8x", "image/jpeg"),))
    [file] = sent.files
    assert file.filename == "a_b.jpg"  # Discord's own name for it
    url = live.discord.cdn.url(file)
    assert "ex=" in url and "&is=" in url and "&hm=" in url
    assert await live.bot.http.get_from_cdn(url) == b"\xff\xd8x"
    for cut in (url.split("?")[0], url.replace("hm=", "hm=0")):  # cut short, or altered
        with pytest.raises(discord.NotFound):
            await live.bot.http.get_from_cdn(cut)
    live.discord.cdn.expire(file)
    with pytest.raises(discord.NotFound) as gone:
        await live.bot.http.get_from_cdn(url)
    assert gone.value.response.status == 404
    assert [d.status for d in live.discord.cdn.downloads] == [200, 404, 404, 404]


async def test_an_attachment_option_is_resolved_with_its_address(live: Live) -> None:
    opened = await live.discord.slash(
        MEMBER, "report", photo=Upload("IMG_0001.jpg", b"\xff\xd8jpeg", "image/jpeg")
    )
    [file] = opened.attached
    resolved = opened.payload["data"]["resolved"]["attachments"][str(file.id)]
    assert resolved["ephemeral"] is True and "/ephemeral-attachments/" in resolved["url"]
    attachment = discord.Attachment(data=resolved, state=live.bot._connection)
    assert await attachment.read() == b"\xff\xd8jpeg"
    assert await attachment.read(use_cached=True) == b"\xff\xd8jpeg"  # the media proxy


async def test_the_bots_files_are_described_served_and_removed_with_their_message(
    live: Live,
) -> None:
    image = io.BytesIO()
    Image.new("RGB", (30, 20)).save(image, "JPEG")
    sent = await channel(live, fakes.ORGANIZER_CHANNEL).send(
        "R1: a photo", file=discord.File(io.BytesIO(image.getvalue()), filename="R1-photo-1.jpg")
    )
    [shown] = sent.attachments  # as discord.py read Discord's answer
    assert (shown.filename, shown.content_type, shown.size) == (
        "R1-photo-1.jpg",
        "image/jpeg",
        len(image.getvalue()),
    )
    assert (shown.width, shown.height) == (30, 20)
    assert await shown.read() == image.getvalue()
    await sent.edit(content="R1: edited")  # an edit without `attachments` keeps the files
    assert [f.filename for f in live.discord.messages[sent.id].files] == ["R1-photo-1.jpg"]
    await sent.delete()
    with pytest.raises(discord.NotFound):
        await shown.read()


async def test_an_edit_that_lists_no_files_removes_them(live: Live) -> None:
    sent = await channel(live, fakes.ORGANIZER_CHANNEL).send(
        "R1", file=discord.File(io.BytesIO(b"data"), filename="note.txt")
    )
    [shown] = sent.attachments
    await sent.edit(attachments=[])
    assert live.discord.messages[sent.id].files == []
    with pytest.raises(discord.NotFound):
        await shown.read()


async def test_too_many_or_too_large_files_are_refused(live: Live) -> None:
    general = channel(live, fakes.GENERAL_CHANNEL)
    eleven = [discord.File(io.BytesIO(b"x"), filename=f"{n}.txt") for n in range(11)]
    with pytest.raises(discord.HTTPException) as refused:
        await general.send("many", files=eleven)
    assert (refused.value.status, refused.value.code) == (400, 30015)
    large = discord.File(io.BytesIO(b"x" * (10 * 1024 * 1024 + 1)), filename="big.jpg")
    with pytest.raises(discord.HTTPException) as refused:
        await general.send("large", file=large)
    assert (refused.value.status, refused.value.code) == (413, 40005)
    assert len(live.discord.problems) == 2 and live.discord.texts(fakes.GENERAL_CHANNEL) == []
    live.discord.problems.clear()
