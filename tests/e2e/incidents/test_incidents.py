"""Recall on real incidents: `verify` of the tampered project against a baseline of the clean one
reports each tampered place with the right category at high or critical."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

_SPEC = importlib.util.spec_from_file_location(
    "incident_cases", Path(__file__).with_name("incident_cases.py")
)
assert _SPEC is not None and _SPEC.loader is not None
cases = importlib.util.module_from_spec(_SPEC)
sys.modules["incident_cases"] = cases  # dataclasses look their module up while decorating
_SPEC.loader.exec_module(cases)

Run = Callable[..., Any]


def _write(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode("utf-8"))


def _params() -> list[Any]:
    out = []
    for incident in cases.INCIDENTS:
        marks = (
            [pytest.mark.xfail(strict=True, reason=incident.known_miss)]
            if incident.known_miss
            else []
        )
        out.append(pytest.param(incident, id=incident.name, marks=marks))
    return out


@pytest.mark.parametrize("incident", _params())
def test_verify_catches_incident(incident: Any, tmp_path: Path, run_cli: Run) -> None:
    tree = tmp_path / "project"
    _write(tree, incident.before)
    baseline = tmp_path / "baseline.json"
    built = run_cli("baseline", "build", str(tree), "-o", str(baseline), "--quiet")
    assert built.code == 0, built.stderr + built.stdout
    _write(tree, incident.after)
    result = run_cli(
        "verify", str(tree), "--baseline", str(baseline), "--format", "json", "--quiet"
    )
    assert result.code == 1, result.stderr
    findings = json.loads(result.stdout)["findings"]
    ranks = ["info", "low", "medium", "high", "critical"]
    for category, path, line, *rest in incident.expect:
        floor = ranks.index(rest[0] if rest else "high")
        hits = [
            f
            for f in findings
            if f["category"] == category
            and f["path"] == path
            and ranks.index(f["severity"]) >= floor
        ]
        if line is not None:
            hits = [
                f for f in hits if f["start_line"] <= line <= max(f["end_line"], f["start_line"])
            ]
        summary = [
            (f["rule_id"], f["category"], f["severity"], f["path"], f["start_line"])
            for f in findings
            if f["category"] != "integrity-violation"
        ]
        assert hits, f"{incident.name}: no {category} at {path}:{line}; got {summary}"
