"""Date extraction (desk.core.analysis.dates)."""

from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desk.core.analysis.dates import extract_dates, parse_reference

_REPO = Path(__file__).resolve().parents[2]
# The seed article (Asia Times, November 2021), kept byte-exact in seeds/.
SEED_ARTICLE = _REPO / "seeds" / "article.txt"


def dates(text: str, published: str | None = "2021-11", **kw: object) -> list[tuple]:
    """(date, precision, approximate, text) of each mention, checking spans."""
    out = []
    for d in extract_dates(text, published, **kw):  # type: ignore[arg-type]
        assert text[d.start : d.end] == d.text
        out.append((d.date, d.precision, d.approximate, d.text))
    return out


def one(text: str, published: str | None = "2021-11", **kw: object) -> tuple:
    found = dates(text, published, **kw)
    assert len(found) == 1, found
    return found[0][:3]


# --- the seed article (Asia Times, November 2021) -------------------------

SEED_CASES = [
    (
        "When Tajikistan’s parliament said on October 28 that China will finance",
        ("2021-10-28", "day", False, "October 28"),
    ),
    (
        "According to a June 2021 United Nations report, there were then an estimated "
        "8,000 to 10,000 foreign fighters",
        ("2021-06", "month", False, "June 2021"),
    ),
    (
        "The two sides conducted their first joint counterterrorism exercises back in 2006 and",
        ("2006", "year", False, "2006"),
    ),
    (
        "and most recently in August this year.",
        ("2021-08", "month", False, "August this year"),
    ),
    (
        "near the Wakhan corridor since at least 2015.",
        ("2015", "year", True, "since at least 2015"),
    ),
    (
        "The Afghan Taliban put Arsalon in control of security of five districts near the "
        "Tajik border in July during its lighting takeover of the country.",
        ("2021-07", "month", False, "July"),
    ),
    (
        "founded by a rogue former Tajik opposition commander, Mahdi Arsalon, a decade ago",
        ("2011", "year", True, "a decade ago"),
    ),
    (
        "Moreover, over the past five or six years, China has quietly helped",
        ("2015", "year", True, "over the past five or six years"),
    ),
    (
        "Russian media recently reported that the Taliban",
        ("2021-11", "month", True, "recently"),
    ),
]


@pytest.mark.parametrize(("text", "expected"), SEED_CASES)
def test_seed_sentences(text: str, expected: tuple) -> None:
    assert dates(text) == [expected]


def test_seed_article() -> None:
    if not SEED_ARTICLE.exists():
        pytest.skip("seed article not available")
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    found = dates(text, "2021-11")
    got = {(d, p, a) for d, p, a, _ in found}
    for _, expected in SEED_CASES:
        assert expected[:3] in got
    # The page's own date banner is a date too, but nothing else is.
    assert ("2023-06-01", "day", False) in got
    assert got <= {e[:3] for _, e in SEED_CASES} | {("2023-06-01", "day", False)}


@pytest.mark.parametrize(
    "text",
    [
        "at the US$8.5 million facility",
        "made up of 12 buildings",
        "some 220 kilometers from Dushanbe",
        "8,000 to 10,000 foreign fighters",
        "its more than 1,300-kilometer border",
        "2000 troops and 1999 km and 2050-km and 1950 people",
        "12000 items, 20210 ids, 2021.5 units, 1,2021, 1.5.2021.3, 31.02.2021",
        "Tajikistan-Afghanistan-Border (1)",
        "the 1800s and 1850 and 2150",
        "he may go; they march on",
    ],
)
def test_numbers_that_are_not_dates(text: str) -> None:
    assert dates(text) == []


