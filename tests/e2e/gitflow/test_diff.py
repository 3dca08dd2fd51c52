"""`integrity diff BASE HEAD`: changed content only, BASE's policy, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.e2e.gitflow.conftest import find

CLEAN = "def handler(x):\n    return x + 1\n"


def _branch(git_repo, files, message="change"):  # type: ignore[no-untyped-def]
    git_repo.git("checkout", "-q", "-b", "feature")
    return git_repo.commit(files, message)


def test_clean_change_exits_0(git_repo, run_json) -> None:  # type: ignore[no-untyped-def]
    git_repo.commit({"app.py": CLEAN, "README": "hello\n"}, "init")
    _branch(git_repo, {"README": "hello world\n"})
    code, report = run_json("diff", "main", "feature", "--repo", str(git_repo.path))
    assert code == 0
    assert [(f["rule_id"], f["path"]) for f in report["findings"]] == [("file-modified", "README")]
    assert report["source"]["ref"] == "feature"


def test_only_changed_lines_are_reported(git_repo, run_json) -> None:  # type: ignore[no-untyped-def]
    old = "def a():\n    evil_marker_call(1)\n\n\ndef b():\n    return 2\n"
    git_repo.commit({"app.py": old, "other.py": "evil_marker_call(0)\n"}, "init")
    new = old + "\n\ndef c():\n    evil_marker_call(3)\n"
    _branch(git_repo, {"app.py": new})
    code, report = run_json("diff", "main", "feature", "--repo", str(git_repo.path))
    assert code == 1
    hits = find(report, "test-evil-call")
    assert [(f["path"], f["start_line"]) for f in hits] == [("app.py", 10)]


def test_merge_base_excludes_changes_on_base(git_repo, run_json) -> None:  # type: ignore[no-untyped-def]
    git_repo.commit({"app.py": CLEAN}, "init")
    _branch(git_repo, {"feature.py": "x = 1\n"})
    git_repo.git("checkout", "-q", "main")
    git_repo.commit({"base_only.py": "evil_marker_call(9)\n"}, "on main")
    code, report = run_json("diff", "main", "feature", "--repo", str(git_repo.path))
    assert code == 0
    assert {f["path"] for f in report["findings"]} == {"feature.py"}


def test_policy_is_read_from_base(git_repo, run_json) -> None:  # type: ignore[no-untyped-def]
    git_repo.commit(
        {"integrity.toml": 'fail_on = "high"\n', "baselines/waivers.toml": "# none\n"}, "init"
    )
    _branch(
        git_repo,
        {
            "integrity.toml": 'fail_on = "critical"\n',
            "baselines/waivers.toml": "# waive everything\n",
            "payload.py": "evil_marker_call(1)\n",
        },
    )
    code, report = run_json("diff", "main", "feature", "--repo", str(git_repo.path))
    assert code == 1, "HEAD's fail_on = critical must not apply"
    assert report["summary"]["fail_on"] == "high"
    changed = find(report, "policy-changed")
    assert {f["path"] for f in changed} == {"integrity.toml", "baselines/waivers.toml"}
    assert all(f["severity"] == "high" and f["category"] == "integrity-violation" for f in changed)
    assert find(report, "test-evil-call", "payload.py")[0]["start_line"] == 1


def test_pyproject_change_outside_tool_table_is_not_policy(git_repo, run_json) -> None:  # type: ignore[no-untyped-def]
    git_repo.commit({"pyproject.toml": '[project]\nname = "a"\n'}, "init")
    _branch(git_repo, {"pyproject.toml": '[project]\nname = "b"\n'})
    _, report = run_json("diff", "main", "feature", "--repo", str(git_repo.path))
    assert find(report, "policy-changed") == []
    table = '[project]\nname = "b"\n[tool.integrity]\nexclude = ["*"]\n'
    git_repo.commit({"pyproject.toml": table})
    _, report = run_json("diff", "main", "feature", "--repo", str(git_repo.path))
    assert [f["path"] for f in find(report, "policy-changed")] == ["pyproject.toml"]


def test_unknown_ref_exits_3(git_repo, run_cli, rules_dir: Path) -> None:  # type: ignore[no-untyped-def]
    git_repo.commit({"a.py": CLEAN}, "init")
    result = run_cli("diff", "main", "no-such-branch", "--repo", str(git_repo.path))
    assert result.code == 3
    assert "no-such-branch" in result.stderr
    result = run_cli("diff", "main", "main", "--repo", str(git_repo.path / "nope"))
    assert result.code == 3


def test_sarif_and_deleted_and_renamed_files(git_repo, run_cli, rules_dir: Path) -> None:  # type: ignore[no-untyped-def]
    git_repo.commit({"a.py": CLEAN, "gone.py": "x = 1\n", "dir/old.py": "y = 2\n"}, "init")
    git_repo.git("checkout", "-q", "-b", "feature")
    git_repo.git("rm", "-q", "gone.py")
    git_repo.git("mv", "dir/old.py", "dir/new.py")
    git_repo.git("commit", "-q", "-m", "move")
    result = run_cli(
        "diff",
        "main",
        "feature",
        "--repo",
        str(git_repo.path),
        "--format",
        "sarif",
        "--rules",
        str(rules_dir),
    )
    assert result.code == 0, result.stderr
    sarif = json.loads(result.stdout)
    results = sarif["runs"][0]["results"]
    uris = {
        r["ruleId"]: r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in results
    }
    assert uris == {"file-removed": "gone.py", "file-renamed": "dir/new.py"}


def _waiver(fingerprint: str) -> str:
    return (
        "version = 1\n\n[[waiver]]\n"
        f'fingerprint = "{fingerprint}"\n'
        'reason = "reviewed: test fixture"\nreviewer = "alice"\ndate = 2026-01-01\n'
    )


def test_waivers_come_from_base_not_head(git_repo, run_json, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    git_repo.commit({"a.py": CLEAN}, "init")
    _branch(git_repo, {"payload.py": "evil_marker_call(1)\n"})
    code, report = run_json("diff", "main", "feature", "--repo", str(git_repo.path))
    assert code == 1
    fingerprint = find(report, "test-evil-call")[0]["fingerprint"]
    # HEAD waiving its own finding changes nothing but adds a policy-changed finding
    git_repo.commit({"baselines/waivers.toml": _waiver(fingerprint)}, "waive it")
    monkeypatch.chdir(git_repo.path)  # the CI checkout of HEAD: its waivers file is not used
    code, report = run_json("diff", "main", "feature", "--repo", str(git_repo.path))
    assert code == 1
    assert find(report, "test-evil-call")[0]["status"] == "open"
    assert [f["path"] for f in find(report, "policy-changed")] == ["baselines/waivers.toml"]
    # the same waiver reviewed into BASE applies
    git_repo.git("checkout", "-q", "main")
    git_repo.commit({"baselines/waivers.toml": _waiver(fingerprint)}, "reviewed waiver")
    git_repo.git("checkout", "-q", "feature")
    git_repo.git("reset", "-q", "--hard", "HEAD~1")
    code, report = run_json("diff", "main", "feature", "--repo", str(git_repo.path))
    assert code == 0
    assert find(report, "test-evil-call")[0]["status"] == "waived"
