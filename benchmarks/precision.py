"""Precision benchmark: every detector of the backdoor packs over clean, real code.

Scans the Python standard library, /usr/include, Debian source packages unpacked under
.bench/src/ (openssh, sudo, curl when present) and, when present, npm's dependencies and the App
Engine SDK (JavaScript, PHP, Java) file by file: guess_language, one tree-sitter parse,
a FileView in snapshot mode (added_lines=None), every detector that wants the view. Prints
findings per KLOC per category, per rule, and every high/critical finding (the target is fewer
than 1 high-or-critical finding per 50,000 lines).

Usage: python benchmarks/precision.py [ROOT ...] [--max-bytes N] [--list-all]
Credentials (signatures/credentials.toml) are measured by the secrets benchmark, not here.
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
import sysconfig
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from integrity.detectors import build_detectors
from integrity.detectors.base import Detector, FileView
from integrity.model import Finding, Severity
from integrity.rules.load import load_rules
from integrity.syntax.languages import Grammars, guess_language

REPO = Path(__file__).resolve().parent.parent
SKIP_DIRS = {".git", "__pycache__", ".hg", ".svn", "node_modules", "site-packages"}
# Build products of the installed interpreter, not source: compiled extension modules and the
# objects of the `config-*` folder (a source tree holding these would rightly be reported).
SKIP_PREFIXES = ("lib-dynload", "config-3.")


EXTRA_ROOTS = (
    # other languages, when this machine has them: npm's dependencies (JavaScript) and the App
    # Engine SDK (PHP, Python, Java)
    Path("/usr/lib/node_modules/npm/node_modules"),
    Path("/usr/lib/google-cloud-sdk/platform/google_appengine"),
)


def default_roots() -> list[Path]:
    """stdlib, /usr/include, the unpacked Debian sources under .bench/src/, extra corpora."""
    roots = [Path(sysconfig.get_paths()["stdlib"]), Path("/usr/include")]
    src = REPO / ".bench" / "src"
    if src.is_dir():
        roots.extend(sorted(p for p in src.iterdir() if p.is_dir()))
    roots.extend(EXTRA_ROOTS)
    return [root for root in roots if root.is_dir()]


def walk(root: Path, max_bytes: int) -> Iterator[tuple[str, bytes]]:
    """(relative path, bytes) of regular files, no symlinks, skipping VCS and cache folders."""
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith(SKIP_PREFIXES))
        for name in sorted(files):
            path = Path(folder) / name
            try:
                info = path.lstat()
                if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes:
                    continue
                data = path.read_bytes()
            except OSError:
                continue
            yield path.relative_to(root).as_posix(), data


def scan_file(
    detectors: tuple[Detector, ...], grammars: Grammars, path: str, data: bytes
) -> list[Finding]:
    """Every finding of every detector on one file in snapshot mode."""
    language = guess_language(path, data[:256])
    tree = grammars.parse(language, data) if language else None
    view = FileView(path=path, language=language, after=data, tree=tree)
    found: list[Finding] = []
    for detector in detectors:
        if detector.wants(view):
            found.extend(detector.detect(view))
    return found


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roots", nargs="*", type=Path)
    parser.add_argument("--max-bytes", type=int, default=2 * 1024 * 1024)
    parser.add_argument("--list-all", action="store_true", help="list medium findings too")
    args = parser.parse_args(argv)
    roots = args.roots or default_roots()
    ruleset = load_rules()
    ours = ruleset.subset(
        frozenset(r.id for r in ruleset.rules if not r.source_file.endswith("credentials.toml"))
    )
    grammars = Grammars()
    detectors = build_detectors(ours, grammars)
    lines = files = size = 0
    findings: list[tuple[str, Finding]] = []
    started = time.perf_counter()
    for root in roots:
        for path, data in walk(root, args.max_bytes):
            files += 1
            size += len(data)
            lines += data.count(b"\n")
            findings.extend((root.name, f) for f in scan_file(detectors, grammars, path, data))
    elapsed = time.perf_counter() - started
    report(roots, files, size, lines, elapsed, findings, list_all=args.list_all)
    return 0


def report(
    roots: list[Path],
    files: int,
    size: int,
    lines: int,
    elapsed: float,
    findings: list[tuple[str, Finding]],
    *,
    list_all: bool,
) -> None:
    """Print the summary tables and the list of high/critical findings."""
    kloc = max(lines / 1000, 1e-9)
    print(f"roots: {', '.join(str(r) for r in roots)}")
    rate = size / 1e6 / max(elapsed, 1e-9)
    print(f"{files} files, {size / 1e6:.1f} MB, {lines} lines, {elapsed:.1f} s ({rate:.2f} MB/s)")
    by_category = Counter(f.category.value for _, f in findings)
    high = [(root, f) for root, f in findings if f.severity.at_least(Severity.HIGH)]
    high_by_category = Counter(f.category.value for _, f in high)
    print(f"\n{'category':24} {'findings':>8} {'per KLOC':>9} {'high+crit':>9}")
    for category in sorted(by_category):
        count = by_category[category]
        print(f"{category:24} {count:8d} {count / kloc:9.4f} {high_by_category[category]:9d}")
    print(f"{'total':24} {len(findings):8d} {len(findings) / kloc:9.4f} {len(high):9d}")
    per_50k = len(high) / max(lines / 50_000, 1e-9)
    print(f"\nhigh-or-critical per 50,000 lines: {per_50k:.3f} (target < 1)")
    print("\nper rule:")
    for rule_id, count in Counter(f.rule_id for _, f in findings).most_common():
        print(f"  {rule_id:45} {count}")
    listed = findings if list_all else high
    print(f"\n{'all' if list_all else 'high/critical'} findings ({len(listed)}):")
    for root, f in sorted(listed, key=lambda item: (item[0], item[1].sort_key())):
        text = f.snippet.encode("ascii", "backslashreplace").decode()[:110]
        print(f"  [{f.severity.value}] {f.rule_id} {root}/{f.path}:{f.start_line}: {text}")


if __name__ == "__main__":
    sys.exit(main())