# --- absolute -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("on 28 October 2021,", ("2021-10-28", "day", False)),
        ("on 28th of October 2021,", ("2021-10-28", "day", False)),
        ("October 28, 2021", ("2021-10-28", "day", False)),
        ("Oct. 28, 2021", ("2021-10-28", "day", False)),
        ("Sept 3 2019", ("2019-09-03", "day", False)),
        ("2021-10-28", ("2021-10-28", "day", False)),
        ("28.10.2021", ("2021-10-28", "day", False)),
        ("1.6.2021,", ("2021-06-01", "day", False)),
        ("in June 2021", ("2021-06", "month", False)),
        ("June, 2021", ("2021-06", "month", False)),
        ("in 2006", ("2006", "year", False)),
        ("the 2006 exercises", ("2006", "year", False)),
        ("mid-2020", ("2020", "year", True)),
        ("early 2019", ("2019", "year", True)),
        ("late 2021", ("2021", "year", True)),
        ("by the end of 2021", ("2021", "year", True)),
        ("around 2010", ("2010", "year", True)),
        ("the 1990s", ("1990", "year", True)),
        ("the early 1990s", ("1990", "year", True)),
        ("late October", ("2021-10", "month", True)),
        ("late October 2019", ("2019-10", "month", True)),
        ("since 2015", ("2015", "year", False)),
    ],
)
def test_absolute(text: str, expected: tuple) -> None:
    assert one(text) == expected


def test_day_without_year_takes_the_published_year() -> None:
    assert one("on October 28", "2021-11-05") == ("2021-10-28", "day", False)
    assert one("on October 28", "2019") == ("2019-10-28", "day", False)
    assert dates("on October 28", None) == []
    assert one("on October 28", None, today=date(2020, 1, 1)) == ("2020-10-28", "day", False)


def test_impossible_days_are_skipped() -> None:
    assert dates("February 30, 2021 and 2021-13-01") == []
    assert dates("on February 29", "2021") == []
    assert one("on February 29", "2020") == ("2020-02-29", "day", False)


def test_russian() -> None:
    assert dates("28 октября 2021 года") == [("2021-10-28", "day", False, "28 октября 2021 года")]
    assert dates("в июне 2021 года") == [("2021-06", "month", False, "июне 2021 года")]
    assert dates("в июне 2021") == [("2021-06", "month", False, "июне 2021")]
    assert one("Январь 2020") == ("2020-01", "month", False)
    assert one("1 мая 2019 г.") == ("2019-05-01", "day", False)
    assert one("в 2006 году") == ("2006", "year", False)
    assert one("в августе этого года") == ("2021-08", "month", False)
    assert one("в июле") == ("2021-07", "month", False)
    assert one("в прошлом году") == ("2020", "year", False)
    assert one("вчера", "2021-11-05") == ("2021-11-04", "day", False)


def test_chinese() -> None:
    assert dates("2021年10月28日，塔吉克斯坦议会") == [
        ("2021-10-28", "day", False, "2021年10月28日")
    ]
    assert one("据2021年6月联合国报告") == ("2021-06", "month", False)
    assert one("早在2006年") == ("2006", "year", False)
    assert one("上世纪1990年代") == ("1990", "year", True)
    assert one("今年8月") == ("2021-08", "month", False)
    assert one("去年") == ("2020", "year", False)
    assert one("10月28日", "2021-11") == ("2021-10-28", "day", False)
    assert one("上个月") == ("2021-10", "month", False)


def test_persian_gregorian_months() -> None:
    assert one("۲۸ اکتبر ۲۰۲۱") == ("2021-10-28", "day", False)
    assert one("در ژوئن 2021") == ("2021-06", "month", False)
    # Arabic kaf spelling
    assert one("28 اكتبر 2021") == ("2021-10-28", "day", False)


def test_solar_hijri_is_not_converted() -> None:
    # ۱۴۰۰ (Solar Hijri 1400) is outside 1900-2099: not a year.
    assert dates("سال ۱۴۰۰") == []


