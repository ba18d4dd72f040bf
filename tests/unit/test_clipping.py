"""Clipping: decoding, page chrome, titles, offsets, HTML and Markdown input."""

from __future__ import annotations

import codecs
import html
import os
import re
import subprocess
import sys
import unicodedata
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import desk.core.clipping as clipping
from desk.core.clipping import (
    ClippedDocument,
    clip_text,
    decode_bytes,
    guess_language,
    make_title,
    read_file,
)
from desk.core.clipping.article import parse_date
from desk.core.errors import UserError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "clipping"

RUSSIAN = (
    "Парламент Таджикистана в четверг одобрил соглашение, по которому Китай "
    "профинансирует строительство заставы на границе с Афганистаном.\n\n"
    "Эксперты считают, что объект позволит Пекину следить за ситуацией в регионе."
)
CHINESE = "中国将出资在塔吉克斯坦修建一座边境哨所。\n分析人士认为，这一设施将帮助北京监视瓦罕走廊。"
FRENCH = (
    "Le président tadjik a déclaré jeudi que la frontière était sûre.\n\n"
    "Les élèves étaient très contents à l'école où ça s'était passé."
)


def assert_offsets(doc: ClippedDocument) -> None:
    text = doc.source.text
    assert text is not None
    for p in doc.passages:
        assert p.start is not None and p.end is not None
        assert text[p.start : p.end] == p.body, p
        assert p.body == p.body.strip() and p.body


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------------------
# Decoding


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (RUSSIAN, "utf-8"),
        (RUSSIAN, "utf-8-sig"),
        (RUSSIAN, "utf-16"),  # BOM, native order
        (RUSSIAN, "cp1251"),
        (CHINESE, "gb18030"),
        (CHINESE, "utf-8-sig"),
        (FRENCH, "latin-1"),
        (FRENCH, "cp1252"),
    ],
)
def test_decode_encodings(text: str, encoding: str) -> None:
    assert decode_bytes(text.encode(encoding)) == text


@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE])
def test_decode_utf16_with_bom_both_orders(bom: bytes) -> None:
    enc = "utf-16-le" if bom == codecs.BOM_UTF16_LE else "utf-16-be"
    assert decode_bytes(bom + CHINESE.encode(enc)) == CHINESE
    assert decode_bytes(bom + RUSSIAN.encode(enc)) == RUSSIAN


@pytest.mark.parametrize("enc", ["utf-16-le", "utf-16-be"])
def test_decode_utf16_without_bom(enc: str) -> None:
    assert decode_bytes(RUSSIAN.encode(enc)) == RUSSIAN


def test_decode_normalises_newlines_and_keeps_nfc_not_nfkc() -> None:
    decomposed = unicodedata.normalize("NFD", "Rakhmón")
    raw = f"ﬁrst ５ {decomposed}\r\nline two\rline three".encode()
    text = decode_bytes(raw)
    assert text == "ﬁrst ５ Rakhmón\nline two\nline three"
    assert unicodedata.is_normalized("NFC", text)


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"\xff\xd8\xff\xe0\x00\x10JFIF",
        b"GIF89a\x01\x00\x01\x00",
        b"\x7fELF\x02\x01\x01\x00",
        b"SQLite format 3\x00\x10\x00\x01\x01",
        b"some text\x00with\x00nuls\x00\x00\x01\x02 in it",
        bytes(range(1, 32)) * 20,
    ],
)
def test_binary_refused(data: bytes) -> None:
    with pytest.raises(UserError, match=r"report\.bin looks like a binary file, not text"):
        decode_bytes(data, "report.bin")


def test_empty_refused() -> None:
    with pytest.raises(UserError, match="empty"):
        decode_bytes(b"")
    with pytest.raises(UserError, match="empty"):
        decode_bytes(b"  \r\n\t\n")


# ---------------------------------------------------------------------------
# read_file: errors


def test_read_file_missing(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="does not exist"):
        read_file(tmp_path / "nope.txt")


def test_read_file_directory(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="is a folder"):
        read_file(tmp_path)


def test_read_file_empty(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"empty\.txt is empty"):
        read_file(write(tmp_path, "empty.txt", b""))


def test_read_file_binary_with_unknown_extension_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "holiday.dat", b"\x89PNG\r\n\x1a\n" + bytes(200))
    with pytest.raises(UserError, match=r"holiday\.dat looks like a binary file"):
        read_file(path)


