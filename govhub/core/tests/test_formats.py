import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import translation

from govhub.core.formats import country_name, long_date, long_datetime

MOMENT = dt.datetime(2026, 12, 2, 14, 29, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "2 December 2026, 14:29"),
        ("ru", "2 декабря 2026\u202fг., 14:29"),  # noqa: RUF001
        ("fa-af", "2 دسمبر 2026، 14:29"),
    ],
)
def test_long_datetime_names_the_month_in_each_language(settings, language, expected):
    # given
    settings.TIME_ZONE = "UTC"
    # when
    with translation.override(language):
        text = long_datetime(MOMENT)
    # then
    assert text == expected


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "2 December 2026"), ("ru", "2 декабря 2026\u202fг."), ("fa-af", "2 دسمبر 2026")],  # noqa: RUF001
)
def test_long_date_filter_renders_in_the_active_language(language, expected):
    # given
    template = Template("{% load govhub_dates %}{{ day|long_date }}")
    # when
    with translation.override(language):
        text = template.render(Context({"day": dt.date(2026, 12, 2)}))
    # then
    assert text == expected


def test_empty_dates_render_as_empty_text():
    # given / when / then
    assert (long_date(None), long_datetime(None)) == ("", "")


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "Georgia (Country)"), ("ru", "Грузия"), ("fa-af", "گرجستان")],
)
def test_country_name_comes_from_cldr_outside_english(language, expected):
    # given / when
    with translation.override(language):
        name = country_name("GE", "Georgia (Country)")
    # then
    assert name == expected


def test_country_name_falls_back_for_an_unknown_code():
    # given / when
    with translation.override("ru"):
        name = country_name("", "Somewhere")
    # then
    assert name == "Somewhere"
