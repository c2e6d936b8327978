"""Zip-container checks for DOCX, done before any XML is parsed.

A 3 MB DOCX can inflate to gigabytes inside python-docx, and an XML part with entity declarations can
expand exponentially; both are refused here from the zip directory and the first bytes of each part.
Word never writes a DTD, so any ``<!DOCTYPE``/``<!ENTITY`` in a part is refused outright.
"""

from __future__ import annotations

import io
import zipfile

from checker.errors import ArchiveBombError, CorruptDocumentError, UnsafeDocumentError
from checker.extract.limits import MB, Limits

__all__ = ["as_plain_docx", "check_archive"]

_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_OTHER_MAINS = (
    b"application/vnd.ms-word.document.macroEnabled.main+xml",
    b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    b"application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
)
_DTD_MARKS = tuple(
    m.encode(enc) for m in ("<!DOCTYPE", "<!ENTITY") for enc in ("utf-8", "utf-16-le", "utf-16-be")
)
_RATIO_FLOOR = 10 * MB  # small parts compress well for honest reasons; judge the ratio only above this


def check_archive(data: bytes, limits: Limits, path: str = "") -> bool:
    """Refuse archive bombs and XML with a DTD before any parsing; return True for a macro-enabled file."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise CorruptDocumentError(f"The DOCX is not a readable zip archive ({exc}).", path=path) from None
    with archive:
        infos = archive.infolist()
        total = sum(info.file_size for info in infos)
        packed = max(1, sum(info.compress_size for info in infos))
        hint = "Refused before reading. If the file is genuine, raise Limits({}) (or the matching setting)."
        if len(infos) > limits.max_zip_entries:
            raise ArchiveBombError(
                f"The DOCX holds {len(infos):,} files, over the limit max_zip_entries ({limits.max_zip_entries:,}).",
                hint=hint.format("max_zip_entries"),
                path=path,
            )
        if total > limits.max_uncompressed_bytes:
            raise ArchiveBombError(
                f"The DOCX would unpack to {total / MB:,.0f} MB, over the limit max_uncompressed_bytes"
                f" ({limits.max_uncompressed_bytes / MB:,.0f} MB): it looks like an archive bomb.",
                hint=hint.format("max_uncompressed_bytes"),
                path=path,
            )
        ratios = [(total, total / packed)] + [
            (i.file_size, i.file_size / max(1, i.compress_size)) for i in infos
        ]
        for size, ratio in ratios:
            if size > _RATIO_FLOOR and ratio > limits.max_compression_ratio:
                raise ArchiveBombError(
                    f"The DOCX is compressed {ratio:,.0f}:1, over the limit max_compression_ratio"
                    f" ({limits.max_compression_ratio:g}:1): it looks like an archive bomb.",
                    hint=hint.format("max_compression_ratio"),
                    path=path,
                )
        try:
            content_types = archive.read("[Content_Types].xml")
        except KeyError:
            raise CorruptDocumentError(
                "The file is a zip archive without [Content_Types].xml, so it is not a Word document.",
                path=path,
            ) from None
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                with archive.open(info) as part:
                    head = part.read(64 * 1024)
                if any(mark in head for mark in _DTD_MARKS):
                    raise UnsafeDocumentError(
                        f"The DOCX part {info.filename} declares a DTD or entities, which Word never writes;"
                        " it was refused to guard against XML entity bombs.",
                        hint="Open the original in Word and save it again as .docx.",
                        path=path,
                    )
    return b"macroEnabled" in content_types


def as_plain_docx(data: bytes) -> bytes:
    """python-docx opens only the plain document content type; relabel .docm/.dotx/.dotm in memory."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        if not any(other in archive.read("[Content_Types].xml") for other in _OTHER_MAINS):
            return data
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info.filename)
            if info.filename == "[Content_Types].xml":
                for other in _OTHER_MAINS:
                    body = body.replace(other, _MAIN.encode())
            zout.writestr(info.filename, body)
    return out.getvalue()