def test_read_file_binary_with_text_extension(tmp_path: Path) -> None:
    path = write(tmp_path, "notes.txt", b"%PDF-1.4\n" + bytes(range(256)))
    with pytest.raises(UserError, match=r"notes\.txt looks like a binary file"):
        read_file(path)


def test_read_file_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clipping, "MAX_BYTES", 100)
    path = write(tmp_path, "big.txt", b"Paragraph of text.\n\n" * 20)
    with pytest.raises(UserError, match=r"big\.txt is too large"):
        read_file(path)


@pytest.mark.skipif(
    sys.platform == "win32" or (hasattr(os, "geteuid") and os.geteuid() == 0),
    reason="permissions are not enforced",
)
def test_read_file_unreadable(tmp_path: Path) -> None:
    path = write(tmp_path, "secret.txt", b"text")
    path.chmod(0)
    try:
        with pytest.raises(UserError, match="cannot be read"):
            read_file(path)
    finally:
        path.chmod(0o600)


def test_bad_split_is_a_programming_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        clip_text("text", split="sentences")
    with pytest.raises(ValueError):
        clip_text("text", fmt="pdf")


# ---------------------------------------------------------------------------
# The seed article


@pytest.fixture(scope="module")
def seed() -> ClippedDocument:
    return read_file(FIXTURES / "seed_article.txt")


def test_seed_head(seed: ClippedDocument) -> None:
    assert seed.format == "txt"
    assert seed.source.title == "China looks to Tajiks to spy Afghan terror risks"
    assert seed.source.published is None
    assert seed.source.language == "en"
    assert seed.passages[0].kind == "standfirst"
    assert seed.passages[0].body.startswith("China's Plan To Build")


def test_seed_body(seed: ClippedDocument) -> None:
    body = [p for p in seed.passages if p.kind == "passage"]
    assert len(body) == 26
    assert body[0].body.startswith("When Tajikistan’s parliament said on October 28")
    assert body[-1].body.startswith("But while Wang offers a carrot")
    for p in seed.passages:
        assert "Photo:" not in p.body
        assert "(1)" not in p.body
        assert "We're Live" not in p.body
        assert p.title
        assert len(p.title) <= 80
    assert_offsets(seed)


def test_seed_text_is_whole_file(seed: ClippedDocument) -> None:
    raw = (FIXTURES / "seed_article.txt").read_text(encoding="utf-8")
    assert seed.source.text == raw


def test_seed_notices(seed: ClippedDocument) -> None:
    assert "3 photo captions left out" in seed.notices
    assert "3 image file names left out" in seed.notices
    assert any("banner" in n for n in seed.notices)


def test_seed_unsplit() -> None:
    doc = read_file(FIXTURES / "seed_article.txt", split="none")
    kinds = [p.kind for p in doc.passages]
    assert kinds == ["standfirst", "passage"]
    whole = doc.passages[1]
    assert whole.body.startswith("When Tajikistan’s parliament")
    assert whole.body.endswith("from across the border in Tajikistan.")
    assert "Photo:" not in whole.body and "(1)" not in whole.body
    text = doc.source.text
    assert text is not None
    assert whole.start == text.index("When Tajikistan’s parliament")
    assert whole.end == len(text)


# ---------------------------------------------------------------------------
# Plain-text articles in other scripts


def test_russian_article() -> None:
    doc = read_file(FIXTURES / "russian_article.txt")
    assert doc.source.title == "Китай построит пограничную заставу в Таджикистане"
    assert doc.source.published is None  # the banner's date is not the article's
    assert doc.source.language == "ru"
    assert doc.passages[0].kind == "standfirst"
    body = [p for p in doc.passages if p.kind == "passage"]
    assert len(body) == 4
    assert body[0].body.startswith("Парламент Таджикистана в четверг")
    assert not any("Фото:" in p.body or "(2)" in p.body for p in doc.passages)
    assert "1 photo caption left out" in doc.notices
    assert_offsets(doc)


def test_russian_article_in_cp1251(tmp_path: Path) -> None:
    raw = (FIXTURES / "russian_article.txt").read_text(encoding="utf-8")
    doc = read_file(write(tmp_path, "ru.txt", raw.encode("cp1251")))
    assert doc.source.text == raw
    assert doc.source.title == "Китай построит пограничную заставу в Таджикистане"


