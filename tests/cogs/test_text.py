from hypothesis import given
from hypothesis import strategies as st

from cogs.text import MESSAGE_LIMIT, escape_user_text, split_message


def test_pings_mentions_links_and_styling_are_neutralised() -> None:
    text = "@everyone @Here <@&1> <@2> <@!3> <#4> </cmd:5> [notice](https://x.example) **b** ||s||"
    escaped = escape_user_text(text)
    for live in (
        "@everyone",
        "@Here",
        "<@&1>",
        "<@2>",
        "<@!3>",
        "<#4>",
        "</cmd:5>",
        "**b**",
        "||s||",
    ):
        assert live not in escaped
    assert "\\[notice](https://x.example)" in escaped


def test_ordinary_text_reads_the_same() -> None:
    assert (
        escape_user_text("5th & Main, 2 vans; agents at #12") == "5th & Main, 2 vans; agents at #12"
    )


@given(st.text(max_size=6000))
def test_split_keeps_every_character_in_order_under_the_limit(text: str) -> None:
    parts = split_message(text)
    assert all(len(part) <= MESSAGE_LIMIT for part in parts)
    assert "".join(parts).replace("\n", "") == text.replace("\n", "")


def test_split_prefers_line_breaks() -> None:
    parts = split_message(("line\n" * 600).rstrip())
    assert all(not part.startswith("\n") and part.endswith("line") for part in parts)
