"""Real-world check: xz-utils 5.4.1's release tarball (from `apt-get source xz-utils`) against a
tag built from the same tarball minus what release tooling generates.

The tag repository is written straight from the tar stream with `git fast-import` (nothing is
extracted to disk). Skipped unless .bench/xz/xz-utils_*.orig.tar.xz exists.
"""

from __future__ import annotations

import io
import json
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import pytest

from integrity.gitflow.artifacts import Artifact, classify_artifact

ROOT = Path(__file__).resolve().parents[3]
TARBALLS = sorted((ROOT / ".bench" / "xz").glob("xz-utils_*.orig.tar.xz"))
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not TARBALLS, reason="run `apt-get source --download-only xz-utils` in .bench/xz first"
    ),
]
TAMPERED = (
    b"# build-to-host.m4 serial 30\n"
    b"dnl Copyright (C) 2023-2024 Free Software Foundation, Inc.\n"
    b"AC_DEFUN([gl_BUILD_TO_HOST], [\n"
    b"  gl_[$1]_config='sed \\\"r\\n\\\" $gl_am_configmake | eval $gl_path_map'\n"
    b"])\n"
)


# m4/ files that xz-utils keeps in git (the rest come from autopoint and libtoolize)
IN_GIT_M4 = ("ax_", "getopt.m4", "posix-shell.m4", "tuklib_", "visibility.m4")


def _in_tag(name: str) -> bool:
    if name.startswith("m4/") and name[3:].startswith(IN_GIT_M4):
        return True
    return classify_artifact(name) is Artifact.SOURCE


def _members(tarball: Path) -> list[tuple[str, bytes, bool]]:
    out = []
    with tarfile.open(tarball) as tar:
        for info in tar:
            if not info.isfile():
                continue
            handle = tar.extractfile(info)
            assert handle is not None
            name = info.name.split("/", 1)[1]
            out.append((name, handle.read(), bool(info.mode & 0o111)))
    return out


def _tag_repo(path: Path, members: list[tuple[str, bytes, bool]]) -> None:
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    stream = bytearray(b"commit refs/heads/main\ncommitter T <t@e.invalid> 1700000000 +0000\n")
    stream += b"data 6\nv5.4.x\n"
    for name, data, executable in members:
        if not _in_tag(name):
            continue
        mode = b"100755" if executable else b"100644"
        stream += b"M %s inline %s\ndata %d\n" % (mode, name.encode(), len(data)) + data + b"\n"
    stream += b"tag v5.4.1\nfrom refs/heads/main\ntagger T <t@e.invalid> 1700000000 +0000\n"
    stream += b"data 6\nv5.4.1\n"
    subprocess.run(
        ["git", "-C", str(path), "fast-import", "--quiet"], input=bytes(stream), check=True
    )


def _repack(path: Path, members: list[tuple[str, bytes, bool]]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, data, executable in [*members, ("m4/build-to-host.m4", TAMPERED, False)]:
            info = tarfile.TarInfo("xz-5.4.1/" + name)
            info.size = len(data)
            info.mode = 0o755 if executable else 0o644
            tar.addfile(info, io.BytesIO(data))
    return path


def _release(run_cli: Any, archive: Path, repo: Path) -> tuple[int, dict[str, Any]]:
    result = run_cli(
        "release",
        str(archive),
        "--ref",
        "v5.4.1",
        "--repo",
        str(repo),
        "--format",
        "json",
        "--quiet",
    )
    assert result.code in (0, 1), result.stderr
    return result.code, json.loads(result.stdout)


def test_xz_release_against_its_tag(run_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    members = _members(TARBALLS[-1])
    repo = tmp_path / "xz"
    _tag_repo(repo, members)
    code, report = _release(run_cli, TARBALLS[-1], repo)
    release = [f for f in report["findings"] if f["rule_id"].startswith("release-")]
    assert {f["rule_id"] for f in release} == {"release-file-extra", "release-m4-unknown"}
    assert not any(f["path"].endswith(".c") for f in release), "no source file is unexplained"
    verdicts = {f["path"]: dict(f["details"]).get("m4-verdict") for f in release}
    m4 = {path: verdict for path, verdict in verdicts.items() if verdict}
    assert m4, "xz 5.4 ships vendored m4 macros"
    assert m4["m4/gettext.m4"] == "known", "autopoint's macros match gettext's"
    # xz 5.4.1 was bootstrapped with a locally modified libtool ("2.4.7-dirty"): its libtool.m4
    # and ltversion.m4 match no upstream libtool release, which is what a reviewer must see.
    critical = {f["path"] for f in release if f["severity"] == "critical"}
    assert critical == {"m4/libtool.m4", "m4/ltversion.m4"}
    # the xz 5.6.0/5.6.1 pattern, grafted into the real tarball
    code, report = _release(run_cli, _repack(tmp_path / "xz-5.4.1.tar.gz", members), repo)
    assert code == 1
    bad = [f for f in report["findings"] if f["path"] == "m4/build-to-host.m4"]
    assert [(f["rule_id"], f["severity"]) for f in bad] == [("release-m4-unknown", "critical")]
    assert dict(bad[0]["details"])["serial"] == "30"
