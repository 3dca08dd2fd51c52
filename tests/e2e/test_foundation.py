"""End to end: keygen, baseline build/show, verify and scan through the CLI contract."""

from __future__ import annotations

import hashlib
import json
import os
import pty
import select
import stat
import subprocess
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

CliResult = Any
GitRepo = Any
Run = Callable[..., Any]


def _tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


BASE_FILES = {
    "src/auth.c": "int auth_check(const char *p) {\n    return check_hash(p);\n}\n",
    "src/util.c": "int add(int a, int b) {\n    return a + b;\n}\n",
    "README.md": "# demo\n",
    "build.sh": "#!/bin/sh\nmake\n",
}


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = _tree(tmp_path / "tree", BASE_FILES)
    (root / "build.sh").chmod(0o755)
    return root


@pytest.fixture
def keys(tmp_path: Path, run_cli: Run) -> tuple[Path, Path]:
    out = tmp_path / "keys"
    result = run_cli("keygen", "--out", str(out))
    assert result.code == 0, result.stderr
    return out / "integrity.key", out / "integrity.pub"


def _build(run_cli: Run, source: Path | str, out: Path, *extra: str) -> CliResult:
    result = run_cli("baseline", "build", str(source), "-o", str(out), "--quiet", *extra)
    assert result.code == 0, result.stderr
    return result


def _verify_json(run_cli: Run, source: Path | str, baseline: Path, *extra: str) -> tuple[int, dict]:
    result = run_cli(
        "verify", str(source), "--baseline", str(baseline), "--format", "json", "--quiet", *extra
    )
    assert result.code in (0, 1), result.stderr
    return result.code, json.loads(result.stdout)


