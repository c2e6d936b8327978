"""The ``clausecheck`` command line: a thin shell over the library.

Each sub-command lives in its own module with a ``register(subparsers)`` function. Errors are caught
once here: a :class:`~checker.errors.ClauseCheckError` is printed as one line on stderr, never a
traceback. Exit codes follow DESIGN.md section 4: 0 every input assessed, 1 an input could not be
read, 2 usage errors.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from checker import __version__
from checker.errors import ClauseCheckError, LibraryError, PlaybookError

__all__ = ["EXIT_INPUT_ERROR", "EXIT_OK", "EXIT_USAGE", "main"]

EXIT_OK = 0
EXIT_INPUT_ERROR = 1
EXIT_USAGE = 2

#: Sub-command modules, in the order ``--help`` lists them.
COMMANDS = ("extract", "check", "batch", "register", "incident", "library")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="clausecheck",
        description="Check vendor contracts for binding security obligations.",
    )
    parser.add_argument("--version", action="version", version=f"clausecheck {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"checker.cli.{name}_cmd")
        except ModuleNotFoundError as exc:
            if exc.name != f"checker.cli.{name}_cmd":
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI and return its exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
    except (LibraryError, PlaybookError) as exc:
        print(f"clausecheck: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ClauseCheckError as exc:
        print(f"clausecheck: {exc}", file=sys.stderr)
        return EXIT_INPUT_ERROR
    except KeyboardInterrupt:
        print("clausecheck: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
