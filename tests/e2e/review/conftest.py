"""Fixtures of the review end-to-end tests: a tree with one known finding, keys, report loading."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

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
