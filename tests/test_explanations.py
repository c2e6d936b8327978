"""Explanations in a lawyer's words: why every status (met included), the number marked in the evidence,
defined terms with their definitions, catalogue codes beside titles (issue 12)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from checker.api import ContractChecker, ReadDocument
from checker.models import Status
from checker.report.wording import status_reason

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from checker_app.evidence_view import context_html, defined_terms, number_spans  # noqa: E402
from checker_app.findings_table import finding_rows  # noqa: E402
from checker_app.safe_text import highlight_spans  # noqa: E402

DEFINED = (
    "1. Definitions\n\n"
    '1.1 "Notice Period" means forty-eight (48) hours.\n\n'
    "2. Security\n\n"
    "2.1 Provider shall notify Customer in writing of any Security Incident within the Notice Period after"
    " becoming aware of it.\n"
)


@pytest.fixture(scope="module")
def checker() -> ContractChecker:
    return ContractChecker()


@pytest.fixture(scope="module")
def defined(checker: ContractChecker) -> ReadDocument:
    return checker.read_bytes(DEFINED.encode(), "msa.txt")


def test_numbers_are_marked_inside_the_evidence_and_markup_stays_escaped() -> None:
    text = "Vendor <b>shall</b> notify within 72 hours."
    html = highlight_spans(text, [(0, len(text))], numbers=[(text.index("72"), text.index("72") + 8)])
    assert (
        html
        == '<mark>Vendor &lt;b&gt;shall&lt;/b&gt; notify within <mark class="cc-num">72 hours</mark>.</mark>'
    )


def test_a_window_from_a_defined_term_shows_its_definition(
    checker: ContractChecker, defined: ReadDocument
) -> None:
    a = checker.assess([defined], "baseline")
    f = next(f for f in a.findings if f.control == "incident_notification")
    assert f.params == {"notification_hours": 48.0}
    ev = f.evidence[0]
    [term] = defined_terms(defined, ev)
    assert term.term == "Notice Period" and "forty-eight (48) hours" in term.definition.text
    assert term.definition.section == "1.1"
    # The number is in the definition, not the clause: nothing to mark there, and nothing invented.
    assert number_spans(defined, ev, f.params) == []


def test_met_says_why_with_who_is_bound_how_firmly_and_the_number(checker: ContractChecker) -> None:
    [a], _ = checker.check_paths(
        [ROOT / "fixtures" / "corpus" / "commonpaper-data-processing-agreement.md"], "baseline"
    )
    f = next(f for f in a.findings if f.control == "incident_notification")
    assert f.status is Status.MET and f.party and f.modality
    reason = status_reason(f)
    assert "binds the vendor" in reason and "firm commitment" in reason
    assert "notification: 72 hours" in reason and "at most 72 hours" in reason
    read = checker.read_file(ROOT / "fixtures" / "corpus" / "commonpaper-data-processing-agreement.md")
    html = context_html(read, f.evidence[0], params=f.params)
    assert '<mark class="cc-num">72 hours</mark>' in html
    for f in a.findings:
        assert status_reason(f), f.control  # every status says why
    rows = finding_rows(a.findings, checker.library)
    assert all(r["Reason"] for r in rows)
    assert all("_" not in r["Found"] + r["Threshold"] for r in rows)  # no raw keys or units


def test_catalogue_codes_are_beside_titles(checker: ContractChecker) -> None:
    [a], _ = checker.check_paths(
        [ROOT / "fixtures" / "corpus" / "commonpaper-data-processing-agreement.md"], "all"
    )
    codes = [f.catalogue for f in a.findings]
    assert all(codes) and len(set(codes)) == len(codes)
    row = next(r for r in finding_rows(a.findings, checker.library) if r["ID"] == "incident_notification")
    assert row["Control"].startswith("IN-01 Security incident notification")
