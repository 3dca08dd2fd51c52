"""Benchmark of the git workflows.

1. `integrity diff main feature` on a generated repository of 50,000 files where `feature`
   changes 5 files (wall time of the whole CLI process, cold interpreter; target < 2 s).
   Reference: `git diff --stat main feature` on the same repository.
2. `integrity history` over 1,000 commits (each changes 2-3 of 300 C/Python source files;
   target >= 20 commits/s). Reference: `git log -p` over the same commits.

Repositories are generated once with `git fast-import` under --workdir and reused.
Usage: python benchmarks/bench_gitflow.py [--workdir .bench/gitflow] [--runs 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ENV_DATE = 1_700_000_000


def _data(text: str) -> bytes:
    raw = text.encode()
    return b"data %d\n" % len(raw) + raw + b"\n"


def _commit(branch: str, message: str, when: int, parent: str | None) -> bytes:
    head = f"commit refs/heads/{branch}\ncommitter Bench <b@e.invalid> {when} +0000\n".encode()
    head += _data(message)
    if parent:
        head += f"from {parent}\n".encode()
    return head


def _c_source(index: int, version: int) -> str:
    return (
        f"#include <string.h>\n\nint func_{index}(int a) {{\n"
        f"    return a * {version} + {index};\n}}\n\n"
        f'int check_token_{index}(const char *t) {{\n    return strcmp(t, "v{version}") == 0;\n}}\n'
    )


def _py_source(index: int, version: int) -> str:
    return (
        f"import os\n\n\ndef handler_{index}(x):\n    return x + {version}\n\n\n"
        f"class Model{index}:\n    def run(self):\n        return os.getcwd() + '{version}'\n"
    )


def make_big_repo(path: Path, files: int) -> None:
    """`files` small files in one commit on main; `feature` changes 5 of them."""
    if (path / ".complete").exists():
        return
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    stream = bytearray(_commit("main", "init", ENV_DATE, None))
    for i in range(files):
        name = f"pkg{i % 250:03d}/mod{i % 7}/file{i:05d}." + ("c" if i % 2 else "py")
        text = _c_source(i, 1) if i % 2 else _py_source(i, 1)
        stream += f"M 100644 inline {name}\n".encode() + _data(text)
    stream += _commit("feature", "five files", ENV_DATE + 60, "refs/heads/main")
    for i in (11, 4_002, 17_771, 33_333, 49_998):
        name = f"pkg{i % 250:03d}/mod{i % 7}/file{i:05d}." + ("c" if i % 2 else "py")
        text = _c_source(i, 2) if i % 2 else _py_source(i, 2)
        stream += f"M 100644 inline {name}\n".encode() + _data(text)
    subprocess.run(
        ["git", "-C", str(path), "fast-import", "--quiet"], input=bytes(stream), check=True
    )
    (path / ".complete").write_text("ok\n")


def make_long_history(path: Path, commits: int, files: int) -> None:
    """`commits` commits on main, each changing 2-3 of `files` source files."""
    if (path / ".complete").exists():
        return
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    rng = random.Random(7)
    stream = bytearray(_commit("main", "init", ENV_DATE, None))
    for i in range(files):
        ext = "c" if i % 2 else "py"
        text = _c_source(i, 0) if i % 2 else _py_source(i, 0)
        stream += f"M 100644 inline src/f{i:03d}.{ext}\n".encode() + _data(text)
    for n in range(1, commits):
        stream += _commit("main", f"change {n}", ENV_DATE + n * 60, None)
        for i in rng.sample(range(files), rng.choice((2, 3))):
            ext = "c" if i % 2 else "py"
            text = _c_source(i, n) if i % 2 else _py_source(i, n)
            stream += f"M 100644 inline src/f{i:03d}.{ext}\n".encode() + _data(text)
    subprocess.run(
        ["git", "-C", str(path), "fast-import", "--quiet"], input=bytes(stream), check=True
    )
    (path / ".complete").write_text("ok\n")


def timed(command: list[str], runs: int) -> float:
    """Median wall seconds; exit codes 0 and 1 both count as success."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{command}: exit {done.returncode}: {done.stderr.decode()[:400]}")
    return statistics.median(times)


def peak_rss(command: list[str]) -> int:
    """Peak resident set of a command in MB (GNU time)."""
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *command], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    return int(done.stderr.decode().strip().splitlines()[-1]) // 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path(".bench/gitflow"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--files", type=int, default=50_000)
    parser.add_argument("--commits", type=int, default=1_000)
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    big = args.workdir / "big"
    long = args.workdir / "long"
    make_big_repo(big, args.files)
    make_long_history(long, args.commits, 300)
    cli = [sys.executable, "-m", "integrity"]
    diff_s = timed(
        [*cli, "diff", "main", "feature", "--repo", str(big), "--format", "json", "--quiet"],
        args.runs,
    )
    git_diff = timed(["git", "-C", str(big), "diff", "--stat", "main", "feature"], args.runs)
    version = timed([*cli, "--version"], args.runs)
    print(
        f"diff: {args.files} files, 5 changed: {diff_s:.2f} s wall (target < 2 s); "
        f"interpreter+CLI start-up alone {version:.2f} s; git diff --stat {git_diff:.3f} s"
    )
    history = [*cli, "history", "--repo", str(long), "--format", "json", "--quiet"]
    short_rss = peak_rss([*history, "--since", "main~250"])
    long_rss = peak_rss(history)
    print(f"history peak RSS: 250 commits {short_rss} MB, {args.commits} commits {long_rss} MB")
    hist_s = timed(history, 1)
    git_log = timed(["git", "-C", str(long), "log", "-p", "--no-ext-diff", "--no-textconv"], 1)
    rate = args.commits / hist_s
    print(
        f"history: {args.commits} commits in {hist_s:.1f} s = {rate:.0f} commits/s "
        f"(target >= 20); git log -p {git_log:.2f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
