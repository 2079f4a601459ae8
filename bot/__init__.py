"""Rapid Response Bot: verify before you broadcast."""

__version__ = "0.1.0"
