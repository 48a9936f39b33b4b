"""``python -m metrics <command>``: the command line lives in the ``cli`` package (``cli/main.py``).

Kept here so the documented command stays ``python -m metrics``; nothing imports this module.
"""

from __future__ import annotations

import sys

from cli.main import main

if __name__ == "__main__":
    sys.exit(main())
