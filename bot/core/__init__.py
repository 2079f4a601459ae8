"""The core: every rule of the network, written once, with no platform code."""
