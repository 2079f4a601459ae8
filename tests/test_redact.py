"""Identities stay out of logs and error notes, whatever a service or an exception says."""

from __future__ import annotations

import logging
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.delivery import DeliveryError
from bot.redact import PrivateFormatter, redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Unregistered user +15551234567", "Unregistered user [number]"),
        ("failed for +1 (555) 123-4567.", "failed for [number]."),
        ("uuid a0000000-0000-4000-8000-000000000001 gone", "uuid [id] gone"),
        ("403 Forbidden (error code: 50013): Missing Permissions", None),
        ("retry after 2026-11-23 21:20 please", None),
    ],
)
def test_numbers_and_ids_are_replaced_and_ordinary_errors_kept(
    text: str, expected: str | None
) -> None:
    assert redact(text) == (expected or text)


@given(st.from_regex(r"\+1[0-9]{10}", fullmatch=True), st.text(max_size=30))
def test_no_phone_number_survives(number: str, around: str) -> None:
    assert number not in redact(f"{around}{number}{around}")


def test_delivery_errors_carry_no_numbers() -> None:
    assert DeliveryError("Unregistered user +15551234567").reason == "Unregistered user [number]"


def test_logged_exceptions_keep_their_place_but_not_their_message() -> None:
    formatter = PrivateFormatter("%(levelname)s %(message)s")
    secret = "".join(["Xochi", "quetzal Oyelaran +1555", "0107733"])  # not in the source line
    try:
        raise KeyError(secret)
    except KeyError:
        record = logging.LogRecord(
            "t", logging.ERROR, __file__, 1, "failed for %s", ("+15550107733",), sys.exc_info()
        )
    text = formatter.format(record)
    assert "Xochiquetzal" not in text and "5550107733" not in text
    assert "KeyError (message withheld)" in text and "test_redact.py" in text
    assert text.startswith("ERROR failed for [number]")
