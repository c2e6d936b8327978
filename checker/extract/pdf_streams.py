"""Decompression-bomb check for PDFs, done on the raw bytes before PDFium sees them.

A content stream compressed with FlateDecode can inflate a thousandfold: an 800 KB PDF whose page is
400 MB of drawing operators makes PDFium allocate gigabytes, and when an address-space limit stops it,
PDFium aborts the whole process (no exception to catch). So every FlateDecode stream that is not an
image is inflated here first, a chunk at a time and never kept, and the file is refused when one stream
is both large and compressed far beyond what honest content compresses to, or when the streams together
inflate beyond ``max_uncompressed_bytes``. Images are skipped: PDFium does not decode them to read text,
and scans compress large images for honest reasons.

Encrypted streams and filters other than Flate cannot be inflated here and pass unchecked; the worker
processes of the batch engine and the app (``checker.isolate``) bound those with a memory limit.
"""

from __future__ import annotations

import re
import zlib

from checker.errors import ArchiveBombError
from checker.extract.limits import MB, Limits

__all__ = ["check_streams"]

_STREAM = re.compile(rb">>\s*stream\r?\n")
_FLATE = re.compile(rb"/(?:FlateDecode|Fl)\b")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_RATIO_FLOOR = 10 * MB  # small streams compress well for honest reasons; judge the ratio only above this
_CHUNK = 64 * 1024


def _inflate(data: bytes, start: int, budget: int, limits: Limits) -> tuple[int, float]:
    """Inflate the zlib stream at ``start``; return (bytes out, ratio), stopping early once it is damning."""
    inflater = zlib.decompressobj()
    view = memoryview(data)
    pos, out = start, 0
    try:
        while pos < len(data) and not inflater.eof:
            pending = view[pos : pos + _CHUNK]
            pos += len(pending)
            while pending:
                out += len(inflater.decompress(pending, MB))
                pending = memoryview(inflater.unconsumed_tail)
                used = max(1, pos - start - len(pending))
                if out > budget or (out > _RATIO_FLOOR and out / used > limits.max_compression_ratio):
                    return out, out / used
                if inflater.eof:
                    break
    except zlib.error:
        pass  # not Flate after all, encrypted, or damaged: PDFium will judge it
    return out, out / max(1, pos - start - len(inflater.unused_data))


def check_streams(data: bytes, limits: Limits, path: str = "") -> None:
    """Raise :class:`ArchiveBombError` for a PDF whose FlateDecode streams inflate absurdly."""
    total = 0
    hint = "Refused before reading. If the file is genuine, raise Limits({}) (or the matching setting)."
    for match in _STREAM.finditer(data):
        head = data[max(0, match.start() - 4096) : match.start()]
        head = head[head.rfind(b"obj") + 1 :]
        if not _FLATE.search(head) or _IMAGE.search(head):
            continue
        out, ratio = _inflate(data, match.end(), limits.max_uncompressed_bytes - total, limits)
        total += out
        if total > limits.max_uncompressed_bytes:
            raise ArchiveBombError(
                f"The PDF's compressed streams would inflate to over {limits.max_uncompressed_bytes / MB:,.0f} MB,"
                " the limit max_uncompressed_bytes: it looks like a decompression bomb.",
                hint=hint.format("max_uncompressed_bytes"),
                path=path,
            )
        if out > _RATIO_FLOOR and ratio > limits.max_compression_ratio:
            raise ArchiveBombError(
                f"A stream in the PDF is compressed over {ratio:,.0f}:1 (over {out / MB:,.0f} MB), beyond the"
                f" limit max_compression_ratio ({limits.max_compression_ratio:g}:1): it looks like a"
                " decompression bomb.",
                hint=hint.format("max_compression_ratio"),
                path=path,
            )
