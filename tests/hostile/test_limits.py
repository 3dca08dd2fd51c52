"""Every limit is configurable in the policy, and hitting one is reported (what was not
inspected), never a silent skip: max_file_size, parse_timeout, max_run_seconds, and the archive
caps of [limits]
(max_member_size, max_total_size, max_members, max_ratio, ratio_min_size)."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from integrity.config import parse_policy
from integrity.errors import ConfigError


def _scan(run_cli: Any, source: Path, config: Path) -> list[dict[str, Any]]:
    result = run_cli("scan", str(source), "--config", str(config), "--format", "json", "--quiet")
    assert result.code in (0, 1), result.stderr
    findings: list[dict[str, Any]] = json.loads(result.stdout)["findings"]
    return findings


def test_max_file_size_reports_not_inspected(tmp_path: Path, run_cli: Any) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "big.py").write_bytes(b'exec(base64.b64decode("aW1wb3J0IG9z"))\n' + b"#" * 5000)
    (tree / "small.py").write_text("x = 1\n")
    config = tmp_path / "integrity.toml"
    config.write_text("max_file_size = 1000\n")
    found = _scan(run_cli, tree, config)
    assert [(f["rule_id"], f["path"], f["severity"]) for f in found] == [
        ("not-inspected", "big.py", "info")
    ]
    assert "max_file_size (1000)" in found[0]["message"]


def test_run_time_limit_reports_every_file_left_unscanned(tmp_path: Path, run_cli: Any) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    for n in range(3):
        (tree / f"m{n}.py").write_text('exec(base64.b64decode("aW1wb3J0IG9z"))\n')
    config = tmp_path / "integrity.toml"
    config.write_text("max_run_seconds = 0.000001\n")
    found = _scan(run_cli, tree, config)
    assert sorted((f["rule_id"], f["path"], f["severity"]) for f in found) == [
        ("not-inspected", f"m{n}.py", "info") for n in range(3)
    ]
    assert all("max_run_seconds" in f["message"] for f in found)
    config.write_text("max_run_seconds = 600\n")
    assert {f["rule_id"] for f in _scan(run_cli, tree, config)} == {"py-exec-decoded-payload"}


def test_parse_timeout_reports_not_inspected(tmp_path: Path, run_cli: Any) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "CMakeLists.txt").write_bytes(b" " * 200_000)  # the cmake grammar is super-linear
    config = tmp_path / "integrity.toml"
    config.write_text("parse_timeout = 0.2\n")
    found = _scan(run_cli, tree, config)
    assert [(f["rule_id"], f["path"]) for f in found] == [("not-inspected", "CMakeLists.txt")]
    assert "0.2s parse_timeout" in found[0]["message"]


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "limits, members, stopped",
    [
        ("max_member_size = 1000", {"p/a.py": b"x" * 2000, "p/b.py": b"y = 1\n"}, "a.py"),
        ("max_members = 2", {f"p/f{i}.py": b"x = 1\n" for i in range(5)}, None),
        ("max_total_size = 3000", {f"p/f{i}.py": b"#" * 1000 for i in range(6)}, None),
        ("max_ratio = 10\nratio_min_size = 4096", {"p/z.bin": bytes(100_000)}, "z.bin"),
    ],
)
def test_archive_caps_from_the_policy_are_reported(
    limits: str, members: dict[str, bytes], stopped: str | None, tmp_path: Path, run_cli: Any
) -> None:
    archive = tmp_path / "rel.zip"
    archive.write_bytes(_zip(members))
    config = tmp_path / "integrity.toml"
    config.write_text(f"[limits]\n{limits}\n")
    found = _scan(run_cli, archive, config)
    unsafe = [f for f in found if f["category"] == "unsafe-input"]
    assert unsafe, found
    if stopped is not None:
        assert any(f["path"].endswith(stopped) for f in unsafe), unsafe


def test_ratio_min_size_lets_small_compressible_members_through(
    tmp_path: Path, run_cli: Any
) -> None:
    archive = tmp_path / "rel.zip"
    archive.write_bytes(_zip({"p/z.txt": bytes(50_000)}))
    config = tmp_path / "integrity.toml"
    config.write_text("[limits]\nmax_ratio = 10\nratio_min_size = 1048576\n")
    assert [f for f in _scan(run_cli, archive, config) if f["category"] == "unsafe-input"] == []


@pytest.mark.parametrize(
    "text",
    [
        "parse_timeout = 0\n",
        "parse_timeout = -1\n",
        "parse_timeout = true\n",
        "parse_timeout = 'fast'\n",
        "[limits]\nratio_min_size = 0\n",
        "[limits]\nmax_time = 5\n",
        "max_run_seconds = 0\n",
        "max_run_seconds = 'soon'\n",
    ],
)
def test_bad_limit_values_are_config_errors(text: str) -> None:
    with pytest.raises(ConfigError):
        parse_policy(text.encode(), "integrity.toml", pyproject=False)


def test_limits_are_read() -> None:
    policy = parse_policy(
        b"parse_timeout = 2.5\n[limits]\nratio_min_size = 4096\n", "x", pyproject=False
    )
    assert policy.parse_timeout == 2.5
    assert dict(policy.limits) == {"ratio_min_size": 4096}


def test_a_million_statements_are_not_queried_quadratically(tmp_path: Path, run_cli: Any) -> None:
    """A root with 2 M children made tree-sitter queries quadratic (4 MiB of `;`: 61 s)."""
    import time

    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "pad.js").write_bytes(b";" * (2 << 20))
    config = tmp_path / "integrity.toml"
    config.write_text("exclude = []\n")
    started = time.monotonic()
    found = _scan(run_cli, tree, config)
    assert time.monotonic() - started < 30
    assert [(f["rule_id"], f["path"]) for f in found] == [("not-inspected", "pad.js")]
    assert "too flat" in found[0]["message"]
