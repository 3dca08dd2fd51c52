"""Per-file helpers of the engine."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from integrity.engine import RunContext
from integrity.filework import innermost_symbols
from integrity.model import Symbol


def _smallest(symbols: tuple[Symbol, ...], line: int) -> Symbol | None:
    best: Symbol | None = None
    for sym in symbols:
        if sym.start_line <= line <= sym.end_line and (
            best is None or sym.end_line - sym.start_line < best.end_line - best.start_line
        ):
            best = sym
    return best


def test_innermost_symbol_is_the_smallest_span_first_listed_on_ties() -> None:
    rng = random.Random(1)
    for _ in range(300):
        symbols = []
        for i in range(rng.randrange(0, 12)):
            start = rng.randrange(1, 60)
            symbols.append(Symbol(f"s{i}", "function", start, start + rng.randrange(0, 20), "d"))
        frozen = tuple(symbols)
        lines = innermost_symbols(frozen)
        for line in range(0, 90):
            assert lines(line) is _smallest(frozen, line)


def test_nested_method_wins_over_its_class() -> None:
    cls = Symbol("Box", "class", 1, 30, "a")
    method = Symbol("open", "method", 5, 9, "b")
    lines = innermost_symbols((cls, method))
    assert lines(4) is cls and lines(5) is method and lines(9) is method and lines(10) is cls
    assert lines(31) is None


def test_deep_nesting_falls_back_to_a_scan() -> None:
    nested = tuple(Symbol(f"f{i}", "function", i + 1, 400_000 - i, "d") for i in range(10))
    lines = innermost_symbols(nested)
    assert lines(5) is nested[4] and lines(399_999) is nested[1] and lines(200_000) is nested[9]


def test_scan_records_carry_no_digests_and_never_meet_baseline_records_in_the_cache(
    tmp_path: Path, make_ctx: Callable[..., RunContext]
) -> None:
    from integrity import engine
    from integrity.sources import open_source
    from integrity.walking import StageCounts

    tree = tmp_path / "t"
    tree.mkdir()
    (tree / "auth.c").write_text(
        '/* c */\nint auth_check(const char *p) { return strcmp(p, "x-y-z-w") == 0; }\n'
    )
    (tree / "notes.txt").write_text('release 1.2 of "the" tool\n')
    seen: list[StageCounts] = []
    ctx = make_ctx(cache_dir=tmp_path / "cache", stages=seen.append)
    for run in range(2):  # fresh, then from the cache
        scanned = engine.walk(open_source(str(tree)), ctx, None, detect=True, scan_mode=True)
        assert seen[-1].cached == 2 * run
        built = engine.walk(open_source(str(tree)), ctx, None, detect=False)
        assert seen[-1].cached == 2 * run
        scan_c, scan_txt = scanned.records
        base_c, base_txt = built.records
        assert scan_c.token_digest is None and scan_txt.token_digest is None
        assert [s.digest for s in scan_c.symbols] == [""]
        assert base_c.token_digest and base_txt.token_digest
        assert [len(s.digest) for s in base_c.symbols] == [32]
        assert [s.name for s in scan_c.symbols] == [s.name for s in base_c.symbols]
