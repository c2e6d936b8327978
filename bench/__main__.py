"""``make bench`` (``python -m bench``): the speed table of issue 14 (:mod:`bench.bench_speed`).

The accuracy, segmentation, extraction and batch benchmarks keep their own commands (see README.md).
"""

import sys

from bench.bench_speed import main

sys.exit(main())
