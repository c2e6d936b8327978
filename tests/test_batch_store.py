"""Batch results spilled to disk keep the parent's memory flat (checker.batch.store)."""

from __future__ import annotations

from pathlib import Path

from checker.batch.store import SpilledResults
from checker.isolate import JobResult
from checker.library.loader import load_library, resolve_playbook
from checker.models import DocumentInfo, InputError
from checker.score import assess

LIBRARY = load_library()
INFO = DocumentInfo(path="a.md", name="a.md", sha256="0" * 64, format="md", pages=1)


def test_assessments_go_to_private_temporary_files_and_come_back_equal() -> None:
    assessment = assess([INFO], [], resolve_playbook("baseline", LIBRARY), LIBRARY)
    store = SpilledResults()
    store[1] = JobResult(1, assessment, [])
    store[2] = JobResult(2, None, [InputError(path="b.pdf", code="corrupt", message="damaged")])
    folder = store._dir
    assert sorted(p.name for p in folder.iterdir()) == ["1.pickle"]  # errors-only results stay in memory
    assert folder.stat().st_mode & 0o077 == 0  # readable by the owner only
    assert store[1].assessment == assessment
    assert store.get(2) is not None and store[2].errors[0].code == "corrupt"
    assert store.get(3) is None and len(store) == 2 and set(store) == {1, 2}
    store.close()
    assert not Path(folder).exists()
