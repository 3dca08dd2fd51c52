"""Structure analysis throughput vs bare tree-sitter parsing, on a large real C tree.

    python benchmarks/bench_structure.py [--source DIR] [--repeat N] [--costs] [--build]

Source: DIR if given; else the openssh Debian source cached under .bench/src (fetched with
`apt-get source openssh` when missing and deb-src entries are configured); else /usr/include plus
the Python standard library. Measures, in CPU time, every file that has a grammar three ways:
(a) tree-sitter parsing as analyze() runs it (Grammars.parse: 1 KiB read callback and the
parse-budget callback), (a') the bare binding call Parser.parse(bytes), which cannot be cancelled,
and (b) integrity.syntax.analyze.analyze(). The three run back to back per file, in an order that
rotates from file to file, so all three meet the same moments of a noisy machine; each pass sums
them over the tree, and the ratios b/a and b/a' are the medians over passes (with their range).
Per-process setup (loading the grammars, compiling the spec queries) is done before the passes and
printed on its own. With --costs, also where analyze() spends what parsing does not: the
tree-sitter query cursor's walk over every node (a one-pattern query), the language's spec query
(syntax/specs.py), and the rest (Python), each in CPU seconds; and the regex lexer over the same
bytes, with the ratio analyze() would reach if the lexer replaced the spec query and nothing else
changed (an estimate for a lexer-first extraction design). With --build, also end to end in
wall time: `integrity baseline build -j 2 --no-cache` over a copy holding exactly those files,
against Parser.parse(bytes) of them on 2 processes (start-up, rules, pool and manifest included).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import tree_sitter  # noqa: E402
from parse_pool import bare_parse  # noqa: E402

from integrity.syntax.analyze import analyze  # noqa: E402
from integrity.syntax.constants import ConstantRegistry, load_registry  # noqa: E402
from integrity.syntax.fastlex import regex_ranges  # noqa: E402
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


_KINDS = ("parse", "bytes_parse", "analyze")
"""What a pass times per file: Grammars.parse (1 KiB read callback + parse-budget callback, as
analyze() parses), Parser.parse(bytes) (the bare binding call, no budget), analyze()."""


@dataclass
class Totals:
    """CPU seconds of one pass over every file, per measured call (keys: _KINDS)."""

    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(_KINDS, 0.0))
    stats: Counter[str] = field(default_factory=Counter)


def bench_pass(
    files: list[tuple[str, str, bytes]], grammars: Grammars, registry: ConstantRegistry, turn: int
) -> Totals:
    """One pass: each file is parsed both ways and analysed, back to back, so that the three
    measurements meet the same moments of a noisy machine; the order rotates per file."""
    totals = Totals()
    spent, stats = totals.seconds, totals.stats
    for index, (path, language, data) in enumerate(files):
        parser = grammars.parser(language)
        assert parser is not None
        shift = (index + turn) % len(_KINDS)
        for kind in _KINDS[shift:] + _KINDS[:shift]:
            start = time.process_time()
            if kind == "parse":
                grammars.parse(language, data)
            elif kind == "bytes_parse":
                parser.parse(data)
            else:
                analysis = analyze(path, language, data, grammars, registry=registry)
            spent[kind] += time.process_time() - start
        stats[analysis.parser] += 1
        stats["degraded"] += analysis.degraded
        stats["symbols"] += len(analysis.symbols)
        stats["constants"] += len(analysis.constants)
        stats["standard-claims"] += sum(c.standard is not None for c in analysis.constants)
    return totals


def warm_up(files: list[tuple[str, str, bytes]], grammars: Grammars) -> float:
    """Per-process setup outside the timed passes (loading each grammar, compiling its spec
    query): CPU seconds, reported on their own."""
    start = time.process_time()
    for language in sorted({language for _, language, _ in files}):
        grammars.parser(language)
        grammars.query(language, SPECS[language].query)
    return time.process_time() - start


def bench_costs(files: list[tuple[str, str, bytes]], repeat: int) -> dict[str, float]:
    """Median CPU seconds, over `repeat` rounds, of two query passes over the parsed files: a
    one-pattern query (what the cursor's walk over every node costs, whatever the patterns) and
    the spec query; and of the regex lexer (syntax/fastlex.py) over the same bytes, the cheapest
    known source of the comments, strings and numbers the spec query captures. The files are
    parsed once, before the rounds."""
    grammars = Grammars()
    trees = [(language, grammars.parse(language, data)) for _, language, data in files]
    languages = {language for _, language, _ in files}
    walk_only = dict.fromkeys(languages, "(ERROR) @error")
    spec_text = {language: SPECS[language].query for language in languages}

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

    def lexer() -> float:
        cpu = time.process_time()
        for _, language, data in files:
            regex_ranges(language, data)
        return time.process_time() - cpu

    rounds = [
        {
            "query walk (one pattern)": captures(walk_only),
            "spec query": captures(spec_text),
            "regex lexer": lexer(),
        }
        for _ in range(repeat)
    ]
    return {label: statistics.median(r[label] for r in rounds) for label in rounds[0]}


def bench_build(files: list[tuple[str, str, bytes]], repeat: int, jobs: int = 2) -> None:
    """`integrity baseline build -j JOBS --no-cache` over a copy of exactly these files against
    bare parsing of them on JOBS processes, in wall time, interleaved (the issue's wording:
    a baseline build against bare tree-sitter parsing of the same files). The build's time
    includes what a run always pays: start-up, loading the rules, the pool, the manifest."""
    total = sum(len(d) for _, _, d in files) / 1e6
    with tempfile.TemporaryDirectory() as scratch:
        tree = Path(scratch) / "tree"
        for index, (path, _, data) in enumerate(files):
            target = tree / path
            if target.exists():  # two roots (the fallback tree) may hold the same path
                target = tree / f"duplicate-{index}" / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        command = [sys.executable, "-m", "integrity", "baseline", "build", str(tree)]
        command += ["-o", str(Path(scratch) / "b.json"), "-j", str(jobs), "--no-cache", "--quiet"]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        parse_runs: list[float] = []
        build_runs: list[float] = []
        for _ in range(repeat):
            parse_runs.append(bare_parse(tree, jobs)[0])
            start = time.perf_counter()
            subprocess.run(command, check=True, cwd=scratch, env=env)
            build_runs.append(time.perf_counter() - start)
    parse_s, build_s = statistics.median(parse_runs), statistics.median(build_runs)
    print(f"[end to end, wall time, median of {repeat}; {jobs} processes each]")
    print(f"  bare Parser.parse(bytes):            {parse_s:.2f} s, {total / parse_s:.2f} MB/s")
    print(f"  integrity baseline build --no-cache: {build_s:.2f} s, {total / build_s:.2f} MB/s")
    print(
        f"  ratio: {parse_s / build_s:.2f}  (builds: {', '.join(f'{b:.2f}' for b in build_runs)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", type=Path, help="tree to measure (default: openssh)")
    parser.add_argument("--repeat", type=int, default=1, help="runs; the median is reported")
    parser.add_argument("--costs", action="store_true", help="split analyze()'s CPU time")
    parser.add_argument(
        "--build", action="store_true", help="also time `baseline build -j 2` end to end"
    )
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
    grammars = Grammars()
    registry = load_registry()
    setup = warm_up(files, grammars)
    passes = [bench_pass(files, grammars, registry, turn) for turn in range(args.repeat)]
    parse_s, bytes_s, analyze_s = (
        statistics.median(p.seconds[kind] for p in passes) for kind in _KINDS
    )
    print(f"[CPU time, median of {args.repeat} passes; files interleaved, order rotating]")
    print(
        f"  (a) tree-sitter parse as analyze() runs it: {parse_s:.3f} s, {total / parse_s:.2f} MB/s"
    )
    print(
        f"  (a') bare Parser.parse(bytes), no budget:  {bytes_s:.3f} s, {total / bytes_s:.2f} MB/s"
    )
    print(f"  (b) analyze():{'':29} {analyze_s:.3f} s, {total / analyze_s:.2f} MB/s")
    ratios = sorted(p.seconds["parse"] / p.seconds["analyze"] for p in passes)
    strict = sorted(p.seconds["bytes_parse"] / p.seconds["analyze"] for p in passes)
    print(
        f"  ratio (b)/(a) throughput:  {statistics.median(ratios):.3f}"
        f"  (passes {min(ratios):.3f}-{max(ratios):.3f})"
    )
    print(
        f"  ratio (b)/(a') throughput: {statistics.median(strict):.3f}"
        f"  (passes {min(strict):.3f}-{max(strict):.3f})"
    )
    print(f"  setup outside the passes (grammars, spec queries): {setup:.3f} s")
    stats = passes[-1].stats
    print("analysis:", ", ".join(f"{k}={v}" for k, v in sorted(stats.items())))
    if args.costs:
        costs = bench_costs(files, args.repeat)
        spec, lexed = costs["spec query"], costs["regex lexer"]
        rest = analyze_s - parse_s - spec
        print(f"[analyze() CPU split, median of {args.repeat}; x = share of the parse time]")
        for label, seconds in (
            ("parse", parse_s),
            ("spec query", spec),
            ("  of which the walk alone", costs["query walk (one pattern)"]),
            ("the rest (Python)", rest),
            ("regex lexer, same files", lexed),
        ):
            print(f"  {label:28} {seconds:.3f} s  {seconds / parse_s:.2f}x")
        # What the spec query could at best be replaced by: the regex lexer finds comments,
        # strings and numbers without a walk (definitions would still need a shallow one).
        lexer_first = parse_s + lexed + rest
        print(
            f"  estimate with the regex lexer in place of the spec query, all else equal: "
            f"(b)/(a') {bytes_s / lexer_first:.3f}"
        )

    if args.build:
        bench_build(files, args.repeat)


if __name__ == "__main__":
    main()
