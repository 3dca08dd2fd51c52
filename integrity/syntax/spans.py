"""What a token-level lexer hands on: comment/string ranges and the numbers that may matter."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class Span(IntEnum):
    """What a byte range is, for the normaliser and the literal extractor."""

    DROP = 0  # comment: removed (acts as whitespace)
    KEEP = 1  # string-like: kept byte for byte
    MARK_OPEN = 2  # zero-width structure marker (indentation block start)
    MARK_CLOSE = 3  # zero-width structure marker (indentation block end)


Event = tuple[int, int, Span]


@dataclass(frozen=True, slots=True)
class TokenRanges:
    """Sorted, non-overlapping ranges found by a lexer (byte offsets).

    `numbers` holds only the number literals that can become candidates: the elements of
    tables (comma-separated runs of two or more numbers), and single numbers of 7+ bytes or
    right after an assignment. `tables` are (first, stop) index ranges into `numbers`.
    """

    lexer: str
    events: tuple[Event, ...]  # comments and strings
    numbers: tuple[tuple[int, int], ...]
    tables: tuple[tuple[int, int], ...] = ()
