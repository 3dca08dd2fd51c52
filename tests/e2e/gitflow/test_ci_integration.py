"""The command lines of action.yml and .pre-commit-hooks.yaml, run against a temp repository.

PyYAML is not a dependency, so the two files are read with a small parser for the structure
they use: `run: |` blocks (action) and `- id:` items with `entry:` and a flow-list `args:`.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from tests.e2e.gitflow.conftest import commit_as

ROOT = Path(__file__).resolve().parents[3]


def action_command_lines(text: str) -> list[list[str]]:
    """Every `integrity ...` line inside a `run: |` block, split like the shell would."""
    commands, in_run, indent = [], False, 0
    for line in text.splitlines():
        stripped = line.strip()
        current = len(line) - len(line.lstrip())
        if in_run and stripped and current <= indent:
            in_run = False
        if stripped.startswith("run: |"):
            in_run, indent = True, current
            continue
        if in_run and stripped.startswith("integrity "):
            words = shlex.split(stripped)
            cut = next((i for i, w in enumerate(words) if w in (">", ">>")), len(words))
            commands.append(words[:cut])
    return commands


def hook_commands(text: str) -> dict[str, list[str]]:
    """id -> entry + args of each hook."""
    hooks: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("- id:"):
            current = stripped.split(":", 1)[1].strip()
            hooks[current] = []
        elif stripped.startswith("entry:"):
            hooks[current] = stripped.split(":", 1)[1].split() + hooks[current]
        elif stripped.startswith("args:"):
            hooks[current] = hooks[current] + json.loads(stripped.split(":", 1)[1])
    return hooks


def _substitute(words: list[str], values: dict[str, str]) -> list[str]:
    return [values.get(w, w) for w in words]


@pytest.fixture
def pull_request(git_repo, monkeypatch):  # type: ignore[no-untyped-def]
    base = commit_as(git_repo, {"integrity.toml": 'fail_on = "high"\n', "a.py": "x = 1\n"}, "init")
    git_repo.git("update-ref", "refs/remotes/origin/HEAD", base)
    git_repo.git("checkout", "-q", "-b", "feature")
    head = commit_as(git_repo, {"integrity.toml": 'fail_on = "critical"\n'}, "relax policy")
    monkeypatch.chdir(git_repo.path)
    return git_repo, base, head


def test_action_runs_diff_and_uploads_sarif(pull_request, run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, base, head = pull_request
    text = (ROOT / "action.yml").read_text()
    assert "uses: github/codeql-action/upload-sarif@" in text
    assert "sarif_file: ${{ inputs.sarif }}" in text
    commands = action_command_lines(text)
    assert [c[:2] for c in commands] == [["integrity", "diff"], ["integrity", "diff"]]
    sarif = tmp_path / "out.sarif"
    values = {"$BASE": base, "$HEAD": head, "$FAIL_ON": "high", "$SARIF": str(sarif)}
    first = run_cli(*_substitute(commands[0], values)[1:])
    assert first.code == 1, first.stderr
    doc = json.loads(sarif.read_text())
    assert doc["runs"][0]["tool"]["driver"]["name"] == "integrity"
    assert "policy-changed" in {r["ruleId"] for r in doc["runs"][0]["results"]}
    summary = run_cli(*_substitute(commands[1], values)[1:])
    assert summary.code == 1
    assert "integrity.toml" in summary.stdout


def test_action_clean_pull_request_passes(git_repo, run_cli, monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    base = commit_as(git_repo, {"a.py": "x = 1\n"}, "init")
    head = commit_as(git_repo, {"README": "docs\n"}, "docs")
    monkeypatch.chdir(git_repo.path)
    command = action_command_lines((ROOT / "action.yml").read_text())[0]
    sarif = tmp_path / "clean.sarif"
    values = {"$BASE": base, "$HEAD": head, "$FAIL_ON": "high", "$SARIF": str(sarif)}
    assert run_cli(*_substitute(command, values)[1:]).code == 0
    assert json.loads(sarif.read_text())["version"] == "2.1.0"


def test_pre_commit_hooks_run(pull_request, run_cli) -> None:  # type: ignore[no-untyped-def]
    hooks = hook_commands((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert set(hooks) == {"integrity-diff", "integrity-history"}
    for hook, command in hooks.items():
        assert command[0] == "integrity"
        result = run_cli(*command[1:], "--format", "json")
        assert result.code == 1, f"{hook}: {result.stderr}"
        ids = {f["rule_id"] for f in json.loads(result.stdout)["findings"]}
        assert "policy-changed" in ids, hook
