"""Clipping real-looking news pages: layouts, date lines, datelines, boilerplate."""

from __future__ import annotations

from pathlib import Path

import pytest

from desk.core.analysis.calendars import solar_hijri_to_gregorian
from desk.core.clipping import clip_text, read_file
from desk.core.clipping.article import date_line, dateline_date, is_boilerplate, parse_date
from desk.core.clipping.datelines import chinese_dateline

_SPUTNIK = """<!DOCTYPE html><html><head>
<title>Китай построит заставы - Sputnik Таджикистан</title>
<meta property="og:site_name" content="Sputnik Таджикистан">
</head><body>
<div id="cookies" class="cookies-notice"><p>Мы используем файлы cookie.</p></div>
<div class="header-menu"><ul><li><a href="/p">Политика</a></li></ul></div>
<div class="article">
<div class="article__header">
<h1 class="article__title">Китай построит заставы на границе</h1>
<div class="article__info-date">10:15 12.03.2024 (обновлено: 12:40 12.03.2024)</div>
<div class="article__announce-text">Пекин профинансирует строительство трех застав</div>
</div>
<div class="article__body">
<div class="article__text">ДУШАНБЕ, 12 марта — Sputnik. Китай профинансирует строительство застав.</div>
<div class="article__text">Соглашение подписали в Душанбе в понедельник, сообщили в МВД.</div>
<div class="article__text">Протяженность границы составляет 1344 километра.</div>
</div>
<div class="article__tags"><a href="/t">Китай</a><a href="/t2">Таджикистан</a></div>
</div>
<div class="footer"><p>© 2024 Sputnik. Все права защищены. 18+ Длинный текст подвала сайта.</p></div>
</body></html>"""


def test_page_of_divs_without_paragraph_tags_keeps_the_article() -> None:
    doc = clip_text(_SPUTNIK, fmt="html", split="paragraphs")
    assert doc.source.title == "Китай построит заставы на границе"
    assert doc.source.published == "2024-03-12"
    kinds = [(p.kind, p.body[:12]) for p in doc.passages]
    assert kinds == [
        ("standfirst", "Пекин профин"),
        ("passage", "ДУШАНБЕ, 12 "),
        ("passage", "Соглашение п"),
        ("passage", "Протяженност"),
    ]
    text = doc.source.text or ""
    for junk in ("cookie", "Политика", "Все права", "Таджикистан"):
        assert junk not in text, junk


_TOLO = """<html lang="fa-AF" dir="rtl"><head><meta charset="utf-8">
<title>چین سه پاسگاه مرزی می‌سازد</title></head><body>
<nav><a href="/">خانه</a></nav>
<div class="container">
<h1>چین سه پاسگاه مرزی جدید می‌سازد</h1>
<div class="post-meta"><span>۲۲ حوت ۱۴۰۲</span> - <span>نویسنده: احمد رحیمی</span></div>
<div class="post-content">
<p>کابل، ۲۲ حوت ۱۴۰۲ - چین هزینهٔ ساخت سه پاسگاه مرزی جدید را بر عهده می‌گیرد.</p>
<p>این پاسگاه‌ها در نزدیکی دهلیز واخان ساخته می‌شوند و تا پایان سال تکمیل می‌شوند.</p>
</div></div>
<footer><p>کلیه حقوق محفوظ است</p></footer></body></html>"""


def test_headline_and_meta_beside_the_body_box_are_read() -> None:
    doc = clip_text(_TOLO, fmt="html", split="paragraphs")
    assert doc.source.title == "چین سه پاسگاه مرزی جدید می‌سازد"
    assert doc.source.published == "2024-03-12"  # 22 Hut 1402
    assert doc.source.author == "احمد رحیمی"
    assert doc.source.language == "fa"
    assert [p.body[:4] for p in doc.passages] == ["کابل", "این "]


def test_body_class_naming_a_cookie_bar_does_not_drop_the_page() -> None:
    html = (
        '<html><body class="has-cookie-bar overflow-hidden"><div class="wrap">'
        "<p>The first paragraph of the report is long enough to be one.</p>"
        "<p>The second paragraph of the report is also long enough.</p>"
        '</div><div class="newsletter-signup"><p>Sign up for our briefing.</p></div>'
        "</body></html>"
    )
    doc = clip_text(html, fmt="html", split="paragraphs")
    assert [p.body[:10] for p in doc.passages] == ["The first ", "The second"]


def test_site_name_after_an_underscore_leaves_the_title() -> None:
    html = (
        "<html><head><title>中国援建塔吉克斯坦边境哨所_新华网</title></head><body>"
        "<p>新华社杜尚别3月12日电 塔吉克斯坦内务部12日发表声明说，中国将出资援建哨所。</p>"
        "</body></html>"
    )
    doc = clip_text(html, fmt="html")
    assert doc.source.title == "中国援建塔吉克斯坦边境哨所"
    assert doc.source.publisher == "新华网"


