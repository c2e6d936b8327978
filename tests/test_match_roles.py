"""Roles from the document (checker.match.roles): who is the vendor, why, and what stays unknown."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError
from test_library_lint import base_control, write_library

from checker.api import ContractChecker, ReadDocument
from checker.batch import read_sheet_bytes
from checker.batch.columns import detect_columns
from checker.batch.plan import plan_rows
from checker.cli import main
from checker.errors import LibraryError
from checker.extract import extract_bytes
from checker.library.loader import DEFAULT_LIBRARY, load_library
from checker.library.schema import LanguageFile
from checker.match.roles import Roles, contract_parties, read_roles
from checker.models import Assessment, PartyNames, Status
from checker.report.wording import status_reason
from checker_app.bundle import Upload, read_bundle

CHECKER = ContractChecker()
LANGUAGE = CHECKER.library.language
CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "corpus"

# A procurement contract on the customer's paper: the Company hires a Contractor.
PROCUREMENT = """# Master Services Agreement

This Agreement is made between Globex Bank plc, a company incorporated in England (the "Company"), and
Acme Cloud Ltd (the "Contractor").

## 1. Security

1.1 Company shall notify Contractor of any Security Incident within 24 hours.

1.2 Contractor shall encrypt all Company Data at rest using AES-256.
"""

# A bank's outsourcing agreement: the Bank is the customer, the Supplier the vendor.
BANK = """# Outsourcing Agreement

This Agreement is between Acme Cloud Ltd (the "Supplier") and Globex Bank plc (the "Bank").

## 7. Audit

