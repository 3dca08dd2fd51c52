"""Benchmark of whole-tree `integrity scan`: throughput, -j scaling, warm cache, peak memory.

Everything is measured in one run, so the ratios compare moments of the same (shared, noisy)
machine; steps 1-3 are the median of --repeat runs, their configurations interleaved:

1. bare tree-sitter parsing of the tree's grammar files on 2 processes (the ceiling) and on 1
   (their ratio is what two cores give this machine at that moment: the ceiling of -j scaling);
2. `integrity scan TREE -j 1 --no-cache` and `-j 2 --no-cache` (their JSON must be identical);
3. `-j 2` with a fresh cache folder (cold), then again (warm; identical JSON);
4. the peers detect-secrets and CredSweeper (from .bench/peers-venv) on the same tree,
   when installed (Semgrep needs its rule registry online, which these machines cannot reach);
5. peak memory of `scan -j 2` on a generated tree of 100,000 small source files: the main
   process's RSS, and the PSS of it and its workers (shared pages split, not double-counted),
   sampled every 100 ms.

Timed runs sample only the main process's RSS; the PSS of all processes (which reads every
process's smaps, CPU taken from the run) comes from extra, untimed runs.

Usage: python benchmarks/bench_scan.py [--tree DIR ...] [--workdir .bench] [--skip-peers]
           [--skip-100k] [--files 100000] [--repeat 3]
Default trees: every folder under .bench/src (e.g. curl, openssh, sudo from `apt-get source`),
hard-linked together under .bench/scanset so one scan covers them all.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import psutil
from parse_pool import bare_parse

MB = 1_000_000
INTEGRITY = [sys.executable, "-m", "integrity"]
# as an installed package would: Python may cache the bytecode it compiles (sandboxes often set
# PYTHONDONTWRITEBYTECODE, which makes every run recompile the whole package at start-up)
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def snapshot_code(workdir: Path) -> str:
    """Export HEAD's integrity/ and signatures/ and run that: the tree under measurement must
    not change between the cold and the warm run (the cache keys on the code's digest)."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    target = workdir.resolve() / f"code-{commit}"
    if not target.exists():
        target.mkdir(parents=True)
        archive = subprocess.run(
            ["git", "archive", "HEAD", "integrity", "signatures"], check=True, capture_output=True
        )
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    ENV["PYTHONPATH"] = str(target)
    return commit


def tree_bytes(root: Path) -> int:
    total = 0
    for folder, _dirs, files in os.walk(root):
        for name in files:
            path = Path(folder, name)
            if path.is_file() and not path.is_symlink():
                total += path.stat().st_size
    return total


def scanset(trees: Sequence[Path], workdir: Path) -> Path:
    """One folder holding every tree (hard links: no copy of the data)."""
    if len(trees) == 1:
        return trees[0]
    target = workdir / "scanset"
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for tree in trees:
        subprocess.run(["cp", "-al", str(tree), str(target / tree.name)], check=True)
    return target


def run_measured(
    cmd: Sequence[str], cwd: Path | None = None, pss: bool = False
) -> tuple[float, int, int, int]:
    """Wall seconds, exit code, peak PSS of the process tree (0 unless `pss`) and peak RSS of
    the main one."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors, env=ENV)
        peak_tree, peak_main = _watch(proc, pss)
        seconds = time.perf_counter() - start
        errors.seek(0)
        stderr = errors.read().decode(errors="replace")
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {stderr[-2000:]}")
    return seconds, proc.returncode, peak_tree, peak_main


def _watch(proc: subprocess.Popen[bytes], pss: bool) -> tuple[int, int]:
    """Peak PSS of the process tree (shared pages counted once, split between sharers; only
    when `pss`) and peak RSS of the main process. PSS reads every process's smaps ten times a
    second, which takes CPU from the run on a 2-core machine: timed runs leave it out."""
    main = psutil.Process(proc.pid)
    peak_tree = peak_main = 0
    while proc.poll() is None:
        try:
            rss_main = main.memory_info().rss
            tree = [main, *main.children(recursive=True)] if pss else []
            total = sum(p.memory_full_info().pss for p in tree)
        except psutil.Error:
            total = rss_main = 0
        peak_tree, peak_main = max(peak_tree, total), max(peak_main, rss_main)
        time.sleep(0.1)
    return peak_tree, peak_main


def scan(
    root: Path, out: Path, jobs: int, cache: Path | None, pss: bool = False
) -> tuple[float, int, int]:
    cmd = [*INTEGRITY, "scan", str(root), "-j", str(jobs), "--quiet", "--format", "json"]
    cmd += ["-o", str(out)]
    cmd += ["--cache-dir", str(cache)] if cache else ["--no-cache"]
    # run from the output's folder: from the checkout, `python -m` would import the working
    # tree's package ahead of PYTHONPATH's exported snapshot
    seconds, _code, peak_tree, peak_main = run_measured(cmd, cwd=out.parent, pss=pss)
    return seconds, peak_tree, peak_main


def make_100k(root: Path, files: int) -> Path:
    """Small C, Python and text files in nested folders (deterministic)."""
    marker = root / ".complete"
    if marker.exists():
        return root
    rng = random.Random(100_000)
    for index in range(files):
        folder = root / f"d{index % 101:03d}" / f"s{index % 17:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        n = rng.randrange(1, 400)
        kind = index % 3
        if kind == 0:
            text = f"int f{n}(int x) {{\n    return x * {n} + {index};\n}}\n"
            (folder / f"f{index:06d}.c").write_text(text)
        elif kind == 1:
            (folder / f"m{index:06d}.py").write_text(f"def g{n}(x):\n    return x + {index}\n")
        else:
            (folder / f"n{index:06d}.txt").write_text(f"note {index}: {n}\n")
    marker.write_text("ok\n")
    return root


def row(name: str, seconds: float, size: int, note: str = "") -> str:
    return f"| {name} | {seconds:.2f} s | {size / MB / seconds:.2f} MB/s | {note} |"


def scan_rows(root: Path, size: int, work: Path, repeat: int) -> tuple[list[str], float]:
    """Bare parse, -j 1, -j 2, cold and warm cache (each the median of `repeat` runs, the
    configurations interleaved so they share the machine's moments); the rows and the -j 2
    seconds."""
    rows = []
    # one unmeasured run over an empty folder first: the exported code's .pyc files get written
    # there, so no measured run pays for compiling the package
    (work / "empty").mkdir(exist_ok=True)
    scan(work / "empty", work / "warm-up.json", 1, None)
    parses, parses_one = [], []
    one, two, cold, warm = [], [], [], []
    for attempt in range(repeat):
        parses.append(bare_parse(root, 2))
        parses_one.append(bare_parse(root, 1))
        one.append(scan(root, work / "j1.json", 1, None))
        two.append(scan(root, work / "j2.json", 2, None))
        cache = work / f"cache{attempt}"
        cold.append(scan(root, work / "cold.json", 2, cache)[0])
        warm.append(scan(root, work / "warm.json", 2, cache)[0])
    parse_s, parsed = statistics.median(s for s, _ in parses), parses[0][1]
    parse_one_s = statistics.median(s for s, _ in parses_one)
    rows.append(row("bare tree-sitter parse, 2 processes", parse_s, parsed, "grammar files"))
    note = f"2 processes: {parse_one_s / parse_s:.2f}x (this machine's own -j 2 scaling now)"
    rows.append(row("bare tree-sitter parse, 1 process", parse_one_s, parsed, note))
    j1, m1 = statistics.median(t for t, _, _ in one), max(m for _, _, m in one)
    j2 = statistics.median(t for t, _, _ in two)
    m2 = max(m for _, _, m in two)
    t2 = scan(root, work / "j2-memory.json", 2, None, pss=True)[1]  # untimed: PSS sampling
    rows.append(row("scan -j 1 --no-cache", j1, size, f"main RSS {m1 >> 20} MiB"))
    same = filecmp.cmp(work / "j1.json", work / "j2.json", shallow=False)
    note = f"{j1 / j2:.2f}x vs -j 1; JSON identical: {same}; RSS main {m2 >> 20} MiB"
    note += f", PSS all {t2 >> 20} MiB"
    rows.append(row("scan -j 2 --no-cache", j2, size, note))
    rows.append(row("  vs bare parse", j2, size, f"{parse_s / parsed * size / j2:.2f} of its rate"))
    cold_s, warm_s = statistics.median(cold), statistics.median(warm)
    rows.append(row("scan -j 2, cold cache", cold_s, size, ""))
    same = filecmp.cmp(work / "cold.json", work / "warm.json", shallow=False)
    rows.append(
        row("scan -j 2, warm cache", warm_s, size, f"{cold_s / warm_s:.1f}x vs cold; same: {same}")
    )
    spread = f"-j 2 runs: {', '.join(f'{t:.2f}' for t, _, _ in two)} s"
    rows.append(f"| (medians of {repeat}; {spread}) | | | |")
    return rows, j2


def peer_row(root: Path, size: int, workdir: Path, ours: float) -> list[str]:
    """detect-secrets and CredSweeper (2 jobs) on the same tree, when .bench/peers-venv has them."""
    peers = workdir.resolve() / "peers-venv" / "bin"
    rows = []
    commands = {
        "detect-secrets scan --all-files": [
            str(peers / "detect-secrets"),
            "scan",
            "--all-files",
            ".",
        ],
        "CredSweeper --jobs 2": [
            str(peers / "credsweeper"),
            "--path",
            ".",
            "--jobs",
            "2",
            "--save-json",
            os.devnull,
        ],
    }
    for name, cmd in commands.items():
        if not Path(cmd[0]).exists():
            continue
        seconds, _c, _p, _m = run_measured(cmd, cwd=root)
        rows.append(row(name, seconds, size, f"integrity -j 2 is {seconds / ours:.1f}x faster"))
    return rows


def memory_row(workdir: Path, files: int, work: Path) -> list[str]:
    """scan -j 2 of many small files: time and peak memory."""
    big = make_100k(workdir.resolve() / f"scan{files}", files)
    seconds, tree_peak, main_peak = scan(big, work / "100k.json", 2, None, pss=True)
    note = f"peak RSS main {main_peak >> 20} MiB; PSS of all processes {tree_peak >> 20} MiB"
    return [row(f"scan -j 2 of {files} small files", seconds, tree_bytes(big), note)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--tree", action="append", type=Path, default=[])
    parser.add_argument("--workdir", type=Path, default=Path(".bench"))
    parser.add_argument("--skip-peers", action="store_true")
    parser.add_argument("--skip-100k", action="store_true")
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per configuration (median)")
    args = parser.parse_args()
    print(f"code: HEAD {snapshot_code(args.workdir)}", flush=True)
    trees = args.tree or sorted(p for p in (args.workdir / "src").iterdir() if p.is_dir())
    root = scanset([t.resolve() for t in trees], args.workdir.resolve())
    size = tree_bytes(root)
    print(f"tree: {', '.join(t.name for t in trees)}: {size / MB:.1f} MB", flush=True)
    print(f"load before: {os.getloadavg()}", flush=True)
    lines = ["| what | time | throughput | note |", "|---|---|---|---|"]
    with tempfile.TemporaryDirectory(prefix="bench-scan-") as tmp:
        work = Path(tmp)
        rows, j2 = scan_rows(root, size, work, max(1, args.repeat))
        lines += rows
        if not args.skip_peers:
            lines += peer_row(root, size, args.workdir, j2)
        if not args.skip_100k:
            lines += memory_row(args.workdir, args.files, work)
    print(f"load after: {os.getloadavg()}")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