def test_chinese_article_single_newlines() -> None:
    doc = read_file(FIXTURES / "chinese_article.txt")
    assert doc.source.title == "塔吉克斯坦议会批准中国出资修建边境哨所"
    assert doc.source.language == "zh"
    assert [p.kind for p in doc.passages] == ["passage"] * 4
    assert doc.passages[0].body.startswith("中国将出资在塔吉克斯坦")
    assert doc.passages[0].body.endswith("特种部队使用。")
    assert doc.passages[1].body.startswith("据当地媒体报道")
    assert not any("图片" in p.body for p in doc.passages)
    # A title from text without spaces: short, cut at a clause, marked as cut.
    first = doc.passages[0].title
    assert first is not None
    assert first.startswith("中国将出资在塔吉克斯坦")
    assert len(first) <= 41 and first.endswith("…")
    assert doc.passages[3].title == "塔吉克斯坦官方表示，中国军队不会在该哨所驻扎"
    assert_offsets(doc)


def test_chinese_article_in_gb18030_and_utf16(tmp_path: Path) -> None:
    raw = (FIXTURES / "chinese_article.txt").read_text(encoding="utf-8")
    for enc in ("gb18030", "utf-16"):
        doc = read_file(write(tmp_path, f"zh-{enc}.txt", raw.encode(enc)))
        assert doc.source.text == raw
        assert len(doc.passages) == 4


def test_dari_article() -> None:
    doc = read_file(FIXTURES / "dari_article.txt")
    assert doc.source.title == "چین در مرز تاجیکستان پاسگاه امنیتی می‌سازد"
    assert doc.source.language == "fa"
    body = [p for p in doc.passages if p.kind == "passage"]
    assert len(body) == 4
    assert not any("عکس" in p.body for p in doc.passages)
    assert "1 photo caption left out" in doc.notices
    assert_offsets(doc)


def test_latin1_file(tmp_path: Path) -> None:
    doc = read_file(write(tmp_path, "fr.txt", FRENCH.encode("latin-1")))
    assert doc.source.text == FRENCH
    assert doc.source.language == "fr"
    assert len(doc.passages) == 2


@pytest.mark.parametrize(
    "line",
    [
        "A Tajik soldier at the border. Photo: AFP / Vyacheslav Oseledko",
        "Fighters in a file photo. Photo: Facebook",
        "President Rahmon in a file photo. Photo: AFP via Getty / Majid Saeedi",
        "Пограничники на реке Пяндж. Фото: ТАСС",
        "Фото: РИА Новости",
        "边境哨所附近的道路。图片：新华社",
        "مرزبانان تاجیک. عکس: ایرنا",
        "Border guards near the river (Photo: Reuters)",
        "Soldiers at the checkpoint. Getty Images",
    ],
)
def test_captions_left_out(line: str) -> None:
    text = f"Headline of the story\n\n{line}\n\nThe body paragraph says something.\n\nAnother one follows."
    doc = clip_text(text, split="paragraphs")
    assert [p.body for p in doc.passages] == [
        "The body paragraph says something.",
        "Another one follows.",
    ]
    assert "1 photo caption left out" in doc.notices


@pytest.mark.parametrize(
    "line", ["Tajikistan-Afghanistan-Border (1)", "Tajikistan-Emomali-Rahmon- (1)", "IMG_2041.jpg"]
)
def test_image_names_left_out(line: str) -> None:
    doc = clip_text(f"{line}\nThe paragraph after it.\n\nSecond paragraph.", split="paragraphs")
    assert [p.body for p in doc.passages] == ["The paragraph after it.", "Second paragraph."]


def test_ordinary_lines_are_not_chrome() -> None:
    text = (
        "Officials said the well-known cross-border route stays open.\n\n"
        "He took a photo: nothing unusual, he said.\n\n"
        "Talks resume on Monday."
    )
    doc = clip_text(text, split="paragraphs")
    assert len(doc.passages) == 3
    assert doc.notices == []


@pytest.mark.parametrize(
    "headline",
    [
        "AFP journalist detained in Tajikistan",
        "Taliban seize Kabul, says Reuters",
        "Video: a patrol",
    ],
)
def test_headlines_naming_agencies_are_not_captions(headline: str) -> None:
    doc = clip_text(f"{headline}\n\nThe first paragraph.\n\nThe second one.", split="paragraphs")
    assert doc.source.title == headline
    assert doc.notices == []


