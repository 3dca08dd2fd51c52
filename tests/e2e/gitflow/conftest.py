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


def commit_as(
    repo: Any,
    files: dict[str, str | bytes],
    message: str,
    author: tuple[str, str] = ("Alice", "alice@example.invalid"),
    committer: tuple[str, str] | None = None,
) -> str:
    """Commit with an explicit author and committer (same person unless told)."""
    import os
    import subprocess

    repo.write(files)
    who = committer or author
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": author[0],
        "GIT_AUTHOR_EMAIL": author[1],
        "GIT_COMMITTER_NAME": who[0],
        "GIT_COMMITTER_EMAIL": who[1],
        "GIT_AUTHOR_DATE": "2026-01-02T00:00:00Z",
        "GIT_COMMITTER_DATE": "2026-01-02T00:00:00Z",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    for args in (["add", "-A"], ["commit", "-q", "--allow-empty", "-m", message]):
        subprocess.run(["git", "-C", str(repo.path), *args], check=True, env=env)
    return str(repo.git("rev-parse", "HEAD"))


FAKE_SIGNATURE = (
    "gpgsig -----BEGIN PGP SIGNATURE-----\n"
    " \n"
    " iQEzBAABCAAdFiEEAAAAAAAAAAAAAAAAAAAAAAAAAAAFAmAAAAAACgkQAAAAAAAA\n"
    " AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
    " =AAAA\n"
    " -----END PGP SIGNATURE-----\n"
)


def sign_head_with_garbage(repo: Any) -> str:
    """Rewrite HEAD as a commit carrying a (bogus) gpgsig header, so %G? must run gpg."""
    import subprocess

    raw = repo.git("cat-file", "commit", "HEAD") + "\n"
    head, _, body = raw.partition("\n\n")
    signed = f"{head}\n{FAKE_SIGNATURE}\n{body}"
    new = (
        subprocess.run(
            ["git", "-C", str(repo.path), "hash-object", "-t", "commit", "-w", "--stdin"],
            input=signed.encode(),
            check=True,
            capture_output=True,
        )
        .stdout.decode()
        .strip()
    )
    repo.git("update-ref", "HEAD", new)
    return new
