"""``clausecheck batch SHEET --out RESULT.xlsx``: score every contract a spreadsheet names (DESIGN.md §4).

Exit codes: 0 every row was assessed; 1 a row has an error (the workbook is still written, the error is
in the row and on the Errors sheet) or the sheet itself cannot be read; 2 usage errors.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from checker.cli.limit_options import add_limit_options, isolation_limits
from checker.cli.register_options import add_register_options, record_into_register
from checker.errors import ClauseCheckError
from checker.limits import MAX_ROWS

if TYPE_CHECKING:  # the batch engine is imported when the command runs, so --help stays fast
    from checker.batch import BatchOutcome, Progress

__all__ = ["ProgressLine", "register"]

_SHOWN_ERRORS = 20


def register(sub: Any) -> None:
    """Add the ``batch`` sub-command."""
    p = sub.add_parser("batch", help="score every contract a spreadsheet names", description=__doc__)
    p.add_argument(
        "sheet", metavar="SHEET", help="input sheet (.xlsx or .csv): one row per contract or vendor"
    )
    p.add_argument("--out", required=True, help="the scored workbook to write (.xlsx)")
    p.add_argument(
        "--docs", help="folder or ZIP holding the files the sheet names (default: the sheet's folder)"
    )
    p.add_argument("--playbook", default="baseline", help="playbook name, 'all', or a playbook YAML file")
    p.add_argument("--library", help="clause library folder (default: the shipped library)")
    p.add_argument("--jobs", type=int, default=None, help="worker processes (default: the number of cores)")
    p.add_argument("--resume", action="store_true", help="skip documents already scored (from the cache)")
    p.add_argument("--cache-dir", help="result cache folder (default: .clausecheck-cache next to --out)")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the result cache")
    p.add_argument("--group-by", choices=("vendor",), help="assess all rows of one vendor as one bundle")
    p.add_argument("--vendor-col", help="the vendor column (header, letter or 1-based number)")
    p.add_argument("--file-col", help="the contract file column")
    p.add_argument("--text-col", help="the pasted clause text column")
    p.add_argument(
        "--vendor",
        help="the vendor party as the contracts name it (e.g. 'Acme' or 'Provider'), for every row;"
        " a 'Vendor party' column overrides it per row",
    )
    p.add_argument("--vendor-party-col", help="the vendor party column (header, letter or 1-based number)")
    add_limit_options(p)
    p.add_argument(
        "--max-rows", type=int, default=MAX_ROWS, help=f"refuse sheets over this (default {MAX_ROWS:,})"
    )
    p.add_argument("--quiet", action="store_true", help="no progress line")
    add_register_options(p, vendor=False)
    p.set_defaults(handler=run)


class ProgressLine:
    """Documents done, rate and ETA on stderr: redrawn in place on a terminal, a line every 10 s otherwise."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.interval = 1.0 if self.tty else 10.0
        self.last = 0.0

    def __call__(self, p: Progress) -> None:
        """Show ``p`` unless the last line is recent (the final one is always shown)."""
        now = time.monotonic()
        final = p.done >= p.total
        if not final and now - self.last < self.interval:
            return
        self.last = now
        eta = f"ETA {_duration(p.eta)}" if p.eta is not None and not final else f"{_duration(p.elapsed)}"
        cached = f" ({p.cached} from cache)" if p.cached else ""
        line = f"batch: {p.done}/{p.total} documents{cached} · {p.rate * 60:.0f}/min · {eta}"
        end = "\n" if final or not self.tty else ""
        self.stream.write(("\r" if self.tty else "") + line.ljust(72 if self.tty else 0) + end)
        self.stream.flush()


def _duration(seconds: float | None) -> str:
    s = int(seconds or 0)
    return f"{s // 3600}h{s % 3600 // 60:02d}m" if s >= 3600 else f"{s // 60}m{s % 60:02d}s"


def _usage(message: str) -> int:
    print(f"clausecheck batch: {message}", file=sys.stderr)
    return 2


def _record(args: argparse.Namespace, outcome: BatchOutcome) -> None:
    """Record every scored row under its vendor column's name; a row without a vendor name is named."""
    from checker.register.record import scored_rows

    pairs, unnamed = scored_rows(outcome)
    for number in unnamed:
        print(f"clausecheck: row {number}: no vendor name, not recorded", file=sys.stderr)
    record_into_register(args, pairs)


def run(args: argparse.Namespace) -> int:
    """Read the sheet, score its rows, write the workbook; the exit code says whether every row was scored."""
    from checker.batch import (
        BatchOptions,
        ColumnError,
        open_docs,
        read_sheet,
        run_batch,
        write_scored_workbook,
    )

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        return _usage("--out must name an .xlsx file")
    if (args.jobs is not None and args.jobs < 1) or args.timeout <= 0 or args.memory_mb < 256:
        return _usage("--jobs must be ≥ 1, --timeout > 0 and --memory-mb ≥ 256")
    try:
        docs = open_docs(args.docs, args.sheet)
    except ClauseCheckError as exc:  # --docs missing or not a folder/ZIP
        return _usage(str(exc))
    sheet = read_sheet(args.sheet, max_rows=args.max_rows)  # a sheet that cannot be read: exit 1 in main()
    cache_dir = (
        None
        if args.no_cache
        else Path(args.cache_dir)
        if args.cache_dir
        else out.parent / ".clausecheck-cache"
    )
    options = BatchOptions(
        playbook=args.playbook,
        library=args.library,
        workers=args.jobs,
        limits=isolation_limits(args),
        group_by_vendor=args.group_by == "vendor",
        vendor_col=args.vendor_col,
        file_col=args.file_col,
        text_col=args.text_col,
        vendor_party_col=args.vendor_party_col,
        vendor_party=(args.vendor or "").strip(),
        cache_dir=cache_dir,
        resume=args.resume,
    )
    try:
        outcome = run_batch(sheet, docs, options, progress=None if args.quiet else ProgressLine())
    except ColumnError as exc:
        return _usage(str(exc))
    except KeyboardInterrupt:
        tail = (
            "; the documents already scored are cached: run again with --resume to skip them"
            if cache_dir
            else ""
        )
        print(f"\nclausecheck: interrupted{tail}", file=sys.stderr)
        return 130
    try:
        write_scored_workbook(outcome, out)
    except OSError as exc:
        print(
            f"clausecheck: cannot write {out}: {exc.strerror or exc}. Close it if it is open in a spreadsheet"
            " program, then run again with --resume (the scores are cached).",
            file=sys.stderr,
        )
        return 1
    if args.register:
        _record(args, outcome)
    failed = [r for r in outcome.rows if r.errors]
    for row in failed[:_SHOWN_ERRORS]:
        for e in row.errors:
            print(
                f"clausecheck: row {row.row.number}: {e.path}: {e.message} {e.hint}".rstrip(), file=sys.stderr
            )
    if len(failed) > _SHOWN_ERRORS:
        print(f"clausecheck: ... and {len(failed) - _SHOWN_ERRORS} more rows with errors", file=sys.stderr)
    print(
        f"clausecheck: {len(outcome.rows)} rows, {len(failed)} with errors; {outcome.scored} documents or"
        f" bundles scored, {outcome.cache_hits} from the cache; wrote {out}",
        file=sys.stderr,
    )
    return 1 if failed else 0