def test_unsplit_html_keeps_subheadings() -> None:
    doc = read_file(FIXTURES / "news_page.html", split="none")
    assert len(doc.passages) == 1
    whole = doc.passages[0]
    assert "## Analysts see a listening post" in whole.body
    assert whole.body.startswith("Tajikistan's parliament")
    assert whole.body.endswith("Details and local file.")
    assert_offsets(doc)


def test_byline_and_no_date_from_banner() -> None:
    text = (
        "Daily Wire Service Monday, 1 November 2021\n\n"
        "Talks on the border resume\n\n"
        "By Jane Smith\n\n"
        "Negotiators met in Dushanbe on Friday.\n\n"
        "They will meet again next week."
    )
    doc = clip_text(text, split="paragraphs")
    assert doc.source.title == "Talks on the border resume"
    assert doc.source.author == "Jane Smith"
    assert doc.source.published is None
    assert [p.body for p in doc.passages] == [
        "Negotiators met in Dushanbe on Friday.",
        "They will meet again next week.",
    ]


def test_published_line_and_byline_with_date() -> None:
    text = (
        "Talks on the border resume\n\n"
        "By [Jane Smith](https://news.example/jane) · 29 October 2021\n\n"
        "Published: October 28, 2021\n\n"
        "Negotiators met in Dushanbe on Friday.\n\n"
        "They will meet again next week."
    )
    doc = clip_text(text, split="paragraphs")
    assert doc.source.author == "Jane Smith"
    assert doc.source.published == "2021-10-28"
    assert len(doc.passages) == 2


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2021-10-28T10:00:00Z", "2021-10-28"),
        ("28.10.2021", "2021-10-28"),
        ("28 October 2021", "2021-10-28"),
        ("Oct. 5, 2021", "2021-10-05"),
        ("28 октября 2021 г.", "2021-10-28"),
        ("2021年10月28日", "2021-10-28"),
        ("Thursday", None),
        ("31.13.2021", None),
    ],
)
def test_parse_date(value: str, iso: str | None) -> None:
    assert parse_date(value) == iso


def test_file_name_is_the_fallback_title(tmp_path: Path) -> None:
    body = b"A first paragraph that is a sentence.\n\nA second paragraph, also a sentence."
    assert read_file(write(tmp_path, "Border talks.txt", body)).source.title == "Border talks"
    doc = read_file(write(tmp_path, "000_ba4f672ab29fddc4.txt", body))
    assert doc.source.title == "A first paragraph that is a sentence"


def test_hard_wrapped_paragraph_stays_whole() -> None:
    text = (
        "Negotiators met in Dushanbe on Friday and agreed\n"
        "to continue the talks next week, officials from both\n"
        "sides said.\n\n"
        "A second paragraph."
    )
    doc = clip_text(text, split="paragraphs")
    assert len(doc.passages) == 2
    assert doc.passages[0].body.endswith("sides said.")


def test_single_newline_paragraphs() -> None:
    text = (
        "The first paragraph is a full sentence that ends with a period and is long enough.\n"
        "The second paragraph is another sentence that the page put on its own line.\n"
        "The third one closes the article, also with a period at the end of it."
    )
    doc = clip_text(text, split="paragraphs")
    assert len(doc.passages) == 3
    assert_offsets(doc)


def test_pasted_single_paragraph() -> None:
    doc = clip_text("  Just one pasted sentence about the border.  \n")
    assert len(doc.passages) == 1
    p = doc.passages[0]
    assert p.body == "Just one pasted sentence about the border."
    assert p.title == "Just one pasted sentence about the border"
    assert doc.source.title == "Just one pasted sentence about the border"
    assert_offsets(doc)


def test_clip_text_empty() -> None:
    with pytest.raises(UserError):
        clip_text("   \n\n ")


def test_clip_text_normalises_crlf() -> None:
    doc = clip_text("First paragraph here.\r\n\r\nSecond paragraph here.", split="paragraphs")
    assert doc.source.text == "First paragraph here.\n\nSecond paragraph here."
    assert_offsets(doc)


# ---------------------------------------------------------------------------
# Offsets, on random articles in several scripts

