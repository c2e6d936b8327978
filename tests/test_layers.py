"""Layers point one way: the clause library (data and its validation) never imports the matcher."""

from __future__ import annotations

import subprocess
import sys


def test_the_library_layer_does_not_import_the_matcher() -> None:
    code = (
        "import pkgutil, importlib, sys, checker.library as lib\n"
        "for m in pkgutil.iter_modules(lib.__path__):\n"
        "    importlib.import_module('checker.library.' + m.name)\n"
        "print(sorted(n for n in sys.modules if n.startswith(('checker.match', 'checker.score'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