def _by_rule(doc: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for finding in doc["findings"]:
        out.setdefault(finding["rule_id"], []).append(finding)
    return out


def test_keygen_private_key_is_0600_and_never_overwritten(keys: tuple[Path, Path], run_cli: Run):
    key, pub = keys
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert pub.read_text().startswith("-----BEGIN PUBLIC KEY-----")
    again = run_cli("keygen", "--out", str(key.parent))
    assert again.code == 3
    assert "already exists" in again.stderr


def test_baseline_is_canonical_and_deterministic(
    tree: Path, tmp_path: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    _build(run_cli, tree, first)
    _build(run_cli, tree, second)
    assert first.read_bytes() == second.read_bytes()
    doc = json.loads(first.read_bytes())
    assert doc["schema_version"] == 1
    assert doc["header"]["created"] == "2023-11-14T22:13:20Z"
    assert doc["header"]["source"]["kind"] == "directory"
    assert doc["header"]["rules_digest"].startswith("sha256:")
    paths = [f["path"] for f in doc["files"]]
    assert paths == sorted(paths) == ["README.md", "build.sh", "src/auth.c", "src/util.c"]
    build = next(f for f in doc["files"] if f["path"] == "build.sh")
    assert build["executable"] is True
    assert build["type"] == "file"
    assert build["language"] == "bash"
    canonical = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True) + "\n"
    assert first.read_text() == canonical


def test_verify_unchanged_tree_is_clean(tree: Path, tmp_path: Path, run_cli: Run):
    baseline = tmp_path / "base.json"
    _build(run_cli, tree, baseline)
    code, doc = _verify_json(run_cli, tree, baseline)
    assert code == 0
    assert doc["findings"] == []
    assert doc["changes"] == []


def test_verify_reports_every_kind_of_change(tree: Path, tmp_path: Path, run_cli: Run):
    baseline = tmp_path / "base.json"
    _build(run_cli, tree, baseline)
    (tree / "src/util.c").write_text("int add(int a, int b) {\n    return a - b;\n}\n")
    (tree / "README.md").rename(tree / "README.txt")
    (tree / "build.sh").chmod(0o644)
    (tree / "new.txt").write_text("hello\n")
    (tree / "src/auth.c").unlink()
    (tree / "src/auth.c").symlink_to("util.c")
    code, doc = _verify_json(run_cli, tree, baseline)
    kinds = {c["path"]: c["kind"] for c in doc["changes"]}
    assert kinds == {
        "src/util.c": "modified",
        "README.txt": "renamed",
        "build.sh": "mode-changed",
        "new.txt": "added",
        "src/auth.c": "type-changed",
    }
    rules = _by_rule(doc)
    assert [f["path"] for f in rules["file-renamed"]] == ["README.txt"]
    assert rules["file-renamed"][0]["message"] == "renamed from README.md"
    assert [f["path"] for f in rules["file-mode-changed"]] == ["build.sh"]
    assert [f["path"] for f in rules["file-type-changed"]] == ["src/auth.c"]
    assert all(f["severity"] == "low" for f in rules["file-added"])
    assert code == 0  # default policy: low severity, below --fail-on high


def test_verify_removed_file(tree: Path, tmp_path: Path, run_cli: Run):
    baseline = tmp_path / "base.json"
    _build(run_cli, tree, baseline)
    (tree / "src/util.c").unlink()
    _, doc = _verify_json(run_cli, tree, baseline)
    assert [(f["rule_id"], f["path"]) for f in doc["findings"]] == [("file-removed", "src/util.c")]


def test_policy_frozen_and_sensitive_globs_set_severity(
    tree: Path, tmp_path: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
):
    baseline = tmp_path / "base.json"
    _build(run_cli, tree, baseline)
    config = tmp_path / "integrity.toml"
    config.write_text('frozen = ["src/auth.c"]\nsensitive = ["src/util.c"]\n')
    (tree / "src/auth.c").write_text("int auth_check(const char *p) {\n    return 1;\n}\n")
    (tree / "src/util.c").write_text("int add(int a, int b) {\n    return b + a;\n}\n")
    code, doc = _verify_json(run_cli, tree, baseline, "--config", str(config))
    severities = {f["path"]: f["severity"] for f in _by_rule(doc)["file-modified"]}
    assert severities == {"src/auth.c": "high", "src/util.c": "medium"}
    assert code == 1
    # The same run with a higher threshold passes.
    code, _ = _verify_json(
        run_cli, tree, baseline, "--config", str(config), "--fail-on", "critical"
    )
    assert code == 0
    # pyproject.toml [tool.integrity] works as the config too.
    monkeypatch.chdir(tmp_path)
    config.unlink()
    (tmp_path / "pyproject.toml").write_text('[tool.integrity]\nfrozen = ["src/*.c"]\n')
    code, doc = _verify_json(run_cli, tree, baseline)
    assert {f["severity"] for f in _by_rule(doc)["file-modified"]} == {"high"}
    assert code == 1


def test_signed_baseline_trust(tree: Path, tmp_path: Path, run_cli: Run, keys: tuple[Path, Path]):
    key, pub = keys
    signed, unsigned = tmp_path / "signed.json", tmp_path / "unsigned.json"
    _build(run_cli, tree, signed, "--sign", str(key))
    _build(run_cli, tree, unsigned)
    ok = run_cli("verify", str(tree), "--baseline", str(signed), "--trust", str(pub))
    assert ok.code == 0, ok.stderr
    refused = run_cli("verify", str(tree), "--baseline", str(unsigned), "--trust", str(pub))
    assert refused.code == 3
    assert "unsigned" in refused.stderr
    assert "Traceback" not in refused.stderr
    # Unsigned without --trust: used, with a warning.
    warned = run_cli("verify", str(tree), "--baseline", str(unsigned))
    assert warned.code == 0
    assert "unsigned" in warned.stderr
    # Another key.
    other = tmp_path / "other"
    assert run_cli("keygen", "--out", str(other)).code == 0
    wrong = run_cli(
        "verify", str(tree), "--baseline", str(signed), "--trust", str(other / "integrity.pub")
    )
    assert wrong.code == 3
    assert "not by the trusted key" in wrong.stderr


@pytest.mark.parametrize("position", [0.1, 0.5, 0.9])
def test_single_altered_byte_is_refused(
    tree: Path, tmp_path: Path, run_cli: Run, keys: tuple[Path, Path], position: float
):
    key, pub = keys
    signed = tmp_path / "signed.json"
    _build(run_cli, tree, signed, "--sign", str(key))
    data = bytearray(signed.read_bytes())
    index = int(len(data) * position)
    # Flip a byte to another printable character so the file may still parse.
    data[index] = ord("0") if data[index] != ord("0") else ord("1")
    signed.write_bytes(bytes(data))
    result = run_cli("verify", str(tree), "--baseline", str(signed), "--trust", str(pub))
    assert result.code == 3, result.stdout
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"schema_version": 1, "header": {', "not a valid baseline"),
        (b"not json at all", "not a valid baseline"),
        (b'{"schema_version": 99, "header": {}, "files": []}', "newer than this tool"),
        (b'{"schema_version": 1, "schema_version": 1}', "duplicate key"),
        (b"[" * 100000 + b"]" * 100000, "not a valid baseline"),
        (b'{"schema_version": 1, "header": {}, "files": []}', "malformed baseline"),
        (b"\xff\xfe", "not UTF-8"),
    ],
)
def test_bad_baselines_exit_3_with_one_line(
    tree: Path, tmp_path: Path, run_cli: Run, content: bytes, message: str
):
    baseline = tmp_path / "bad.json"
    baseline.write_bytes(content)
    result = run_cli("verify", str(tree), "--baseline", str(baseline))
    assert result.code == 3
    assert message in result.stderr
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_baseline_with_escaping_path_is_refused(tree: Path, tmp_path: Path, run_cli: Run):
    baseline = tmp_path / "base.json"
    _build(run_cli, tree, baseline)
    doc = json.loads(baseline.read_text())
    doc["files"][0]["path"] = "../../etc/passwd"
    baseline.write_text(json.dumps(doc))
    result = run_cli("verify", str(tree), "--baseline", str(baseline))
    assert result.code == 3
    assert "unsafe path" in result.stderr


