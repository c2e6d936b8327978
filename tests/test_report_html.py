"""The HTML report: self-contained, printable, every piece of contract text escaped."""

from __future__ import annotations

import html
from html.parser import HTMLParser

import pytest
from report_samples import HOSTILE, sample_assessment

from checker.models import InputError
from checker.report.html_report import render_html, render_html_many


class _Collector(HTMLParser):
    """Tags, attributes and text of a page, as a browser would parse them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(sample_assessment(errors=[InputError(path="<b>x.pdf", code="corrupt", message="bad")]))


@pytest.fixture(scope="module")
def parsed(page: str) -> _Collector:
    collector = _Collector()
    collector.feed(page)
    collector.close()
    return collector


def test_no_script_or_active_content(page: str, parsed: _Collector) -> None:
    assert "<script" not in page.lower()
    assert "<img" not in page.lower()
    tags = {tag for tag, _ in parsed.tags}
    assert not tags & {"script", "img", "iframe", "object", "embed", "link", "form", "svg"}
    for _, attrs in parsed.tags:
        assert not any(name.startswith("on") for name in attrs)


def test_no_external_references(parsed: _Collector) -> None:
    for tag, attrs in parsed.tags:
        for name in ("src", "href", "action"):
            value = attrs.get(name)
            if value is not None:
                assert value.startswith("#"), (tag, name, value)
    csp = [a for t, a in parsed.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in str(csp[0]["content"])


def test_hostile_text_is_escaped_and_visible(page: str, parsed: _Collector) -> None:
    text = "".join(parsed.text)
    for hostile in HOSTILE:
        assert hostile.strip() in text
    assert html.escape("<script>alert(1)</script>") in page
    assert html.escape("<img src=x onerror=alert(1)>") in page
    assert "&lt;b&gt;on-site&lt;/b&gt;" in page  # reviewer comment
    assert "&lt;b&gt;x.pdf" in page  # input error path


def test_contents(parsed: _Collector) -> None:
    text = " ".join(parsed.text)
    assert "Security clause review: acme-dpa.docx" in text
    assert "43" in parsed.text and "/ 100" in text  # 42.5 rounded half up, as on every screen
    for heading in ("Summary", "Framework coverage", "Gaps", "Controls", "Provenance"):
        assert heading in text
    assert "GDPR" in text and "0 of 1" in text
    # status as words, not colour alone
    for word in ("Met", "Weak", "Conflict", "Missing"):
        assert word in text
    # In words, as on screen: no internal keys or raw units (issue 12).
    assert "notification: 72 hours" in text and "notification_hours" not in text
    assert "notification: at most 24 hours" in text
    assert "72 hours is above the playbook threshold of 24 hours" in text
    assert "notice by website update only" in text  # a bare reason code, read aloud
    assert "acme-dpa.docx, section 12.3 (Security > Incidents), page 2" in text
    assert "twenty-four (24) hours" in text
    assert "No clause binds the vendor to this control." in text


def test_overrides_shown(parsed: _Collector) -> None:
    text = " ".join(parsed.text)
    assert "Overridden: Conflict → Weak by A. Counsel" in text
    assert "(the engine said Conflict)" in text
    assert "Accepted by J. Doe: =cmd|' /C calc'!A0" in text


def test_every_control_has_an_anchor_and_chip(parsed: _Collector) -> None:
    ids = {a.get("id") for t, a in parsed.tags if t == "article"}
    assert ids == {f"control-{f.control}" for f in sample_assessment().findings}
    chips = [a["class"] for t, a in parsed.tags if t == "span" and "chip" in str(a.get("class"))]
    assert "chip chip-missing" in chips


def test_print_css(page: str) -> None:
    assert "@media print" in page
    assert "break-before: page" in page
    assert "@import" not in page and "url(" not in page


def test_no_gaps_message() -> None:
    met_only = sample_assessment(findings=[f for f in sample_assessment().findings if f.status == "met"])
    assert "None: every control is met." in render_html(met_only)


def test_many_assessments_on_one_page() -> None:
    page = render_html_many([sample_assessment(), sample_assessment()])
    assert page.count('<main class="assessment">') == 2
    assert "<title>clausecheck: 2 contracts</title>" in page
    assert 'id="a1-control-audit_rights"' in page and 'id="a2-control-audit_rights"' in page
    assert 'href="#a2-control-audit_rights"' in page
