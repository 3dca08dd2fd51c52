"""`integrity history`: per-commit findings with attribution, and commit-level signals."""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

import pytest

from tests.e2e.gitflow.conftest import commit_as, find, sign_head_with_garbage

POLICY = 'require_signed_commits = true\nsensitive = ["src/auth/**"]\n'


def _details(finding: dict[str, Any]) -> dict[str, str]:
    return dict(finding["details"])


def test_findings_are_attributed_and_distinct_per_commit(git_repo, run_json) -> None:  # type: ignore[no-untyped-def]
    commit_as(git_repo, {"README": "x\n"}, "init")
    first = commit_as(
        git_repo, {"a.py": "evil_marker_call(1)\n"}, "add a", ("Mallory", "m@e.invalid")
    )
    commit_as(git_repo, {"a.py": "pass\n"}, "revert a")
    second = commit_as(git_repo, {"a.py": "evil_marker_call(1)\n"}, "add a again")
    code, report = run_json("history", "--repo", str(git_repo.path))
    assert code == 1
    hits = find(report, "test-evil-call", "a.py")
    assert sorted(_details(f)["commit"] for f in hits) == sorted([first, second])
    assert len({f["fingerprint"] for f in hits}) == 2
    by_commit = {_details(f)["commit"]: _details(f) for f in hits}
    assert by_commit[first]["author"] == "Mallory <m@e.invalid>"
    assert by_commit[first]["committer"] == "Mallory <m@e.invalid>"
    assert by_commit[first]["date"].startswith("2026-01-02T00:00:00")


def test_since_until_range(git_repo, run_json) -> None:  # type: ignore[no-untyped-def]
    base = commit_as(git_repo, {"old.py": "evil_marker_call(0)\n"}, "old")
    newer = commit_as(git_repo, {"new.py": "evil_marker_call(1)\n"}, "new")
    commit_as(git_repo, {"later.py": "evil_marker_call(2)\n"}, "later")
    _, report = run_json("history", "--repo", str(git_repo.path), "--since", base, "--until", newer)
    assert {f["path"] for f in find(report, "test-evil-call")} == {"new.py"}
    assert {_details(f)["commit"] for f in report["findings"]} == {newer}


def test_trivial_message_on_build_checks_and_binaries(git_repo, run_json) -> None:  # type: ignore[no-untyped-def]
    commit_as(git_repo, {"configure.ac": "AC_INIT([x], [1])\n", "README": "a\n"}, "init")
    build = commit_as(git_repo, {"configure.ac": "AC_INIT([x], [1])\nAC_SUBST([Y])\n"}, "Fix typo")
    binary = commit_as(
        git_repo, {"tests/files/bad.xz": b"\xfd7zXZ\x00\x00\x01"}, "Tests: add test files"
    )
    commit_as(git_repo, {"README": "b\n"}, "fix typo in README")
    _, report = run_json("history", "--repo", str(git_repo.path))
    signals = find(report, "commit-message-understates")
    got = {(_details(f)["commit"], f["path"]) for f in signals}
    assert got == {(build, "configure.ac"), (binary, "tests/files/bad.xz")}
    assert all(f["severity"] == "high" and f["category"] == "sensitive-change" for f in signals)


def test_author_committer_differ_on_sensitive_paths(git_repo, run_json) -> None:  # type: ignore[no-untyped-def]
    commit_as(git_repo, {"src/auth/login.py": "def check(p):\n    return p\n"}, "init")
    odd = commit_as(
        git_repo,
        {"src/auth/login.py": "def check(p):\n    return True\n"},
        "harden login",
        author=("Jia", "jia@e.invalid"),
        committer=("Lasse", "lasse@e.invalid"),
    )
    commit_as(
        git_repo,
        {"docs/readme.txt": "hi\n"},
        "docs",
        author=("Jia", "jia@e.invalid"),
        committer=("Lasse", "lasse@e.invalid"),
    )
    _, report = run_json("history", "--repo", str(git_repo.path))
    signals = find(report, "author-committer-differ")
    assert [(_details(f)["commit"], f["path"], f["severity"]) for f in signals] == [
        (odd, "src/auth/login.py", "medium")
    ]


