"""Secrets benchmark: integrity's secrets detector vs detect-secrets 1.5 and CredSweeper.

Measures recall and false-positive rate on the labelled corpus (benchmarks/secrets_corpus.py),
findings on clean real code, and wall-clock throughput with 2 processes. Our side drives the
detector's engine directly over files (a 2-process pool, hyperscan database built once per
worker, tree-sitter parsing only for files with contextual candidates) because the CLI engine is
built concurrently; peers run from .bench/peers-venv with default settings.

    python benchmarks/secrets_corpus.py
    python benchmarks/bench_secrets.py [--real DIR ...] [--skip-peers] [--list-ours]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from integrity.rules.load import parse_file
from integrity.secrets.engine import SecretEngine, SecretHit
from integrity.secrets.redact import redact
from integrity.syntax.languages import Grammars, guess_language

ROOT = Path(__file__).resolve().parent.parent
PEERS = ROOT / ".bench" / "peers-venv" / "bin"
DEFAULT_REAL = [
    "/usr/lib/python3.11",
    *sorted(str(p) for p in (ROOT / ".bench" / "src").glob("*") if p.is_dir()),
    "/usr/include",
]
MAX_FILE = 8 * 1024 * 1024
_WORKER: dict[str, object] = {}


def walk(root: Path) -> Iterator[Path]:
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if d not in {".git", "__pycache__"})
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                yield path


def build_engine() -> SecretEngine:
    # only our rule file: another family's file being edited must not break this benchmark
    data = (ROOT / "signatures" / "credentials.toml").read_bytes()
    return SecretEngine(
        [r for r in parse_file(data, "signatures/credentials.toml") if r.kind == "secret"]
    )


def _init(engine: SecretEngine) -> None:
    _WORKER["engine"] = engine  # arrives pickled: rules + serialized hyperscan database
    _WORKER["grammars"] = Grammars()


def _scan(item: tuple[str, str]) -> tuple[str, int, list[tuple[str, int, str, str, str]]]:
    path, rel = item
    engine = _WORKER["engine"]
    grammars = _WORKER["grammars"]
    assert isinstance(engine, SecretEngine) and isinstance(grammars, Grammars)
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE)
    except OSError:
        return rel, 0, []
    if b"\0" in data[:8192]:
        return rel, len(data), []
    language = guess_language(rel, data[:256])
    hits: tuple[SecretHit, ...] = engine.scan(
        rel, data, lambda: grammars.parse(language, data) if language else None, (), language
    )
    return (
        rel,
        len(data),
        [
            (h.rule.id, h.start_line, h.severity.value, h.confidence.value, redact(h.secret))
            for h in hits
        ],
    )


def run_ours(
    roots: list[Path], jobs: int = 2
) -> tuple[dict[str, list[tuple[str, int, str, str, str]]], int, float]:
    start = time.perf_counter()
    items = [(str(p), str(p.relative_to(root.parent))) for root in roots for p in walk(root)]
    found: dict[str, list[tuple[str, int, str, str, str]]] = {}
    total = 0
    engine = build_engine()
    with multiprocessing.Pool(jobs, initializer=_init, initargs=(engine,)) as pool:
        for rel, size, hits in pool.imap_unordered(_scan, items, chunksize=64):
            total += size
            if hits:
                found[rel] = hits
    return found, total, time.perf_counter() - start


def run_detect_secrets(roots: list[Path]) -> tuple[dict[str, int], float]:
    start = time.perf_counter()
    counts: dict[str, int] = {}
    for root in roots:
        out = subprocess.run(
            [str(PEERS / "detect-secrets"), "-c", "2", "scan", "--all-files", "."],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        results = json.loads(out.stdout or "{}").get("results", {})
        for name, items in results.items():
            counts[f"{root.name}/{name}"] = len(items)
    return counts, time.perf_counter() - start


def run_credsweeper(roots: list[Path]) -> tuple[dict[str, int], float]:
    start = time.perf_counter()
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "cs.json"
        subprocess.run(
            [
                str(PEERS / "credsweeper"),
                "--path",
                *map(str, roots),
                "--jobs",
                "2",
                "--save-json",
                str(report),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        items = json.loads(report.read_text()) if report.exists() else []
    for item in items:
        for line in item.get("line_data_list", [])[:1]:
            path = Path(line["path"]).resolve()
            for root in roots:
                if path.is_relative_to(root.resolve()):
                    key = f"{root.name}/{path.relative_to(root.resolve())}"
                    counts[key] = counts.get(key, 0) + 1
    return counts, time.perf_counter() - start


def corpus_scores(
    hit_files: set[str], labels: dict[str, dict[str, object]], prefix: str
) -> tuple[float, float, list[str], list[str]]:
    pos = [k for k, v in labels.items() if v["positive"]]
    neg = [k for k, v in labels.items() if not v["positive"]]
    missed = [k for k in pos if f"{prefix}/{k}" not in hit_files]
    false = [k for k in neg if f"{prefix}/{k}" in hit_files]
    return 1 - len(missed) / len(pos), len(false) / len(neg), missed, false


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / ".bench" / "secrets-corpus")
    parser.add_argument("--real", nargs="*", default=DEFAULT_REAL)
    parser.add_argument("--skip-peers", action="store_true")
    parser.add_argument(
        "--list-ours", action="store_true", help="print our real-code findings (redacted)"
    )
    args = parser.parse_args()
    labels = json.loads((args.corpus / "labels.json").read_text())
    corpus = [args.corpus.resolve()]
    real = [Path(p).resolve() for p in args.real if Path(p).is_dir()]
    prefix = args.corpus.resolve().name
    rows = []

    found, _, _ = run_ours(corpus)
    recall, fp, missed, false = corpus_scores(set(found), labels, prefix)
    real_found, total, seconds = run_ours(real)
    medium = {
        k: [h for h in v if h[2] in ("medium", "high", "critical")] for k, v in real_found.items()
    }
    medium = {k: v for k, v in medium.items() if v}
    rows.append(
        (
            "integrity",
            recall,
            fp,
            sum(map(len, medium.values())),
            sum(map(len, real_found.values())),
            total / seconds / 1e6,
            seconds,
        )
    )
    print(f"ours: missed {len(missed)}: {missed[:40]}", file=sys.stderr)
    print(f"ours: false positives {len(false)}: {false[:40]}", file=sys.stderr)
    if args.list_ours:
        for key in sorted(medium):
            for hit in medium[key]:
                print(f"  {key}:{hit[1]} {hit[0]} {hit[2]}/{hit[3]} {hit[4]}", file=sys.stderr)
    if not args.skip_peers:
        for name, runner in (
            ("detect-secrets 1.5", run_detect_secrets),
            ("CredSweeper", run_credsweeper),
        ):
            counts, _ = runner(corpus)
            r, f, m, fl = corpus_scores(set(counts), labels, prefix)
            print(f"{name}: missed {len(m)}, false positives {len(fl)}", file=sys.stderr)
            real_counts, secs = runner(real)
            dump = ROOT / ".bench" / f"peer-{name.split()[0].lower()}.json"
            dump.write_text(
                json.dumps({"corpus_missed": m, "corpus_false": fl, "real": real_counts}, indent=1)
            )
            n = sum(real_counts.values())
            rows.append((name, r, f, n, n, total / secs / 1e6, secs))
    n_pos = sum(bool(v["positive"]) for v in labels.values())
    print(
        f"\nreal code: {', '.join(str(p) for p in real)} ({total / 1e6:.1f} MB); corpus: "
        f"{n_pos} positives, {len(labels) - n_pos} hard negatives"
    )
    print(
        f"{'tool':<20} {'recall':>7} {'FP rate':>8} {'real >=medium':>14} {'real all':>9}"
        f" {'MB/s':>8} {'seconds':>8}"
    )
    for name, r, f, med, every, mbs, secs in rows:
        print(f"{name:<20} {r:>7.1%} {f:>8.1%} {med:>14} {every:>9} {mbs:>8.2f} {secs:>8.1f}")


if __name__ == "__main__":
    main()
