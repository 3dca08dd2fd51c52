"""Self-protection: nothing from the scanned tree, the baseline, the config or the waivers is
ever imported or executed, even with the tree as the working directory; a rules digest that
differs from the baseline's is reported in the report itself."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest


def _payload(marker: Path, name: str) -> str:
    return f"import pathlib\npathlib.Path({str(marker)!r}).joinpath({name!r}).write_text('ran')\n"


def _arm(root: Path, marker: Path) -> None:
    """A tree whose every import or execution hook writes a file under `marker`."""
    files = {
        "sitecustomize.py": _payload(marker, "sitecustomize"),
        "usercustomize.py": _payload(marker, "usercustomize"),
        "conftest.py": _payload(marker, "conftest"),
        "integrity/__init__.py": _payload(marker, "integrity-shadow") + "__version__ = 'evil'\n",
        "integrity/cli.py": _payload(marker, "integrity-cli"),
        "integrity/__main__.py": _payload(marker, "integrity-main"),
        "click/__init__.py": _payload(marker, "click-shadow"),
        "json.py": _payload(marker, "json-shadow"),
        "tomllib.py": _payload(marker, "tomllib-shadow"),
        "re2.py": _payload(marker, "re2-shadow"),
        "hyperscan.py": _payload(marker, "hyperscan-shadow"),
        "evil.pth": "import pathlib; " + _payload(marker, "pth").split("\n")[1] + "\n",
        "setup.py": _payload(marker, "setup.py"),
        "pyproject.toml": (
            "[build-system]\nrequires = []\nbuild-backend = 'backend'\nbackend-path = ['.']\n"
            "[tool.integrity]\nexclude = []\n"
        ),
        "backend.py": _payload(marker, "build-backend"),
        "Makefile": f"all:\n\ttouch {marker}/make\n",
        "configure": f"#!/bin/sh\ntouch {marker}/configure\n",
        ".git-hooks/pre-commit": f"#!/bin/sh\ntouch {marker}/hook\n",
        "package.json": json.dumps({"name": "x", "scripts": {"preinstall": f"touch {marker}/npm"}}),
        "src/app.py": "import os\nos.system('echo hi')\n",
    }
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    (root / "configure").chmod(0o755)
    (root / "integrity.toml").write_text(
        "exclude = []\nwaivers = 'sitecustomize.py'\nsensitive = ['src/**']\n"
    )
    waivers = root / "baselines" / "waivers.toml"
    waivers.parent.mkdir()
    waivers.write_text(
        "version = 1\n[[waiver]]\nrule = 'x'\npath = '../../sitecustomize.py'\n"
        f"content = 'sha256:{'0' * 64}'\nreason = 'see {marker}'\nreviewer = 'a'\n"
        "date = 2026-01-01\n"
    )


SCRIPT = Path(sys.executable).parent / "integrity"
# `python -m integrity` puts the cwd first on sys.path, so a tree holding integrity/__main__.py
# would run before integrity does: no program can defend against that. The console script, and
# `python -P -m integrity` (Python 3.11+ safe path), are what docs/security.md tells users to run.
LAUNCHERS = ([str(SCRIPT)], [sys.executable, "-P", "-m", "integrity"])


def _run(
    args: list[str], cwd: Path, launcher: tuple[str, ...] | list[str] = LAUNCHERS[0]
) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "PYTHONSTARTUP", "PYTHONHOME")
    }
    env["INTEGRITY_CACHE_DIR"] = str(cwd.parent / "cache")
    return subprocess.run(
        [*launcher, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.mark.slow
def test_nothing_from_the_tree_baseline_config_or_waivers_runs(tmp_path: Path) -> None:
    marker = tmp_path / "markers"
    marker.mkdir()
    root = tmp_path / "hostile"
    _arm(root, marker)
    baseline = root / "baseline.json"
    runs = [
        ["baseline", "build", ".", "-o", str(baseline), "--quiet", "--fail-on", "critical"],
        ["scan", ".", "--quiet", "--format", "json"],
        ["verify", ".", "--baseline", str(baseline), "--quiet", "--format", "json"],
        ["scan", ".", "--quiet", "--config", "pyproject.toml", "--format", "sarif"],
        ["rules", "list"],
    ]
    for launcher in LAUNCHERS:
        for args in runs:
            result = _run(args, root, launcher)
            assert result.returncode in (0, 1, 3), (args, result.stderr)
            assert "Traceback" not in result.stderr, args
            assert sorted(p.name for p in marker.iterdir()) == [], (launcher, args)
    scan = json.loads(_run(["scan", ".", "--quiet", "--format", "json"], root).stdout)
    scanned = {f["path"] for f in scan["findings"]}
    assert "src/app.py" in scanned or scan["summary"]["stats"]["files"] >= 20


def test_the_trap_is_armed(tmp_path: Path) -> None:
    """Control: plain `python -m integrity` from inside the tree does run the planted package
    (why the launchers above matter), and importing from the tree runs its modules."""
    marker = tmp_path / "markers"
    marker.mkdir()
    root = tmp_path / "hostile"
    _arm(root, marker)
    subprocess.run(
        [sys.executable, "-c", "import sitecustomize"], cwd=root, check=False, timeout=60
    )
    subprocess.run(
        [sys.executable, "-m", "integrity", "--version"],
        cwd=root,
        check=False,
        timeout=60,
        capture_output=True,
    )
    assert (marker / "sitecustomize").exists()
    assert (marker / "integrity-main").exists()


def test_rules_digest_mismatch_is_a_finding_in_the_report(tmp_path: Path, run_cli: Any) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.py").write_text("x = 1\n")
    baseline = tmp_path / "base.json"
    assert run_cli("baseline", "build", str(tree), "-o", str(baseline), "--quiet").code == 0
    doc = json.loads(baseline.read_text())
    doc["header"]["rules_digest"] = "sha256:" + "f" * 64
    baseline.write_text(json.dumps(doc))
    result = run_cli("verify", str(tree), "--baseline", str(baseline), "--format", "json")
    assert result.code == 0, result.stderr
    assert "rules differ" in result.stderr
    found = json.loads(result.stdout)["findings"]
    mismatch = [f for f in found if f["rule_id"] == "rules-digest-mismatch"]
    assert len(mismatch) == 1
    assert mismatch[0]["severity"] == "info"
    assert mismatch[0]["category"] == "integrity-violation"
    assert "sha256:ffff" in mismatch[0]["message"]
    same = run_cli("verify", str(tree), "--baseline", str(tmp_path / "base2.json"))
    assert same.code == 3  # missing baseline: exit 3, not a crash