def test_usage_errors_exit_2(run_cli: Run, tree: Path):
    assert run_cli("verify", str(tree)).code == 2
    assert run_cli("scan", str(tree), "--format", "yaml").code == 2
    assert run_cli("no-such-command").code == 2


def test_missing_source_exits_3(run_cli: Run, tmp_path: Path):
    result = run_cli("scan", str(tmp_path / "nowhere"))
    assert result.code == 3
    assert "Traceback" not in result.stderr


def test_empty_tree(tmp_path: Path, run_cli: Run):
    empty = tmp_path / "empty"
    empty.mkdir()
    baseline = tmp_path / "base.json"
    _build(run_cli, empty, baseline)
    assert json.loads(baseline.read_text())["files"] == []
    code, doc = _verify_json(run_cli, empty, baseline)
    assert (code, doc["findings"]) == (0, [])


def test_gitignored_files_count_and_git_dir_does_not(
    tmp_path: Path, run_cli: Run, git_repo: GitRepo
):
    git_repo.commit({".gitignore": "m4/*.m4\n", "configure.ac": "AC_INIT([x], [1])\n"})
    git_repo.write({"m4/build-to-host.m4": "dnl serial 30\n"})
    baseline = tmp_path / "base.json"
    _build(run_cli, git_repo.path, baseline)
    paths = [f["path"] for f in json.loads(baseline.read_text())["files"]]
    assert "m4/build-to-host.m4" in paths
    assert not any(p.startswith(".git/") for p in paths)


