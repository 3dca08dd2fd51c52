"""One repository's audit, as a function a Dask worker runs: plain data in, plain data out.

A task carries everything it needs (the repository, the reviewer's policy, the rules folder,
the cache folder) and never reads configuration from the scanned tree. Errors that are the
input's fault (missing folder, unknown ref) come back as a RepoOutcome with `error` set, so they
are reported once and not retried; anything else raises, and Dask retries the task.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from integrity import engine
from integrity.config import Policy
from integrity.errors import IntegrityError
from integrity.fleet.spec import RepoSpec
from integrity.model import ScanResult, Severity
from integrity.rules.load import RuleSet, load_rules
from integrity.sources import SourceLimits, open_source
from integrity.syntax.constants import ConstantRegistry, load_registry

Loaded = tuple[RuleSet, ConstantRegistry]


@dataclass(frozen=True, slots=True)
class TaskHook:
    """Test instrumentation passed as data (never code from a scanned tree): before scanning,
    append this process's pid to `marker`, then sleep `delay` seconds."""

    marker: str
    delay: float


@dataclass(frozen=True, slots=True)
class RepoTask:
    """What a worker needs to audit one repository."""

    repo: RepoSpec
    policy: Policy
    rules_dir: str | None = None
    structure: bool = True
    fail_on: Severity = Severity.HIGH
    cache_dir: str | None = None
    jobs: int = 1
    hook: TaskHook | None = None


@dataclass(frozen=True, slots=True)
class RepoOutcome:
    """The scan of one repository, or why there is none."""

    label: str
    result: ScanResult | None
    error: str | None = None
    seconds: float = 0.0


class RulesShelf:
    """The rules and constant registry loaded once per Dask worker, shared by the tasks that
    run there (registered as a worker plugin by `run_tasks`; it lives as long as the worker)."""

    name = "integrity-rules"

    def __init__(self) -> None:
        self._loaded: dict[str, Loaded] = {}

    def setup(self, worker: object) -> None:
        """Dask calls this when the plugin is installed on a worker."""
        self._loaded = {}

    def teardown(self, worker: object) -> None:
        """Dask calls this when the worker closes."""
        self._loaded = {}

    def get(self, rules_dir: str | None) -> Loaded:
        """The rules of a folder (None: the packaged ones), loaded on first use."""
        key = rules_dir or ""
        if key not in self._loaded:
            self._loaded[key] = _load(rules_dir)
        return self._loaded[key]


def _load(rules_dir: str | None) -> Loaded:
    return load_rules(Path(rules_dir) if rules_dir else None), load_registry()


def _shelf() -> RulesShelf | None:
    """This Dask worker's RulesShelf, when the task runs on a worker that has one."""
    dask = sys.modules.get("distributed")
    if dask is None:
        return None
    try:
        worker = dask.get_worker()
    except ValueError:  # not inside a worker
        return None
    plugin = worker.plugins.get(RulesShelf.name)
    return plugin if isinstance(plugin, RulesShelf) else None


def _limits(policy: Policy) -> SourceLimits:
    return SourceLimits(**dict(policy.limits)) if policy.limits else SourceLimits()


def _run_hook(hook: TaskHook) -> None:
    with open(hook.marker, "a", encoding="ascii") as handle:
        handle.write(f"{os.getpid()}\n")
    time.sleep(hook.delay)


def audit_repo(task: RepoTask) -> RepoOutcome:
    """A whole-tree scan of one repository (on whichever worker runs it)."""
    started = time.monotonic()
    if task.hook is not None:
        _run_hook(task.hook)
    try:
        shelf = _shelf()
        ruleset, registry = shelf.get(task.rules_dir) if shelf else _load(task.rules_dir)
        ctx = engine.RunContext(
            policy=task.policy,
            ruleset=ruleset,
            registry=registry,
            jobs=task.jobs,
            structure=task.structure,
            fail_on=task.fail_on,
            cache_dir=Path(task.cache_dir) if task.cache_dir else None,
        )
        source = open_source(
            task.repo.source,
            repo=Path(task.repo.path),
            excludes=task.policy.exclude,
            limits=_limits(task.policy),
        )
        result = engine.scan(source, ctx)
    except IntegrityError as exc:
        return RepoOutcome(task.repo.label, None, exc.diagnostics(), time.monotonic() - started)
    return RepoOutcome(task.repo.label, result, None, time.monotonic() - started)
