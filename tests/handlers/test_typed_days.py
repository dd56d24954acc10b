"""The days people type for deadlines, extensions and slots, in English and Danish, read relative to a fixed today.

Day and month come day first, as in Denmark (4/12 is 4 December); without a year they mean the next such day from
today on, and a weekday always means the next one after today.
"""

from __future__ import annotations

from datetime import date

import pytest

from handlers import texts
from handlers.parsing import parse_day, split_trailing_day
from handlers.results import UserFacingError

FRIDAY = date(2026, 12, 4)  # a Friday
YEAR_END = date(2026, 12, 20)  # a Sunday, late in the year

CASES = [
    # ISO, as before
    ("2026-12-04", FRIDAY, date(2026, 12, 4)),
    ("2027-01-15", YEAR_END, date(2027, 1, 15)),
    # day first, with and without a year
    ("4/12", date(2026, 12, 1), date(2026, 12, 4)),
    ("4/12", FRIDAY, date(2026, 12, 4)),  # today is not in the past
    ("4/12", date(2026, 12, 5), date(2027, 12, 4)),
    ("4/1", YEAR_END, date(2027, 1, 4)),  # the year wraps
    ("4.1.", YEAR_END, date(2027, 1, 4)),
    ("4/12/2027", FRIDAY, date(2027, 12, 4)),
    ("24.12.2026", FRIDAY, date(2026, 12, 24)),
    ("29/2", FRIDAY, date(2028, 2, 29)),
    # a named month, Danish and English
    ("4. dec.", date(2026, 12, 1), date(2026, 12, 4)),
    ("4. dec", date(2026, 12, 1), date(2026, 12, 4)),
    ("4. januar", YEAR_END, date(2027, 1, 4)),
    ("4. marts 2027", FRIDAY, date(2027, 3, 4)),
    ("4 December", date(2026, 12, 1), date(2026, 12, 4)),
    ("December 4", date(2026, 12, 1), date(2026, 12, 4)),
    ("Jan 4, 2027", FRIDAY, date(2027, 1, 4)),
    ("4-okt.", FRIDAY, date(2027, 10, 4)),
    # words for near days
    ("today", FRIDAY, FRIDAY),
    ("i dag", FRIDAY, FRIDAY),
    ("tomorrow", FRIDAY, date(2026, 12, 5)),
    ("Tomorrow", YEAR_END, date(2026, 12, 21)),
    ("i morgen", FRIDAY, date(2026, 12, 5)),
    ("i-morgen", FRIDAY, date(2026, 12, 5)),
    ("imorgen", FRIDAY, date(2026, 12, 5)),
    ("i overmorgen", FRIDAY, date(2026, 12, 6)),
    ("overmorgen", YEAR_END, date(2026, 12, 22)),
    ("day after tomorrow", FRIDAY, date(2026, 12, 6)),
    ("in 3 days", FRIDAY, date(2026, 12, 7)),
    ("om 2 uger", YEAR_END, date(2027, 1, 3)),
    # weekdays: the next one, never today
    ("friday", FRIDAY, date(2026, 12, 11)),
    ("fredag", FRIDAY, date(2026, 12, 11)),
    ("next friday", date(2026, 12, 1), date(2026, 12, 4)),
    ("næste fredag", date(2026, 12, 1), date(2026, 12, 4)),
    ("næste-fredag", date(2026, 12, 1), date(2026, 12, 4)),
    ("fri", date(2026, 12, 1), date(2026, 12, 4)),
    ("fre.", date(2026, 12, 1), date(2026, 12, 4)),
    ("on Monday", FRIDAY, date(2026, 12, 7)),
    ("man", FRIDAY, date(2026, 12, 7)),
    ("mandag", YEAR_END, date(2026, 12, 21)),
    ("tirs.", FRIDAY, date(2026, 12, 8)),
    ("tuesday", FRIDAY, date(2026, 12, 8)),
    ("ons", FRIDAY, date(2026, 12, 9)),
    ("torsdag", YEAR_END, date(2026, 12, 24)),
    ("lør", FRIDAY, date(2026, 12, 5)),
    ("søndag", YEAR_END, date(2026, 12, 27)),
    ("sun", YEAR_END, date(2026, 12, 27)),
]


@pytest.mark.parametrize(("typed", "today", "meant"), CASES, ids=[f"{c[0]} on {c[1]}" for c in CASES])
def test_a_typed_day_means_the_day_a_person_means(typed: str, today: date, meant: date) -> None:
    assert parse_day(typed, today=today, example="2026-12-18") == meant


@pytest.mark.parametrize(
    "typed", ["31/2", "4/13", "0/5", "someday", "next", "ma", "4. foo", "2026-02-30", "0001-01-01", "in 99999 days"]
)
def test_what_is_no_day_is_refused_with_an_example(typed: str) -> None:
    with pytest.raises(UserFacingError) as caught:
        parse_day(typed, today=FRIDAY, example="2026-12-18")
    assert caught.value.text.msgid == texts.BAD_DATE
    assert caught.value.text.params["example"] == "2026-12-18"


def test_a_slot_name_keeps_its_words_and_the_day_takes_the_tail() -> None:
    assert split_trailing_day(["LinkedIn", "i", "morgen"], today=FRIDAY) == (["LinkedIn"], "i morgen")
    assert split_trailing_day(["Blog", "post", "4.", "dec."], today=FRIDAY) == (["Blog", "post"], "4. dec.")
    assert split_trailing_day(["Blog", "next", "friday"], today=FRIDAY) == (["Blog"], "next friday")
    assert split_trailing_day(["Blog", "2026-13-01"], today=FRIDAY) == (["Blog"], "2026-13-01")