_WORDS = {
    "latin": "the border outpost China Tajik analysts said security",
    "cyrillic": "граница застава Китай Таджикистан эксперты сказали безопасность",
    "arabic": "مرز پاسگاه چین تاجیکستان کارشناسان گفتند امنیت",
    "tajik": "сарҳад қӯшун Ҷумҳурии Тоҷикистон ғайр",
}
_word = st.sampled_from([w for ws in _WORDS.values() for w in ws.split()])
_han = st.text(alphabet="中国塔吉克斯坦边境哨所分析人士认为", min_size=2, max_size=30)
_sentence = st.one_of(
    st.lists(_word, min_size=1, max_size=25).map(" ".join),
    _han,
).flatmap(lambda s: st.sampled_from([s, s + ".", s + "。", s + "?", " " + s + " \u00a0"]))
_paragraph = st.lists(_sentence, min_size=1, max_size=4).map(" ".join)
_separator = st.sampled_from(["\n\n", "\n", "\n \n", "\n\n\n", "\r\n\r\n", "\n\t\n"])


@st.composite
def _articles(draw: st.DrawFn) -> str:
    paras = draw(st.lists(_paragraph, min_size=1, max_size=8))
    out = draw(st.sampled_from(["", "\n", "  "]))
    for i, p in enumerate(paras):
        if i:
            out += draw(_separator)
        out += p
    return out + draw(st.sampled_from(["", "\n", "\n\n"]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_articles(), st.sampled_from(["txt", "md"]))
def test_offsets_invariant(text: str, fmt: str) -> None:
    if not text.strip():
        return
    doc = clip_text(text, fmt=fmt, split="paragraphs")
    assert doc.passages
    assert_offsets(doc)
    source_text = doc.source.text
    assert source_text is not None
    spans = [(p.start or 0, p.end or 0) for p in doc.passages]
    assert all(a[1] <= b[0] for a, b in pairwise(spans))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_paragraph, min_size=1, max_size=6))
def test_offsets_invariant_html(paras: list[str]) -> None:
    if not any(p.strip() for p in paras):
        return
    page = (
        "<html><body><article>"
        + "".join(f"<p>{html.escape(p)}</p>" for p in paras)
        + "<script>x()</script></article></body></html>"
    )
    doc = clip_text(page, fmt="html", split="paragraphs")
    assert_offsets(doc)
    assert doc.source.text is not None and "x()" not in doc.source.text


# ---------------------------------------------------------------------------
# HTML


@pytest.fixture(scope="module")
def news() -> ClippedDocument:
    return read_file(FIXTURES / "news_page.html")


def test_html_metadata(news: ClippedDocument) -> None:
    s = news.source
    assert news.format == "html"
    assert s.title == "Dushanbe confirms Chinese-funded border outpost"
    assert s.url == "https://frontier-monitor.example/2021/10/outpost"
    assert s.publisher == "Frontier Monitor"
    assert s.author == "Anna Petrova"
    assert s.published == "2021-10-29"
    assert s.language == "en"


def test_html_main_content_only(news: ClippedDocument) -> None:
    text = news.source.text
    assert text is not None
    for junk in (
        "Advertisement",
        "Share on X",
        "Most read",
        "All rights reserved",
        "tracker",
        "font-family",
        "Subscribe",
        "Photo: AFP",
        "border.jpg",
        "World",
    ):
        assert junk not in text, junk
    bodies = [p.body for p in news.passages]
    assert len(bodies) == 4
    assert bodies[0].startswith("Tajikistan's parliament said on Thursday")
    assert "**Gorno-Badakhshan**" in bodies[1]
    assert "[Wakhan corridor](https://en.wikipedia.org/wiki/Wakhan_Corridor)" in bodies[2]
    assert_offsets(news)


def test_html_unsafe_links_keep_text_only(news: ClippedDocument) -> None:
    text = news.source.text
    assert text is not None
    assert "Read the statement" in text
    assert "Details and local file." in text
    for bad in ("javascript:", "data:", "file:", "](/"):
        assert bad not in text


def test_html_no_raw_tags(news: ClippedDocument) -> None:
    text = news.source.text
    assert text is not None
    assert not re.search(r"(?<!\\)<[A-Za-z/!?]", text)
    assert "\\<script>alert(1)\\</script>" in text  # the page's literal text, escaped


def test_html_notices(news: ClippedDocument) -> None:
    assert "1 photo caption left out" in news.notices
    assert "1 image left out" in news.notices


