"""``python -m checker_app.serve [streamlit options]``: the review app with a warm engine.

``streamlit run app.py`` imports the matcher (spaCy, the detector, the library: about 12 s on a busy
machine) only when the first visitor arrives, who then waits. This launcher builds the checker first,
in the same process, and then starts Streamlit's server, so the first page is served from a warm
engine. ``make run`` uses it; options go to ``streamlit run`` unchanged.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app.py"


def main(argv: list[str] | None = None) -> int:
    """Build the checker, then run ``streamlit run app.py`` with ``argv`` in this process."""
    started = time.perf_counter()
    from checker_app import bulk_page, library_page, review_page  # noqa: F401  (import: warm modules)
    from checker_app.engine import prebuild

    prebuild()
    print(f"clausecheck: engine ready in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(APP), *(sys.argv[1:] if argv is None else argv)]
    return int(cli.main(standalone_mode=False) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