def test_exclude_globs_from_config(tree: Path, tmp_path: Path, run_cli: Run):
    config = tmp_path / "integrity.toml"
    config.write_text('exclude = ["*.md"]\n')
    baseline = tmp_path / "base.json"
    result = run_cli(
        "baseline", "build", str(tree), "-o", str(baseline), "--config", str(config), "--quiet"
    )
    assert result.code == 0
    paths = [f["path"] for f in json.loads(baseline.read_text())["files"]]
    assert "README.md" not in paths
    assert "src/auth.c" in paths


def test_git_ref_source_and_gitlinks(tmp_path: Path, run_cli: Run, git_repo: GitRepo):
    first = git_repo.commit({"a.py": "def f():\n    return 1\n"}, "one")
    sub = "1" * 40
    git_repo.git("update-index", "--add", "--cacheinfo", f"160000,{sub},vendor/lib")
    git_repo.write({"a.py": "def f():\n    return 2\n"})
    git_repo.git("add", "a.py")  # not -A: that would drop the gitlink (no worktree folder)
    git_repo.git("commit", "-q", "-m", "two")
    baseline = tmp_path / "base.json"
    result = run_cli(
        "baseline",
        "build",
        f"git:{first}",
        "-o",
        str(baseline),
        "--repo",
        str(git_repo.path),
        "--quiet",
    )
    assert result.code == 0, result.stderr
    doc = json.loads(baseline.read_text())
    assert doc["header"]["source"]["commit"] == first
    _code, report = _verify_json(run_cli, "git:HEAD", baseline, "--repo", str(git_repo.path))
    kinds = {c["path"]: c["kind"] for c in report["changes"]}
    assert kinds == {"a.py": "modified", "vendor/lib": "added"}
    head = tmp_path / "head.json"
    _build(run_cli, "git:HEAD", head, "--repo", str(git_repo.path))
    entry = next(f for f in json.loads(head.read_text())["files"] if f["path"] == "vendor/lib")
    assert (entry["type"], entry["target"]) == ("gitlink", sub)
    unknown = run_cli(
        "verify", "git:no-such-ref", "--baseline", str(baseline), "--repo", str(git_repo.path)
    )
    assert unknown.code == 3
    assert "Traceback" not in unknown.stderr


def test_archive_source_matches_directory(tree: Path, tmp_path: Path, run_cli: Run):
    archive = tmp_path / "release-1.0.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(tree, arcname="release-1.0")
    baseline = tmp_path / "archive.json"
    _build(run_cli, archive, baseline)
    doc = json.loads(baseline.read_text())
    assert doc["header"]["source"]["kind"] == "archive"
    assert doc["header"]["source"]["digest"].startswith("sha256:")
    assert sorted(f["path"] for f in doc["files"]) == sorted(BASE_FILES)
    code, report = _verify_json(run_cli, tree, baseline)
    assert (code, report["changes"]) == (0, [])


def test_hostile_tree_is_recorded_not_followed(tmp_path: Path, run_cli: Run):
    root = tmp_path / "hostile"
    root.mkdir()
    (root / "ok.txt").write_text("fine\n")
    (root / "passwd").symlink_to("/etc/passwd")
    (root / "up").symlink_to("../..")
    (root / "loop").symlink_to("loop")
    os.mkfifo(root / "fifo")
    weird = os.fsencode(root) + b"/bad\xffname\n\x1b[31mred"
    os.symlink(b"/etc/shadow", weird)
    baseline = tmp_path / "base.json"
    result = run_cli(
        "baseline", "build", str(root), "-o", str(baseline), "--quiet", "--fail-on", "critical"
    )
    assert result.code == 0, result.stderr
    doc = json.loads(baseline.read_text())
    entries = {f["path"]: f for f in doc["files"]}
    assert entries["passwd"]["type"] == "symlink"
    assert entries["passwd"]["target"] == "/etc/passwd"
    assert "outside" in entries["passwd"]["problem"]
    assert "outside" in entries["up"]["problem"]
    assert entries["loop"]["type"] == "symlink"
    assert entries["fifo"]["type"] == "other"
    weird_name = os.fsdecode(b"bad\xffname\n\x1b[31mred")
    assert weird_name in entries  # round-trips through JSON as \udcff / \n / \u001b
    scan = run_cli("scan", str(root), "--format", "json", "--quiet")
    assert scan.code == 1
    unsafe = {
        f["path"] for f in json.loads(scan.stdout)["findings"] if f["category"] == "unsafe-input"
    }
    assert {"passwd", "up", "fifo", os.fsdecode(b"bad\xffname\n\x1b[31mred")} <= unsafe
    text = run_cli("scan", str(root), "--quiet")
    assert "\x1b" not in text.stdout
    assert "\\x1b" in text.stdout


