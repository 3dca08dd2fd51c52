"""Structure analysis throughput vs bare tree-sitter parsing, on a large real C tree.

    python benchmarks/bench_structure.py [--source DIR] [--repeat N] [--costs]

Source: DIR if given; else the openssh Debian source cached under .bench/src (fetched with
`apt-get source openssh` when missing and deb-src entries are configured); else /usr/include plus
the Python standard library. Prints MB/s for (a) bare parsing of every file that has a grammar
and (b) integrity.syntax.analyze.analyze() on the same files, and the ratio b/a, in CPU time
(robust on a shared machine) and in wall time. With --costs, also where analyze() spends what
parsing does not: the tree-sitter query cursor's walk over every node (a one-pattern query), the
language's spec query (syntax/specs.py), and the rest (Python), each in CPU seconds.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import sysconfig
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import tree_sitter  # noqa: E402

from integrity.syntax.analyze import analyze  # noqa: E402
from integrity.syntax.constants import load_registry  # noqa: E402
from integrity.syntax.languages import Grammars, guess_language, has_grammar  # noqa: E402
from integrity.syntax.specs import SPECS  # noqa: E402
from integrity.syntax.symbols import MAX_QUERY_DEPTH  # noqa: E402

CACHE = ROOT / ".bench" / "src"
MAX_FILE = 4 << 20


def fetch_openssh() -> Path | None:
    """The cached openssh source tree, fetching it with apt-get source if needed."""
    found = sorted(CACHE.glob("openssh-*/"))
    if found:
        return found[-1]
    CACHE.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run(["apt-get", "update", "-qq"], check=False, timeout=300)
        subprocess.run(["apt-get", "source", "-qq", "openssh"], cwd=CACHE, check=True, timeout=600)
    except (OSError, subprocess.SubprocessError) as exc:
        print(f"apt-get source openssh failed ({exc}); using the fallback tree", file=sys.stderr)
        return None
    found = sorted(CACHE.glob("openssh-*/"))
    return found[-1] if found else None


def collect(roots: list[Path]) -> list[tuple[str, str, bytes]]:
    """(path, language, bytes) of every regular file with a grammar under the roots."""
    out: list[tuple[str, str, bytes]] = []
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_symlink() or not path.is_file():
                continue
            language = guess_language(str(path))
            if not has_grammar(language) or path.stat().st_size > MAX_FILE:
                continue
            assert language is not None
            out.append((str(path.relative_to(root)), language, path.read_bytes()))
    return out


def bench_parse(files: list[tuple[str, str, bytes]]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) to parse every file."""
    grammars = Grammars()
    cpu, wall = time.process_time(), time.perf_counter()
    for _, language, data in files:
        grammars.parse(language, data)
    return time.process_time() - cpu, time.perf_counter() - wall


def bench_analyze(files: list[tuple[str, str, bytes]]) -> tuple[float, float, Counter[str]]:
    """(CPU seconds, wall seconds, statistics) to analyze every file."""
    grammars = Grammars()
    registry = load_registry()
    stats: Counter[str] = Counter()
    cpu, wall = time.process_time(), time.perf_counter()
    for path, language, data in files:
        result = analyze(path, language, data, grammars, registry=registry)
        stats[result.parser] += 1
        stats["degraded"] += result.degraded
        stats["symbols"] += len(result.symbols)
        stats["constants"] += len(result.constants)
        stats["standard-claims"] += sum(c.standard is not None for c in result.constants)
    return time.process_time() - cpu, time.perf_counter() - wall, stats


def bench_costs(files: list[tuple[str, str, bytes]]) -> dict[str, float]:
    """CPU seconds of two query passes over the parsed files: a one-pattern query (what the
    cursor's walk over every node costs, whatever the patterns) and the spec query."""
    grammars = Grammars()
    trees = [(language, grammars.parse(language, data)) for _, language, data in files]

    def captures(text: dict[str, str]) -> float:
        cpu = time.process_time()
        for language, tree in trees:
            query = grammars.query(language, text[language])
            if tree is None or query is None:
                continue
            cursor = tree_sitter.QueryCursor(query)
            cursor.set_max_start_depth(MAX_QUERY_DEPTH)
            cursor.captures(tree.root_node)
        return time.process_time() - cpu

    languages = {language for _, language, _ in files}
    return {
        "query walk (one pattern)": captures(dict.fromkeys(languages, "(ERROR) @error")),
        "spec query": captures({lang: SPECS[lang].query for lang in languages}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", type=Path, help="tree to measure (default: openssh)")
    parser.add_argument("--repeat", type=int, default=1, help="runs; the median is reported")
    parser.add_argument("--costs", action="store_true", help="split analyze()'s CPU time")
    args = parser.parse_args()
    if args.source:
        roots = [args.source]
    else:
        openssh = fetch_openssh()
        stdlib = Path(sysconfig.get_paths()["stdlib"])
        roots = [openssh] if openssh else [Path("/usr/include"), stdlib]
    files = collect(roots)
    total = sum(len(d) for _, _, d in files) / 1e6
    print(f"source: {', '.join(map(str, roots))}")
    print(f"files with a grammar: {len(files)}, {total:.2f} MB")
    parse_runs: list[tuple[float, float]] = []
    analyze_runs: list[tuple[float, float]] = []
    stats: Counter[str] = Counter()
    for _ in range(args.repeat):
        parse_runs.append(bench_parse(files))
        cpu, wall, stats = bench_analyze(files)
        analyze_runs.append((cpu, wall))
    for label, index in (("CPU time", 0), ("wall time", 1)):
        parse_s = statistics.median(run[index] for run in parse_runs)
        analyze_s = statistics.median(run[index] for run in analyze_runs)
        print(f"[{label}, median of {args.repeat}]")
        print(f"  (a) bare tree-sitter parse: {parse_s:.2f} s, {total / parse_s:.2f} MB/s")
        print(f"  (b) analyze():              {analyze_s:.2f} s, {total / analyze_s:.2f} MB/s")
        print(f"  ratio (b)/(a) throughput:   {parse_s / analyze_s:.2f}")
    print("analysis:", ", ".join(f"{k}={v}" for k, v in sorted(stats.items())))
    if args.costs:
        parse_cpu = statistics.median(run[0] for run in parse_runs)
        analyze_cpu = statistics.median(run[0] for run in analyze_runs)
        costs = [bench_costs(files) for _ in range(args.repeat)]
        walk = statistics.median(c["query walk (one pattern)"] for c in costs)
        spec = statistics.median(c["spec query"] for c in costs)
        print(f"[analyze() CPU split, median of {args.repeat}; x = share of the parse time]")
        for label, seconds in (
            ("parse", parse_cpu),
            ("spec query", spec),
            ("  of which the walk alone", walk),
            ("the rest (Python)", analyze_cpu - parse_cpu - spec),
        ):
            print(f"  {label:28} {seconds:.3f} s  {seconds / parse_cpu:.2f}x")


if __name__ == "__main__":
    main()
