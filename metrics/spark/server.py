"""A Spark Connect server on this machine, from the pip-installed pyspark (no separate Spark download).

For the conformance tests, the engine benchmark and a one-machine trial: the server that
``$SPARK_HOME/sbin/start-connect-server.sh`` starts, run in the foreground as a child of this process
(``spark-submit --class ...SparkConnectServer``), bound to 127.0.0.1 on a free port, with its logs,
scratch space and Derby/warehouse folders under ``run_dir``. :meth:`LocalServer.stop` ends exactly
that process group. A cluster runs its own server (README "Scale out").

``fast_start`` adds ``-XX:TieredStopAtLevel=1`` (the JIT's first tier only): the server starts in
9–13 s instead of 15–29 s and small queries run faster, but 10M-line scans about 2× slower, so it
suits tests, not benchmarks (research: FINDINGS.md).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

SERVER_CLASS = "org.apache.spark.sql.connect.service.SparkConnectServer"


def spark_home() -> Path:
    """The pyspark package folder: it carries Spark's jars, bin/ and sbin/."""
    import pyspark

    return Path(pyspark.__file__).resolve().parent


def java_available() -> str | None:
    """Why no server can start here, or None when ``java`` (17 or later) is on PATH."""
    java = shutil.which("java")
    if java is None:
        return "no java on PATH (Debian: apt-get install openjdk-17-jre-headless)"
    try:
        shown = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30).stderr
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"java -version failed: {error}"
    found = shown.split('"')[1] if '"' in shown else ""
    major = int(found.split(".")[0]) if found.split(".")[0].isdigit() else 0
    return None if major >= 17 else f"Spark 4 needs Java 17 or later, found {found or shown.strip()[:60]}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class LocalServer:
    port: int
    run_dir: Path
    process: subprocess.Popen

    @property
    def url(self) -> str:
        return f"sc://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.run_dir / "server.log"

    def wait(self, timeout: float = 180.0) -> None:
        """Return once the gRPC port accepts connections; stop the server and raise with its log's tail if not."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            if _listening(self.port):
                return
            time.sleep(0.2)
        self.stop()
        tail = self.log.read_text(errors="replace").strip().splitlines()[-15:]
        raise RuntimeError(f"the Spark Connect server did not come up on 127.0.0.1:{self.port}:\n" + "\n".join(tail))

    def stop(self, timeout: float = 30.0) -> None:
        """End the server's process group (SIGTERM, then SIGKILL after ``timeout`` seconds)."""
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=timeout)


def start(
    run_dir: Path,
    *,
    port: int | None = None,
    cores: int = 2,
    memory: str = "2g",
    fast_start: bool = False,
    shuffle_partitions: int = 4,
    timeout: float = 180.0,
    wait: bool = True,
) -> LocalServer:
    """Start a server; with ``wait`` return once its gRPC port accepts connections (:meth:`LocalServer.wait`)."""
    run_dir = Path(run_dir).resolve()
    for sub in ("tmp", "warehouse"):
        (run_dir / sub).mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    java_opts = f"-Djava.io.tmpdir={run_dir / 'tmp'} -Dderby.system.home={run_dir / 'tmp'}"
    if fast_start:  # the first JIT tier only; its code cache must be as large as the tiered default
        java_opts += " -XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=240m"
    conf = {
        "spark.connect.grpc.binding.address": "127.0.0.1",
        "spark.connect.grpc.binding.port": str(port),
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.driver.host": "127.0.0.1",
        "spark.ui.enabled": "false",
        "spark.sql.shuffle.partitions": str(shuffle_partitions),
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.warehouse.dir": str(run_dir / "warehouse"),
        "spark.local.dir": str(run_dir / "tmp"),
        "spark.driver.extraJavaOptions": java_opts,
    }
    home = spark_home()
    command = [
        "bash",
        str(home / "bin" / "spark-submit"),
        "--class",
        SERVER_CLASS,
        "--name",
        "SalesLens Connect",
        "--master",
        f"local[{cores}]",
        "--driver-memory",
        memory,
    ]
    for key, value in conf.items():
        command += ["--conf", f"{key}={value}"]
    env = dict(
        os.environ,
        SPARK_HOME=str(home),
        SPARK_CONNECT_MODE="0",
        SPARK_LOCAL_IP="127.0.0.1",
        SPARK_LOG_DIR=str(run_dir),
        SPARK_LOCAL_DIRS=str(run_dir / "tmp"),
    )
    for key in ("SPARK_REMOTE", "SPARK_CONNECT_MODE_ENABLED", "SPARK_LOCAL_REMOTE", "PYSPARK_SUBMIT_ARGS"):
        env.pop(key, None)
    log = (run_dir / "server.log").open("ab")
    process = subprocess.Popen(
        command,
        cwd=run_dir,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    log.close()
    server = LocalServer(port, run_dir, process)
    if wait:
        server.wait(timeout)
    return server
