"""The negotiation pack: fallback in the contract's terms, the redline, the addendum and the memo."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from lxml import etree
from negotiation_samples import UNTOUCHED, build_vendor_msa

from checker.api import ContractChecker
from checker.cli import main
from checker.errors import ReportError
from checker.extract import extract_file
from checker.models import Assessment, Status
from checker.negotiate.drafting import contract_parties, draft, number_words
from checker.negotiate.points import SILENT, negotiation_points
from checker.negotiate.redline import SECTION_HEADING
from checker.report import memo_format_of, report_bytes
from checker.review import apply_review, decide

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "fixtures" / "corpus"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def checker() -> ContractChecker:
    return ContractChecker()


@pytest.fixture(scope="module")
def msa(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_vendor_msa(tmp_path_factory.mktemp("neg") / "vendor-msa.docx")


@pytest.fixture(scope="module")
def reviewed(checker: ContractChecker, msa: Path) -> Assessment:
    [a], errors = checker.check_paths([msa], "ai-data-vendor")
    assert not errors
    ov = decide(
        "overridden", Status.WEAK, "Programme exists but no annual review: ask for one.", "A. Counsel"
    )
    return apply_review(a, {"security_program": ov})


# -- drafting -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "vendor", "customer"),
    [
        ("commonpaper-data-processing-agreement.md", "Provider", "Customer"),
        ("github-data-protection-agreement-2023-02.md", "GitHub", "Customer"),
        ("far-52.204-21-basic-safeguarding.txt", "Contractor", "Government"),
        ("37signals-data-processing-addendum-2023-04.pdf", "Processor", "Customer"),
    ],
)
def test_party_names_come_from_the_contract(
    checker: ContractChecker, name: str, vendor: str, customer: str
) -> None:
    parties = contract_parties([extract_file(CORPUS / name).text], checker.library.language)
    assert (parties.vendor, parties.customer) == (vendor, customer)


def test_fallback_uses_the_contracts_names_and_the_playbooks_threshold(checker: ContractChecker) -> None:
    [a], _ = checker.check_paths([CORPUS / "commonpaper-data-processing-agreement.md"], "ai-data-vendor")
    f = next(f for f in a.findings if f.control == "incident_notification")
    assert f.fallback.startswith("Provider shall notify Customer")
    assert "Supplier" not in f.fallback
    assert "twenty-four (24) hours" in f.fallback  # the strict playbook's 24 hours
    sub = next(f for f in a.findings if f.control == "subprocessor_approval")
    assert "Schedule P" not in sub.fallback and "Supplier" not in sub.fallback


def test_a_playbook_threshold_is_written_into_the_model_clause(checker: ContractChecker) -> None:
    control = checker.library.controls["incident_notification"]
    parties = contract_parties(
        ["Acme (\u201cAcme\u201d) ... Acme shall do it. Acme will do it."], checker.library.language
    )
    text = draft(
        control.fallback.acceptable,
        parties,
        control=control,
        level="acceptable",
        thresholds={"notification_hours": {"threshold": 48.0, "max": 1.0}},
    )
    assert "forty-eight (48) hours" in text and "seventy-two" not in text
    assert text.startswith("Acme shall notify Customer")


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "zero"),
        (7, "seven"),
        (24, "twenty-four"),
        (72, "seventy-two"),
        (100, "one hundred"),
        (168, "one hundred and sixty-eight"),
    ],
)
def test_number_words(n: int, words: str) -> None:
    assert number_words(n) == words


# -- points -------------------------------------------------------------------------------------------


def test_points_are_the_open_gaps_most_severe_first(reviewed: Assessment) -> None:
    points = negotiation_points(reviewed)
    gaps = [
        f
        for f in reviewed.findings
        if (f.override.status if f.override and f.override.status else f.status) != Status.MET
    ]
    assert len(points) == len(gaps)
    order = {"critical": 0, "high": 1, "medium": 2, "low": 3}
    assert [order[p.finding.severity] for p in points] == sorted(order[p.finding.severity] for p in points)
    program = next(p for p in points if p.finding.control == "security_program")
    assert "the engine said Met" in program.status_text and "A. Counsel" in program.review
    silent = next(p for p in points if not p.finding.evidence)
    assert silent.evidence == SILENT and silent.where == ""


# -- redline ------------------------------------------------------------------------------------------


def _body_paragraphs(data: bytes) -> list[etree._Element]:
    return list(docx.Document(io.BytesIO(data)).element.body.iter(qn("w:p")))


def _original_text(p: etree._Element) -> str:
    """The paragraph as it was before our changes: insertions dropped, deletions restored."""
    out = []
    for node in p.iter(qn("w:t"), qn("w:delText")):
        if any(a.tag == qn("w:ins") for a in node.iterancestors()):
            continue
        out.append(node.text or "")
    return "".join(out)


def _visible_text(p: etree._Element) -> str:
    """The paragraph as it reads with our changes accepted."""
    return "".join(t.text or "" for t in p.iter(qn("w:t")))


def _inserted_whole(p: etree._Element) -> bool:
    mark = p.find(f"{W}pPr/{W}rPr/{W}ins")
    return mark is not None


def test_redline_tracks_every_change_with_author_date_and_a_comment(reviewed: Assessment, msa: Path) -> None:
    data = report_bytes("redline", [reviewed], sources={msa.name: msa.read_bytes()}, author="A. Counsel")
    body = docx.Document(io.BytesIO(data)).element.body
    ins = body.findall(f".//{W}ins")
    dels = body.findall(f".//{W}del")
    assert dels and ins
    for rev in [*ins, *dels]:
        assert rev.get(qn("w:author")) == "A. Counsel" and rev.get(qn("w:date")).endswith("Z")
    # The weak window is replaced in place: the vendor's words deleted, the playbook's inserted.
    assert [d.findtext(f".//{W}delText") for d in dels] == ["seventy-two (72) hours"]
    inserted = ["".join(t.text or "" for t in i.iter(qn("w:t"))) for i in ins]
    assert "twenty-four (24) hours" in inserted
    # Weak wording gets the fallback right after it; missing controls go into a new section.
    texts = [_visible_text(p) for p in _body_paragraphs(data)]
    enc = next(i for i, t in enumerate(texts) if t.startswith("1.2 Provider will use commercially"))
    assert "encrypt" in texts[enc + 1] and texts[enc + 1].startswith("Provider shall")
    assert SECTION_HEADING in texts
    # One comment per change, each saying why.
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        comments = etree.fromstring(z.read("word/comments.xml"))
    bodies = ["".join(c.itertext()) for c in comments.findall(f"{W}comment")]
    points = negotiation_points(reviewed)
    assert len(bodies) == len(points)
    assert all("Why:" in b for b in bodies)
    assert any("Reviewer: Overridden: Met → Weak by A. Counsel" in b for b in bodies)


def test_redline_leaves_every_other_paragraph_untouched(reviewed: Assessment, msa: Path) -> None:
    source = msa.read_bytes()
    data = report_bytes("redline", [reviewed], sources={msa.name: source})
    before = _body_paragraphs(source)
    after = [p for p in _body_paragraphs(data) if not _inserted_whole(p)]
    assert [_original_text(p) for p in after] == [_original_text(p) for p in before]
    changed = 0
    for old, new in zip(before, after, strict=True):
        if etree.tostring(old) != etree.tostring(new):
            changed += 1
            assert new.find(f".//{W}del") is not None  # only the paragraph whose number was replaced
    assert changed == 1
    kept = {_visible_text(p) for p in after if p.find(f".//{W}ins") is None and p.find(f".//{W}del") is None}
    assert set(UNTOUCHED) <= kept


def test_redline_refuses_a_pdf_and_points_to_the_addendum(checker: ContractChecker) -> None:
    [a], _ = checker.check_paths([CORPUS / "37signals-data-processing-addendum-2023-04.pdf"], "baseline")
    with pytest.raises(ReportError) as info:
        report_bytes("redline", [a])
    assert "addendum" in info.value.hint


# -- addendum and memo --------------------------------------------------------------------------------


def test_addendum_numbers_a_clause_per_open_point_in_the_contracts_terms(reviewed: Assessment) -> None:
    data = report_bytes("addendum", [reviewed])
    texts = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    points = negotiation_points(reviewed)
    clauses = [t for t in texts if t[:1].isdigit() and ".1 " in t[:6]]
    assert len(clauses) == len(points)
    assert clauses[0].startswith("1.1 Provider shall")
    assert "between Customer and Provider" in texts[1]
    assert not any("Supplier" in t for t in texts)


def test_memo_in_three_formats_carries_the_override(reviewed: Assessment) -> None:
    md = report_bytes("memo", [reviewed], memo_format="md").decode()
    assert md.startswith("# Negotiation memo: vendor-msa.docx")
    assert "## Critical" in md and "Programme exists but no annual review" in md
    assert "the engine said Met" in md and SILENT in md
    html = report_bytes("memo", [reviewed], memo_format="html").decode()
    assert "<script" not in html and "Programme exists but no annual review" in html
    assert "default-src 'none'" in html
    memo = docx.Document(io.BytesIO(report_bytes("memo", [reviewed], memo_format="docx")))
    text = "\n".join(p.text for p in memo.paragraphs)
    assert "Reviewer: Overridden: Met → Weak by A. Counsel" in text
    with pytest.raises(ReportError):
        report_bytes("memo", [reviewed], memo_format="pdf")


@pytest.mark.parametrize(
    ("out", "fmt"), [("m.docx", "docx"), ("m.HTML", "html"), ("m.htm", "html"), ("m.md", "md")]
)
def test_memo_format_by_extension(out: str, fmt: str) -> None:
    assert memo_format_of(out) == fmt


def test_cli_writes_the_pack(msa: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["check", str(msa), "--playbook", "ai-data-vendor", "--no-isolation"]
    for fmt, out in (("redline", "r.docx"), ("addendum", "a.docx"), ("memo", "m.html"), ("memo", "m.md")):
        assert main([*base, "--format", fmt, "--out", str(tmp_path / out)]) == 0, capsys.readouterr().err
    assert (tmp_path / "m.html").read_text().startswith("<!doctype html>")
    assert (tmp_path / "m.md").read_text().startswith("# Negotiation memo")
    assert zipfile.ZipFile(tmp_path / "r.docx").read("word/document.xml").count(b"<w:del ") == 1
    # Without --out the memo goes to stdout as Markdown; a redline needs --out.
    assert main([*base, "--format", "memo"]) == 0
    assert capsys.readouterr().out.startswith("# Negotiation memo")
    assert main([*base, "--format", "redline"]) == 2


def test_cli_redline_of_a_pdf_says_to_use_the_addendum(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf = CORPUS / "37signals-data-processing-addendum-2023-04.pdf"
    code = main(
        ["check", str(pdf), "--no-isolation", "--format", "redline", "--out", str(tmp_path / "r.docx")]
    )
    err = capsys.readouterr().err
    assert code == 1 and "--format addendum" in err and "Traceback" not in err
    assert not (tmp_path / "r.docx").exists()


def test_json_carries_the_party_names(checker: ContractChecker, msa: Path) -> None:
    [a], _ = checker.check_paths([msa], "baseline")
    report = json.loads(report_bytes("json", [a]))
    assert report["assessments"][0]["parties"] == {"vendor": "Provider", "customer": "Customer"}
