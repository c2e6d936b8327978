"""Bad input: each kind gets its own typed error and a message that says what to do; never a traceback."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.errors import (
    ArchiveBombError,
    ClauseCheckError,
    CorruptDocumentError,
    EmptyDocumentError,
    EncryptedDocumentError,
    FileTooLargeError,
    LegacyFormatError,
    LimitExceededError,
    NoTextLayerError,
    UnsafeDocumentError,
    UnsupportedFormatError,
)
from checker.extract import Limits, extract_bytes, extract_file, sniff_format
from checker.models import DocumentFormat

GENERATED = Path(__file__).resolve().parents[1] / "fixtures" / "generated"
CONVERT = "libreoffice --headless --convert-to docx"

CASES = [
    ("encrypted-user-password.pdf", EncryptedDocumentError, "needs a password"),
    ("scanned.pdf", NoTextLayerError, "OCR found no text"),
    ("truncated.pdf", CorruptDocumentError, "damaged, truncated or not really a PDF"),
    ("legacy.doc", LegacyFormatError, CONVERT),
    ("legacy.rtf", LegacyFormatError, CONVERT),
    ("legacy.odt", LegacyFormatError, CONVERT),
    ("encrypted-word.docx", EncryptedDocumentError, "remove the password"),
    ("empty.txt", EmptyDocumentError, "empty"),
    ("zip-named.docx", CorruptDocumentError, "not a Word document"),
    ("zip-bomb.docx", ArchiveBombError, "max_uncompressed_bytes"),
    ("entity-bomb.docx", UnsafeDocumentError, "entity bombs"),
]


@pytest.mark.parametrize(("name", "error", "words"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_raises_its_own_error(name: str, error: type[ClauseCheckError], words: str) -> None:
    path = GENERATED / name
    with pytest.raises(error) as caught:
        extract_file(path)
    assert type(caught.value) is error  # the most specific class, not just a base
    assert words in str(caught.value)
    assert caught.value.path == str(path) and str(path) in str(caught.value)
    assert caught.value.to_dict()["code"] == error.code


def test_wrong_password_is_named_as_such() -> None:
    with pytest.raises(EncryptedDocumentError, match="password given for this encrypted PDF is wrong"):
        extract_file(GENERATED / "encrypted-user-password.pdf", password="guess")


def test_wrong_password_with_pdfplumber_engine_too() -> None:
    with pytest.raises(EncryptedDocumentError, match="needs a password"):
        extract_file(GENERATED / "encrypted-user-password.pdf", pdf_engine="pdfplumber")
    doc = extract_file(GENERATED / "encrypted-user-password.pdf", password="secret", pdf_engine="pdfplumber")
    assert "confidential and encrypted at rest" in doc.text


def test_scanned_pdf_names_its_pages() -> None:
    with pytest.raises(NoTextLayerError) as caught:
        extract_file(GENERATED / "scanned.pdf")
    assert caught.value.pages == [1, 2]
    assert "pages 1, 2 hold only images" in caught.value.message


def test_pdf_named_docx_is_read_as_pdf_with_a_warning() -> None:
    doc = extract_file(GENERATED / "pdf-named.docx")
    assert doc.format is DocumentFormat.PDF and doc.pages == 3
    assert doc.warnings[0] == "The file is named .docx but its content is PDF; it was read as PDF."


def test_zip_bomb_is_refused_before_python_docx_sees_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import docx

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("python-docx must not be called on an archive bomb")

    monkeypatch.setattr(docx, "Document", never)
    with pytest.raises(ArchiveBombError):
        extract_file(GENERATED / "zip-bomb.docx")
    # With the size limit raised, the compression ratio (about 600:1) still refuses it.
    with pytest.raises(ArchiveBombError, match="max_compression_ratio"):
        extract_file(GENERATED / "zip-bomb.docx", limits=Limits(max_uncompressed_bytes=10**12))


def test_too_many_zip_entries() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for i in range(30):
            archive.writestr(f"word/media/{i}.bin", b"x")
    with pytest.raises(ArchiveBombError, match="max_zip_entries"):
        extract_bytes(buf.getvalue(), "many.docx", limits=Limits(max_zip_entries=20))


def test_size_page_and_length_limits_name_the_limit() -> None:
    contract = GENERATED / "contract.pdf"
    with pytest.raises(FileTooLargeError, match=r"max_file_bytes") as caught:
        extract_file(contract, limits=Limits(max_file_bytes=1000))
    assert "raise the limit" in str(caught.value)
    with pytest.raises(FileTooLargeError, match="max_file_bytes"):
        extract_bytes(contract.read_bytes(), "contract.pdf", limits=Limits(max_file_bytes=1000))
    with pytest.raises(LimitExceededError, match=r"3 pages, over the limit max_pages \(2\)"):
        extract_file(contract, limits=Limits(max_pages=2))
    with pytest.raises(LimitExceededError, match="max_chars"):
        extract_file(contract, limits=Limits(max_chars=500))
    with pytest.raises(LimitExceededError, match="max_chars"):
        extract_file(GENERATED / "contract.docx", limits=Limits(max_chars=100))


@pytest.mark.parametrize(
    ("data", "name", "error"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "scan.png", CorruptDocumentError),  # read by OCR: damaged
        (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 50, "contract.exe", UnsupportedFormatError),
        (b"this is not a PDF at all", "contract.pdf", CorruptDocumentError),
        (b"plain words", "contract.docx", CorruptDocumentError),
        (b"   \n\t ", "blank.txt", EmptyDocumentError),
        (b"<html><body><script>x()</script></body></html>", "blank.html", EmptyDocumentError),
        (b"PK\x03\x04 truncated zip", "short.docx", CorruptDocumentError),
    ],
    ids=["png", "binary", "fake-pdf", "text-named-docx", "whitespace", "html-no-text", "truncated-zip"],
)
def test_more_bad_bytes(data: bytes, name: str, error: type[ClauseCheckError]) -> None:
    with pytest.raises(error) as caught:
        extract_bytes(data, name)
    assert type(caught.value) is error and caught.value.path == name


def test_missing_file() -> None:
    with pytest.raises(CorruptDocumentError, match="cannot be opened"):
        extract_file(GENERATED / "no-such-file.pdf")


def test_sniff_format_magic_first_extension_second() -> None:
    pdf = (GENERATED / "contract.pdf").read_bytes()
    docx_bytes = (GENERATED / "contract.docx").read_bytes()
    assert sniff_format(pdf, "x.docx") is DocumentFormat.PDF
    assert sniff_format(docx_bytes, "x.pdf") is DocumentFormat.DOCX
    assert sniff_format(b"# Title", "notes.md") is DocumentFormat.MD
    assert sniff_format(b"<!DOCTYPE html><p>x</p>", "page") is DocumentFormat.HTML
    assert sniff_format(b"<p>x</p>", "page.htm") is DocumentFormat.HTML
    assert sniff_format(b"Section 1", "notes") is DocumentFormat.TXT


def _truncations() -> st.SearchStrategy[tuple[str, int]]:
    names = ["contract.pdf", "contract.docx", "macro.docm", "two-column.pdf"]
    return st.tuples(st.sampled_from(names), st.integers(min_value=0, max_value=60_000))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=_truncations(), noise=st.binary(max_size=64))
def test_damaged_files_never_escape_as_tracebacks(case: tuple[str, int], noise: bytes) -> None:
    name, cut = case
    data = (GENERATED / name).read_bytes()
    damaged = data[: cut % (len(data) + 1)] + noise
    try:
        doc = extract_bytes(damaged, name)
    except ClauseCheckError as exc:
        assert exc.message and exc.path == name
    else:
        assert doc.text.strip()


@settings(max_examples=60, deadline=None)
@given(
    data=st.binary(max_size=400), name=st.sampled_from(["a.pdf", "a.docx", "a.txt", "a.md", "a.html", "a"])
)
def test_arbitrary_bytes_give_a_document_or_a_typed_error(data: bytes, name: str) -> None:
    try:
        doc = extract_bytes(data, name)
    except ClauseCheckError:
        return
    assert doc.text.strip() and doc.pages >= 1
