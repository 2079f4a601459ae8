from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.durations import MAX_DURATION, DurationError, format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90s", 90),
        ("15m", 900),
        ("2h", 7200),
        ("1d", 86400),
        ("1h30m", 5400),
        ("1h 30m", 5400),
        (" 2 hours ", 7200),
        ("10 min", 600),
        ("1w", 604800),
        ("2H", 7200),
    ],
)
def test_accepts_the_forms_people_write(text: str, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "90",
        "h",
        "2 fortnights",
        "1h 1h",
        "0s",
        "-5m",
        "1.5h",
        "5m then",
        "abc 5m",
        "400d",
    ],
)
def test_refuses_anything_else_with_a_readable_reason(text: str) -> None:
    with pytest.raises(DurationError) as raised:
        parse_duration(text)
    assert str(raised.value)  # a sentence, not an empty error


@given(st.integers(min_value=1, max_value=int(MAX_DURATION.total_seconds())))
def test_format_and_parse_round_trip(seconds: int) -> None:
    value = timedelta(seconds=seconds)
    assert parse_duration(format_duration(value)) == value


@given(st.text(max_size=40))
def test_never_fails_with_anything_but_a_duration_error(text: str) -> None:
    try:
        result = parse_duration(text)
    except DurationError:
        return
    assert timedelta(0) < result <= MAX_DURATION
