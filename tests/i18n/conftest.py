"""At the end of a run that checked the catalogs: how complete each language is."""

from __future__ import annotations

import pytest

from bot.i18n.coverage import report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    terminalreporter.write_sep("-", "translation coverage (python3 dev.py translations)")
    terminalreporter.write_line(report())
