"""The negotiation pack opened in a real word processor: Debian's LibreOffice, headless.

LibreOffice opens the redline, the addendum and the memo and converts each to PDF; the redline is also
converted to OpenDocument, where LibreOffice's own reading of our revisions is read back: how many, by
whom, and their text; and every paragraph it shows without a change is compared with the source file as
LibreOffice reads it. ``make test`` and ``.ci/run`` install ``libreoffice-writer-nogui`` when it is
missing; without it this test fails, loudly, rather than skip.
"""

from __future__ import annotations

import copy
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pypdfium2
import pytest
from lxml import etree
from negotiation_samples import UNTOUCHED, build_vendor_msa

from checker.api import ContractChecker
from checker.models import Assessment, Status
from checker.negotiate.points import negotiation_points
from checker.report import report_bytes
from checker.review import apply_review, decide

NS = {
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
}
AUTHOR = "A. Counsel"


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.fail("LibreOffice is not installed: run `make test` (it installs libreoffice-writer-nogui).")
    return found


def _convert(files: list[Path], fmt: str, out: Path, profile: Path) -> None:
    cmd = [
        _soffice(),
        f"-env:UserInstallation=file://{profile}",  # a private profile: parallel runs do not collide
        "--headless",
        "--norestore",
        "--convert-to",
        fmt,
        "--outdir",
        str(out),
        *map(str, files),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Assessment]:
    root = tmp_path_factory.mktemp("lo")
    msa = build_vendor_msa(root / "vendor-msa.docx")
    checker = ContractChecker()
    [a], _ = checker.check_paths([msa], "ai-data-vendor")
    ov = decide("overridden", Status.WEAK, "No annual review of the programme.", AUTHOR)
    reviewed = apply_review(a, {"security_program": ov})
    sources = {msa.name: msa.read_bytes()}
    (root / "redline.docx").write_bytes(report_bytes("redline", [reviewed], sources=sources, author=AUTHOR))
    (root / "addendum.docx").write_bytes(report_bytes("addendum", [reviewed]))
    (root / "memo.docx").write_bytes(report_bytes("memo", [reviewed], memo_format="docx"))
    profile = root / "profile"
    _convert([root / f"{n}.docx" for n in ("redline", "addendum", "memo")], "pdf", root / "pdf", profile)
    _convert([root / "redline.docx", msa], "odt", root / "odt", profile)
    return root, reviewed


def _pdf_text(path: Path) -> str:
    pdf = pypdfium2.PdfDocument(str(path))
    try:
        assert len(pdf) >= 1
        return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("name", ["redline", "addendum", "memo"])
def test_libreoffice_converts_each_document_to_pdf(pack: tuple[Path, Assessment], name: str) -> None:
    root, _ = pack
    text = _flat(_pdf_text(root / "pdf" / f"{name}.pdf"))
    if name == "memo":
        assert "Negotiation memo" in text and "No annual review of the programme." in text
    elif name == "addendum":
        assert "Security Addendum" in text and "Provider shall" in text
    else:
        assert "1.1 Provider shall notify Customer" in text and "twenty-four (24) hours" in text


def _content(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read("content.xml"))


def test_libreoffice_reads_back_every_revision_with_author_and_text(pack: tuple[Path, Assessment]) -> None:
    root, reviewed = pack
    content = _content(root / "odt" / "redline.odt")
    regions = content.findall(".//text:tracked-changes/text:changed-region", NS)
    deletions = [r for r in regions if r.find("text:deletion", NS) is not None]
    insertions = [r for r in regions if r.find("text:insertion", NS) is not None]
    points = negotiation_points(reviewed)
    # One deletion: the 72-hour window. (LibreOffice splits an inserted paragraph's mark into a region
    # of its own, so insertions are counted by their text below.)
    assert len(deletions) == 1
    assert {c.text for c in content.findall(".//office:change-info/dc:creator", NS)} == {AUTHOR}
    deleted = _flat("".join(deletions[0].find("text:deletion", NS).itertext()))
    assert deleted.endswith("seventy-two (72) hours")
    inserted = [t for t in _inserted_texts(content, insertions) if t]  # a bare paragraph mark is empty
    assert len(inserted) >= len(points)
    # Every point's change is there as LibreOffice reads it: the new window, each fallback clause.
    assert "twenty-four (24) hours" in inserted
    everything = " ".join(inserted)
    for point in points:
        if point.finding.control != "incident_notification":
            assert _flat(point.fallback) in everything, point.finding.control
    assert "Additional Security Obligations" in everything
    # Word comments survive as LibreOffice annotations, one per change.
    assert len(content.findall(".//office:annotation", NS)) == len(points)


_ANNOTATION = re.compile(
    r"<office:annotation[\s>].*?</office:annotation>|<office:annotation-end[^>]*/>", re.S
)


def _body_xml(content: etree._Element) -> str:
    body = copy.deepcopy(content.find("office:body/office:text", NS))
    for header in body.findall("text:tracked-changes", NS):  # the revisions' list, not the text
        body.remove(header)
    return _ANNOTATION.sub("", etree.tostring(body, encoding="unicode"))


def _span(xml: str, rid: str) -> re.Match[str] | None:
    return re.search(
        rf'<text:change-start text:change-id="{rid}"/>(.*?)<text:change-end text:change-id="{rid}"/>',
        xml,
        re.S,
    )


def _inserted_texts(content: etree._Element, insertions: list[etree._Element]) -> list[str]:
    """The text LibreOffice holds inside each insertion, in the body between its start and end marks."""
    xml = _body_xml(content)
    out = []
    for region in insertions:
        m = _span(xml, region.get(f"{{{NS['text']}}}id", ""))
        assert m is not None
        out.append(_flat(re.sub(r"<[^>]+>", " ", m.group(1))))
    return out


def _original_view(content: etree._Element) -> list[str]:
    """The redline as LibreOffice would show it with every change rejected, one string per paragraph."""
    xml = _body_xml(content)
    for region in content.findall(".//text:tracked-changes/text:changed-region", NS):
        rid = region.get(f"{{{NS['text']}}}id", "")
        deletion = region.find("text:deletion", NS)
        if deletion is not None:
            restored = "".join(p.xpath("string()") for p in deletion.findall("text:p", NS))
            xml = xml.replace(f'<text:change text:change-id="{rid}"/>', restored)
            continue
        m = _span(xml, rid)
        if m is None:  # it lay wholly inside an insertion removed before it
            assert f'change-id="{rid}"' not in xml
            continue
        # An insertion that crossed a paragraph end took a paragraph mark with it: keep one break.
        keep = "</text:p><text:p>" if re.search(r"</text:[ph]>", m.group(1)) else ""
        xml = xml[: m.start()] + keep + xml[m.end() :]
    paragraphs = re.split(r"</text:[ph]>", xml)
    return [t for t in (_flat(re.sub(r"<[^>]+>", " ", p)) for p in paragraphs) if t]


def test_original_paragraphs_read_the_same_as_the_source_in_libreoffice(
    pack: tuple[Path, Assessment],
) -> None:
    root, _ = pack
    source = _original_view(_content(root / "odt" / "vendor-msa.odt"))
    assert source and set(UNTOUCHED) <= set(source)
    assert _original_view(_content(root / "odt" / "redline.odt")) == source
