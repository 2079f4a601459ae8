"""Pacing: at most `count` sends in any `per` seconds, per chat and overall."""

from __future__ import annotations

import asyncio

import pytest

from bot.pacing import Limits, Pacer, Rate
from tests.fakes.clock import FakeClock


def test_a_chat_gets_its_burst_then_waits_for_the_oldest_send_to_leave_the_window(
    clock: FakeClock,
) -> None:
    pacer = Pacer(Limits(per_chat=Rate(3, 5.0), margin=0), clock)
    for _ in range(3):
        assert pacer.wait("alerts") == 0
        pacer.record("alerts")
    assert pacer.wait("alerts") == 5.0
    assert pacer.wait("alertas") == 0  # another chat has its own window
    clock.advance(2)
    assert pacer.wait("alerts") == 3.0
    clock.advance(3)
    assert pacer.wait("alerts") == 0


def test_the_overall_limit_counts_every_chat(clock: FakeClock) -> None:
    pacer = Pacer(Limits(per_chat=Rate(5, 5.0), overall=Rate(2, 1.0), margin=0), clock)
    pacer.record("alerts")
    pacer.record("alertas")
    assert pacer.wait("organizers") == 1.0
    assert pacer.chat_wait("organizers") == 0  # its own limit would allow it


def test_without_limits_nothing_waits(clock: FakeClock) -> None:
    pacer = Pacer(Limits(), clock)
    for _ in range(1000):
        pacer.record("alerts")
    assert pacer.wait("alerts") == 0


def test_quiet_chats_are_forgotten_but_busy_ones_keep_their_window(clock: FakeClock) -> None:
    pacer = Pacer(Limits(per_chat=Rate(2, 10.0), margin=0), clock)
    pacer.record("busy")
    pacer.record("busy")
    clock.advance(10)
    for n in range(Pacer.PRUNE_EVERY):
        pacer.record(f"chat {n}")
    assert pacer.wait("busy") == 0  # its window had passed: forgetting it changes nothing
    pacer.record("busy")
    pacer.record("busy")
    for n in range(Pacer.PRUNE_EVERY):
        pacer.record(f"other {n}")
    assert pacer.wait("busy") == 10.0


async def test_waiting_for_a_slot_takes_it_when_the_fake_clock_gets_there(
    clock: FakeClock,
) -> None:
    pacer = Pacer(Limits(overall=Rate(1, 2.0), margin=0), clock)
    await pacer.until_allowed("alerts")
    second = asyncio.create_task(pacer.until_allowed("alertas"))
    await asyncio.sleep(0)
    assert not second.done()
    clock.advance(1.5)
    await asyncio.sleep(0)
    assert not second.done()
    clock.advance(0.5)
    await second
    assert pacer.wait("x") == 2.0  # the slot was taken at t=2


def test_each_window_is_kept_a_margin_longer_for_the_networks_jitter(clock: FakeClock) -> None:
    pacer = Pacer(Limits(overall=Rate(1, 1.0), margin=0.05), clock)
    pacer.record("alerts")
    clock.advance(1)
    assert round(pacer.wait("alerts"), 6) == 0.05


def test_limits_that_make_no_sense_are_refused() -> None:
    with pytest.raises(ValueError, match="count"):
        Rate(0, 1.0)
    with pytest.raises(ValueError, match="in_flight"):
        Limits(in_flight=0)
