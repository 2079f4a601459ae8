from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.config import Config
from bot.platforms.signal.frontend import SignalFrontEnd, group_address
from tests.conftest import example_data
from tests.fakes.clock import FakeClock
from tests.fakes.signal_server import FakeSignal

BOT_NUMBER = "+15550000001"
# Internal ids, as received messages carry them: base64 of a group's 32-byte id.
ORGANIZERS = "b3JnYW5pemVycy1ncm91cC1pZC0wMDAwMDAwMDAwMDE="
ALERTS = "YWxlcnRzLWdyb3VwLWlkLTAwMDAwMDAwMDAwMDAwMDI="
ALERTAS = "YWxlcnRhcy1ncm91cC1pZC0wMDAwMDAwMDAwMDAwMDM="
STRANGERS = "c3RyYW5nZXJzLWdyb3VwLWlkLTAwMDAwMDAwMDAwMDQ="
ANA = "a0000000-0000-4000-8000-000000000001"
BEN = "b0000000-0000-4000-8000-000000000002"
CRUZ_NUMBER = "+15550000003"
CRUZ = "c0000000-0000-4000-8000-000000000003"
DEE = "d0000000-0000-4000-8000-000000000004"
TROLL = "e0000000-0000-4000-8000-000000000005"


def signal_section(url: str) -> dict[str, Any]:
    return {
        "url": url,
        "number": BOT_NUMBER,
        "receive_timeout": "1s",
        "request_timeout": "2s",
        "organizer_group": {
            "id": group_address(ORGANIZERS),
            "name": "organizers (Signal)",
            "languages": ["en"],
        },
        "broadcast": [
            {"id": group_address(ALERTS), "name": "alerts (Signal)", "languages": ["en"]},
            {"id": group_address(ALERTAS), "name": "alertas (Signal)", "languages": ["es"]},
        ],
        "members": [
            {"id": ANA, "name": "Ana (organizer)", "roles": ["organizer"]},
            {"id": BEN, "roles": ["verifier"]},
            {"id": CRUZ_NUMBER, "roles": ["verifier"], "language": "es"},
            {"id": DEE, "roles": ["volunteer"]},
        ],
        "blocked": [TROLL],
    }


@pytest.fixture
async def fake_signal() -> AsyncIterator[FakeSignal]:
    server = FakeSignal(number=BOT_NUMBER)
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


@pytest.fixture
def signal_config(fake_signal: FakeSignal) -> Config:
    data = example_data()
    data["signal"] = signal_section(fake_signal.url)
    return Config.model_validate(data)


class SignalRig:
    def __init__(self, app: App, front: SignalFrontEnd, server: FakeSignal) -> None:
        self.app, self.front, self.server = app, front, server

    async def exchange(self) -> None:
        """One receive (handling what came in), then deliver everything that is due."""
        await self.front.receive_once()
        await self.front.worker.deliver_due()

    def group(self, internal: str) -> list[str]:
        return self.server.to(group_address(internal))


@pytest.fixture
async def signal_rig(
    signal_config: Config, fake_signal: FakeSignal, tmp_path: Path, clock: FakeClock
) -> AsyncIterator[SignalRig]:
    app = await App.start(signal_config, tmp_path / "signal.sqlite3", clock)
    assert signal_config.signal is not None
    front = SignalFrontEnd(app, signal_config.signal)
    try:
        yield SignalRig(app, front, fake_signal)
    finally:
        front.client.close()
        await app.close()
