"""Start and stop a Spark standalone cluster on this machine: one master and N workers, each a
separate JVM started from PySpark's own jars (the pip package has no ``sbin/start-*.sh``).

Everything listens on 127.0.0.1 only (``SPARK_LOCAL_IP``, ``--host``). The processes' ids are kept
in a state file, and ``stop`` ends exactly those processes (and the executors they started).

    python benchmarks/spark_cluster.py start --workers 2 --cores 1 --memory 2g
    python benchmarks/spark_cluster.py status
    python benchmarks/spark_cluster.py stop

From Python: ``with standalone_cluster(workers=2) as master: ...`` (``master`` is the URL).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

HOST = "127.0.0.1"
MASTER_PORT = 7077
MASTER_UI = 8080
STATE = Path(tempfile.gettempdir()) / "leadkit-spark-cluster.json"


def spark_home() -> str:
    """The installed ``pyspark`` folder: its ``bin/spark-class`` and ``jars/`` are a Spark."""
    import pyspark

    return str(Path(pyspark.__file__).parent)


def _environment(work: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "SPARK_HOME": spark_home(),
            "SPARK_LOCAL_IP": HOST,
            "SPARK_LOG_DIR": str(work / "logs"),
            "SPARK_WORKER_DIR": str(work / "work"),
            "PYSPARK_PYTHON": sys.executable,
            "PYSPARK_DRIVER_PYTHON": sys.executable,
        }
    )
    return env


def _spark_class(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    command = [os.path.join(spark_home(), "bin", "spark-class"), *args]
    with log.open("ab") as out:
        return subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def master_state() -> dict[str, object]:
    """The master's JSON status page (workers, their state, cores, running applications)."""
    with urllib.request.urlopen(f"http://{HOST}:{MASTER_UI}/json/", timeout=5) as response:
        return json.loads(response.read().decode("utf-8"))  # type: ignore[no-any-return]


def start(workers: int = 2, cores: int = 1, memory: str = "2g", timeout: float = 90) -> str:
    """Start the master and ``workers`` workers; return the master URL once all workers are alive."""
    if STATE.exists():
        raise SystemExit(f"a cluster is already started (see {STATE}); stop it first")
    work = Path(tempfile.mkdtemp(prefix="leadkit-spark-cluster-"))
    (work / "logs").mkdir()
    (work / "work").mkdir()
    env = _environment(work)
    master = _spark_class(
        "org.apache.spark.deploy.master.Master",
        "--host",
        HOST,
        "--port",
        str(MASTER_PORT),
        "--webui-port",
        str(MASTER_UI),
        env=env,
        log=work / "logs" / "master.log",
    )
    url = f"spark://{HOST}:{MASTER_PORT}"
    started = [master.pid]
    for number in range(workers):
        worker = _spark_class(
            "org.apache.spark.deploy.worker.Worker",
            url,
            "--host",
            HOST,
            "--cores",
            str(cores),
            "--memory",
            memory,
            "--webui-port",
            str(MASTER_UI + 1 + number),
            "--work-dir",
            str(work / "work"),
            env=env,
            log=work / "logs" / f"worker-{number}.log",
        )
        started.append(worker.pid)
    STATE.write_text(json.dumps({"pids": started, "work": str(work), "url": url}))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, ValueError):
            alive = [w for w in master_state().get("workers", []) if w.get("state") == "ALIVE"]  # type: ignore[union-attr]
            if len(alive) >= workers:
                return url
        time.sleep(1)
    stop()
    raise SystemExit(f"the workers did not register with the master in {timeout:.0f} s")


def started_pids() -> list[int]:
    """The master's and workers' process ids, as ``start`` recorded them."""
    if not STATE.exists():
        return []
    return list(json.loads(STATE.read_text())["pids"])


def stop() -> None:
    """End the processes ``start`` started (each in its own session: their executors end too)."""
    if not STATE.exists():
        return
    state = json.loads(STATE.read_text())
    for pid in reversed(state["pids"]):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + 20
    for pid in state["pids"]:
        while time.monotonic() < deadline and Path(f"/proc/{pid}").exists():
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
            time.sleep(0.2)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
    STATE.unlink()
    subprocess.run(["rm", "-rf", state["work"]], check=False)


@contextlib.contextmanager
def standalone_cluster(workers: int = 2, cores: int = 1, memory: str = "2g") -> Iterator[str]:
    """A started cluster for the ``with`` block; stopped afterwards, whatever happens."""
    url = start(workers, cores, memory)
    try:
        yield url
    finally:
        stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["start", "stop", "status"])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cores", type=int, default=1)
    parser.add_argument("--memory", default="2g")
    args = parser.parse_args()
    if args.action == "start":
        print(start(args.workers, args.cores, args.memory))
    elif args.action == "stop":
        stop()
    else:
        state = master_state()
        print(json.dumps({k: state[k] for k in ("url", "status", "cores", "memory")}, indent=1))
        for worker in state.get("workers", []):  # type: ignore[union-attr]
            print(worker["id"], worker["state"], worker["cores"], worker["memory"])


if __name__ == "__main__":
    main()