def test_date_line_under_the_headline_is_the_date_not_a_passage() -> None:
    text = (
        "# China funds new border posts\n\n"
        "March 12, 2024, 8:30 AM\n\n"
        "China will pay for three new outposts, the ministry said.\n\n"
        "The outposts will be built by the end of 2024."
    )
    doc = clip_text(text, fmt="md", split="paragraphs")
    assert doc.source.published == "2024-03-12"
    assert [p.body[:5] for p in doc.passages] == ["China", "The o"]


def test_site_boilerplate_lines_are_left_out_with_a_notice() -> None:
    text = (
        "China will pay for three new outposts, the ministry said.\n\n"
        "Reporting by Jane Doe; Editing by Tom Brown\n\n"
        "（责任编辑：李华）\n\n"
        "© 2024 Sputnik. Все права защищены."
    )
    doc = clip_text(text, split="paragraphs")
    assert [p.body[:5] for p in doc.passages] == ["China"]
    assert (
        "3 lines of site boilerplate left out (menus, buttons, credits, copyright)" in doc.notices
    )


@pytest.mark.parametrize(
    "line",
    [
        "Reporting by Jane Doe; Editing by Tom Brown",
        "Our Standards: The Thomson Reuters Trust Principles.",
        "© 2024 АМИТ «Ховар». Ҳамаи ҳуқуқҳо ҳифз شудаанд.",
        "Copyright © 2000-2024 XINHUANET.com All Rights Reserved.",
        "کلیه حقوق برای طلوع‌نیوز محفوظ است © ۱۴۰۲",
    ],
)
def test_boilerplate(line: str) -> None:
    assert is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "Editing by hand is slow, he said.",
        "The reporting by local media was sparse.",
        "Rights groups said the law was reserved for opponents.",
    ],
)
def test_prose_is_not_boilerplate(line: str) -> None:
    assert not is_boilerplate(line)


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("۲۲ حوت ۱۴۰۲", "2024-03-12"),
        ("22 Hut 1402", None),
        ("۶ عقرب ۱۴۰۰", "2021-10-28"),
        ("۲۲ اسفند ۱۴۰۲", "2024-03-12"),
        ("1402/12/22", "2024-03-12"),
        ("۲۰۲۴-۰۳-۱۲", "2024-03-12"),
        ("28 октябри соли 2021", "2021-10-28"),
        ("11 марти 2024", "2024-03-11"),
    ],
)
def test_parse_date_solar_hijri_tajik_and_persian_digits(value: str, iso: str | None) -> None:
    assert parse_date(value) == iso


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("March 12, 2024, 8:30 AM", "2024-03-12"),
        ("10:15 12.03.2024 (обновлено: 12:40 12.03.2024)", "2024-03-12"),
        ("12.03.2024 10:20", "2024-03-12"),
        ("2024-03-12 15:30:00", "2024-03-12"),
        ("Tuesday, March 12, 2024", "2024-03-12"),
        ("Negotiators met on 12 March 2024.", None),
        ("12 March 2024 was a Tuesday", None),
    ],
)
def test_date_line(line: str, iso: str | None) -> None:
    assert date_line(line) == iso


@pytest.mark.parametrize(
    ("paragraph", "iso"),
    [
        ("کابل، ۲۲ حوت ۱۴۰۲ - چین هزینهٔ ساخت", "2024-03-12"),
        ("ДУШАНБЕ, 12.03.2024 /АМИТ «Ховар»/. Ҷумҳурии Мардумии Чин", "2024-03-12"),
        ("DUSHANBE, March 12 (Reuters) - China will pay", None),
        ("However, the talks on 12 March 2024 - failed", None),
    ],
)
def test_dateline_date(paragraph: str, iso: str | None) -> None:
    assert dateline_date(paragraph) == iso


@pytest.mark.parametrize(
    ("paragraph", "found"),
    [
        ("新华社杜尚别10月28日电（记者王小明）塔吉克斯坦议会", (None, "王小明")),
        ("新华社北京2024年3月12日电（记者王小明、李华）中国将", ("2024-03-12", "王小明、李华")),
        ("人民网杜尚别3月12日电 （记者 张三 李四 通讯员王五）据报道", (None, "张三、李四")),
        ("新华社北京２０２４年３月１２日电（记者王小明）", ("2024-03-12", "王小明")),
        ("中新网3月12日电 据外媒报道", (None, None)),
        ("据报道，10月28日中国与塔吉克斯坦", None),
        ("（记者王小明）北京消息", None),
    ],
)
def test_chinese_dateline(paragraph: str, found: tuple[str | None, str | None] | None) -> None:
    assert chinese_dateline(paragraph) == found


