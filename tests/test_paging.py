"""cpweek/paging.py: the page number read from an address, and where a page sits in a list."""

from __future__ import annotations

import pytest

from cpweek.paging import BEYOND, PageNotFound, Paging, page_number


@pytest.mark.parametrize(
    "text, number",
    [
        (None, 1),
        ("", 1),
        ("  ", 1),
        ("abc", 1),
        ("0", 1),
        ("-1", 1),
        ("1.5", 1),
        ("１", 1),  # a full-width digit
        ("²", 1),  # a digit to str.isdigit, not a number to int()
        ("1", 1),
        (" 7 ", 7),
        ("999999999", 999_999_999),
        ("1000000000", BEYOND),
        ("99999999999999999999", BEYOND),
        ("9" * 5000, BEYOND),
    ],
)
def test_a_page_number_is_a_whole_number_from_1_or_the_first_page(text, number):
    assert page_number(text) == number


def test_paging_says_which_rows_a_page_shows():
    assert (Paging(1, 50, 0).pages, Paging(1, 50, 0).first, Paging(1, 50, 0).last) == (1, 0, 0)
    middle = Paging(2, 50, 700)
    assert (middle.pages, middle.offset, middle.first, middle.last) == (14, 50, 51, 100)
    last = Paging(3, 50, 120)
    assert (last.pages, last.first, last.last) == (3, 101, 120)
    assert last.check() is last
    with pytest.raises(PageNotFound, match=r"There is no page 4: there are 3 pages of results\."):
        Paging(4, 50, 120).check()
    with pytest.raises(PageNotFound, match="there is 1 page of comments"):
        Paging(BEYOND, 50, 0).check("comments")