# --- relative -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        ("in August this year", "2021-11", ("2021-08", "month", False)),
        ("in August last year", "2021-11", ("2020-08", "month", False)),
        ("last month", "2021-11", ("2021-10", "month", False)),
        ("last month", "2021-01-15", ("2020-12", "month", False)),
        ("next month", "2021-12", ("2022-01", "month", False)),
        ("this month", "2021-11-05", ("2021-11", "month", False)),
        ("last year", "2021-11", ("2020", "year", False)),
        ("this year", "2021", ("2021", "year", False)),
        ("next year", "2021", ("2022", "year", False)),
        ("recently", "2021-11-05", ("2021-11-05", "day", True)),
        ("recently", "2021", ("2021", "year", True)),
        ("a decade ago", "2021-11", ("2011", "year", True)),
        ("two years ago", "2021-11", ("2019", "year", False)),
        ("3 months ago", "2021-02", ("2020-11", "month", False)),
        ("over the past five or six years", "2021", ("2015", "year", True)),
        ("in the past two decades", "2021", ("2001", "year", True)),
        ("yesterday", "2021-11-05", ("2021-11-04", "day", False)),
        # 2021-11-05 is a Friday: "on Monday" is the Monday before it.
        ("on Monday", "2021-11-05", ("2021-11-01", "day", False)),
        ("on Friday", "2021-11-05", ("2021-10-29", "day", False)),
        ("last Saturday", "2021-11-05", ("2021-10-30", "day", False)),
        ("in July", "2021-11", ("2021-07", "month", False)),
        ("in July", "2021-05-01", ("2020-07", "month", False)),
        ("in July", "2021", ("2021-07", "month", False)),
        ("last August", "2021-11", ("2021-08", "month", False)),
        ("last December", "2021-11", ("2020-12", "month", False)),
    ],
)
def test_relative(text: str, published: str, expected: tuple) -> None:
    assert one(text, published) == expected


def test_relative_needs_a_reference() -> None:
    text = "last month, in July, recently, a decade ago, yesterday, on Monday"
    assert dates(text, None) == []
    today = date(2021, 11, 5)
    assert [d[0] for d in dates(text, None, today=today)] == [
        "2021-10",
        "2021-07",
        "2021-11-05",
        "2011",
        "2021-11-04",
        "2021-11-01",
    ]
    # published wins over today
    assert one("last year", "2010", today=today) == ("2009", "year", False)


def test_day_relatives_need_a_day_reference() -> None:
    assert dates("yesterday, on Monday", "2021-11") == []
    assert dates("last month", "2021") == []


def test_month_names_need_capitals_or_context() -> None:
    assert dates("we may march in may", "2021") == []
    assert one("in May", "2021") == ("2021-05", "month", False)
    # A person, not the month.
    assert dates("as Theresa May said in May's cabinet", "2021") == []


def test_spans_and_order() -> None:
    text = "Born 4 July 1990, moved in 2006; last year, on 2021-10-28."
    found = extract_dates(text, "2021-11")
    assert [d.start for d in found] == sorted(d.start for d in found)
    assert [d.text for d in found] == ["4 July 1990", "2006", "last year", "2021-10-28"]
    for a, b in itertools.pairwise(found):
        assert a.end <= b.start


def test_parse_reference() -> None:
    assert parse_reference("2021-11-05T10:00:00Z") == (2021, 11, 5)
    assert parse_reference("2021-11") == (2021, 11, None)
    assert parse_reference("2021") == (2021, None, None)
    assert parse_reference("2021-13") == (2021, None, None)
    assert parse_reference("2021-02-30") == (2021, 2, None)
    assert parse_reference("someday") is None
    assert parse_reference("") is None
    assert parse_reference(None) is None


def test_bad_published_is_ignored() -> None:
    assert dates("last year and in 2006", "not a date") == [("2006", "year", False, "2006")]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300), st.sampled_from([None, "2021", "2021-11", "2021-11-05"]))
def test_never_raises_and_spans_are_in_the_text(text: str, published: str | None) -> None:
    previous_end = 0
    for d in extract_dates(text, published, today=date(2021, 11, 5)):
        assert 0 <= d.start < d.end <= len(text)
        assert d.start >= previous_end
        assert text[d.start : d.end] == d.text
        assert d.precision in ("day", "month", "year")
        assert len(d.date) == {"day": 10, "month": 7, "year": 4}[d.precision]
        previous_end = d.end


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            ["October", "28", "2021", " ", ",", "in", "last", "year", "年", "月", "日", "-", "ago"]
        ),
        max_size=20,
    )
)
def test_date_like_noise(parts: list[str]) -> None:
    text = "".join(parts)
    for d in extract_dates(text, "2021-11-05"):
        assert text[d.start : d.end] == d.text


_WORDS = (  # noqa: SIM905
    "October 28 2021 , in on since at least as early the past last this next a few two five "
    "or six years months decade ago recently yesterday Monday mid - late early end of 1990s "
    "июне октября 2021 года в этом году прошлом 年 月 日 今年 8 ژوئن اکتبر May may 2000 km"
).split()


