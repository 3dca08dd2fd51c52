"""Bare tree-sitter parsing of a tree's grammar files on N processes: the ceiling the scan and
structure benchmarks compare against (`Parser.parse(bytes)`, no budget, no read callback).

A module of its own so that bench_scan and bench_structure time the same thing; the scripts run
from this folder, which Python puts first on sys.path.
"""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

from integrity.syntax.languages import Grammars, guess_language, has_grammar


def _parse_chunk(paths: list[str]) -> int:
    """Plain `Parser.parse(bytes)` of each file: the ceiling, no budget, no callback."""
    grammars = Grammars()
    done = 0
    for path in paths:
        language = guess_language(path)
        parser = grammars.parser(language) if language else None
        if parser is not None:
            data = Path(path).read_bytes()
            parser.parse(data)
            done += len(data)
    return done


def bare_parse(root: Path, jobs: int) -> tuple[float, int]:
    """Seconds and bytes to parse every file with a grammar, on `jobs` processes."""
    paths = [
        str(Path(folder, name))
        for folder, _d, files in os.walk(root)
        for name in files
        if has_grammar(guess_language(name)) and not Path(folder, name).is_symlink()
    ]
    paths.sort(key=lambda p: -os.path.getsize(p))
    chunks = [paths[i::64] for i in range(64)]
    start = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        parsed = sum(pool.map(_parse_chunk, chunks, chunksize=1))
    return time.perf_counter() - start, parsed
