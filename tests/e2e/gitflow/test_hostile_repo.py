"""A hostile repository's config must never make integrity run anything.

The repository sets every program-valued key we know of (core.fsmonitor, hooks, a filter and
textconv driver through .gitattributes, diff.external, gpg.*program, core.pager,
core.sshCommand...) to a script that writes a marker. After diff, history (with a signed commit
so that git's %G? consults gpg), release, scan git:REF and verify git:REF, no marker may exist.
A control run of plain `git log --format=%G?` proves the trap is armed.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import tarfile
from pathlib import Path

import pytest

from tests.e2e.gitflow.conftest import commit_as, sign_head_with_garbage

PROGRAM_KEYS = (
    "core.fsmonitor",
    "core.pager",
    "core.sshCommand",
    "core.editor",
    "core.askPass",
    "diff.external",
    "diff.evil.textconv",
    "diff.evil.command",
    "filter.evil.clean",
    "filter.evil.smudge",
    "filter.evil.process",
    "gpg.program",
    "gpg.openpgp.program",
    "gpg.x509.program",
    "gpg.ssh.program",
    "gpg.ssh.defaultKeyCommand",
    "credential.helper",
    "sequence.editor",
)
HOOKS = ("pre-commit", "post-checkout", "post-merge", "reference-transaction", "pre-auto-gc")


@pytest.fixture
def hostile(git_repo, tmp_path: Path):  # type: ignore[no-untyped-def]
    commit_as(
        git_repo,
        {
            "integrity.toml": 'require_signed_commits = true\nsensitive = ["src/**"]\n',
            "src/app.py": "x = 1\n",
        },
        "init",
    )
    git_repo.git("tag", "v1")
    commit_as(
        git_repo, {"src/app.py": "x = 2\n", ".gitattributes": "* filter=evil diff=evil\n"}, "typo"
    )
    sign_head_with_garbage(git_repo)
    marker = tmp_path / "MARKER"
    trap = tmp_path / "trap.sh"
    trap.write_text(f'#!/bin/sh\necho "$0 $*" >> "{marker}"\nexit 1\n')
    trap.chmod(0o755)
    hooks = git_repo.path / ".git" / "hooks"
    for name in HOOKS:
        (hooks / name).write_text(trap.read_text())
        (hooks / name).chmod(0o755)
    for key in PROGRAM_KEYS:
        git_repo.git("config", key, str(trap))
    git_repo.git("config", "core.hooksPath", str(hooks))
    git_repo.git("config", "filter.evil.required", "true")
    included = tmp_path / "included.config"
    included.write_text(f"[gpg]\n\tprogram = {trap}\n[core]\n\tfsmonitor = {trap}\n")
    git_repo.git("config", "include.path", str(included))
    return git_repo, marker


def test_trap_is_armed(hostile) -> None:  # type: ignore[no-untyped-def]
    repo, marker = hostile
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull}
    subprocess.run(
        ["git", "-C", str(repo.path), "log", "-1", "--format=%G?"],
        env=env,
        capture_output=True,
        check=False,
    )
    assert marker.exists(), "control: plain git with the repo's config runs its gpg.program"


def test_no_command_runs_repository_programs(hostile, run_cli, rules_dir, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    repo, marker = hostile
    where = ("--repo", str(repo.path))
    rules = ("--rules", str(rules_dir))
    archive = tmp_path / "rel.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        data = b"x = 2\n"
        info = tarfile.TarInfo("rel/src/app.py")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    baseline = tmp_path / "base.json"
    runs = {
        "diff": ("diff", "v1", "HEAD", *where, *rules),
        "history": ("history", *where, *rules),
        "release": ("release", str(archive), "--ref", "HEAD", *where, *rules),
        "scan": ("scan", "git:HEAD", *where, *rules),
        "baseline": ("baseline", "build", "git:v1", "-o", str(baseline), *where),
        "verify": ("verify", "git:HEAD", "--baseline", str(baseline), *where, *rules),
    }
    for name, args in runs.items():
        result = run_cli(*args, "--quiet")
        assert result.code in (0, 1), f"{name}: {result.stderr}"
        assert not marker.exists(), (
            f"{name} ran a program from the repository: {marker.read_text()}"
        )


def test_history_reports_the_signature_status_without_repo_gpg(hostile, run_cli, rules_dir) -> None:  # type: ignore[no-untyped-def]
    repo, marker = hostile
    result = run_cli(
        "history", "--repo", str(repo.path), "--rules", str(rules_dir), "--format", "json"
    )
    assert result.code == 1
    signals = [
        f
        for f in json.loads(result.stdout)["findings"]
        if f["rule_id"] == "unsigned-sensitive-commit"
    ]
    head = repo.git("rev-parse", "HEAD")
    status = {dict(f["details"])["commit"]: dict(f["details"])["signature"] for f in signals}
    assert status[head] in {"B", "E", "N"}, "the bogus signature is checked by the real gpg"
    assert not marker.exists()
