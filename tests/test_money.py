from datetime import date

import pytest

from cpweek.money import (
    AmountError,
    TaxYear,
    format_pence,
    parse_pounds,
    pence_to_plain,
    tax_year_of,
)


@pytest.mark.parametrize(
    "pence, text",
    [(0, "£0.00"), (5, "£0.05"), (1250, "£12.50"), (123456, "£1,234.56"), (-1840, "−£18.40")],
)
def test_format_pence(pence, text):
    assert format_pence(pence) == text


def test_plain_amounts_for_csv():
    assert pence_to_plain(8250) == "82.50"
    assert pence_to_plain(-5) == "-0.05"


@pytest.mark.parametrize(
    "text, pence",
    [
        ("12", 1200),
        ("12.5", 1250),
        ("12.50", 1250),
        ("£1,234.56", 123456),
        (" 0.01 ", 1),
        ("1,000", 100000),
    ],
)
def test_parse_pounds(text, pence):
    assert parse_pounds(text) == pence


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "Enter an amount"),
        ("-5", "£0.01 or more"),
        ("0", "£0.01 or more"),
        ("12.345", "pounds and pence"),
        ("twelve", "pounds and pence"),
        ("1e3", "pounds and pence"),
        ("NaN", "pounds and pence"),
        ("5000.01", "£5,000.00 or less"),
        ("99999999999", "pounds and pence"),
        ("12,50", "full stop for pence"),
        ("1,2,3", "full stop for pence"),
    ],
)
def test_parse_pounds_refuses_what_is_not_money(text, message):
    with pytest.raises(AmountError) as error:
        parse_pounds(text)
    assert message in str(error.value)


@pytest.mark.parametrize(
    "day, start",
    [
        (date(2027, 4, 5), 2026),
        (date(2027, 4, 6), 2027),
        (date(2026, 1, 1), 2025),
        (date(2026, 12, 31), 2026),
    ],
)
def test_tax_year_runs_6_april_to_5_april(day, start):
    year = tax_year_of(day)
    assert year == TaxYear(start)
    assert day in year
    assert year.starts_on == date(start, 4, 6) and year.ends_on == date(start + 1, 4, 5)
    assert year.label == f"{start} to {start + 1}"
