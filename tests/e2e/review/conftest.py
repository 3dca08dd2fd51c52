"""Fixtures of the review end-to-end tests: a tree with one known finding, keys, report loading."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from integrity.model import (
    Category,
    Confidence,
    Finding,
    ScanResult,
    Severity,
    SourceInfo,
    assign_fingerprints,
)
from integrity.report.json import render

RULE = "py-exec-untrusted-input"

APP = """import os


def handler(request):
    os.system("ping -c1 " + request.args["host"])
    return "ok"


def unrelated():
    return 1
"""

MOVED = (
    "import os\n\n\n"
    + "".join(f"def padding_{i}():\n    return {i}\n\n" for i in range(10))
    + """
def handler(request):
    os.system("ping -c1 " + request.args["host"])
    return "ok"


def unrelated():
    value = 2
    return value * 21
"""
)

CHANGED = APP.replace('"ping -c1 "', '"ping -c2 "')


@dataclass(frozen=True)
class Keys:
    """A key pair written by `integrity keygen`."""

    private: Path
    public: Path


@dataclass(frozen=True)
class Versions:
    """app.py as written, moved 30 lines down with an unrelated edit, and with changed content."""

    rule: str = RULE
    original: str = APP
    moved: str = MOVED
    changed: str = CHANGED


@pytest.fixture
def versions() -> Versions:
    """The app.py versions."""
    return Versions()


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """tmp_path/tree with app.py holding one high py-exec-untrusted-input finding (line 5)."""
    root = tmp_path / "tree"
    root.mkdir()
    (root / "app.py").write_text(APP, encoding="utf-8")
    (root / "README.md").write_text("hello\n", encoding="utf-8")
    return root


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in tmp_path, so no baselines/waivers.toml of the checkout is picked up."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("INTEGRITY_TRUST", raising=False)
    monkeypatch.delenv("INTEGRITY_REVIEWER", raising=False)
    return tmp_path


def _keygen(run_cli: Callable[..., Any], out: Path) -> Keys:
    done = run_cli("keygen", "--out", str(out))
    assert done.code == 0, done.stderr
    return Keys(out / "integrity.key", out / "integrity.pub")


@pytest.fixture
def keys(run_cli: Callable[..., Any], tmp_path: Path) -> Keys:
    """The signer's key pair."""
    return _keygen(run_cli, tmp_path / "keys")


@pytest.fixture
def other_keys(run_cli: Callable[..., Any], tmp_path: Path) -> Keys:
    """Somebody else's key pair."""
    return _keygen(run_cli, tmp_path / "other-keys")


def findings_of(report: Path | str, rule: str | None = None) -> list[dict[str, Any]]:
    """The findings of a JSON report (a file or its text), optionally of one rule."""
    text = report.read_text(encoding="utf-8") if isinstance(report, Path) else report
    found: list[dict[str, Any]] = json.loads(text)["findings"]
    return [f for f in found if rule is None or f["rule_id"] == rule]


@pytest.fixture
def report_findings() -> Callable[..., list[dict[str, Any]]]:
    """findings_of."""
    return findings_of


def _finding(rule: str, line: int, severity: Severity = Severity.HIGH) -> Finding:
    return Finding(
        rule_id=rule,
        category=Category.HIDDEN_EXEC,
        severity=severity,
        confidence=Confidence.HIGH,
        message=f"{rule} at {line}",
        path="src/\x1b[31mapp.py",
        start_line=line,
        end_line=line,
        symbol="handler",
        snippet=f'os.system("x{line}" + request.args["h"])\x1b]0;title\x07',
    )


@pytest.fixture
def report(workdir: Path) -> Path:
    """workdir/report.json: findings r-one (line 5), r-two (9), r-crit (12, critical)."""
    findings = assign_fingerprints(
        (_finding("r-one", 5), _finding("r-two", 9), _finding("r-crit", 12, Severity.CRITICAL))
    )
    result = ScanResult("scan", "0.0.0-test", SourceInfo("directory", "tree"), None, (), findings)
    path = workdir / "report.json"
    path.write_text(render(result), encoding="utf-8")
    return path
