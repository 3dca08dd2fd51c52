"""Hostile git repositories: a huge (200 MiB) blob in a pack, shallow history, refs that point
nowhere. Malicious config (core.fsmonitor, hooks, filters, gpg.program, include.path to a FIFO)
is covered by tests/unit/sources/test_sources_git.py and tests/e2e/gitflow/test_hostile_repo.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

LINE = b"0123456789abcdefghijklmnopqrstuvwxyz" * 3 + b"\n"
BIG = 200 * 1024 * 1024


def _git(repo: Path, *args: str, stdin: bytes | None = None) -> str:
    env = {
        **os.environ,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "a",
        "GIT_AUTHOR_EMAIL": "a@example.invalid",
        "GIT_COMMITTER_NAME": "a",
        "GIT_COMMITTER_EMAIL": "a@example.invalid",
    }
    out = subprocess.run(
        ["git", "-C", str(repo), *args], input=stdin, capture_output=True, check=True, env=env
    )
    return out.stdout.decode().strip()


@pytest.mark.slow
def test_200_mib_blob_in_a_pack_is_hashed_in_bounded_memory(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    count = BIG // len(LINE)
    proc = subprocess.Popen(
        ["git", "-C", str(repo), "-c", "core.bigFileThreshold=1m", "hash-object", "-w", "--stdin"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None
    expected = hashlib.sha256()
    chunk = LINE * 1000
    for _ in range(count // 1000):
        proc.stdin.write(chunk)
        expected.update(chunk)
    proc.stdin.close()
    blob = proc.stdout.read().decode().strip()
    assert proc.wait() == 0
    tree = _git(repo, "mktree", stdin=f"100644 blob {blob}\tbig.txt\n".encode())
    _git(repo, "update-ref", "refs/heads/main", _git(repo, "commit-tree", tree, "-m", "big"))
    code = (
        "import resource, sys;"
        "from integrity.cli import main;"
        "sys.argv=['integrity','baseline','build','git:main','--repo',sys.argv[1],'-o',"
        "sys.argv[2],'--quiet'];"
        "\ntry:\n main()\nexcept SystemExit as e:\n assert e.code==0, e.code\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(repo), str(tmp_path / "b.json")],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    peak_kib = int(out.stdout.strip().splitlines()[-1])
    assert peak_kib < 400 * 1024, f"peak RSS {peak_kib} KiB for a 200 MiB blob"
    (entry,) = json.loads((tmp_path / "b.json").read_text())["files"]
    assert (entry["path"], entry["size"]) == ("big.txt", count // 1000 * len(chunk))
    assert entry["sha256"] == expected.hexdigest()


@pytest.fixture
def history(git_repo: Any) -> Any:
    for index in range(4):
        git_repo.commit({f"src/f{index}.py": f"x = {index}\n"}, f"c{index}")
    return git_repo


@pytest.fixture
def shallow(history: Any, tmp_path: Path) -> Path:
    path = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "2", f"file://{history.path}", str(path)],
        check=True,
        capture_output=True,
    )
    assert (path / ".git" / "shallow").exists()
    return path


def test_shallow_clone_history_and_recent_diff(shallow: Path, run_cli: Any) -> None:
    recent = run_cli("diff", "HEAD~1", "HEAD", "--repo", str(shallow), "--quiet")
    assert recent.code in (0, 1), recent.stderr
    result = run_cli("history", "--repo", str(shallow), "--format", "json", "--quiet")
    assert result.code in (0, 1), result.stderr
    json.loads(result.stdout)


def test_shallow_clone_diff_and_scan(shallow: Path, run_cli: Any) -> None:
    # the grafted root's parent is missing from the object database: a clean refusal
    diff = run_cli("diff", "HEAD~3", "HEAD", "--repo", str(shallow), "--quiet")
    assert diff.code in (0, 1, 3), diff.stderr
    assert "internal error" not in diff.stderr
    scan = run_cli("scan", "git:HEAD", "--repo", str(shallow), "--format", "json", "--quiet")
    assert scan.code in (0, 1), scan.stderr
    assert json.loads(scan.stdout)["summary"]["stats"]["files"] == 4


def test_refs_pointing_nowhere(history: Any, run_cli: Any) -> None:
    git_dir = history.path / ".git"
    (git_dir / "refs" / "heads" / "dangling").write_text("f" * 40 + "\n")
    (git_dir / "refs" / "tags" / "garbage").write_text("not a sha\n")
    (git_dir / "refs" / "heads" / "loop").write_text("ref: refs/heads/loop\n")
    (git_dir / "packed-refs").write_text(
        "# pack-refs with: peeled\n" + "e" * 40 + " refs/tags/v9\n"
    )
    where = ("--repo", str(history.path), "--quiet")
    for ref in ("dangling", "garbage", "loop", "v9", "refs/heads/none", "HEAD~99"):
        result = run_cli("scan", f"git:{ref}", *where)
        assert result.code == 3, (ref, result.code, result.stderr)
        assert "internal error" not in result.stderr, ref
    ok = run_cli("scan", "git:main", *where, "--format", "json")
    assert ok.code in (0, 1), ok.stderr
    history_run = run_cli("history", *where, "--format", "json")
    assert history_run.code in (0, 1, 3), history_run.stderr
    assert "internal error" not in history_run.stderr
    # HEAD itself pointing at a branch that does not exist
    (git_dir / "HEAD").write_text("ref: refs/heads/nowhere\n")
    head = run_cli("scan", "git:HEAD", *where)
    assert head.code == 3, head.stderr
    assert "internal error" not in head.stderr
