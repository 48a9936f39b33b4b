"""The command lines' contract on failure: exit 2 and one JSON object on stdout, never a traceback.

A scheduled job reads stdout as JSON and the exit code as the verdict. Another load still writing
after ``SALESLENS_WRITER_WAIT_S``, or a load that runs out of memory, is an expected failure of such a job, so it is
reported in the same shape as a rejected file: ``{"ok": false, "errors": [{"code", "params",
"message"}]}``. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import duckdb

from data.ingest.errors import describe

EXIT_REJECTED = 2


def report(code: str, **params: object) -> int:
    error = {
        "code": code,
        "params": {k: str(v) for k, v in params.items()},
        "message": describe(f"cli_error_{code}", "en", **params),
    }
    print(json.dumps({"ok": False, "errors": [error]}, ensure_ascii=False))
    return EXIT_REJECTED


def run_guarded(command: Callable[[], int]) -> int:
    """``command()``, with lock and memory failures turned into the JSON contract."""
    import pyarrow as pa

    from data.snapshots import WarehouseBusy

    try:
        return command()
    except WarehouseBusy:
        return report("warehouse_busy")
    except duckdb.IOException as exc:
        if "lock" not in str(exc).lower():
            raise
        return report("warehouse_busy")
    except (MemoryError, duckdb.OutOfMemoryException, pa.ArrowMemoryError) as exc:
        return report("out_of_memory", detail=str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__)
