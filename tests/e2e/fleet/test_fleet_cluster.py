"""A real Dask scheduler and two worker processes on loopback; one worker dies mid-task.

Every repository still gets exactly one result: the scheduler re-runs the killed task on the
surviving worker. The slow task is slowed by a hook passed as task data, never by anything in
the scanned repository.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from integrity.config import Policy
from integrity.fleet import RepoSpec, RepoTask, TaskHook, combine, fleet_source, run_tasks
from integrity.model import Severity

PAYLOAD = "import base64\nexec(base64.b64decode(blob))\n"
START_TIMEOUT = 60.0


def _wait_for(predicate: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[str]:
    """A scheduler on a random loopback port plus two single-threaded workers, no nannies."""
    info = tmp_path / "scheduler.json"
    procs: list[subprocess.Popen[bytes]] = []
    logs = tmp_path / "logs"
    logs.mkdir()

    def spawn(name: str, *args: str) -> None:
        with (logs / f"{name}.log").open("wb") as log:
            procs.append(
                subprocess.Popen(
                    [sys.executable, "-m", *args],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=tmp_path,
                    start_new_session=True,
                )
            )

    try:
        spawn(
            "scheduler",
            "distributed.cli.dask_scheduler",
            "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
            "--scheduler-file", str(info),
        )  # fmt: skip
        _wait_for(lambda: info.exists() and info.stat().st_size > 0, START_TIMEOUT, "scheduler")
        address = json.loads(info.read_text())["address"]
        for name in ("w1", "w2"):
            spawn(
                name,
                "distributed.cli.dask_worker", address,
                "--name", name, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                "--host", "127.0.0.1", "--death-timeout", "60",
            )  # fmt: skip
        yield address
    finally:
        for proc in reversed(procs):
            if proc.poll() is None:
                proc.terminate()
        for proc in reversed(procs):
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=15)


def _repos(tmp_path: Path) -> list[RepoSpec]:
    specs = []
    for name in ("alpha", "slow", "gamma"):
        root = tmp_path / name
        root.mkdir()
        (root / f"{name}.py").write_text(PAYLOAD)
        specs.append(RepoSpec(name, str(root)))
    return specs


def _killer(marker: Path, killed: list[int]) -> None:
    _wait_for(lambda: marker.exists() and marker.read_text().strip(), START_TIMEOUT, "slow task")
    pid = int(marker.read_text().split()[0])
    os.kill(pid, signal.SIGKILL)
    killed.append(pid)


def test_worker_killed_mid_task_loses_and_duplicates_nothing(tmp_path: Path, cluster: str) -> None:
    marker = tmp_path / "slow.pids"
    tasks = [
        RepoTask(
            repo=spec,
            policy=Policy(),
            hook=TaskHook(str(marker), 3.0) if spec.label == "slow" else None,
        )
        for spec in _repos(tmp_path)
    ]
    killed: list[int] = []
    thread = threading.Thread(target=_killer, args=(marker, killed), daemon=True)
    thread.start()
    outcomes = run_tasks(tasks, scheduler=cluster, retries=1)
    thread.join(timeout=START_TIMEOUT)
    assert killed, "the slow task never started"
    pids = [int(p) for p in marker.read_text().split()]
    assert len(pids) == 2 and pids[0] == killed[0] and pids[1] != pids[0]
    assert [o.label for o in outcomes] == ["alpha", "slow", "gamma"]
    assert all(o.error is None for o in outcomes), [o.error for o in outcomes]
    report = combine(outcomes, fleet_source("repos.txt", b""), Severity.HIGH, ())
    where = [(f.path, f.rule_id, f.start_line) for f in report.findings]
    assert where == [
        ("alpha/alpha.py", "py-exec-decoded-payload", 2),
        ("gamma/gamma.py", "py-exec-decoded-payload", 2),
        ("slow/slow.py", "py-exec-decoded-payload", 2),
    ]
