"""What every core service works with: the store, the network, the clock, the messenger."""

from __future__ import annotations

from bot.core.clock import Clock
from bot.core.messenger import Messenger
from bot.core.network import Network
from bot.core.store import Store


class Service:
    def __init__(self, store: Store, network: Network, clock: Clock, messenger: Messenger) -> None:
        self.store = store
        self.network = network
        self.clock = clock
        self.messenger = messenger