def test_a_xinhua_style_file_gets_its_reporter_and_date(tmp_path: Path) -> None:
    path = tmp_path / "xinhua.txt"
    path.write_text(
        "中塔边境哨所交付使用\n\n"
        "新华社杜尚别2024年3月12日电（记者王小明、李华）中国援建的边境哨所12日在塔吉克斯坦"
        "戈尔诺-巴达赫尚自治州交付使用。\n\n"
        "塔吉克斯坦内务部官员出席了交付仪式。\n",
        encoding="utf-8",
    )
    doc = read_file(path)
    assert doc.source.author == "王小明、李华"
    assert doc.source.published == "2024-03-12"
    assert doc.source.language == "zh"


def test_dateline_dates_a_plain_text_file(tmp_path: Path) -> None:
    path = tmp_path / "khovar.txt"
    path.write_bytes(
        "\ufeffЧин се посгоҳи нав месозад\r\n\r\n"
        "ДУШАНБЕ, 12.03.2024 /АМИТ «Ховар»/. Ҷумҳурии Мардумии Чин сохтмони посгоҳро "
        "маблағгузорӣ мекунад.\r\n\r\n"
        "Созишнома 11 марти соли 2024 дар шаҳри Душанбе ба имзо расид.\r\n".encode()
    )
    doc = read_file(path)
    assert doc.source.title == "Чин се посгоҳи нав месозад"
    assert doc.source.published == "2024-03-12"
    assert doc.source.language == "tg"
    assert len(doc.passages) == 2


@pytest.mark.parametrize(
    ("ymd", "iso"),
    [
        ((1403, 1, 1), "2024-03-20"),
        ((1400, 5, 24), "2021-08-15"),
        ((1399, 12, 30), "2021-03-20"),  # a leap year
        ((1402, 12, 30), None),  # not one
        ((1354, 1, 1), "1975-03-21"),
        ((1402, 7, 31), None),
    ],
)
def test_solar_hijri_to_gregorian(ymd: tuple[int, int, int], iso: str | None) -> None:
    result = solar_hijri_to_gregorian(*ymd)
    assert (result.isoformat() if result else None) == iso


def test_byline_and_date_on_consecutive_lines_of_a_text_file(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_bytes(
        "Китай и Таджикистан договорились о заставах\n\n"
        "Автор: Иван Петров\n"
        "Опубликовано: 12.03.2024\n\n"
        "Представители Китая и Таджикистана подписали соглашение в понедельник.\n"
        "Работы начнутся в апреле этого года.\n".encode("cp1251")
    )
    doc = read_file(path)
    assert doc.source.author == "Иван Петров"
    assert doc.source.published == "2024-03-12"
    assert [p.body[:6] for p in doc.passages] == ["Предст", "Работы"]


def test_text_copied_from_a_page_loses_its_menus_and_buttons() -> None:
    text = (
        "Skip to main content\nTuesday, March 12, 2024\nWorld\nPolitics\nSubscribe\n\n"
        "China funds new Tajik border posts near Wakhan\n\n"
        "By Jane Doe\nMarch 12, 2024, 8:30 AM\n\n"
        "Beijing will pay for three outposts on the Afghan frontier\n\n"
        "DUSHANBE, March 12 (Reuters) - China will pay for three new outposts.\n\n"
        "Advertisement\n\n"
        "The outposts will be built by the end of 2024, the ministry said.\n\n"
        "Share this article\nFacebook\nTwitter\nEmail\n\n"
        "Reporting by Jane Doe; Editing by Tom Brown"
    )
    doc = clip_text(text, split="paragraphs")
    assert doc.source.title == "China funds new Tajik border posts near Wakhan"
    assert doc.source.author == "Jane Doe"
    assert doc.source.published == "2024-03-12"
    assert [(p.kind, p.body[:8]) for p in doc.passages] == [
        ("standfirst", "Beijing "),
        ("passage", "DUSHANBE"),
        ("passage", "The outp"),
    ]


def test_short_lines_with_sentences_are_not_a_menu() -> None:
    text = "The three posts:\nIshkoshim\nVakhon\nLangar\n\nEach will hold forty guards."
    doc = clip_text(text, split="paragraphs")
    assert "Ishkoshim" in " ".join(p.body for p in doc.passages)


def test_a_list_of_names_in_the_body_is_kept() -> None:
    text = (
        "The ministry named the sites of the three new posts on Monday.\n\n"
        "Ishkoshim\nVakhon\nLangar\n\n"
        "Each will hold forty guards."
    )
    doc = clip_text(text, split="paragraphs")
    assert [p.body[:6] for p in doc.passages] == ["The mi", "Ishkos", "Each w"]


def test_is_menu_takes_blank_lines_without_failing() -> None:
    from desk.core.clipping.chrome import is_menu

    assert is_menu(["World", "", "Politics", "Business", "   "], at_top=True)
    assert not is_menu(["", "", ""], at_top=False)
