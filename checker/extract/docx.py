"""DOCX → text in body order: numbered paragraphs with their list labels, tables row by row.

Before python-docx parses anything, the zip directory is checked against the archive limits (a small
DOCX can inflate to gigabytes) and every XML part is checked for a DTD (Word never writes one; entity
bombs need one). The text is the accepted view of tracked changes (insertions in, deletions out), list
labels are rebuilt from numbering.xml, headers and footers go to ``furniture``, and pages follow
explicit page breaks (the last rendered ones when Word saved them).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

from checker.errors import CorruptDocumentError
from checker.extract.archive import as_plain_docx, check_archive
from checker.extract.builder import Extracted, TextBuilder
from checker.extract.docx_numbering import NumberingState, W
from checker.extract.limits import Limits, check_pages

__all__ = ["extract_docx"]

_PAGE, _NEWLINE = object(), object()
_SKIP = {W + t for t in ("del", "moveFrom", "pPr", "rPr", "delText", "instrText", "fldData", "sectPr")}
_SKIP.add("{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback")
_CHANGES = tuple(W + t for t in ("ins", "del", "moveFrom", "moveTo"))
_HEADING_NAME = re.compile(r"^heading\s*([1-9])$", re.I)


def _open(data: bytes, path: str) -> Any:
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml import etree

    data = as_plain_docx(data)
    try:
        return docx.Document(io.BytesIO(data))
    # python-docx meets a malformed part (e.g. a .rels whose root is not <Relationships>) with AttributeError
    except (PackageNotFoundError, KeyError, ValueError, AttributeError, etree.XMLSyntaxError) as exc:
        raise CorruptDocumentError(
            f"The Word document is damaged and cannot be read ({type(exc).__name__}: {exc}).",
            hint="Open it in Word and save it again as .docx.",
            path=path,
        ) from None


class _Styles:
    """Paragraph style facts: numbering, outline level and heading level through ``w:basedOn``."""

    def __init__(self, styles: Any) -> None:
        self.by_id = (
            {s.get(W + "styleId"): s for s in styles.iterchildren(W + "style")} if styles is not None else {}
        )

    def chain(self, style_id: str | None) -> Iterator[tuple[str, Any]]:
        seen: set[str] = set()
        while style_id and style_id in self.by_id and style_id not in seen:
            seen.add(style_id)
            style = self.by_id[style_id]
            yield style_id, style
            based = style.find(W + "basedOn")
            style_id = based.get(W + "val") if based is not None else None

    def numbering_styles(self) -> dict[str, str]:
        out = {}
        for style_id, style in self.by_id.items():
            num = style.find(f"{W}pPr/{W}numPr/{W}numId")
            if num is not None:
                out[style_id] = num.get(W + "val", "")
        return out

    def heading_level(self, ppr: Any, style_id: str | None) -> int | None:
        """1 for Title and Heading 1, n for Heading n; else the outline level (paragraph, then style)."""
        outline = _val(ppr, "outlineLvl")
        for _, style in self.chain(style_id):
            name = (_val(style, "name") or "").strip().lower()
            match = _HEADING_NAME.match(name)
            if match and outline is None:
                return int(match.group(1))
            if name == "title" and outline is None:
                return 1
            if outline is None:
                outline = _val(style.find(W + "pPr"), "outlineLvl")
        if outline is not None and outline.isdigit() and int(outline) < 9:
            return int(outline) + 1
        return None


class _Reader:
    """Walks the body in order and writes lines into a :class:`TextBuilder`."""

    def __init__(self, document: Any, builder: TextBuilder) -> None:
        self.builder = builder
        self.styles = _Styles(document.styles.element)
        part = document.part
        try:
            numbering = part.numbering_part.element
        except (KeyError, NotImplementedError):
            numbering = None
        self.numbering = NumberingState.from_xml(numbering, self.styles.numbering_styles())
        body = document.element.body
        # Word stores where it last broke pages; use those when present, else the explicit breaks.
        self.rendered_breaks = next(body.iter(W + "lastRenderedPageBreak"), None) is not None
        self.carry: list[object] = []

    def label(self, p: Any) -> tuple[str, str]:
        ppr = p.find(W + "pPr")
        num_pr = ppr.find(W + "numPr") if ppr is not None else None
        style_id = _val(ppr, "pStyle")
        num_id = _val(num_pr, "numId") if num_pr is not None else None
        ilvl_text = _val(num_pr, "ilvl") if num_pr is not None else None
        if num_id is None:
            for sid, style in self.styles.chain(style_id):
                style_num = style.find(f"{W}pPr/{W}numPr")
                if style_num is not None:
                    num_id = _val(style_num, "numId")
                    ilvl_text = ilvl_text or _val(style_num, "ilvl")
                    if num_id is not None and ilvl_text is None:
                        ilvl_text = str(self.numbering.level_for_style(num_id, sid))
                    break
        if not num_id or num_id == "0":
            return "", ""
        return self.numbering.label(num_id, int(ilvl_text) if ilvl_text and ilvl_text.isdigit() else 0)

    def tokens(self, element: Any, out: list[object]) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == W + "t":
                out.append(child.text or "")
            elif tag in (W + "tab", W + "ptab"):
                out.append(" ")
            elif tag in (W + "br", W + "cr"):
                page = child.get(W + "type") == "page" and not self.rendered_breaks
                out.append(_PAGE if page else _NEWLINE)
            elif tag == W + "lastRenderedPageBreak":
                out.append(_PAGE)
            elif tag == W + "noBreakHyphen":
                out.append("-")
            elif tag == W + "p":  # a paragraph inside a text box
                out.append(_NEWLINE)
                self.tokens(child, out)
                out.append(_NEWLINE)
            else:
                self.tokens(child, out)

    def paragraph(self, p: Any) -> None:
        ppr = p.find(W + "pPr")
        tokens: list[object] = [*self.carry]
        self.carry = []
        if ppr is not None and ppr.find(W + "pageBreakBefore") is not None and not self.rendered_breaks:
            tokens.insert(0, _PAGE)
        self.tokens(p, tokens)
        if ppr is not None and ppr.find(f"{W}rPr/{W}del") is not None:
            self.carry = [*tokens, " "]  # deleted paragraph mark: the accepted view merges it with the next
            return
        label, suffix = self.label(p)
        level = self.styles.heading_level(ppr, _val(ppr, "pStyle"))
        if label and "".join(t for t in tokens if isinstance(t, str)).strip():
            tokens.insert(
                next((i for i, t in enumerate(tokens) if t is not _PAGE), len(tokens)), label + suffix
            )
        self.emit(tokens, level)

    def emit(self, tokens: list[object], heading_level: int | None) -> None:
        builder = self.builder
        builder.end_line()
        start = None
        line: list[str] = []
        space = False  # whitespace seen at the end of the last piece written on this line

        def flush() -> None:
            nonlocal start, space
            text = re.sub(r"\s+", " ", "".join(line))
            line.clear()
            core = text.strip()
            if not core:
                space = space or bool(text)
                return
            if builder.line_open and (space or text[0] == " "):
                builder.write(" ")
            span = builder.write(core)
            start = span[0] if start is None else start
            space = text[-1] == " "

        for token in tokens:
            if token is _PAGE:
                flush()
                builder.new_page(end_line=False)
            elif token is _NEWLINE:
                flush()
                builder.end_line()
                space = False
            elif isinstance(token, str):
                line.append(token)
        flush()
        builder.end_line()
        if heading_level is not None and start is not None and builder.length > start:
            builder.headings.append((start, builder.length, heading_level))

    def plain_paragraph(self, p: Any) -> str:
        """A paragraph as one line of plain text with its list label (for table cells and headers)."""
        tokens: list[object] = []
        self.tokens(p, tokens)
        text = " ".join("".join(t if isinstance(t, str) else " " for t in tokens).split())
        label, suffix = self.label(p)
        return f"{label}{suffix}{text}" if label and text else text

    def cell_text(self, cell: Any) -> str:
        """A table cell's paragraphs (and nested tables' rows) joined with spaces."""
        parts = []
        for block in _blocks(cell):
            if block.tag == W + "p":
                parts.append(self.plain_paragraph(block))
            else:
                parts.extend(self.row_texts(block))
        return " ".join(part for part in parts if part)

    def row_texts(self, table: Any) -> list[str]:
        rows = []
        for row in table.iter(W + "tr"):
            if row.find(f"{W}trPr/{W}del") is not None or _nearest_table(row) is not table:
                continue
            cells = [self.cell_text(cell) for cell in row.iterchildren(W + "tc")]
            if any(cells):
                rows.append(" | ".join(c for c in cells if c))
        return rows

    def read(self, body: Any) -> None:
        for block in _blocks(body):
            if block.tag == W + "p":
                self.paragraph(block)
            elif block.tag == W + "tbl":
                for row in self.row_texts(block):
                    self.builder.add_line(row)
        if self.carry:
            self.emit(self.carry, None)


def _nearest_table(row: Any) -> Any:
    parent = row.getparent()
    while parent is not None and parent.tag != W + "tbl":
        parent = parent.getparent()
    return parent


def _blocks(container: Any) -> Iterator[Any]:
    """Paragraphs and tables in order, looking through content controls and custom XML wrappers."""
    for child in container:
        if child.tag in (W + "p", W + "tbl"):
            yield child
        elif child.tag in (W + "sdt", W + "sdtContent", W + "customXml", W + "ins", W + "moveTo"):
            yield from _blocks(child)


def _val(element: Any, tag: str) -> str | None:
    child = element.find(W + tag) if element is not None else None
    return None if child is None else child.get(W + "val")


def _furniture(document: Any, reader: _Reader) -> list[str]:
    seen: dict[str, None] = {}
    kinds = (
        "header",
        "footer",
        "first_page_header",
        "first_page_footer",
        "even_page_header",
        "even_page_footer",
    )
    for section in document.sections:
        for kind in kinds:
            part = getattr(section, kind)
            if part.is_linked_to_previous:
                continue
            for block in _blocks(part.part.element):
                texts = [reader.plain_paragraph(block)] if block.tag == W + "p" else reader.row_texts(block)
                seen.update((t, None) for t in texts if t)
    return list(seen)


def extract_docx(data: bytes, *, path: str = "", limits: Limits) -> Extracted:
    """Read a DOCX (or .docm, text only) after the archive checks; see the module docstring."""
    macro = check_archive(data, limits, path)
    document = _open(data, path)
    builder = TextBuilder(limits, path)
    reader = _Reader(document, builder)
    body = document.element.body
    reader.read(body)
    check_pages(len(builder.page_starts) + builder.pending_pages, limits, path)
    warnings = []
    tracked = next(body.iter(*_CHANGES), None) is not None
    if tracked:
        warnings.append(
            "The document contains tracked changes; they were resolved to the accepted view (insertions kept,"
            " deletions dropped)."
        )
    if macro:
        warnings.append(
            "The document is macro-enabled; only its text was read and its macros were never run."
        )
    furniture = _furniture(document, reader)
    return Extracted.from_builder(
        builder, furniture=furniture, warnings=warnings, has_tracked_changes=tracked
    )