def test_hostile_html() -> None:
    doc = read_file(FIXTURES / "hostile.html")
    text = doc.source.text
    assert text is not None
    assert not re.search(r"(?<!\\)<[A-Za-z/!?]", text)
    for bad in (
        "javascript",
        "vbscript",
        "noscript text",
        "template text",
        "comment",
        "steal",
        "evil.swf",
        "onload",
        "server",
        "](x)",
    ):
        assert bad.lower() not in text.lower(), bad
    assert "[a good link](https://good.example/page)" in text
    assert "sneaky link" in text and "a share" in text
    assert "3 < 4" in text
    assert_offsets(doc)


def test_pasted_html() -> None:
    html = "<p>First <script>x()</script>pasted paragraph.</p><p>Second <i>one</i>.</p>"
    doc = clip_text(html, fmt="html", split="paragraphs")
    assert [p.body for p in doc.passages] == ["First pasted paragraph.", "Second *one*."]
    assert_offsets(doc)


def test_html_sniffed_for_unknown_extension(tmp_path: Path) -> None:
    path = write(tmp_path, "saved.page", (FIXTURES / "news_page.html").read_bytes())
    doc = read_file(path)
    assert doc.format == "html"
    assert doc.source.publisher == "Frontier Monitor"


def test_xhtml_file(tmp_path: Path) -> None:
    page = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="tg"><head><title>Хабар</title></head>'
        "<body><p>Ҷумҳурии Тоҷикистон сарҳадро мустаҳкам мекунад.</p>"
        "<p>Қӯшунҳои сарҳадӣ ғайратманданд.</p></body></html>"
    )
    doc = read_file(write(tmp_path, "page.xhtml", page.encode()))
    assert doc.format == "html"
    assert doc.source.title == "Хабар"
    assert doc.source.language == "tg"
    assert len(doc.passages) == 2


def test_html_fallbacks_for_metadata() -> None:
    html = """<html lang="ru"><head><title>Застава | Новости</title>
    <link rel="canonical" href="https://news.example/a/1">
    <script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2021-10",
     "author": {"name": "Иван Петров"}, "publisher": {"name": "Новости"}}</script></head>
    <body><div><p>Первый абзац статьи о заставе.</p><p>Второй абзац статьи.</p></div></body></html>"""
    doc = clip_text(html, fmt="html", split="paragraphs")
    s = doc.source
    assert s.title == "Застава"
    assert s.url == "https://news.example/a/1"
    assert s.published == "2021-10"
    assert s.author == "Иван Петров"
    assert s.publisher == "Новости"
    assert s.language == "ru"
    assert len(doc.passages) == 2


# ---------------------------------------------------------------------------
# Markdown


def test_markdown_front_matter() -> None:
    doc = read_file(FIXTURES / "front_matter.md")
    s = doc.source
    assert doc.format == "md"
    assert s.title == "Outpost notes"
    assert s.url == "https://example.org/outpost"
    assert s.author == "Jane Analyst"
    assert s.published == "2021-10-28"
    assert s.publisher == "Example Review"
    assert s.text is not None and not s.text.startswith("---")
    bodies = [p.body for p in doc.passages]
    assert bodies[0].startswith("First paragraph of the notes")
    assert bodies[1] == "```python\nx = 1\n\ny = 2\n```"  # a fence is one paragraph
    assert bodies[2] == "* one item\n* two items\n\n* a third, loose item"  # so is a list
    assert bodies[3] == "Closing paragraph."
    assert_offsets(doc)


def test_markdown_heading_is_title() -> None:
    doc = clip_text("# The Title\n\nBody paragraph one.\n\nBody two.", fmt="md", split="paragraphs")
    assert doc.source.title == "The Title"
    assert [p.body for p in doc.passages] == ["Body paragraph one.", "Body two."]
    doc = clip_text("# **Bold** [title](http://x) ##\n\nBody.\n\nMore.", fmt="md")
    assert doc.source.title == "Bold title"


def test_markdown_front_matter_is_never_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    md = f"---\ntitle: !!python/object/apply:os.system ['touch {marker}']\n---\n\nA paragraph.\n"
    doc = clip_text(md, fmt="md")
    assert not marker.exists()
    assert doc.passages[0].body == "A paragraph."
    assert any("front matter" in n for n in doc.notices)


