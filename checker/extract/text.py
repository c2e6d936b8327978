"""Plain text, Markdown and HTML files → text: decoding, then one writer per markup.

Bytes are decoded as UTF-8 (a BOM selects UTF-8/16), falling back to Windows-1252 with a warning.
Line ends are normalised to ``\\n``. Plain text may hold several pages separated by form feeds. A
plain-text file that is hard-wrapped (every line shorter than about 100 characters) has the wrapped
lines of each paragraph joined, so that sentences are not cut; a new line still starts at a blank
line, an enumerator ("12.3", "(a)") or a heading-like short line.
"""

from __future__ import annotations

import codecs
import re

from checker.extract.builder import Extracted, TextBuilder
from checker.extract.html import html_lines
from checker.extract.limits import Limits, check_chars, check_pages
from checker.extract.markdown import write_markdown

__all__ = ["decode_text", "extract_html", "extract_markdown", "extract_txt"]

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_STARTS_ITEM = re.compile(
    r"^(?:\d{1,3}(?:\.\d{1,3})*\.?\s|\(?[a-zA-Z]{1,2}\)\s|\([ivxlcIVXLC]{1,6}\)|[•*-]\s"
    r"|(?:article|section|clause|schedule|annex|appendix|exhibit)\s+\w)",
    re.I,
)


def decode_text(data: bytes) -> tuple[str, list[str]]:
    """Decode ``data`` and normalise line ends; return the text and any warnings."""
    warnings: list[str] = []
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data.decode(encoding, errors="replace")
            break
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
            warnings.append(
                "The file is not valid UTF-8; it was decoded as Windows-1252 (check odd characters)."
            )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text), warnings


def _joined_paragraphs(lines: list[str]) -> list[str]:
    """Join the hard-wrapped lines of each paragraph (only for files that look hard-wrapped)."""
    widths = [len(line) for line in lines if line.strip()]
    if not widths or max(widths) > 100:
        return [line for line in lines if line.strip()]
    wrap = max(widths)
    out: list[str] = []
    previous = ""
    for line in lines:
        text = line.strip()
        if not text:
            previous = ""
            continue
        full = len(previous) >= 0.75 * wrap and not previous.endswith((".", ":", ";"))
        if out and previous and full and not _STARTS_ITEM.match(text):
            out[-1] = f"{out[-1]} {text}"
        else:
            out.append(text)
        previous = line.rstrip()
    return out


def extract_txt(data: bytes, *, path: str = "", limits: Limits) -> Extracted:
    """Plain text; form feeds separate pages."""
    text, warnings = decode_text(data)
    check_chars(len(text), limits, path)
    pages = text.split("\f")
    check_pages(len(pages), limits, path)
    builder = TextBuilder(limits, path)
    for number, page in enumerate(pages):
        if number:
            builder.new_page()
        for line in _joined_paragraphs(page.split("\n")):
            builder.add_line(" ".join(line.split()))
    return Extracted.from_builder(builder, warnings=warnings)


def extract_markdown(data: bytes, *, path: str = "", limits: Limits) -> Extracted:
    """Markdown, including the inline HTML that published agreements carry."""
    text, warnings = decode_text(data)
    check_chars(len(text), limits, path)
    builder = TextBuilder(limits, path)
    write_markdown(text.replace("\f", "\n"), builder)
    return Extracted.from_builder(builder, warnings=warnings)


def extract_html(data: bytes, *, path: str = "", limits: Limits) -> Extracted:
    """HTML, parsed with the standard library's tolerant parser; scripts are never run."""
    text, warnings = decode_text(data)
    check_chars(len(text), limits, path)
    builder = TextBuilder(limits, path)
    for line, level in html_lines(text):
        builder.add_line(line, level)
    return Extracted.from_builder(builder, warnings=warnings)