def test_unsigned_sensitive_commit_when_policy_requires_signatures(git_repo, run_json) -> None:  # type: ignore[no-untyped-def]
    commit_as(git_repo, {"integrity.toml": POLICY, "README": "x\n"}, "init")
    unsigned = commit_as(git_repo, {"src/auth/login.py": "x = 2\n"}, "login change")
    commit_as(git_repo, {"README": "docs\n"}, "docs only")
    code, report = run_json("history", "--repo", str(git_repo.path))
    assert code == 1
    signals = find(report, "unsigned-sensitive-commit")
    assert [(_details(f)["commit"], f["severity"]) for f in signals] == [(unsigned, "high")]
    assert _details(signals[0])["signature"] == "N"


def test_signature_status_comes_from_git(git_repo, run_json) -> None:  # type: ignore[no-untyped-def]
    commit_as(git_repo, {"integrity.toml": POLICY, "README": "x\n"}, "init")
    commit_as(git_repo, {"src/auth/login.py": "x = 2\n"}, "login change")
    signed = sign_head_with_garbage(git_repo)
    _, report = run_json("history", "--repo", str(git_repo.path))
    signals = find(report, "unsigned-sensitive-commit")
    assert [_details(f)["commit"] for f in signals] == [signed]
    assert _details(signals[0])["signature"] in {"B", "E", "N"}, "a bogus signature is not good"


@pytest.mark.skipif(shutil.which("gpg") is None, reason="needs gpg")
def test_good_signature_is_not_reported(git_repo, run_json, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    home = tmp_path / "gnupg"
    home.mkdir(mode=0o700)
    monkeypatch.setenv("GNUPGHOME", str(home))
    subprocess.run(
        [
            "gpg",
            "--batch",
            "--passphrase",
            "",
            "--quick-gen-key",
            "Signer <s@e.invalid>",
            "ed25519",
            "sign",
            "never",
        ],
        check=True,
        capture_output=True,
    )
    commit_as(git_repo, {"integrity.toml": POLICY, "README": "x\n"}, "init")
    git_repo.write({"src/auth/login.py": "x = 3\n"})
    git_repo.git("add", "-A")
    git_repo.git("-c", "user.signingkey=s@e.invalid", "commit", "-q", "-S", "-m", "signed")
    unsigned = commit_as(git_repo, {"src/auth/login.py": "x = 4\n"}, "unsigned")
    _, report = run_json("history", "--repo", str(git_repo.path))
    signals = find(report, "unsigned-sensitive-commit")
    assert [(_details(f)["commit"], _details(f)["signature"]) for f in signals] == [(unsigned, "N")]


def test_unknown_since_exits_3(git_repo, run_cli) -> None:  # type: ignore[no-untyped-def]
    commit_as(git_repo, {"a.py": "x = 1\n"}, "init")
    result = run_cli("history", "--repo", str(git_repo.path), "--since", "v9.9")
    assert result.code == 3
    assert "v9.9" in result.stderr


def test_trivial_message_on_sensitive_symbol(git_repo, run_json) -> None:  # type: ignore[no-untyped-def]
    before = (
        "int check_password(const char *p) {\n    return strcmp(p, stored) == 0;\n}\n\n"
        "int add(int a, int b) {\n    return a + b;\n}\n"
    )
    commit_as(git_repo, {"lib/util.c": before}, "init")
    after = before.replace("== 0;", "== 0 || p[0] == 'X';")
    sneaky = commit_as(git_repo, {"lib/util.c": after}, "minor cleanup")
    commit_as(git_repo, {"lib/util.c": after.replace("a + b", "b + a")}, "minor cleanup")
    _, report = run_json("history", "--repo", str(git_repo.path))
    signals = find(report, "commit-message-understates")
    assert [(_details(f)["commit"], f["path"]) for f in signals] == [(sneaky, "lib/util.c")]
    assert "sensitive code" in signals[0]["message"]
