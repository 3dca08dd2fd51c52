"""`integrity fleet` on an in-process LocalCluster, and the REPOS.txt syntax."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from integrity.errors import InvalidInputError
from integrity.fleet import RepoSpec, parse_repo_list

PAYLOAD = "import base64\nexec(base64.b64decode(blob))\n"


def _git(path: Path, *args: str) -> None:
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "PATH": "/usr/bin:/bin",
    }
    subprocess.run(["git", "-C", str(path), *args], check=True, capture_output=True, env=env)


def test_repo_list_syntax(tmp_path: Path) -> None:
    text = "# fleet\n\n/srv/www\ngit:/srv/api@v2.1\ngit:api\nbilling = git:/srv/bill@main\nwww\n"
    specs = parse_repo_list(text, tmp_path)
    assert specs == (
        RepoSpec("www", "/srv/www"),
        RepoSpec("api@v2.1", "/srv/api", "v2.1"),
        RepoSpec("api@HEAD", str(tmp_path / "api"), "HEAD"),
        RepoSpec("billing", "/srv/bill", "main"),
        RepoSpec("www-2", str(tmp_path / "www")),
    )
    assert specs[1].source == "git:v2.1"
    for bad in ("", "# only a comment\n", "a = x\na = y\n", "git:@main\n", "x\x1by\n"):
        with pytest.raises(InvalidInputError):
            parse_repo_list(bad, tmp_path)


def test_fleet_on_a_local_cluster(tmp_path: Path, run_cli: Callable[..., object]) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "app").mkdir()
    (plain / "app" / "loader.py").write_text(PAYLOAD)
    (plain / "ok.py").write_text("print('fine')\n")
    repo = tmp_path / "gitrepo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    (repo / "evil.py").write_text(PAYLOAD)
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "x")
    (repo / "evil.py").write_text("print('worktree only')\n")  # the object database is read
    listing = tmp_path / "repos.txt"
    listing.write_text(
        "plain\ngit:gitrepo@main\nlost = ./does-not-exist\ngit:gitrepo@no-such-tag\n"
    )
    out = tmp_path / "report.json"
    result = run_cli(
        "fleet", str(listing), "-j", "2", "--format", "json", "-o", str(out), "--no-cache"
    )
    assert result.code == 1, result.stderr  # type: ignore[attr-defined]
    report = json.loads(out.read_text())
    assert report["source"]["kind"] == "fleet"
    assert report["source"]["digest"].startswith("sha256:")
    where = sorted((f["path"], f["rule_id"], f["start_line"]) for f in report["findings"])
    assert where == [
        ("gitrepo@main/evil.py", "py-exec-decoded-payload", 2),
        ("gitrepo@no-such-tag", "fleet-audit-failed", 0),
        ("lost", "fleet-audit-failed", 0),
        ("plain/app/loader.py", "py-exec-decoded-payload", 2),
    ]
    failed = next(f for f in report["findings"] if f["path"] == "lost")
    assert "does not exist" in failed["message"]
    assert report["summary"]["stats"]["files"] == 3


def test_fleet_without_dask_is_a_clear_usage_error(tmp_path: Path) -> None:
    listing = tmp_path / "repos.txt"
    listing.write_text(str(tmp_path) + "\n")
    code = (
        "import sys; sys.modules['distributed'] = None\n"
        "from integrity.cli import main\n"
        f"sys.argv = ['integrity', 'fleet', {str(listing)!r}]\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 2
    assert "pip install 'integrity[fleet]'" in done.stderr


def test_a_task_that_keeps_failing_becomes_one_error_entry(tmp_path: Path) -> None:
    from integrity.config import Policy
    from integrity.fleet import RepoTask, TaskHook, combine, fleet_source, run_tasks
    from integrity.model import Severity

    good = tmp_path / "good"
    good.mkdir()
    (good / "a.py").write_text(PAYLOAD)
    broken_hook = TaskHook(str(tmp_path / "no-such-dir" / "marker"), 0.0)  # raises OSError
    tasks = [
        RepoTask(RepoSpec("good", str(good)), Policy()),
        RepoTask(RepoSpec("flaky", str(good)), Policy(), hook=broken_hook),
    ]
    outcomes = run_tasks(tasks, workers=1, retries=1)
    assert [(o.label, o.result is None) for o in outcomes] == [("good", False), ("flaky", True)]
    assert "FileNotFoundError" in (outcomes[1].error or "")
    report = combine(outcomes, fleet_source("repos.txt", b""), Severity.HIGH, ())
    assert [(f.path, f.rule_id) for f in report.findings] == [
        ("flaky", "fleet-audit-failed"),
        ("good/a.py", "py-exec-decoded-payload"),
    ]
