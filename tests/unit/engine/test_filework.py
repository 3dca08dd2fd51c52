"""Per-file helpers of the engine."""

from __future__ import annotations

import random

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
