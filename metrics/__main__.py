"""``python -m metrics <command>``; see :mod:`metrics.cli` for how areas add commands."""

from __future__ import annotations

import sys

from metrics.cli import main

if __name__ == "__main__":
    sys.exit(main())