7.1 The Bank may audit the Supplier's compliance with this Agreement on thirty (30) days' notice.
"""


def _read(text: str, vendor: str | None = None, name: str = "contract.md") -> ReadDocument:
    return CHECKER.read(extract_bytes(text.encode(), name), vendor=vendor)


def _assess(read: ReadDocument) -> Assessment:
    return CHECKER.assess([read], "all")


def _finding(assessment: Assessment, control: str):  # type: ignore[no-untyped-def]
    return next(f for f in assessment.findings if f.control == control)


def _sides(read: ReadDocument) -> dict[str, str]:
    assert read.roles is not None
    return {name: p.role for p in read.roles.parties for name in p.names}


def test_the_parties_block_decides_who_the_vendor_is_with_its_offsets() -> None:
    read = _read(PROCUREMENT)
    assert _sides(read) == {"Company": "customer", "Contractor": "vendor"}
    assert read.roles is not None
    for party in read.roles.parties:
        assert read.document.text[party.start : party.end] == party.text
        assert party.page == 1
    company = next(p for p in read.roles.parties if p.names == ["Company"])
    assert "Globex Bank plc" in company.text and "“Contractor”" in company.basis
    assert read.roles.notes == ()


def test_a_company_that_is_the_customer_does_not_meet_incident_notice_for_the_vendor() -> None:
    read = _read(PROCUREMENT)
    notices = [m for m in read.matches if m.control == "incident_notification"]
    assert all(m.party != "vendor" for m in notices)
    assessment = _assess(read)
    assert _finding(assessment, "incident_notification").status == Status.MISSING
    # The Contractor's own duty in the same contract is still read as the vendor's.
    assert _finding(assessment, "encryption_at_rest").status == Status.MET


def test_the_same_sentence_binds_the_vendor_when_the_company_is_the_vendor() -> None:
    text = PROCUREMENT.replace(
        "Globex Bank plc, a company incorporated in England", "Acme Cloud Ltd"
    ).replace('Acme Cloud Ltd (the "Contractor")', 'Globex Bank plc, as customer (the "Client")')
    read = _read(text)
    assert _sides(read) == {"Company": "vendor", "Client": "customer"}
    assessment = _assess(read)
    notice = _finding(assessment, "incident_notification")
    assert notice.status == Status.MET and notice.params == {"notification_hours": 24}


def test_the_bank_that_is_the_customer_has_an_audit_right_not_a_weak_vendor_duty() -> None:
    read = _read(BANK)
    assert _sides(read) == {"Supplier": "vendor", "Bank": "customer"}
    audits = [m for m in read.matches if m.control == "audit_rights"]
    assert audits and all(m.party == "customer" for m in audits)
    finding = _finding(_assess(read), "audit_rights")
    assert finding.status == Status.MET, finding.reasons
    assert "permissive" not in finding.reason_codes


def test_without_a_parties_block_the_bank_is_an_unknown_role_and_the_assessment_says_so() -> None:
    read = _read(BANK.split("## 7. Audit", 1)[1])
    assert read.roles is not None and read.roles.parties == ()
    finding = _finding(_assess(read), "audit_rights")
    assert finding.status == Status.WEAK and "permissive" in finding.reason_codes
    notes = _assess(read).document.warnings
    assert any("No parties block" in n and "--vendor" in n for n in notes), notes


def test_the_user_names_the_vendor_party_and_the_other_party_is_the_customer() -> None:
    by_name = _read(PROCUREMENT, vendor="Acme")
    assert _sides(by_name) == {"Company": "customer", "Contractor": "vendor"}
    assert by_name.roles is not None and by_name.roles.notes == ()
    assert all("“Acme”" in p.basis for p in by_name.roles.parties)
    by_alias = _read(PROCUREMENT, vendor="contractor")
    assert _sides(by_alias) == _sides(by_name)


def test_naming_the_other_party_overrides_the_role_words_and_says_so() -> None:
    read = _read(PROCUREMENT, vendor="Globex")
    assert _sides(read) == {"Company": "vendor", "Contractor": "customer"}
    assert read.roles is not None
    (note,) = read.roles.notes
    text = read.document.text  # offsets are into the extracted text (Markdown marks set aside)
    start, end = text.index("Acme Cloud Ltd"), text.index('"Contractor")') + len('"Contractor")')
    assert "“Contractor” the vendor" in note and f"chars {start}–{end}" in note and "“Globex”" in note
    assessment = _assess(read)
    assert _finding(assessment, "incident_notification").status == Status.MET
    assert note in assessment.document.warnings


def test_a_named_vendor_missing_from_the_document_is_reported_not_guessed() -> None:
    read = _read(PROCUREMENT, vendor="Initech")
    assert _sides(read) == {"Company": "customer", "Contractor": "vendor"}
    assert read.roles is not None
    assert any("“Initech”, does not appear in this document" in n for n in read.roles.notes)


def test_a_named_vendor_found_only_in_the_text_becomes_a_vendor_name() -> None:
    text = "Initech shall notify Customer of any Security Incident within 24 hours.\n"
    read = _read(text, vendor="Initech")
    assert read.roles is not None and read.roles.vendor == ("Initech",)
    (party,) = read.roles.parties
    assert (party.start, party.end, party.role) == (0, 7, "vendor")
    assert any("is not defined in a parties block" in n for n in read.roles.notes)


def test_two_definitions_that_disagree_are_reported_with_both_places() -> None:
    text = (
        'This Agreement is between Acme Cloud Ltd, as service provider (the "Company"), and Globex Bank'
        ' plc, as customer (the "Bank").\n\n'
        '"Company" means Globex Bank plc, the customer named in the Order Form.\n\n'
        "Company shall notify the Bank of any Security Incident within 24 hours.\n"
    )
    roles = read_roles(text, LANGUAGE)
    assert roles.unknown == ("company",)
    (note,) = [n for n in roles.notes if "more than one side" in n]
    first, second = text.index("Acme Cloud Ltd"), text.index('"Company" means')
    assert f"chars {first}–" in note and f"chars {second}–" in note
    assert {p.role for p in roles.parties if p.names == ["Company"]} == {"unknown"}
    assert "Company" not in roles.vendor and "Company" not in roles.customer


def test_online_terms_speak_as_we_and_a_pronoun_definition_names_the_vendor() -> None:
    text = (
        'These terms are between you and Acme, Inc. ("Acme", "we", "us" or "our").\n\n'
        "We will notify you of any Security Incident within 48 hours.\n"
    )
    roles = read_roles(text, LANGUAGE)
    (party,) = roles.parties
    assert party.role == "vendor" and party.names == ["Acme", "we", "us", "our"]
    assert "“we”" in party.basis
    assert "Acme" in roles.vendor and roles.notes == ()


def test_defined_names_take_the_vendor_side_unless_a_customer_role_introduces_them() -> None:
    text = (
        'This agreement is between Acme Cloud Ltd., as service provider ("Acme"), and Beta Bank plc, '
        'the customer ("Bank"). Customer Data processed by GitHub, Inc. ("GitHub") is covered.'
    )
    roles = read_roles(text, LANGUAGE)
    vendor, customer = list(roles.vendor), list(roles.customer)
    assert "Acme" in vendor and "GitHub" in vendor
    assert "Bank" in customer


def test_fallback_names_come_from_the_roles_the_document_was_read_with() -> None:
    text = "1. Acme shall notify Customer of any incident. Acme will encrypt Customer Data at rest.\n"
    # Nothing in the text defines Acme: only roles read with it as the vendor make it the fallback's name.
    assert contract_parties([text], LANGUAGE).vendor == "Supplier"
    given = Roles(vendor=("Acme",), customer=("Customer",))
    assert contract_parties([text], LANGUAGE, [given]) == PartyNames(vendor="Acme", customer="Customer")
    # Roles read for a vendor party the user named, or for one document of a bundle, are read again
    # from the contract's own words, as fallback language always was.
    named = Roles(vendor=("Acme",), named_vendor="Acme")
    assert contract_parties([text], LANGUAGE, [named]).vendor == "Supplier"
    assert contract_parties([text, "Annex."], LANGUAGE, [given, None]).vendor == "Supplier"


def test_a_read_document_gives_the_same_fallback_names_as_reading_its_text_again() -> None:
    for fixture in ("github-data-protection-agreement-2023-02.md", "far-52.204-21-basic-safeguarding.txt"):
        read = CHECKER.read_file(CORPUS / fixture)
        text = read.document.text
        assert contract_parties([text], LANGUAGE, [read.roles]) == contract_parties([text], LANGUAGE)


@pytest.mark.parametrize(
    ("fixture", "says"),
    [
        ("far-52.204-21-basic-safeguarding.txt", "calls “Contractor”"),
        ("commonpaper-data-processing-agreement.md", "calls “Processor”"),
        ("37signals-terms-of-service.md", "speaks as the vendor (“We”"),
    ],
)
def test_fixture_agreements_without_a_parties_block_say_what_the_vendor_is_taken_to_be(
    fixture: str, says: str
) -> None:
    read = CHECKER.read_file(CORPUS / fixture)
    assert read.roles is not None
    (note,) = read.roles.notes
    assert note.startswith("No parties block") and says in note


def test_a_fixture_dpa_defines_controller_and_processor() -> None:
    read = CHECKER.read_file(CORPUS / "37signals-data-processing-addendum-2023-04.pdf")
    sides = _sides(read)
    assert sides["Processor"] == "vendor" and sides["Controller"] == "customer"
    assert sides["Customer"] == "customer"
    assert read.roles is not None
    for party in read.roles.parties:
        assert party.page >= 1 and party.text in read.document.text


def test_check_vendor_option_reaches_the_json_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "msa.md"
    path.write_text(PROCUREMENT, encoding="utf-8")
    code = main(["check", str(path), "--playbook", "all", "--vendor", "Globex", "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    document = report["assessments"][0]["document"]
    assert {p["names"][0]: p["role"] for p in document["parties"]} == {
        "Company": "vendor",
        "Contractor": "customer",
    }
    assert any("you named “Globex”" in w for w in document["warnings"])
    notice = next(f for f in report["assessments"][0]["findings"] if f["control"] == "incident_notification")
    assert notice["status"] == "met"


def test_a_vendor_party_column_goes_with_its_row_and_splits_jobs() -> None:
    sheet = read_sheet_bytes(
        b"Vendor,Vendor party,Clause text\nAcme,Contractor,x shall y\nGlobex,,x shall y\n", "v.csv"
    )
    columns = detect_columns(sheet.headers)
    assert (columns.vendor, columns.vendor_party, columns.text) == (0, 1, 2)
    plans, jobs = plan_rows(sheet, columns, docs=None, vendor_party="Provider")  # type: ignore[arg-type]
    assert [p.vendor_party for p in plans] == ["Contractor", "Provider"]
    assert [j.vendor_party for j in jobs] == ["Contractor", "Provider"]  # same text, two jobs


def test_the_app_bundle_reads_with_the_vendor_party_and_shows_role_notes() -> None:
    upload = Upload("msa.md", PROCUREMENT.encode())
    plain = read_bundle(CHECKER, [upload])
    named = read_bundle(CHECKER, [upload], vendor="Globex")
    assert plain.key != named.key
    (outcome,) = named.outcomes
    assert {p.names[0]: p.role for p in outcome.parties} == {"Company": "vendor", "Contractor": "customer"}
    assert any("you named “Globex”" in w for w in outcome.warnings)
    assert plain.outcomes[0].warnings == []


def test_the_shipped_party_vocabulary_gives_every_word_one_side() -> None:
    parties = LanguageFile.model_validate(load_library().language).parties
    assert parties is not None
    assert "company" in parties.undecided and "company" not in parties.vendor
    audit = CHECKER.library.control("audit_rights").match.terms["customer_tester"]
    assert not any(p.split()[0] in parties.undecided for p in audit)


def test_a_word_on_two_sides_or_a_misspelt_party_key_is_a_load_error(tmp_path: Path) -> None:
    shipped = yaml.safe_load((DEFAULT_LIBRARY / "language.yaml").read_text(encoding="utf-8"))
    both = {
        **shipped,
        "parties": {**shipped["parties"], "customer": [*shipped["parties"]["customer"], "Vendor"]},
    }
    with pytest.raises(ValidationError, match="'Vendor' is in both 'vendor' and 'customer'"):
        LanguageFile.model_validate(both)
    root = write_library(tmp_path / "lib", [base_control()])
    typo = {**shipped, "parties": {**shipped["parties"], "vendors": ["acme"]}}
    (root / "language.yaml").write_text(yaml.safe_dump(typo), encoding="utf-8")
    with pytest.raises(LibraryError, match=r"parties\.vendors: unknown key"):
        load_library(root)


@pytest.mark.timeout(30)
def test_a_definition_right_after_a_segment_break_is_read_and_does_not_hang() -> None:
    # "and (collectively, “Ecommerce Services”)": the text between the break ("and") and the parenthesis
    # is only a space. Stripping it once looped for ever (an empty string is "in" any string); the
    # WordPress.com terms of the corpus hung every check.
    text = (
        "Acme Inc. (“Provider”) provides hosting and (collectively, “Ecommerce Services”) to Globex "
        "Ltd (“Customer”). Provider shall notify Customer of any Security Incident within 24 hours."
    )
    roles = read_roles(text, load_library().language)
    sides = {name: p.role for p in roles.parties for name in p.names}
    assert sides["Provider"] == "vendor" and sides["Customer"] == "customer"
    path = (
        DEFAULT_LIBRARY
        / "corpus"
        / "documents"
        / "automattic__wordpress-com-terms-of-service-sections-8-21.md"
    )
    read_roles(path.read_text(encoding="utf-8"), load_library().language)  # returns


# A requirements document speaks to its reader: "You must ..." binds whoever implements it (the TRE
# operator, the supplier), not a customer. Sentences from the SATRE specification (open corpus).
REQUIREMENTS = (
    "# Computing technology pillar\n\n"
    "Statement: You must ensure that multi-factor authentication is enabled for all users.\n\n"
    "Statement: You must have procedures in place for rapid incident response.\n"
)


def test_a_requirements_document_that_addresses_you_binds_its_reader_and_says_so() -> None:
    roles = read_roles(REQUIREMENTS, LANGUAGE)
    assert roles.vendor == ("you",) and roles.customer == ()
    (note,) = roles.notes
    assert "never speaks as “we”" in note and "“You” (chars 42–45, page 1)" in note and "--vendor" in note
    doc = extract_bytes(REQUIREMENTS.encode(), "spec.md")
    found = {f.control: f for f in CHECKER.assess([CHECKER.read(doc)], "baseline").findings}
    assert found["mfa"].status == Status.MET
    # Online terms that speak as "we" keep "you" the customer, and a document naming a vendor by its
    # role word keeps "you" out of it.
    online = "We will notify you of any Security Incident within 48 hours.\n\nYou must keep your password secret.\n"
    assert "you" not in read_roles(online, LANGUAGE).vendor
    named = "The Supplier shall encrypt Customer Data.\n\nYou must ensure that MFA is enabled.\n"
    assert "you" not in read_roles(named, LANGUAGE).vendor


DATA_USE = (
    "# Guidelines for data users\n\n"
    "1. The data user must store the controlled-access data only on the approved data server.\n\n"
    "2. The data user must encrypt all data at rest on the data server.\n\n"
    "3. Data users must report any security incident to the data centre within 24 hours.\n\n"
    "4. The data user must delete all data within 30 days after the end of the approved project.\n\n"
    "5. The data user should apply the latest security patches to the data access terminal.\n"
)


def test_guidelines_that_bind_only_their_data_users_make_the_users_the_vendor_side_and_say_so() -> None:
    # No vendor is named or bound; the users who receive the data implement every requirement (corpus
    # LABELLING.md rules 9 and 28): their duties are the vendor side's, where "user" alone is a customer.
    roles = read_roles(DATA_USE, LANGUAGE)
    assert set(roles.vendor) == {"user", "users"} and roles.customer == ()
    (note,) = roles.notes
    assert "binds its “user” throughout (chars 41–45, page 1)" in note and "--vendor" in note
    doc = extract_bytes(DATA_USE.encode(), "guidelines.md")
    found = {f.control: f for f in CHECKER.assess([CHECKER.read(doc)], "baseline").findings}
    assert found["encryption_at_rest"].status == Status.MET
    assert found["incident_notification"].status == Status.MET
    # A document that binds a vendor word, or binds its users only now and then, keeps them the customer.
    for text in (
        DATA_USE + "\n6. The Provider shall notify the data user of any change.\n",
        "Users must keep their passwords secret.\n\nThe service encrypts all data at rest.\n",
    ):
        assert "user" not in read_roles(text, LANGUAGE).vendor


def test_a_duty_of_a_party_whose_side_no_one_decided_says_so_in_the_finding() -> None:
    # The issue's own example, with no parties block: "Company" is a word only the document can place.
    text = "# Agreement\n\n## 1. Security\n\n1.1 The Company shall notify the Contractor of any Security Incident within 24 hours.\n"
    finding = _finding(_assess(_read(text)), "incident_notification")
    assert (finding.party, finding.undecided_party) == ("assumed_vendor", "The Company")
    assert "binds “The Company”, whose side the document does not decide" in status_reason(finding)
    assert "names no party" not in status_reason(finding)
    # Once the document (or the user) decides, nothing is assumed: the Company is the customer here ...
    decided = _finding(_assess(_read(PROCUREMENT)), "incident_notification")
    assert decided.status == Status.MISSING and decided.undecided_party == ""
    # ... and the vendor when the user names it.
    named = _finding(_assess(_read(text, vendor="Company")), "incident_notification")
    assert (named.party, named.undecided_party) == ("vendor", "")
    # A clause that names no party at all is still said to name none.
    passive = "# Agreement\n\n## 1. Security\n\n1.1 Security Incidents shall be notified to Customer within 24 hours.\n"
    unnamed = _finding(_assess(_read(passive)), "incident_notification")
    assert unnamed.undecided_party == "" and "names no party" in status_reason(unnamed)


def test_batch_reads_each_row_with_its_vendor_party_column_or_the_vendor_option(tmp_path: Path) -> None:
    import csv

    from openpyxl import load_workbook

    sheet = tmp_path / "vendors.csv"
    with sheet.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["Vendor", "Vendor party", "Clause text"])
        writer.writerow(["Globex as vendor", "Globex", PROCUREMENT])  # the column names the vendor party
        writer.writerow(["Acme as vendor", "", PROCUREMENT])  # --vendor applies where the column is empty
    out = tmp_path / "scored.xlsx"
    assert main(["batch", str(sheet), "--out", str(out), "--vendor", "Acme", "--jobs", "1", "--quiet"]) == 0
    wb = load_workbook(out, read_only=True)
    values = list(wb["Results"].iter_rows(values_only=True))
    wb.close()
    rows = [dict(zip(values[0], row, strict=False)) for row in values[1:]]
    # "Company shall notify Contractor ... within 24 hours" binds the vendor only where Globex (the
    # Company) is the vendor; "Contractor shall encrypt" only where Acme (the Contractor) is.
    assert [r["incident_notification"] for r in rows] == ["met", "missing"]
    assert [r["encryption_at_rest"] for r in rows] == ["missing", "met"]


@pytest.mark.parametrize(
    "names",
    [
        ("Service Provider", "Processor", "Provider", "Customer", "Company", "Client", "GitHub"),
        ("Subprocessor", "Security Incident", "Personal Data", "Data", "Agreement", "You"),
        ("Hub", "Provider", "Customer"),  # "Hub" ends "GitHub": only a whole word counts
        ('"Customer"', "Customer", "Provider"),  # one begins with a quote: the plain form is used
    ],
)
def test_the_fast_names_pattern_finds_what_the_plain_one_finds(names: tuple[str, ...]) -> None:
    # contract_parties counts names with _names_pattern; it must count exactly what \b(a|b|...)\b counts.
    from checker.match.roles import _names_pattern

    plain = re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b")
    corpus = Path(__file__).resolve().parent.parent / "fixtures" / "corpus"
    hits = 0
    for path in sorted(corpus.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        found = _names_pattern(names).findall(text)
        assert found == plain.findall(text), path.name
        hits += len(found)
    assert hits > 100  # the texts use these names: the comparison is not vacuous


# A template: the parties are blanks to fill in (the open corpus's school DPA template is written so).
TEMPLATE = """# Data Processing Agreement

This Data Processing Agreement ("DPA") is entered into between:
[School/District Name] ("School" or "Educational Agency") Address: [Address]
and
[Company Name] ("Provider") Address: [Address]

## 7. Audit

School may audit Provider's compliance with this DPA upon reasonable notice.
"""


def test_a_template_blank_for_a_name_before_a_definition_is_a_party() -> None:
    read = _read(TEMPLATE)
    # "[School/District Name]" holds no legal form and no role word; as a blank for a name it marks the
    # definition as a party's, and the other party being the vendor makes it the customer. It used to be
    # read as a defined thing, on the vendor's side, so the school's audit right read as a weak vendor duty.
    assert _sides(read) == {"School": "customer", "Educational Agency": "customer", "Provider": "vendor"}
    finding = _finding(_assess(read), "audit_rights")
    assert finding.status == Status.MET and "permissive" not in finding.reason_codes
    # A bracketed blank that names no name is no party: "[Address]" defines nothing either way.
    assert read.roles is not None and "DPA" not in {n for p in read.roles.parties for n in p.names}
