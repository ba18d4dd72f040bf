"""Hostile passages render inert: no resource loads, no unsafe link opens."""

from __future__ import annotations

from PySide6.QtCore import QUrl

from desk.core.types import PassageDraft, SourceDraft
from desk.ui.panes import reader as reader_mod

HOSTILE = """# Hostile

<script>alert('x')</script>
<img src="http://evil.example/pixel.png">
![tracker](http://evil.example/t.gif)
![local](file:///etc/passwd)

[js](javascript:alert(1)) [file](file:///etc/passwd) [data](data:text/html,<b>x</b>)
[unc](\\\\\\\\server\\\\share\\\\x) [ok](https://example.org/page)

<a href="javascript:alert(2)">raw js</a> <iframe src="http://evil.example"></iframe>
"""


def test_hostile_passage_loads_nothing_and_opens_nothing(qtbot, window, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    opened: list[str] = []
    monkeypatch.setattr(
        reader_mod, "_desktop_open", lambda url: opened.append(url.toString()) or True
    )
    res = window.library.create(
        SourceDraft(title="Hostile page", url="javascript:alert(3)"),
        [PassageDraft(body=HOSTILE, title="Hostile")],
    )
    pid = res.ids[0]
    window.open_passage(pid)
    qtbot.waitUntil(lambda: window.reader.current_id() == pid)
    body = window.reader.body
    html = body.toHtml()
    assert body.resource_requests == []
    assert "<img" not in window.reader.body_html()
    assert "<script" not in window.reader.body_html()
    for bad in ('href="javascript', 'href="file', 'href="data', 'href="\\\\', "<img", 'src="'):
        assert bad not in html, bad

    # clicking links: only http/https/mailto reach the system
    for href in (
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,<b>x</b>",
        "\\\\server\\share\\x",
        "ftp://x.org/a",
    ):
        body.anchorClicked.emit(QUrl(href))
    assert opened == []
    body.anchorClicked.emit(QUrl("https://example.org/page"))
    assert opened == ["https://example.org/page"]
    # the citation's link (a javascript: URL) is not a link at all
    window.reader.citation.linkActivated.emit("javascript:alert(3)")
    assert opened == ["https://example.org/page"]
    assert body.resource_requests == []


def test_loadresource_refuses_everything(qtbot) -> None:  # type: ignore[no-untyped-def]
    browser = reader_mod.SafeBrowser()
    qtbot.addWidget(browser)
    browser.setHtml('<img src="http://evil.example/x.png"><img src="file:///etc/hosts">')
    browser.show()
    qtbot.waitExposed(browser)
    assert browser.resource_requests  # Qt asked ...
    assert browser.loadResource(2, QUrl("http://evil.example/x.png")) is None  # ... and got nothing


def test_internal_links_navigate(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    target = window.library.search("Shaymak").hits[0].id
    with qtbot.waitSignal(window.reader.navigate) as sig:
        window.reader.body.anchorClicked.emit(QUrl(reader_mod.passage_url(target)))
    assert sig.args == [target]
