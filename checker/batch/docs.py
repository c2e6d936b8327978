"""Where the contracts a sheet names are found: a folder, a ZIP archive, or files uploaded to the app.

A ZIP is never extracted to disk. Its directory is checked first (number of members, total unpacked
size, compression ratio), and each member is read into memory only when its job is sent to a worker,
through a bounded read that trusts no size the archive claims. Names are matched, never joined to a
path, so ``../../etc/passwd`` in a sheet or in an archive reaches nothing outside it. In a folder, a
name that resolves outside ``--docs`` is refused.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Protocol

from checker.errors import ArchiveBombError, ClauseCheckError, CorruptDocumentError, FileTooLargeError
from checker.extract.limits import MB, Limits
from checker.models import InputError

__all__ = [
    "DocRef",
    "DocsFolder",
    "DocsLocator",
    "DocsMapping",
    "DocsZip",
    "MissingDocumentError",
    "as_input_error",
    "open_docs",
]


class MissingDocumentError(ClauseCheckError):
    """A file the sheet names is not where the sheet says."""

    code = "missing_file"


@dataclass(frozen=True)
class DocRef:
    """A document a row names, located: a file path, a member of the docs archive, or pasted text.

    ``identity`` is the same for two rows that name the same document, so it is scored once.
    """

    label: str
    name: str
    identity: str
    path: str | None = None
    member: str | None = None
    text: str | None = None


class DocsLocator(Protocol):
    """Turns a file name from the sheet into a :class:`DocRef` (or raises :class:`MissingDocumentError`)."""

    def locate(self, ref: str) -> DocRef:
        """The document the sheet calls ``ref``."""
        ...

    def load(self, doc: DocRef) -> bytes:
        """The bytes of a located document that is not a plain file."""
        ...


def as_input_error(label: str, exc: ClauseCheckError) -> InputError:
    """A failed document or row as data for the scored sheet (the same shape as ``checker.api.input_error``)."""
    return InputError(path=label, code=exc.code, message=exc.message, hint=exc.hint)


def _clean(ref: str) -> str:
    return ref.strip().strip('"').replace("\\", "/")


@dataclass
class DocsFolder:
    """Files under ``root``; absolute names are allowed only when no ``--docs`` folder was given."""

    root: Path
    confined: bool = True

    def locate(self, ref: str) -> DocRef:
        """Resolve ``ref`` under the folder; refuse what escapes it or does not exist."""
        name = _clean(ref)
        base = self.root.resolve()
        target = (base / name).resolve()
        if self.confined and not target.is_relative_to(base):
            raise MissingDocumentError(
                f"{name!r} points outside the documents folder {base}; it was not read.",
                hint="Name files relative to the --docs folder.",
            )
        if not target.is_file():
            what = "is a folder, not a file" if target.is_dir() else "was not found"
            raise MissingDocumentError(
                f"The file {name!r} {what} in {base}.",
                hint="Check the name in the sheet, or point --docs at the folder (or ZIP) that holds it.",
            )
        return DocRef(label=ref.strip(), name=target.name, identity=f"file:{target}", path=str(target))

    def load(self, doc: DocRef) -> bytes:
        """Files are read by the worker itself; this is for completeness."""
        return Path(doc.path or "").read_bytes()


class DocsZip:
    """Members of a ZIP archive, matched by path or, when unique, by file name (case-insensitive)."""

    def __init__(self, source: str | Path | bytes, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self.shown = "the uploaded ZIP" if isinstance(source, bytes) else str(source)
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
        except (zipfile.BadZipFile, OSError) as exc:
            raise CorruptDocumentError(
                f"The documents archive cannot be opened ({exc}).", path=self.shown
            ) from None
        infos = [i for i in self.archive.infolist() if not i.is_dir()]
        self._check(infos)
        self.by_path = {self._key(i.filename): i for i in infos}
        self.by_name: dict[str, list[zipfile.ZipInfo]] = {}
        for info in infos:
            self.by_name.setdefault(PurePosixPath(info.filename).name.lower(), []).append(info)

    def _check(self, infos: list[zipfile.ZipInfo]) -> None:
        total = sum(i.file_size for i in infos)
        packed = max(1, sum(i.compress_size for i in infos))
        cap = self.limits.max_uncompressed_bytes * 20  # a portfolio holds many documents
        if len(infos) > self.limits.max_zip_entries:
            raise ArchiveBombError(
                f"The documents archive holds {len(infos):,} files, over the limit of"
                f" {self.limits.max_zip_entries:,}.",
                hint="Split it into several archives.",
                path=self.shown,
            )
        if total > cap or (total > 100 * MB and total / packed > self.limits.max_compression_ratio):
            raise ArchiveBombError(
                f"The documents archive would unpack to {total / MB:,.0f} MB (compressed {total / packed:,.0f}:1):"
                " it looks like an archive bomb and was not read.",
                hint="Split it into smaller archives, or use a folder (--docs DIR).",
                path=self.shown,
            )

    @staticmethod
    def _key(name: str) -> str:
        return str(PurePosixPath(*[p for p in _clean(name).split("/") if p not in ("", ".")])).lower()

    def locate(self, ref: str) -> DocRef:
        """Find the member the sheet calls ``ref``: by its path in the archive, else by its unique name."""
        info = self.by_path.get(self._key(ref))
        if info is None:
            same = self.by_name.get(PurePosixPath(_clean(ref)).name.lower(), [])
            if len(same) > 1:
                raise MissingDocumentError(
                    f"{len(same)} files in the archive are called {PurePosixPath(_clean(ref)).name!r}.",
                    hint="Give the path inside the archive in the sheet, e.g. " + same[0].filename,
                )
            info = same[0] if same else None
        if info is None:
            raise MissingDocumentError(
                f"The file {ref.strip()!r} is not in {self.shown}.",
                hint="Check the name in the sheet against the archive's contents.",
            )
        name = PurePosixPath(info.filename).name
        return DocRef(label=ref.strip(), name=name, identity=f"zip:{info.filename}", member=info.filename)

    def load(self, doc: DocRef) -> bytes:
        """Read a member into memory, stopping at the file-size limit whatever the archive claims."""
        limit = self.limits.max_file_bytes
        try:
            with self.archive.open(doc.member or "") as fh:
                data = fh.read(limit + 1)
        except (zipfile.BadZipFile, OSError, KeyError, EOFError, RuntimeError) as exc:
            raise CorruptDocumentError(
                f"The archive member cannot be read ({exc}).", path=doc.label
            ) from None
        if len(data) > limit:
            raise FileTooLargeError(
                f"The file unpacks to more than the limit max_file_bytes ({limit / MB:.0f} MB).",
                hint="If the file is genuine, raise the limit.",
                path=doc.label,
            )
        return data


@dataclass
class DocsMapping:
    """Files uploaded to the app: name → bytes, matched by name (case-insensitive)."""

    files: Mapping[str, bytes]

    def locate(self, ref: str) -> DocRef:
        """Find an uploaded file by the name the sheet gives (its folder part is ignored)."""
        wanted = PurePosixPath(_clean(ref)).name.lower()
        for name in self.files:
            if PurePosixPath(_clean(name)).name.lower() == wanted:
                return DocRef(
                    label=ref.strip(),
                    name=PurePosixPath(_clean(name)).name,
                    identity=f"upload:{name}",
                    member=name,
                )
        raise MissingDocumentError(
            f"No uploaded file is called {ref.strip()!r}.", hint="Upload it with the sheet."
        )

    def load(self, doc: DocRef) -> bytes:
        """The uploaded bytes."""
        return self.files[doc.member or ""]


def open_docs(
    docs: str | Path | None, sheet_path: str | Path | None, limits: Limits | None = None
) -> DocsLocator:
    """The locator for ``--docs``: a ZIP file, a folder, or (none given) the sheet's own folder."""
    if docs is None:
        base = Path(sheet_path).parent if sheet_path else Path.cwd()
        return DocsFolder(base, confined=False)
    path = Path(docs)
    if path.is_dir():
        return DocsFolder(path)
    if path.is_file() and zipfile.is_zipfile(path):
        return DocsZip(path, limits)
    if not path.exists():
        raise MissingDocumentError(f"The documents folder or ZIP {str(path)!r} does not exist.")
    raise CorruptDocumentError(f"--docs must be a folder or a ZIP archive; {str(path)!r} is neither.")
