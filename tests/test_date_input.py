"""Dates and times typed in boxes (GOV.UK date input): what each box accepts, the message for
each way of getting it wrong, and how the form macro draws it (a fieldset whose legend is the
question, a box each with its label, the error summary linking to the first wrong box)."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from pathlib import Path

import pytest
from flask import Flask, render_template_string
from werkzeug.datastructures import MultiDict
from wtforms.validators import InputRequired, Optional

from cpweek import messages
from cpweek.dateparts import PartsInvalid, parse_date, parse_time
from cpweek.forms import BaseForm, DateInputField, DateTimeInputField, TimeInputField
from tests.boxes import boxes, date_boxes, shown_in, time_boxes


class WhenForm(BaseForm):
    when = DateInputField(
        "When did it happen?", validators=[InputRequired("Enter the date")], noun="The date"
    )
    until = DateInputField("Until (optional)", validators=[Optional()], noun="The end date")
    starts = TimeInputField(
        "Starts", validators=[InputRequired("Enter the start time")], noun="The start time"
    )
    ends = TimeInputField("Ends (UK time)", validators=[Optional()], noun="The end time")
    opens = DateTimeInputField("Opens", validators=[Optional()], noun="When it opens")


@pytest.fixture(scope="module")
def light_app():
    """Only what a form and the macro need: no database."""
    app = Flask(__name__, template_folder=str(Path(__file__).parent.parent / "templates"))
    app.config.update(SECRET_KEY="test", WTF_CSRF_ENABLED=False)
    messages.init_app(app)  # the error summary macro tells the page title it showed an error
    return app


def _form(light_app, data: dict) -> WhenForm:
    typed = {**date_boxes("when", "27", "3", "2027"), **time_boxes("starts", "14", "30"), **data}
    with light_app.test_request_context(method="POST", data=MultiDict(typed)):
        form = WhenForm()
        form.validate()
        return form


def _typed_date(day: str, month: str, year: str, noun: str = "The date"):
    try:
        return parse_date({"day": day, "month": month, "year": year}, noun)
    except PartsInvalid as error:
        return error.message, error.parts


def _typed_time(hour: str, minute: str = ""):
    try:
        return parse_time({"hour": hour, "minute": minute}, "The time")
    except PartsInvalid as error:
        return error.message, error.parts


# --- what a date's boxes accept ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "month", "year", "meant"),
    [
        ("27", "3", "2027", date(2027, 3, 27)),
        ("07", "03", "2027", date(2027, 3, 7)),
        (" 1 ", " 7 ", " 2027 ", date(2027, 7, 1)),
        ("27", "March", "2027", date(2027, 3, 27)),
        ("27", "mar", "2027", date(2027, 3, 27)),
        ("1", "Sept.", "2026", date(2026, 9, 1)),
        ("29", "2", "2028", date(2028, 2, 29)),  # a leap day
        ("29", "2", "2000", date(2000, 2, 29)),  # a leap year although a century
        ("31", "12", "2200", date(2200, 12, 31)),
    ],
)
def test_a_real_date_is_read_as_people_write_it(day, month, year, meant):
    assert _typed_date(day, month, year) == meant


@pytest.mark.parametrize(
    ("day", "month", "year", "message", "marked"),
    [
        ("", "3", "2027", "The date must include a day", ("day",)),
        ("27", "", "2027", "The date must include a month", ("month",)),
        ("27", "3", "", "The date must include a year", ("year",)),
        ("", "", "2027", "The date must include a day and month", ("day", "month")),
        ("27", "", "", "The date must include a month and year", ("month", "year")),
        ("", "3", "", "The date must include a day and year", ("day", "year")),
    ],
)
def test_a_missing_box_is_named(day, month, year, message, marked):
    assert _typed_date(day, month, year) == (message, marked)


@pytest.mark.parametrize(
    ("day", "month", "year", "marked"),
    [
        ("31", "2", "2027", ("day", "month", "year")),  # no 31 February
        ("29", "2", "2027", ("day", "month", "year")),  # 2027 is no leap year
        ("29", "2", "2100", ("day", "month", "year")),  # nor is 2100
        ("31", "4", "2027", ("day", "month", "year")),
        ("0", "3", "2027", ("day",)),
        ("32", "3", "2027", ("day",)),
        ("27", "13", "2027", ("month",)),
        ("27", "0", "2027", ("month",)),
        ("x", "3", "2027", ("day",)),
        ("twenty", "3", "2027", ("day",)),
        ("27", "Marchember", "2027", ("month",)),
        ("-1", "3", "2027", ("day",)),
        ("1.5", "3", "2027", ("day",)),
        ("27", "3", "20x7", ("year",)),
        ("27", "3", "２０２７", ("year",)),  # full-width digits are not taken as a year
        ("99999999999999999999", "3", "2027", ("day",)),
        ("27", "99999999999999999999", "2027", ("month",)),
        ("x", "y", "z", ("day", "month", "year")),
    ],
)
def test_a_date_that_is_not_real_says_so_and_marks_the_box(day, month, year, marked):
    assert _typed_date(day, month, year) == ("The date must be a real date", marked)


@pytest.mark.parametrize("year", ["27", "202", "20277", "99999999999999999999"])
def test_a_year_needs_four_numbers(year):
    assert _typed_date("27", "3", year) == (
        "The date must have a year of 4 numbers, like 2027",
        ("year",),
    )


@pytest.mark.parametrize("year", ["0001", "1899", "2201", "9999"])
def test_a_year_far_away_is_refused_not_a_crash(year):
    assert _typed_date("1", "1", year) == (
        "The date must be in a year from 1900 to 2200",
        ("year",),
    )


# --- what a time's boxes accept ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("hour", "minute", "meant"),
    [
        ("14", "30", time(14, 30)),
        ("9", "5", time(9, 5)),
        ("09", "05", time(9, 5)),
        ("0", "0", time(0, 0)),
        ("23", "59", time(23, 59)),
        ("10", "", time(10, 0)),  # an empty minute box is o'clock
        ("14:30", "", time(14, 30)),  # all typed in the hour box
        ("9.15", "", time(9, 15)),
        ("2pm", "", time(14, 0)),
        ("2 p.m.", "", time(14, 0)),
        ("2.30pm", "", time(14, 30)),
        ("12am", "5", time(0, 5)),
        ("12pm", "", time(12, 0)),
    ],
)
def test_a_real_time_is_read(hour, minute, meant):
    assert _typed_time(hour, minute) == meant


@pytest.mark.parametrize(
    ("hour", "minute", "message", "marked"),
    [
        ("", "30", "The time must include an hour", ("hour",)),
        ("24", "00", "The time must be a real time, with the hour from 0 to 23", ("hour",)),
        ("13pm", "", "The time must be a real time, with the hour from 0 to 23", ("hour",)),
        ("0am", "", "The time must be a real time, with the hour from 0 to 23", ("hour",)),
        ("x", "", "The time must be a real time, with the hour from 0 to 23", ("hour",)),
        (
            "99999999999999999999",
            "",
            "The time must be a real time, with the hour from 0 to 23",
            ("hour",),
        ),
        ("12", "60", "The time must be a real time, with the minutes from 0 to 59", ("minute",)),
        ("12", "x", "The time must be a real time, with the minutes from 0 to 59", ("minute",)),
        ("12", "-1", "The time must be a real time, with the minutes from 0 to 59", ("minute",)),
        ("12", "123", "The time must be a real time, with the minutes from 0 to 59", ("minute",)),
    ],
)
def test_a_time_that_is_not_real_says_so(hour, minute, message, marked):
    assert _typed_time(hour, minute) == (message, marked)


# --- the fields in a form ---------------------------------------------------------------------


def test_good_boxes_give_a_date_a_time_and_an_instant(light_app):
    form = _form(
        light_app,
        {
            **date_boxes("until", "1", "April", "2027"),
            **time_boxes("ends", "16", ""),
            **boxes({"opens": "2027-03-01T09:00"}),
        },
    )
    assert form.errors == {}
    assert form.when.data == date(2027, 3, 27) and form.until.data == date(2027, 4, 1)
    assert form.starts.data == time(14, 30) and form.ends.data == time(16, 0)
    assert form.opens.data == datetime(2027, 3, 1, 9, 0)


def test_blank_optional_boxes_are_none_and_no_error(light_app):
    form = _form(light_app, {**date_boxes("until", "", " ", ""), **time_boxes("ends", "", "")})
    assert form.errors == {}
    assert form.until.data is None and form.ends.data is None and form.opens.data is None


def test_blank_required_boxes_say_what_to_enter_and_mark_every_box(light_app):
    form = _form(light_app, {**date_boxes("when", "", "", ""), **time_boxes("starts", "", "")})
    assert form.when.errors == ["Enter the date"] and form.starts.errors == ["Enter the start time"]
    assert [box.error for box in form.when.boxes()] == [True, True, True]
    assert form.when.anchor_id == "when-day" and form.starts.anchor_id == "starts-hour"


def test_one_wrong_box_is_the_one_marked_and_linked(light_app):
    form = _form(light_app, date_boxes("when", "27", "", "2027"))
    assert form.when.errors == ["The date must include a month"] and form.when.data is None
    assert [(box.part, box.error) for box in form.when.boxes()] == [
        ("day", False),
        ("month", True),
        ("year", False),
    ]
    assert form.when.anchor_id == "when-month"
    assert [box.value for box in form.when.boxes()] == ["27", "", "2027"]  # typed is kept


def test_an_optional_date_half_typed_is_an_error_not_ignored(light_app):
    form = _form(light_app, date_boxes("until", "31", "2", "2027"))
    assert form.until.errors == ["The end date must be a real date"]


def test_a_date_and_time_without_its_time_asks_for_the_hour(light_app):
    form = _form(light_app, boxes({"opens": "2027-03-01"}))
    assert form.opens.errors == ["When it opens must include an hour"]
    assert form.opens.anchor_id == "opens-hour"
    form = _form(light_app, {**boxes({"opens": "2027-02-31T09:00"})})
    assert form.opens.errors == ["When it opens must be a real date"]


def test_control_characters_are_dropped_from_what_was_typed(light_app):
    form = _form(light_app, date_boxes("when", "2\x007", "3", "2027"))
    assert form.when.data == date(2027, 3, 27)


def test_a_value_set_by_the_view_shows_in_the_boxes(light_app):
    with light_app.test_request_context():
        form = WhenForm(formdata=None)
        form.when.data = date(2027, 7, 1)
        form.starts.data = time(9, 5)
        form.opens.data = datetime(2027, 6, 1, 18, 0)
        assert [box.value for box in form.when.boxes()] == ["1", "7", "2027"]
        assert [box.value for box in form.starts.boxes()] == ["09", "05"]
        assert [box.value for box in form.opens.boxes()] == ["1", "6", "2027", "18", "00"]
        assert not any(box.error for box in form.when.boxes())


# --- drawn by the form macro ------------------------------------------------------------------

PAGE = """{% import "_macros/forms.html" as forms %}
{{ forms.error_summary(form) }}{{ forms.field(form.when) }}{{ forms.field(form.starts) }}
{{ forms.field(form.ends) }}{{ forms.field(form.opens) }}"""


def _drawn(light_app, data: dict) -> str:
    typed = {**date_boxes("when", "27", "3", "2027"), **time_boxes("starts", "14", "30"), **data}
    with light_app.test_request_context(method="POST", data=MultiDict(typed)):
        form = WhenForm()
        form.validate()
        return render_template_string(PAGE, form=form)


def test_the_macro_draws_a_fieldset_with_a_labelled_box_each(light_app):
    html = _drawn(light_app, {})
    assert '<legend class="fieldset__legend">When did it happen?</legend>' in html
    assert '<div class="hint" id="when-hint">For example, 27 3 2027</div>' in html
    for part, label, width in (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4)):
        assert f'<label class="label date-input__label" for="when-{part}">{label}</label>' in html
        box = re.search(rf'<input [^>]*id="when-{part}"[^>]*>', html).group(0)
        assert f'name="when-{part}"' in box and 'inputmode="numeric"' in box
        assert f"input--{width}" in box and "aria-invalid" not in box
    assert 'aria-describedby="when-hint"' in html
    assert "There is a problem" not in html
    assert shown_in(html, "when-day") == "27" and shown_in(html, "starts-minute") == "30"


def test_every_time_says_uk_time_once(light_app):
    html = _drawn(light_app, {})
    starts_hint = re.search(r'<div class="hint" id="starts-hint">([^<]*)</div>', html).group(1)
    assert starts_hint.startswith("UK time.") and "24-hour clock" in starts_hint
    ends_hint = re.search(r'<div class="hint" id="ends-hint">([^<]*)</div>', html).group(1)
    assert '<legend class="fieldset__legend">Ends (UK time)</legend>' in html
    assert "UK time" not in ends_hint  # already in the question
    opens_hint = re.search(r'<div class="hint" id="opens-hint">([^<]*)</div>', html).group(1)
    assert "UK time" in opens_hint and "27 3 2027" in opens_hint
    assert [label for label in re.findall(r'for="opens-(\w+)"', html)] == [
        "day",
        "month",
        "year",
        "hour",
        "minute",
    ]


def test_an_error_shows_inline_and_in_the_summary_linked_to_the_first_wrong_box(light_app):
    html = _drawn(
        light_app, {**date_boxes("when", "27", "", "20"), **time_boxes("starts", "9", "75")}
    )
    assert '<a href="#when-month">The date must include a month</a>' in html
    assert '<a href="#starts-minute">The start time must be a real time' in html
    assert (
        'id="when-error"><span class="visually-hidden">Error:</span> The date must include a month'
        in html
    )
    assert 'aria-describedby="when-hint when-error"' in html
    month = re.search(r'<input [^>]*id="when-month"[^>]*>', html).group(0)
    day = re.search(r'<input [^>]*id="when-day"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in month and "input--error" in month
    assert "aria-invalid" not in day and "input--error" not in day
    assert shown_in(html, "when-day") == "27" and shown_in(html, "when-year") == "20"
    assert shown_in(html, "starts-hour") == "9" and shown_in(html, "starts-minute") == "75"


def test_what_was_typed_is_escaped(light_app):
    html = _drawn(light_app, date_boxes("when", '"><script>', "3", "2027"))
    assert "<script>" not in html and "&#34;&gt;&lt;script&gt;" in html
