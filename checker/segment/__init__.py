"""Segmentation: a :class:`~checker.models.Document` becomes sentence-sized :class:`~checker.models.Clause`s.

Each clause keeps its offsets into the document text, its page, the full number of the innermost
numbered unit it belongs to ("12.3(a)") and the headings above it. See :class:`Segmenter`.
"""

from checker.segment.segmenter import MAX_CLAUSE_CHARS, Segmenter, segment

__all__ = ["MAX_CLAUSE_CHARS", "Segmenter", "segment"]
