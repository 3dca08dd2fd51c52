"""Fixtures of the git-workflow end-to-end tests (helpers on top of the shared git_repo/run_cli)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

RULES = Path(__file__).resolve().parent / "rules"


@pytest.fixture
def rules_dir() -> Path:
    """A small, stable signature folder for these tests."""
    return RULES


@pytest.fixture
def run_json(run_cli: Callable[..., Any]) -> Callable[..., tuple[int, dict[str, Any]]]:
    """Run a command with --format json and our rules; (exit code, parsed report)."""

    def run(*args: str) -> tuple[int, dict[str, Any]]:
        result = run_cli(*args, "--format", "json", "--rules", str(RULES), "--quiet")
        assert result.code in (0, 1), result.stderr
        return result.code, json.loads(result.stdout)

    return run


def find(report: dict[str, Any], rule_id: str, path: str | None = None) -> list[dict[str, Any]]:
    """Findings of one rule (optionally at one path)."""
    return [
        f
        for f in report["findings"]
        if f["rule_id"] == rule_id and (path is None or f["path"] == path)
    ]
