"""Each coverage-guided atheris target (fuzz/) runs for a bounded time from a seed corpus and
must exit cleanly: no crash, no leak, no timeout. `python fuzz/fuzz_*.py` runs them for longer
(fuzz/README.md)."""

from __future__ import annotations

import importlib.util
import io
import json
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECONDS = 20

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("atheris") is None,
    reason="atheris is not installed (pip install atheris; it is in the dev extra)",
)


def _tar(mode: str) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode=mode) as tar:
        for name, data in (("p/a.py", b"x = 1\n"), ("p/../b", b"y"), ("p/c", b"z" * 300)):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("p/l")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        tar.addfile(link)
    return buffer.getvalue()


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("p/a.py", b"x = 1\n")
        zf.writestr("../x", b"0" * 5000)
    return buffer.getvalue()


def _seeds(target: str, corpus: Path) -> None:
    corpus.mkdir()
    if target == "fuzz_archive":
        # first byte picks the suffix: 0 .tar, 1 .tar.gz, 2 .zip (see fuzz/fuzz_archive.py)
        seeds = {"tar": b"\x00" + _tar("w"), "tgz": b"\x01" + _tar("w:gz"), "zip": b"\x02" + _zip()}
    else:
        doc = {
            "schema_version": 1,
            "header": {
                "created": "x",
                "rules_digest": "sha256:0",
                "tool_version": "0",
                "source": {"kind": "directory", "location": "."},
            },
            "files": [
                {
                    "path": "a.py",
                    "type": "file",
                    "size": 1,
                    "executable": False,
                    "sha256": "00",
                    "symbols": [{"name": "f", "kind": "function", "lines": [1, 2], "digest": "d"}],
                    "constants": [{"key": "k", "value": "1", "line": 1}],
                },
                {"path": "../x", "type": "symlink", "size": 0, "problem": "outside"},
            ],
        }
        seeds = {"baseline": json.dumps(doc).encode(), "small": b'{"schema_version": 1}'}
    for name, data in seeds.items():
        (corpus / name).write_bytes(data)


@pytest.mark.slow
@pytest.mark.parametrize("target", ["fuzz_archive", "fuzz_baseline"])
def test_atheris_target_runs_clean(target: str, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    _seeds(target, corpus)
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "fuzz" / f"{target}.py"),
            f"-max_total_time={SECONDS}",
            "-rss_limit_mb=2048",
            "-timeout=10",
            "-print_final_stats=1",
            str(corpus),
        ],
        capture_output=True,
        text=True,
        timeout=SECONDS * 6,
        cwd=tmp_path,
        check=False,
    )
    log = result.stderr[-3000:]
    assert result.returncode == 0, log
    runs = re.search(r"Done (\d+) runs", result.stderr)
    assert runs is not None, log
    assert int(runs.group(1)) > 1000, log
    print(f"\n{target}: {runs.group(1)} executions in {SECONDS}s, no crash")
