from hypothesis import given
from hypothesis import strategies as st

from cogs.text import ELLIPSIS, MESSAGE_LIMIT, escape_user_text, fit_parts, split_message


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


LINES = st.lists(st.text(alphabet="ab c.", min_size=0, max_size=90), min_size=1, max_size=40)


@given(body=LINES, ending=LINES, count=st.integers(min_value=1, max_value=4))
def test_a_decision_fits_whole_into_the_parts_a_card_was_posted_in(
    body: list[str], ending: list[str], count: int
) -> None:
    limit = 300  # small, so that every case (room to spare, no room at all) comes up
    body_text, ending_text = "\n".join(body), "\n".join(ending)
    if not ending_text.strip():
        ending_text = "R1 VERIFIED."
    parts = fit_parts(body_text, ending_text, count, limit)
    assert len(parts) == count  # one text per message the card has
    assert all(part.strip() and len(part) <= limit for part in parts)
    shown = "\n".join(parts)
    if len(ending_text) <= limit:
        assert ending_text.strip() in shown  # the decision is never cut
    if ELLIPSIS not in shown:
        for line in body:
            assert line.strip() in shown  # nothing of the report lost when there is room


def test_a_decision_too_long_for_the_card_shortens_the_report_not_the_decision() -> None:
    body = "\n".join(f"line {n} " + "x" * 80 for n in range(40))  # ~3,600: two parts
    decision = "R1 VERIFIED by <@502>. " + "y" * 600
    first, second = fit_parts(body, decision, 2)
    assert second.endswith(decision) and len(second) <= MESSAGE_LIMIT
    assert first.startswith("line 0 ") and ELLIPSIS in first + second