# ---------------------------------------------------------------------------
# Titles and languages


def test_make_title() -> None:
    assert make_title("Short sentence. Another one.") == "Short sentence"
    assert make_title("U.S. officials met Mr. Wang in Doha. Then they left.") == (
        "U.S. officials met Mr. Wang in Doha"
    )
    assert make_title("Is this a question? Yes.") == "Is this a question?"
    long = "word " * 40
    t = make_title(long)
    assert t.endswith("…") and len(t) <= 80 and " …" not in t
    assert make_title("## A **bold** [link](http://x) heading") == "A bold link heading"
    assert make_title("") == ""
    assert make_title("  \n ") == ""


def test_make_title_abbreviations_at_any_length() -> None:
    # A long word ending like an abbreviation ("...mr.") still ends the sentence;
    # a real abbreviation deep in a long text does not.
    assert make_title("Ansarullah" * 3 + "mr. Next one.", limit=200) == "Ansarullah" * 3 + "mr"
    text = "Officials " * 200 + "met Gen. Rahimov. Then they left."
    assert make_title(text, limit=5000).endswith("met Gen. Rahimov")
    # Thousands of abbreviations before the first sentence end: linear, not quadratic.
    many = "U.S. Mr. Gen. " * 20_000 + "officials. Next."
    assert make_title(many).startswith("U.S. Mr. Gen.")


def test_make_title_chinese() -> None:
    body = "中国将出资在塔吉克斯坦境内靠近阿富汗边境的地方修建一座安全哨所，这一消息引起了各方关注。第二句。"
    t = make_title(body)
    assert t == "中国将出资在塔吉克斯坦境内靠近阿富汗边境的地方修建一座安全哨所…"
    assert make_title("短句。第二句。") == "短句"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("The parliament said on Thursday that the outpost will be built near the border.", "en"),
        ("Парламент заявил в четверг, что застава будет построена у границы.", "ru"),
        ("Маҷлиси намояндагон рӯзи панҷшанбе гуфт, ки Ҷумҳурии Тоҷикистон қӯшун мефиристад.", "tg"),
        ("塔吉克斯坦议会周四表示，中国将出资修建边境哨所。", "zh"),
        ("پارلمان تاجیکستان روز پنجشنبه اعلام کرد که چین هزینهٔ ساخت پاسگاه را می‌پردازد.", "fa"),
        ("قال البرلمان الطاجيكي يوم الخميس إن الصين ستمول بناء مركز أمني على الحدود.", "ar"),
        ("Le parlement a déclaré jeudi que la Chine financera le poste frontière.", "fr"),
        ("Парламент країни заявив, що Китай фінансуватиме будівництво застави на кордоні.", "uk"),
        ("タジキスタンの議会は木曜日に、中国が国境の拠点を建設すると発表した。", "ja"),
        ("타지키스탄 의회는 목요일 중국이 국경 초소를 짓는다고 밝혔다.", "ko"),
    ],
)
def test_guess_language(text: str, lang: str) -> None:
    assert guess_language(text) == lang


def test_guess_language_too_little() -> None:
    assert guess_language("") is None
    assert guess_language("12 345 — !!") is None


def test_guess_language_on_fixtures() -> None:
    for name, lang in [
        ("seed_article.txt", "en"),
        ("russian_article.txt", "ru"),
        ("chinese_article.txt", "zh"),
        ("dari_article.txt", "fa"),
    ]:
        assert guess_language((FIXTURES / name).read_text(encoding="utf-8")) == lang


def test_core_clipping_does_not_import_qt() -> None:
    code = (
        "import sys, desk.core.clipping, desk.core.render; "
        "assert not [m for m in sys.modules if m.startswith('PySide6')]"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_decode_never_fails_unexpectedly(data: bytes) -> None:
    try:
        text = decode_bytes(data)
    except UserError:
        return
    assert "\r" not in text and unicodedata.is_normalized("NFC", text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(max_size=300),
    st.sampled_from(["txt", "md", "html"]),
    st.sampled_from(["none", "paragraphs"]),
)
def test_clip_any_text(text: str, fmt: str, split: str) -> None:
    try:
        doc = clip_text(text, fmt=fmt, split=split)
    except UserError:
        return
    assert doc.passages and doc.source.title
    if split == "paragraphs":
        assert_offsets(doc)
