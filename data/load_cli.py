"""``python -m data load``: placeholder until the ingest module lands (issue 3)."""

from __future__ import annotations

import argparse
from typing import Callable


def add_parser(sub: argparse._SubParsersAction, add_db: Callable[[argparse.ArgumentParser], None]) -> None:
    return None


def run(args: argparse.Namespace) -> int:
    return 2
