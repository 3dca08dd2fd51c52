"""Benchmark of the foundation: baseline build throughput and verify memory.

1. `integrity baseline build -j 2` over a generated tree of 20,000 files / 1 GiB, against
   `find DIR -type f -print0 | xargs -0 -P2 sha256sum` on the same tree (warm page cache,
   median of 3 runs each). Target: ratio >= 0.7.
2. `integrity verify` of an unchanged 100,000-file tree: peak RSS (target < 300 MB) and the time
   to load its baseline (target < 1 s).

Usage: python benchmarks/bench_baseline.py [--workdir .bench] [--runs 3]
Trees are generated once under the work folder and reused.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from integrity.baseline.store import load_baseline

MIB = 1024 * 1024


def make_tree(root: Path, files: int, total_bytes: int, seed: int) -> None:
    """Random-content files in nested folders; sizes vary around the mean (deterministic)."""
    marker = root / ".complete"
    if marker.exists():
        return
    rng = random.Random(seed)
    mean = total_bytes // files
    block = os.urandom(4 * MIB)
    for index in range(files):
        folder = root / f"d{index % 97:02d}" / f"s{index % 13}"
        folder.mkdir(parents=True, exist_ok=True)
        size = max(1, int(rng.expovariate(1 / mean))) if mean > 4096 else mean
        size = min(size, 4 * MIB)
        start = rng.randrange(0, len(block) - size + 1)
        (folder / f"f{index:06d}.dat").write_bytes(block[start : start + size])
    marker.write_text("ok\n")


def tree_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*.dat"))


def timed(cmd: str | list[str], shell: bool = False) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, shell=shell, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def median_time(cmd: str | list[str], runs: int, shell: bool = False) -> float:
    timed(cmd, shell)  # warm-up (page cache)
    return statistics.median(timed(cmd, shell) for _ in range(runs))


def integrity_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "integrity", *args]


def bench_build(work: Path, runs: int) -> None:
    tree = work / "tree20k"
    make_tree(tree, 20_000, 1024 * MIB, seed=1)
    size = tree_bytes(tree)
    peer = median_time(
        f"find {tree} -type f -name '*.dat' -print0 | xargs -0 -P2 sha256sum", runs, shell=True
    )
    ours = median_time(
        integrity_cmd(
            "baseline", "build", str(tree), "-o", str(work / "b20k.json"), "-j", "2", "--quiet"
        ),
        runs,
    )
    print(f"tree: 20,000 files, {size / MIB:.0f} MiB")
    print(f"sha256sum (xargs -P2): {peer:.2f} s  {size / MIB / peer:.0f} MiB/s")
    print(f"integrity baseline build -j 2: {ours:.2f} s  {size / MIB / ours:.0f} MiB/s")
    print(f"ratio (integrity / sha256sum throughput): {peer / ours:.2f}  (target >= 0.7)")


def bench_verify(work: Path) -> None:
    tree = work / "tree100k"
    make_tree(tree, 100_000, 100_000 * 512, seed=2)
    baseline = work / "b100k.json"
    if not baseline.exists():
        subprocess.run(
            integrity_cmd("baseline", "build", str(tree), "-o", str(baseline), "--quiet"),
            check=True,
        )
    start = time.perf_counter()
    loaded = load_baseline(baseline, None)
    load_s = time.perf_counter() - start
    # A fresh wrapper process whose only child is the verify run, so ru_maxrss is its peak.
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    verify = integrity_cmd("verify", str(tree), "--baseline", str(baseline), "--quiet", "-j", "2")
    out = subprocess.run(
        [sys.executable, "-c", wrapper, *verify], check=True, capture_output=True, text=True
    ).stdout.split()
    verify_s, peak_kib = float(out[0]), int(out[1])
    print(
        f"verify of unchanged 100,000-file tree: {verify_s:.2f} s, "
        f"peak RSS {peak_kib / 1024:.0f} MB (target < 300)"
    )
    print(
        f"baseline load ({len(loaded.baseline.files)} entries, "
        f"{baseline.stat().st_size / MIB:.1f} MiB): {load_s:.2f} s (target < 1)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path(".bench"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-build", action="store_true")
    parser.add_argument("--skip-verify", action="store_true")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    if not args.skip_build:
        bench_build(args.workdir, args.runs)
    if not args.skip_verify:
        bench_verify(args.workdir)


if __name__ == "__main__":
    main()
