import pytest

from bot.core.places import KnownPlace, match_place

FEDERAL = KnownPlace(
    "the federal building", ("federal building", "edificio federal", "300 N Los Angeles St")
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("5th & Main", "Main St and 5th Street"),
        ("5th and Main", "main & 5th"),
        ("corner of 5th Ave and Main", "5th avenue & main street"),
        ("Calle Ñandú 12", "calle nandu 12"),
        ("Quinta y Main", "main & quinta"),
    ],
)
def test_the_same_corner_written_differently_matches(a: str, b: str) -> None:
    assert match_place(a, ()).key == match_place(b, ()).key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("5th & Main", "6th & Main"),
        ("5th & Main", "5th & Maple"),
        ("1200 Oak St", "1210 Oak St"),
    ],
)
def test_different_places_do_not_match(a: str, b: str) -> None:
    assert match_place(a, ()).key != match_place(b, ()).key


def test_every_way_of_naming_a_known_place_lands_together() -> None:
    places = (FEDERAL,)
    keys = {
        match_place(text, places).key
        for text in (
            "near the Federal Building",
            "outside the federal building on Los Angeles St",
            "frente al Edificio Federal",
            "300 N. Los Angeles St.",
        )
    }
    assert len(keys) == 1
    assert match_place("near the Federal Building", places).known == FEDERAL


def test_a_place_that_only_shares_a_word_is_not_the_known_place() -> None:
    assert match_place("the federal credit union", (FEDERAL,)).known is None


def test_a_place_of_only_filler_words_still_has_a_key() -> None:
    assert match_place("near the", ()).key
