"""Where the real public datasets live (../shared/data) and what to do when they are absent.

Outside CI a clone without ../shared skips those tests with the reason printed; in CI
(CI=true) their absence is a failure, since they hold the known answers.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


def shared_file(*parts: str) -> Path:
    """The path of a shared file, or skip (fail in CI) when it is not there."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        reason = f"{path} not found: ../shared/data is not beside this clone"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason + " (required in CI)")
        print(reason)
        pytest.skip(reason)
    return path
