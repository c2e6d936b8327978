"""Who a clause binds and how firmly (checker.match.obligation)."""

from __future__ import annotations

import pytest

from checker.library.loader import load_library
from checker.match.obligation import ObligationReader
from checker.match.phrases import fold

LANGUAGE = load_library().language
READER = ObligationReader(LANGUAGE)


def _read(text: str, action: str) -> tuple[str, str]:
    folded = fold(text)
    ob = READER.read(folded, folded.index(action), READER.modals(folded), text)
    return ob.party, ob.modality


@pytest.mark.parametrize(
    ("text", "action", "party", "modality"),
    [
        ("Supplier shall notify Customer of any breach.", "notify", "vendor", "binding"),
        ("The Processor will encrypt Personal Data at rest.", "encrypt", "vendor", "binding"),
        ("Contractor agrees to report any incident.", "report", "vendor", "binding"),
        ("Provider may notify Customer of incidents.", "notify", "vendor", "permissive"),
        ("Vendor should encrypt backups.", "encrypt", "vendor", "permissive"),
        ("Customer shall notify Provider of compromised credentials.", "notify", "customer", "binding"),
        ("You must keep your password confidential.", "keep", "customer", "binding"),
        ("We will notify you of any breach.", "notify", "vendor", "binding"),
        ("Each party shall keep the other's information confidential.", "keep", "mutual", "binding"),
        ("Provider has no obligation to notify Customer.", "notify", "vendor", "negated"),
        ("Provider shall not be required to encrypt archives.", "encrypt", "vendor", "negated"),
        ("Provider shall not use Customer Data to train models.", "use", "vendor", "prohibition"),
        ("Customer Data shall be encrypted in transit.", "encrypted", "assumed_vendor", "binding"),
        (
            "Customer shall be notified of any incident within 24 hours.",
            "notified",
            "assumed_vendor",
            "binding",
        ),
        ("Acme Corp will delete the data within 30 days.", "delete", "assumed_vendor", "binding"),
        # A soft verb after the binding word, with words between them, is still soft.
        ("Supplier shall consider encrypting backups.", "encrypting", "vendor", "permissive"),
        (
            "The Supplier shall in particular consider encryption of backups.",
            "encryption",
            "vendor",
            "permissive",
        ),
        ("Supplier will, where possible, attempt to encrypt backups.", "encrypt", "vendor", "permissive"),
        # ... but a binding verb between them is the duty's own.
        ("Supplier shall encrypt backups and consider other measures.", "encrypt", "vendor", "binding"),
        (
            "Supplier shall be responsible for the security of cardholder data.",
            "security",
            "vendor",
            "binding",
        ),
    ],
)
def test_party_and_modality(text: str, action: str, party: str, modality: str) -> None:
    assert _read(text, action) == (party, modality)


@pytest.mark.parametrize(
    ("text", "action", "party"),
    [
        # A party inside a clause of the sentence is not the subject of its modal: a noun's own clause,
        # a relative clause, brackets, a condition that opens the sentence.
        ("The tools you use should encrypt all data at rest.", "encrypt", "assumed_vendor"),
        ("The rights you grant us are limited to what we need to provide the service.", "limited", "vendor"),
        (
            "Most of the tooling that helps you stay current will highlight vulnerabilities.",
            "highlight",
            "assumed_vendor",
        ),
        (
            "When a user attempts to modify a sensitive resource, the system must require multi-factor"
            " authentication.",
            "require",
            "assumed_vendor",
        ),
        (
            "Unless the applicable Agreement (or the User documentation) says otherwise, transmissions"
            " are encrypted.",
            "encrypted",
            "assumed_vendor",
        ),
        # A party after a preposition is its object: "Staff working in client offices must ...".
        ("Staff working in client offices must wear badges.", "wear", "assumed_vendor"),
        ("Engineers at client sites shall keep access logs.", "keep", "assumed_vendor"),
        # ... and a party right before its modal is its subject whatever came before it.
        ("If Customer requests, Customer may audit Provider.", "audit", "customer"),
        ("If you do not update your image, you must monitor for vulnerabilities.", "monitor", "customer"),
        ("Customer, at its own expense, shall encrypt the backups.", "encrypt", "customer"),
        ("At all times you must keep your password confidential.", "keep", "customer"),
    ],
)
def test_a_party_inside_a_clause_of_the_sentence_is_not_its_subject(
    text: str, action: str, party: str
) -> None:
    assert _read(text, action)[0] == party


def test_condition_is_not_a_refusal() -> None:
    _party, modality = _read(
        "If Customer does not approve a new Subprocessor, Customer may terminate.", "approve"
    )
    assert modality != "prohibition"


def test_subjects_kept_per_clause_are_the_subjects_read_afresh_on_corpus_text() -> None:
    # A clause's subjects are kept on its structure (one reading per reader and modal): every modal's
    # subject, asked in two orders of a real agreement's clauses, is what a reading from scratch gives.
    from pathlib import Path

    from checker.extract import extract_file
    from checker.match.phrases import normalise
    from checker.segment import segment

    path = Path(__file__).resolve().parent.parent / "fixtures" / "corpus" / "37signals-terms-of-service.md"
    read = 0
    for clause in segment(extract_file(path)):
        original = normalise(clause.text)
        text = fold(original)
        modals = READER.modals(text)
        kept = READER.structure(text, modals)
        for order in (modals, modals[::-1], modals):
            for start, *_ in order:
                fresh = READER.structure(text, modals)
                assert READER.subject(text, start, original, kept) == READER.subject(
                    text, start, original, fresh
                )
                read += 1
        assert len(kept.subjects) >= len({m[0] for m in modals})
    assert read > 100


def test_a_kept_subject_is_the_reading_of_its_own_reader() -> None:
    # Two readers of one clause (a document's names make another reader): each keeps its own reading.
    original = "Acme shall notify the Customer of any Security Incident."
    text = fold(original)
    modals = READER.modals(text)
    kept = READER.structure(text, modals)
    acme = READER.with_names(["Acme"], [], [])
    start = modals[0][0]
    plain = READER.subject(text, start, original, kept)
    named = acme.subject(text, start, original, kept)
    assert named == acme.subject(text, start, original, READER.structure(text, modals))
    assert plain == READER.subject(text, start, original, READER.structure(text, modals))
    assert named[0] == "vendor" and plain != named
    assert READER.subject(text, start, original, kept) == plain  # not the other reader's
