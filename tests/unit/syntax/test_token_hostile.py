"""The family regexes and the content sniffer run in time linear in their input: adversarial
repetitions of each family's openers, unterminated tokens, long gaps and numbers are screened at
16 KiB, and the slowest is timed at 32 and 128 KiB (garbage collector off: only the lexer is
timed); a quadratic pattern would take ~16x longer on 4x the input."""

from __future__ import annotations

import gc
import time

import pytest

from integrity.syntax.families import FAMILIES, LANGUAGE_FAMILY
from integrity.syntax.fastlex import regex_ranges
from integrity.syntax.sniff import sniff_language

SCREEN = 16 * 1024
SMALL = 32 * 1024
BIG = 4 * SMALL
MAX_GROWTH = 8.0
MAX_SECONDS_PER_MB = 2.0  # generous: the worst unit measured takes well under 0.1 s per MB

UNITS = [
    b"1, ",
    b"1," + b" " * 64,
    b"1 ",
    b"0x",
    b"1.",
    b"1e",
    b"1'",
    b"= ",
    b"=1, ",
    b">1 ",
    b"12:",
    b'"',
    b"'",
    b"`",
    b'"""',
    b"/*",
    b"1, /*",
    b"1,/**/",
    b"//",
    b"#",
    b"<!--",
    b"<a b=",
    b'<a b="',
    b"<a b=c ",
    b"--[[",
    b"[[",
    b"<#",
    b"dnl ",
    b"rem ",
    b"::",
    b'\\"',
    b"\n=pod ",
    b"1 a(",
    b"  ;",
    b"\n  #",
    b"<<A\n",
    b"<<~A",
    b"x<<A1\nA\n",
]


def _timed(family: str, data: bytes) -> float:
    language = next(lang for lang, name in LANGUAGE_FAMILY.items() if name == family)
    gc.disable()
    try:
        started = time.perf_counter()
        regex_ranges(language, data)
        return time.perf_counter() - started
    finally:
        gc.enable()


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_family_regex_is_linear(family: str) -> None:
    worst: tuple[float, bytes] = (0.0, b"")
    for unit in UNITS:
        seconds = _timed(family, unit * (SCREEN // len(unit)))
        if seconds > worst[0]:
            worst = (seconds, unit)
    unit = worst[1]
    small = min(_timed(family, unit * (SMALL // len(unit))) for _ in range(3))
    big = min(_timed(family, unit * (BIG // len(unit))) for _ in range(3))
    assert big / (BIG / 1e6) < MAX_SECONDS_PER_MB, (family, unit)
    assert big < max(small, 0.02) * MAX_GROWTH, (family, unit, small, big)


def test_sniffer_is_bounded() -> None:
    for unit in (b"<a>", b"<a ", b"<", b"my $x =", b"[", b"<!DOCTYPE "):
        started = time.perf_counter()
        sniff_language(unit * (BIG // len(unit)))
        assert time.perf_counter() - started < 0.5, unit
