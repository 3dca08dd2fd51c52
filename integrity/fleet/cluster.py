"""Running repository audits on Dask distributed: a LocalCluster, or a running scheduler.

Each repository is one task (`audit_repo`), submitted with `retries`; a worker that dies while
running a task makes the scheduler run it again elsewhere (up to its `allowed-failures`). Every
task ends with exactly one outcome: its result, or an error entry when it failed for good. Dask
is optional (`pip install 'integrity[fleet]'`); without it `run_tasks` raises FleetUnavailable.
"""

from __future__ import annotations

import importlib
import logging
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from integrity.errors import InvalidInputError, UsageError
from integrity.fleet.task import RepoOutcome, RepoTask, audit_repo


def _optional_distributed() -> Any:
    """The `distributed` module, or None when the `fleet` extra is not installed."""
    try:
        return importlib.import_module("distributed")
    except ImportError:  # pragma: no cover - exercised only without the extra
        return None


CONNECT_TIMEOUT = "20s"
Done = Callable[[int], None]


class FleetUnavailable(UsageError):
    """Dask distributed is not installed."""

    def diagnostics(self) -> str:
        """How to get it."""
        return (
            "the fleet command needs Dask distributed: pip install 'integrity[fleet]' "
            "(or: pip install 'dask[distributed]')"
        )


def dask_available() -> bool:
    """True when dask.distributed can be imported."""
    return _optional_distributed() is not None


@contextmanager
def _client(scheduler: str | None, workers: int, quiet: bool) -> Iterator[Any]:
    distributed = _optional_distributed()
    assert distributed is not None
    if scheduler is not None:
        try:
            client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            raise InvalidInputError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None
        with client:
            yield client
        return
    cluster = distributed.LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.ERROR if quiet else logging.WARNING,
    )
    with cluster, distributed.Client(cluster) as client:
        yield client


def run_tasks(
    tasks: Sequence[RepoTask],
    *,
    scheduler: str | None = None,
    workers: int = 2,
    retries: int = 1,
    quiet: bool = True,
    on_done: Done | None = None,
) -> tuple[RepoOutcome, ...]:
    """Run every task on Dask; one outcome per task, in task order."""
    distributed = _optional_distributed()
    if distributed is None:
        raise FleetUnavailable("dask distributed is not installed")
    run = uuid.uuid4().hex[:12]
    outcomes: dict[int, RepoOutcome] = {}
    with _client(scheduler, workers, quiet) as client:
        plugin = importlib.import_module("integrity.fleet.plugin").RulesPlugin()
        client.register_plugin(plugin, name=plugin.name)
        futures = {
            client.submit(
                audit_repo, task, key=f"integrity-audit-{run}-{i}", pure=False, retries=retries
            ): i
            for i, task in enumerate(tasks)
        }
        for future in distributed.as_completed(futures):
            index = futures[future]
            outcomes[index] = _outcome(future, tasks[index])
            if on_done is not None:
                on_done(len(outcomes))
    return tuple(outcomes[i] for i in range(len(tasks)))


def _outcome(future: Any, task: RepoTask) -> RepoOutcome:
    if future.status == "finished":
        result = future.result()
        if isinstance(result, RepoOutcome) and result.label == task.repo.label:
            return result
        return RepoOutcome(task.repo.label, None, "the worker returned an unexpected value")
    error = future.exception()
    reason = f"{type(error).__name__}: {error}" if error is not None else future.status
    return RepoOutcome(task.repo.label, None, f"task failed after retries ({reason})")
