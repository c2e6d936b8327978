"""A vendor bundle as the app holds it: the uploaded files, what was read from each, and what failed.

Each file is read on its own, so a scanned, encrypted or damaged file becomes an error next to its name
while the rest of the bundle is still assessed. The bytes stay in memory only (they are needed for the
PDF page view and the annotated DOCX); nothing is written to disk, except that a scanned page read by
OCR is handed to Tesseract as a temporary image file that pytesseract deletes as soon as it is read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from checker.api import ContractChecker, ReadDocument, input_error
from checker.errors import ClauseCheckError
from checker.extract import Limits
from checker.extract.ocr.settings import OcrSettings
from checker.models import InputError, PartyRole

__all__ = ["SAMPLE_BUNDLES", "Bundle", "FileOutcome", "Upload", "read_bundle", "sample_uploads"]

CORPUS: Final = Path(__file__).resolve().parent.parent / "fixtures" / "corpus"

#: The sample contracts ``make run`` offers before anything is uploaded: real, public templates.
SAMPLE_BUNDLES: Final[dict[str, tuple[str, ...]]] = {
    "Common Paper DPA + Cloud Service Agreement": (
        "commonpaper-data-processing-agreement.md",
        "commonpaper-cloud-service-agreement.md",
    ),
    "37signals Data Processing Addendum (PDF)": ("37signals-data-processing-addendum-2023-04.pdf",),
    "GitHub Data Protection Agreement": ("github-data-protection-agreement-2023-02.md",),
}


@dataclass(frozen=True)
class Upload:
    """One file as the user gave it: its name and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class FileOutcome:
    """What became of one file: read (with any extraction warnings) or an error to show beside it."""

    name: str
    size: int
    read: ReadDocument | None = None
    error: InputError | None = None

    @property
    def warnings(self) -> list[str]:
        """What the extractor noticed but could work around (e.g. a name that says another format), and
        a party whose role the document leaves unknown or contradicts."""
        if self.read is None:
            return []
        return [*self.read.document.warnings, *(self.read.roles.notes if self.read.roles else ())]

    @property
    def parties(self) -> list[PartyRole]:
        """The parties the document defines, each with its side and the text that decided it."""
        return list(self.read.roles.parties) if self.read and self.read.roles else []


@dataclass(frozen=True)
class Bundle:
    """Every file of one upload; ``key`` identifies the exact bytes, so results are reused on rerun."""

    key: str
    outcomes: list[FileOutcome]
    sources: dict[str, bytes] = field(default_factory=dict)

    @property
    def documents(self) -> list[ReadDocument]:
        """The files that were read, in upload order."""
        return [o.read for o in self.outcomes if o.read is not None]

    @property
    def errors(self) -> list[InputError]:
        """The files that could not be read."""
        return [o.error for o in self.outcomes if o.error is not None]

    def document(self, name: str) -> ReadDocument | None:
        """The read document an evidence's ``document`` field names (by name or path)."""
        for read in self.documents:
            if name in (read.document.name, read.document.path):
                return read
        return None

    def source(self, name: str) -> bytes | None:
        """The original bytes of a document, by name or path."""
        read = self.document(name)
        return self.sources.get(read.document.name if read else name)


def bundle_key(
    uploads: Sequence[Upload],
    passwords: Mapping[str, str] | None = None,
    vendor: str = "",
    ocr: OcrSettings | None = None,
) -> str:
    """A digest of the names, contents, given passwords, vendor party and OCR choices, stable across reruns."""
    digest = hashlib.sha256()
    if vendor:
        digest.update(b"vendor party\0" + vendor.encode() + b"\0")
    if ocr is not None and ocr != OcrSettings():
        digest.update(f"ocr\0{ocr.mode}\0{ocr.lang}\0".encode())
    for up in uploads:
        digest.update(up.name.encode() + b"\0" + hashlib.sha256(up.data).digest())
    for name, password in sorted((passwords or {}).items()):
        digest.update(name.encode() + b"\1" + hashlib.sha256(password.encode()).digest())
    return digest.hexdigest()[:16]


def _read_one(
    checker: ContractChecker, up: Upload, password: str | None, vendor: str | None, limits: Limits
) -> FileOutcome:
    try:
        read = checker.read_bytes(up.data, up.name, password=password, vendor=vendor, limits=limits)
        return FileOutcome(up.name, len(up.data), read=read)
    except ClauseCheckError as exc:
        return FileOutcome(up.name, len(up.data), error=input_error(up.name, exc))
    except Exception as exc:  # the app boundary: one unexpected failure must not sink the bundle
        return FileOutcome(
            up.name,
            len(up.data),
            error=InputError(
                path=up.name,
                code="internal_error",
                message=f"clausecheck could not read this file ({type(exc).__name__}).",
                hint="The other files were assessed. Please report this, with the file if you can share it.",
            ),
        )


def read_bundle(
    checker: ContractChecker,
    uploads: Sequence[Upload],
    on_file: Callable[[int, Upload], None] | None = None,
    on_done: Callable[[int, FileOutcome], None] | None = None,
    passwords: Mapping[str, str] | None = None,
    vendor: str = "",
    ocr: OcrSettings | None = None,
) -> Bundle:
    """Read every upload; ``on_file``/``on_done`` report progress (index, file) for a progress display.

    ``passwords`` maps a file name to the password of an encrypted file; ``vendor`` names the vendor
    party as the contracts do (empty: their parties blocks and definitions decide); ``ocr`` chooses
    whether and in which language scanned pages are read (default: automatically, in English).
    """
    passwords = passwords or {}
    limits = Limits(ocr=ocr or OcrSettings())
    outcomes: list[FileOutcome] = []
    sources: dict[str, bytes] = {}
    seen: set[tuple[str, str]] = set()
    for i, up in enumerate(uploads):
        ident = (up.name, hashlib.sha256(up.data).hexdigest())
        if ident in seen:  # the same file dropped twice would double every piece of evidence
            continue
        seen.add(ident)
        if on_file:
            on_file(i, up)
        outcome = _read_one(checker, up, passwords.get(up.name) or None, vendor.strip() or None, limits)
        outcomes.append(outcome)
        if outcome.read is not None:
            sources[up.name] = up.data
        if on_done:
            on_done(i, outcome)
    return Bundle(bundle_key(uploads, passwords, vendor.strip(), ocr), outcomes, sources)


def sample_uploads(label: str) -> list[Upload]:
    """The files of one of :data:`SAMPLE_BUNDLES`, read from ``fixtures/corpus``."""
    return [Upload(name, (CORPUS / name).read_bytes()) for name in SAMPLE_BUNDLES[label]]
