"""Where the matcher's numbers differ from the labels, on the open part of the corpus only.

Lists every open-split unit whose labelled parameter the rules (no detector) read differently:
the unit, the parameter, what the label says, what the tool found, and the unit's text, so that the
mechanisms behind ``params_exact`` can be read. The lockbox is never loaded.

Run: ``.venv/bin/python -m bench.params_mismatches``.
"""

from __future__ import annotations

import sys

from bench.accuracy import Clausecheck
from bench.labelled import load_labelled


def main() -> int:
    """Print every mismatch and the count of exact parameters."""
    docs = [d for d in load_labelled("open") if any(u.params for u in d.units)]
    if any(d.record.get("split") != "open" for d in docs):  # pragma: no cover - load_labelled filters
        raise SystemExit("refusing to read a document outside the open split")
    rules = Clausecheck(learn=False)
    total = exact = 0
    for doc in docs:
        statuses, params, _ = rules.predict(doc)
        for unit in doc.units:
            for key, want in unit.params.items():
                got = params.get(unit.id, {}).get(key)
                total += 1
                if got is not None and abs(float(got) - float(want)) < 1e-6:
                    exact += 1
                    continue
                print(f"--- {unit.id} {key}: expected {want}, found {got}; all found {params.get(unit.id)}")
                print(f"    status {statuses.get(unit.id)}, labelled {unit.status}")
                print(f"    {unit.text[:600]!r}")
    print(f"exact {exact} / {total} (rules only, open part)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