def test_sparse_2gib_file_hashed_in_bounded_memory(tmp_path: Path):
    root = tmp_path / "big"
    root.mkdir()
    with open(root / "sparse.img", "wb") as handle:
        handle.truncate(2 * 1024**3)
    code = (
        "import resource, sys, json;"
        "from integrity.cli import main;"
        "sys.argv=['integrity','baseline','build',sys.argv[1],'-o',sys.argv[2],'--quiet','-j','2'];"
        "\ntry:\n main()\nexcept SystemExit as e:\n assert e.code==0, e.code\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(root), str(tmp_path / "b.json")],
        capture_output=True,
        text=True,
        check=True,
    )
    peak_kib = int(out.stdout.strip().splitlines()[-1])
    assert peak_kib < 400 * 1024, f"peak RSS {peak_kib} KiB"
    entry = json.loads((tmp_path / "b.json").read_text())["files"][0]
    assert entry["size"] == 2 * 1024**3
    zeros, expected = bytes(1024**2), hashlib.sha256()
    for _ in range(2048):
        expected.update(zeros)
    assert entry["sha256"] == expected.hexdigest()


def test_python_dash_m_entry_point(tmp_path: Path):
    out = subprocess.run(
        [sys.executable, "-m", "integrity", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.startswith("integrity, version")


def test_baseline_show_and_symbols(tree: Path, tmp_path: Path, run_cli: Run):
    baseline = tmp_path / "base.json"
    _build(run_cli, tree, baseline)
    shown = run_cli("baseline", "show", str(baseline))
    assert shown.code == 0
    assert "src/auth.c" in shown.stdout
    assert "entries: 4" in shown.stdout
    symbols = run_cli("baseline", "show", str(baseline), "--symbols", "src/auth.c")
    assert symbols.code == 0
    assert "auth_check" in symbols.stdout
    missing = run_cli("baseline", "show", str(baseline), "--symbols", "nope.c")
    assert missing.code == 2


def test_no_progress_when_not_a_tty(tree: Path, tmp_path: Path, run_cli: Run):
    result = run_cli("baseline", "build", str(tree), "-o", str(tmp_path / "b.json"))
    assert result.code == 0
    assert "files" not in result.stderr.replace("entries", "")
    assert "\x1b" not in result.stderr


def test_progress_on_a_tty_for_long_runs(tmp_path: Path):
    """Over a pseudo-terminal a run longer than a second shows a progress counter on stderr."""
    root = tmp_path / "big"
    root.mkdir()
    with open(root / "sparse.img", "wb") as handle:
        handle.truncate(3 * 1024**3)  # hashing 3 GiB of zeros takes a few seconds
    pid, fd = pty.fork()
    if pid == 0:  # child: stdout and stderr are the pty
        os.execv(
            sys.executable,
            [
                sys.executable,
                "-m",
                "integrity",
                "baseline",
                "build",
                str(root),
                "-o",
                str(tmp_path / "b.json"),
                "-j",
                "1",
            ],
        )
    output = b""
    while True:
        ready, _, _ = select.select([fd], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert b"hashing" in output
    assert b"files" in output
