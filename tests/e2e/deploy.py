"""Several app processes behind nginx (deploy/nginx.conf.tmpl), for the browser tests and the load bench."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import ROOT

NGINX = os.environ.get("SALESLENS_NGINX", shutil.which("nginx") or "/usr/sbin/nginx")
TEMPLATE = ROOT / "deploy" / "nginx.conf.tmpl"


def render(port: int, backends: list[int]) -> str:
    """The nginx config for a proxy on ``port`` in front of Streamlit processes on ``backends``."""
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in backends)
    health = "\n".join(
        f"        location = /healthz/{i} {{ proxy_pass http://127.0.0.1:{p}/_stcore/health; }}"
        for i, p in enumerate(backends, start=1)
    )
    text = TEMPLATE.read_text(encoding="utf-8")
    return text.replace("__PORT__", str(port)).replace("__SERVERS__", servers).replace("__HEALTH__", health)


@contextlib.contextmanager
def nginx(prefix: Path, port: int, backends: list[int]) -> Iterator[str]:
    """nginx on 127.0.0.1:``port`` (foreground, its own prefix); yields its URL."""
    for sub in ("logs", "tmp"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    (prefix / "nginx.conf").write_text(render(port, backends), encoding="utf-8")
    proc = subprocess.Popen(
        [NGINX, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-e", str(prefix / "logs" / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url + "/healthz/1", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(f"nginx exited; see {prefix / 'logs' / 'error.log'}") from None
                time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
