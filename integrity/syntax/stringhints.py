"""Which string literals are worth string_may_pin's regex, decided for a whole file at once.

string_may_pin's content test is a match of 16 hex digits, \\xHH or 39 digits. Where strings are
dense (gettext catalogs: one every 44 bytes), finding those once in the whole file at C speed
and skipping the strings no hit overlaps is cheaper than a regex per string. Exact: each scan is
leftmost-first and never passes a position that starts a match without covering it, so a match
inside a string is overlapped by a hit.
"""

from __future__ import annotations

import bisect

_DENSE_STRINGS = 256  # bytes per string below which the whole-file scan pays
_HEX = bytes(0x68 if chr(b) in "0123456789abcdefABCDEF" else 0x2E for b in range(256))
_DIGIT = bytes(0x64 if chr(b) in "0123456789" else 0x2E for b in range(256))


def _runs(text: bytes, needle: bytes, width: int) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    at = text.find(needle)
    while at >= 0:
        found.append((at, at + width))
        at = text.find(needle, at + width)
    return found


def strings_that_may_pin(
    strings: list[tuple[int, int]], data: bytes, text_lengths: frozenset[int]
) -> list[tuple[int, int]]:
    """The string ranges string_may_pin could accept (a superset; it still decides): all of
    them where strings are sparse, else those a hint overlaps or whose size is a registry text
    size plus quotes."""
    if len(strings) * _DENSE_STRINGS <= len(data):
        return strings
    hits = sorted(
        _runs(data.translate(_HEX), b"h" * 16, 16)
        + _runs(data, b"\\x", 4)
        + _runs(data.translate(_DIGIT), b"d" * 39, 39)
    )
    merged: list[tuple[int, int]] = []
    for start, end in hits:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    starts = [start for start, _ in merged]
    sizes = {size + quotes for size in text_lengths for quotes in (2, 3, 4)}
    kept: list[tuple[int, int]] = []
    for start, end in strings:
        at = bisect.bisect_left(starts, end) - 1
        if (at >= 0 and merged[at][1] > start) or end - start in sizes:
            kept.append((start, end))
    return kept
