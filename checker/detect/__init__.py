"""The learned detector: which clauses address which control, learned from the labelled corpus.

The detector proposes and ranks; the rules decide who is bound, how firmly, which numbers belong to the
duty, and why (:mod:`checker.match.engine`). Its weights are trained by the project from the corpus in
the repository (``make model``) and shipped in ``clause_library/model/``; nothing is downloaded.
"""

from checker.detect.features import clause_features
from checker.detect.model import Detector, DetectorError, load_detector, shipped_detector, train_detector

__all__ = [
    "Detector",
    "DetectorError",
    "clause_features",
    "load_detector",
    "shipped_detector",
    "train_detector",
]
