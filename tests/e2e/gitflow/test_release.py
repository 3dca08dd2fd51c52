"""`integrity release ARCHIVE --ref REF`: archive members against the tag's tree."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path
from typing import Any

from integrity.gitflow.m4registry import m4_digest
from tests.e2e.gitflow.conftest import commit_as, find

UPSTREAM_M4 = (
    "# build-to-host.m4 serial 3\n"
    "dnl Copyright (C) 2023 Free Software Foundation, Inc.\n"
    'AC_DEFUN([gl_BUILD_TO_HOST], [gl_final_[$1]="$[$1]"])\n'
)
TAMPERED_M4 = UPSTREAM_M4.replace("serial 3", "serial 30") + (
    'gl_[$1]_prefix=`echo $gl_am_configmake | sed "s/.*\\.//g"`\n'
)
KNOWN_M4 = "# gettext.m4 serial 71\nAC_DEFUN([AM_GNU_GETTEXT], [:])\n"
SOURCES = {
    "src/main.c": "int main(void) { return 0; }\n",
    "src/util.c": "int add(int a, int b) { return a + b; }\n",
    "configure.ac": "AC_INIT([proj], [1.0])\nAC_OUTPUT\n",
    ".gitignore": "*.o\n",
}


def _tarball(path: Path, files: dict[str, str | bytes], prefix: str = "proj-1.0/") -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, content in sorted(files.items()):
            data = content.encode() if isinstance(content, str) else content
            info = tarfile.TarInfo(prefix + name)
            info.size = len(data)
            info.mode = 0o755 if name == "configure" else 0o644
            tar.addfile(info, io.BytesIO(data))
    return path


def _registry(path: Path) -> Path:
    doc = {
        "format": 1,
        "origins": ["gnulib test", "gettext test"],
        "macros": {
            "build-to-host.m4": [["3", m4_digest(UPSTREAM_M4.encode()), 0]],
            "gettext.m4": [["71", m4_digest(KNOWN_M4.encode()), 1]],
        },
    }
    path.write_text(json.dumps(doc))
    return path


def _release(run_json, repo: Path, archive: Path, registry: Path) -> tuple[int, dict[str, Any]]:  # type: ignore[no-untyped-def]
    return run_json(  # type: ignore[no-any-return]
        "release",
        str(archive),
        "--ref",
        "v1.0",
        "--repo",
        str(repo),
        "--m4-registry",
        str(registry),
    )


def test_identical_archive_is_clean(git_repo, run_json, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    commit_as(git_repo, SOURCES, "release")
    git_repo.git("tag", "v1.0")
    archive = _tarball(tmp_path / "proj-1.0.tar.gz", SOURCES)
    code, report = _release(run_json, git_repo.path, archive, _registry(tmp_path / "r.json"))
    assert code == 0
    assert report["findings"] == []


def test_xz_shaped_release(git_repo, run_json, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    commit_as(git_repo, SOURCES, "release")
    git_repo.git("tag", "-a", "v1.0", "-m", "v1.0")
    shipped = {
        **{k: v for k, v in SOURCES.items() if k != ".gitignore"},
        "src/util.c": "int add(int a, int b) { return a + b + 1; }\n",
        "configure": "#!/bin/sh\necho configuring\n",
        "Makefile.in": "all:\n\ttrue\n",
        "m4/build-to-host.m4": TAMPERED_M4,
        "m4/gettext.m4": KNOWN_M4,
        "po/de.gmo": b"\xde\x12\x04\x95\x00\x00",
        "src/extra.c": "void hook(void) { evil_marker_call(); }\n",
    }
    archive = _tarball(tmp_path / "proj-1.0.tar.gz", shipped)
    code, report = _release(run_json, git_repo.path, archive, _registry(tmp_path / "r.json"))
    assert code == 1
    macro = find(report, "release-m4-unknown", "m4/build-to-host.m4")
    assert len(macro) == 1
    assert macro[0]["severity"] == "critical"
    assert macro[0]["category"] == "unexplained-change"
    assert dict(macro[0]["details"])["serial"] == "30"
    assert "serial 30" in macro[0]["message"]
    by_path = {
        f["path"]: (f["rule_id"], f["severity"])
        for f in report["findings"]
        if f["rule_id"].startswith("release-")
    }
    assert by_path == {
        "m4/build-to-host.m4": ("release-m4-unknown", "critical"),
        "m4/gettext.m4": ("release-file-extra", "info"),
        "configure": ("release-file-extra", "low"),
        "Makefile.in": ("release-file-extra", "low"),
        "po/de.gmo": ("release-file-extra", "info"),
        "src/extra.c": ("release-file-extra", "high"),
        "src/util.c": ("release-file-differs", "high"),
        ".gitignore": ("release-file-missing", "info"),
    }
    assert "src/main.c" not in {f["path"] for f in report["findings"]}
    assert [f["start_line"] for f in find(report, "test-evil-call", "src/extra.c")] == [1]
    assert report["source"]["kind"] == "archive"


def test_unknown_ref_and_bad_archive_exit_3(git_repo, run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    commit_as(git_repo, SOURCES, "release")
    archive = _tarball(tmp_path / "p.tar.gz", SOURCES)
    result = run_cli("release", str(archive), "--ref", "v9", "--repo", str(git_repo.path))
    assert result.code == 3
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(archive.read_bytes()[:40])
    result = run_cli("release", str(broken), "--ref", "HEAD", "--repo", str(git_repo.path))
    assert result.code == 3
