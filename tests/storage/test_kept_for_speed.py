"""What the running bot keeps in memory for speed is bounded and goes with a purge:
opened values, reports built from rows, keyed hashes, rendered messages."""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from bot.i18n import Raw, _
from storage.database import Database
from tests.fakes.chat import ChatHarness
from tests.fakes.clock import FakeClock


async def test_a_purge_empties_what_was_kept_for_speed(
    app: App, chat: ChatHarness, clock: FakeClock
) -> None:
    store = app.store
    assert isinstance(store, Database)
    await chat.say("dee@dm: /report where: 5th & Main; what: 2 vans, agents at the door")
    await chat.say("ana@organizers: /status")
    shown = app.renderer.render(_("{where}", where=Raw("5th & Main")), "en")
    assert shown == "5th & Main"
    assert store.cipher._opened and store.cipher._made and app.renderer._translated
    clock.advance(timedelta(days=1))
    await app.retention.purge()
    assert not store.cipher._opened and not store.cipher._made
    assert not app.renderer._translated


def test_what_is_kept_is_bounded() -> None:
    from storage import crypto

    cipher = crypto.FieldCipher(bytes(32), hash_key=bytes(32))
    sealed = [cipher.seal(f"place {n}", "reports.place") for n in range(crypto.OPENED_KEPT + 50)]
    for value in sealed:
        cipher.open(value, "reports.place")
    assert len(cipher._opened) == crypto.OPENED_KEPT
    assert cipher.open(sealed[0], "reports.place") == "place 0"  # dropped, opened again