def _assert_gate_finds_every_start(text: str) -> None:
    """``_PATTERN`` (gated) finds what trying every alternative at every word start finds."""
    import re

    from desk.core.analysis import dates as module

    plain = re.compile(
        r"(?:(?<!\w)|(?<=[\u3400-\u9fff]))(?:"
        + "|".join(f"(?P<{n}>{rx})" for n, rx in module._ALTERNATIVES)
        + ")"
    )
    fast = [(m.span(), m.lastgroup) for m in module._PATTERN.finditer(text)]
    slow = [(m.span(), m.lastgroup) for m in plain.finditer(text)]
    assert fast == slow


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([*_WORDS, " ", " ", "  "]), max_size=25))
def test_gate_loses_nothing(parts: list[str]) -> None:
    """The fast gate finds what trying every alternative at every word start finds."""
    _assert_gate_finds_every_start(" ".join(parts))


# --- Tajik, Solar Hijri, Chinese day-of-month, other languages' relative words ---


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Созишнома 11 марти соли 2024 ба имзо расид", ("2024-03-11", "day", False)),
        ("қаблан, 28 октябри соли 2021, бо Ван И", ("2021-10-28", "day", False)),
        ("дар моҳи августи соли 2021 Кобулро", ("2021-08", "month", False)),
        ("то охири соли 2024 сохта мешаванд", ("2024", "year", True)),
        ("соли гузашта", ("2023", "year", False)),
        ("рӯзи сешанбе хабар дод", ("2024-03-05", "day", False)),
        ("будут построены до конца 2024 года", ("2024", "year", True)),
        ("подписали в понедельник", ("2024-03-11", "day", False)),
        ("کابل، ۲۲ حوت ۱۴۰۲ - چین", ("2024-03-12", "day", False)),
        ("در ۶ عقرب ۱۴۰۰ با ملا برادر", ("2021-10-28", "day", False)),
        ("از ۲۴ اسد ۱۴۰۰ کنترل کابل", ("2021-08-15", "day", False)),
        ("۲۲ اسفند 1402", ("2024-03-12", "day", False)),
        ("1402/12/22", ("2024-03-12", "day", False)),
        ("در حوت ۱۴۰۲", ("2024-03", "month", True)),
        ("۱۵ حوت", ("2024-03-05", "day", False)),
        ("تا پایان سال ۲۰۲۴ میلادی", ("2024", "year", True)),
        ("سال گذشته", ("2023", "year", False)),
        ("روز سه‌شنبه", ("2024-03-05", "day", False)),
        ("内务部12日发表声明", ("2024-03-12", "day", False)),
        ("内务部20日发表声明", ("2024-02-20", "day", False)),
        ("预计于2024年底前建成", ("2024", "year", True)),
    ],
)
def test_tajik_solar_hijri_and_other_languages(text: str, expected: tuple) -> None:
    assert one(text, "2024-03-12") == expected


@pytest.mark.parametrize(
    "text",
    [
        "۵ تیر از تفنگ",  # "5 bullets", not 5 Tir
        "۳ سرطان",  # "3 cancers"
        "۱۳۴۴ کیلومتر",  # a length
        "در سال ۱۴۰۰",  # a bare Solar Hijri year
        "日本 第12号决议",
        "Душанбе",  # the capital, though it is also "Monday" in Tajik
    ],
)
def test_not_dates_in_other_languages(text: str) -> None:
    assert dates(text, "2024-03-12") == []


_OTHER_WORDS = (  # noqa: SIM905
    "۲۲ حوت ۱۴۰۲ 1402/12/22 عقرب سال گذشته روز سه‌شنبه پایان ۲۰۲۴ 12 марти соли октябри "
    "августи моҳи охири гузашта рӯзи сешанбе в во понедельник до конца 2024 года 12日 年底 "
    "日本 1400 тир"
).split()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*_OTHER_WORDS, " ", " "]), max_size=20))
def test_gate_loses_nothing_in_other_languages(parts: list[str]) -> None:
    """The gate also passes every Tajik, Russian, Persian and Chinese phrase start."""
    _assert_gate_finds_every_start(" ".join(parts))
