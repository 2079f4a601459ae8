"""The config's drill settings: the [drill] section and which chats get a drill."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.app import network_from_config
from bot.config import Config, load_config
from bot.core.models import TimerKind
from tests.conftest import EXAMPLE_CONFIG, example_data
from tests.fakes import discord as fakes
from tests.test_config import broken


def test_the_example_has_short_drill_timers_and_the_organizer_chat_for_drills() -> None:
    config = load_config(EXAMPLE_CONFIG)
    assert config.drill.task_accept_reminder == timedelta(seconds=2)
    assert config.drill.length == timedelta(hours=2)
    network = network_from_config(config)
    assert [t.label for t in network.drill_targets()] == ["organizers"]
    assert network.timings(drill=True).claim_within == timedelta(seconds=3)
    assert network.timings(drill=False).claim_within == timedelta(minutes=10)
    assert dict(network.drill.task_timers)[TimerKind.TASK_OFFER_ESCALATION] == timedelta(seconds=4)


def test_a_config_without_a_drill_section_still_runs_drills() -> None:
    data = example_data()
    del data["drill"]
    config = Config.model_validate(data)
    assert config.drill.verification_expiry == timedelta(minutes=1)


def test_chats_are_marked_for_drills_on_every_front_end() -> None:
    data = example_data()
    data["console"]["chats"][0]["drill"] = False  # organizers
    data["console"]["chats"][1]["drill"] = True  # alerts, a practice chat
    data["discord"] = fakes.discord_section()
    data["discord"]["broadcast"][0]["drill"] = True
    config = Config.model_validate(data)
    marked = {(t.platform, t.label) for t in config.targets() if t.drill}
    discord_practice = f"#{data['discord']['broadcast'][0]['name']}"
    discord_organizers = f"#{config.discord.organizer_channel_name}"  # type: ignore[union-attr]
    assert marked == {
        ("console", "alerts"),
        ("discord", discord_organizers),  # the organizer channel, unless told otherwise
        ("discord", discord_practice),
    }


def test_drill_mistakes_name_their_field(tmp_path: Path) -> None:
    def backwards(data: dict) -> None:  # type: ignore[type-arg]
        data["drill"]["verification_expiry"] = "2s"

    assert "drill: verification_expiry must be longer" in broken(tmp_path, backwards)

    def too_long(data: dict) -> None:  # type: ignore[type-arg]
        data["drill"]["length"] = "1d"

    assert "drill: length must not be longer than longest" in broken(tmp_path, too_long)

    def not_a_duration(data: dict) -> None:  # type: ignore[type-arg]
        data["drill"]["task_accept_reminder"] = "soon"

    assert "drill.task_accept_reminder:" in broken(tmp_path, not_a_duration)

    def not_a_flag(data: dict) -> None:  # type: ignore[type-arg]
        data["console"]["chats"][1]["drill"] = "yes please"

    assert "console.chats[2].drill:" in broken(tmp_path, not_a_flag)
