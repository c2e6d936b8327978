"""The contracts a bulk sheet names, found among the files uploaded with it (loose files and ZIPs).

The batch engine asks a :class:`~checker.batch.docs.DocsLocator` for each name in the sheet. Uploads
arrive as loose files, as ZIP archives, or both, so :class:`UploadedDocs` asks the loose files first and
then each archive; ZIPs are read in memory by :class:`~checker.batch.docs.DocsZip` (never unpacked to
disk). An archive that cannot be opened becomes an error to show, not an exception.
"""

from __future__ import annotations

from collections.abc import Mapping

from checker.batch import DocsMapping, DocsZip, MissingDocumentError
from checker.batch.docs import DocRef
from checker.errors import ClauseCheckError

__all__ = ["UploadedDocs"]


class UploadedDocs:
    """A docs locator over uploaded files: loose files by name, then the members of each ZIP."""

    def __init__(self, files: Mapping[str, bytes]) -> None:
        self.errors: dict[str, ClauseCheckError] = {}
        self.loose = DocsMapping({n: d for n, d in files.items() if not n.lower().endswith(".zip")})
        self.zips: list[tuple[str, DocsZip]] = []
        for name, data in files.items():
            if name.lower().endswith(".zip"):
                try:
                    self.zips.append((name, DocsZip(data)))
                except ClauseCheckError as exc:
                    self.errors[name] = exc
        self._owner: dict[DocRef, DocsMapping | DocsZip] = {}

    def locate(self, ref: str) -> DocRef:
        """The uploaded file (or ZIP member) the sheet calls ``ref``."""
        sources: list[DocsMapping | DocsZip] = [self.loose] if self.loose.files else []
        sources += [z for _, z in self.zips]
        if len(sources) == 1:  # one place to look: its own message is the most precise
            doc = sources[0].locate(ref)
            self._owner[doc] = sources[0]
            return doc
        for where in sources:
            try:
                doc = where.locate(ref)
            except MissingDocumentError:
                continue
            self._owner[doc] = where
            return doc
        zips = ", ".join(name for name, _ in self.zips)
        raise MissingDocumentError(
            f"{ref.strip()!r} is not among the uploaded files" + (f" or in {zips}" if zips else "") + ".",
            hint="Upload it with the sheet (as a file or inside a ZIP), or correct the name in the sheet.",
        )

    def load(self, doc: DocRef) -> bytes:
        """The bytes of a located document."""
        return self._owner.get(doc, self.loose).load(doc)

    @property
    def count(self) -> int:
        """How many documents were uploaded (ZIP members counted one by one)."""
        return len(self.loose.files) + sum(len(z.by_path) for _, z in self.zips)
