"""Fleet audits: a whole-tree scan of many repositories on Dask, combined into one report."""

from __future__ import annotations

from integrity.fleet.cluster import FleetUnavailable, dask_available, run_tasks
from integrity.fleet.combine import FAILED_RULE, combine, failure_finding, fleet_source
from integrity.fleet.spec import RepoSpec, parse_repo_list, read_repo_list
from integrity.fleet.task import RepoOutcome, RepoTask, TaskHook, audit_repo

__all__ = [
    "FAILED_RULE",
    "FleetUnavailable",
    "RepoOutcome",
    "RepoSpec",
    "RepoTask",
    "TaskHook",
    "audit_repo",
    "combine",
    "dask_available",
    "failure_finding",
    "fleet_source",
    "parse_repo_list",
    "read_repo_list",
    "run_tasks",
]
