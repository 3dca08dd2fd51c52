"""Literal candidates (from a tree scan or from token ranges) -> pinned Constants.

Keys are `<enclosing symbol>:<assigned name>#<index>` (either part may be missing), never line
numbers, so they survive unrelated edits.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import compress, repeat
from operator import attrgetter, gt, sub

import tree_sitter

from integrity.model import Constant
from integrity.syntax.classify import is_crypto_name
from integrity.syntax.constants import ConstantRegistry
from integrity.syntax.literals import (
    Literal,
    LiteralKind,
    always_pinned,
    is_upper_constant,
    looks_secret,
    normal_numbers,
    number_literal,
    pinned_in_context,
    redact,
    string_literal,
    string_may_pin,
    strings_may_pin,
    table_literal,
)
from integrity.syntax.names import after_assignment, token_name, tree_name
from integrity.syntax.stringhints import strings_that_may_pin
from integrity.syntax.symbols import Definition, TreeScan, node_text
from integrity.syntax.tokens import Span, TokenRanges

_REGISTRY_MIN_BITS = 120
_CANDIDATE_START = attrgetter("start")
_NODE_START = attrgetter("start_byte")
_NODE_END = attrgetter("end_byte")
_SMALL_RAW = 7  # shorter number literals only matter as the whole value of a named constant


@dataclass(frozen=True, slots=True)
class Candidate:
    """A literal that may be pinned; `make` builds its normalised form on demand."""

    start: int
    end: int
    raw: bytes  # the literal (empty for tables)
    elements: tuple[bytes, ...]  # table elements (empty otherwise)
    raw_size: int  # bytes of the literal (tables: of all elements)
    direct: bool  # the literal is the whole value of an assignment or declaration
    make: Callable[[], Literal | None]
    name: Callable[[], str | None]
    worth: bool = False  # known to pass pin's prefilter (_worth_making) in any context


class _Enclosing:
    """Innermost definition around non-decreasing positions (a sweep, no recursion)."""

    def __init__(self, definitions: tuple[Definition, ...]) -> None:
        self._defs = definitions
        self._next = 0
        self._stack: list[Definition] = []

    def at(self, position: int) -> Definition | None:
        while self._next < len(self._defs) and self._defs[self._next].start <= position:
            item = self._defs[self._next]
            while self._stack and self._stack[-1].end <= item.start:
                self._stack.pop()
            self._stack.append(item)
            self._next += 1
        while self._stack and self._stack[-1].end <= position:
            self._stack.pop()
        return self._stack[-1] if self._stack else None


def _at_node(
    data: bytes,
    node: tree_sitter.Node,
    direct: bool,
    raw: bytes,
    elements: tuple[bytes, ...],
    size: int,
    make: Callable[[], Literal | None],
    worth: bool = False,
) -> Candidate:
    return Candidate(
        node.start_byte,
        node.end_byte,
        raw,
        elements,
        size,
        direct,
        make,
        lambda: tree_name(data, node),
        worth,
    )


def _at_offset(
    data: bytes,
    start: int,
    end: int,
    raw: bytes,
    elements: tuple[bytes, ...],
    make: Callable[[], Literal | None],
    string: bool = False,
) -> Candidate:
    direct = after_assignment(data, start)
    size = sum(map(len, elements)) if elements else len(raw)
    # strings come here past string_may_pin; numbers pass the prefilter when long or assigned
    # (the prefilter reads anything opening with a digit as a number)
    number = raw[:1].isdigit()
    worth = (size >= _SMALL_RAW or (direct and size > 1)) if number else string
    return Candidate(
        start, end, raw, elements, size, direct, make, lambda: token_name(data, start), worth
    )


def tree_candidates(
    scan: TreeScan, data: bytes, c_octal: bool, text_lengths: frozenset[int]
) -> list[Candidate]:
    """Candidates from one query pass: outermost tables, loose numbers, strings, #defines."""
    out: list[Candidate] = []
    numbers: Sequence[tree_sitter.Node] = scan.numbers
    starts = list(map(_NODE_START, numbers))
    order = sorted(range(len(starts)), key=starts.__getitem__)  # captures are not in order
    numbers = list(map(numbers.__getitem__, order))
    starts = list(map(starts.__getitem__, order))
    ends = list(map(_NODE_END, numbers))
    consumed: list[tuple[int, int]] = []  # index ranges of numbers inside tables
    table_end = -1
    for table in scan.tables:
        if table.start_byte < table_end:
            continue
        table_end = table.end_byte
        lo = bisect.bisect_left(starts, table.start_byte)
        hi = bisect.bisect_left(starts, table_end, lo)
        if hi - lo >= 2:
            consumed.append((lo, hi))
            raws = tuple(map(data.__getitem__, map(slice, starts[lo:hi], ends[lo:hi])))
            size = sum(map(len, raws))
            direct = table.id in scan.direct
            maker = _table_maker(raws, c_octal)
            out.append(_at_node(data, table, direct, b"", raws, size, maker))
    # loose numbers of one byte never pin (nor, undirected, short ones): kept out before the
    # loop below, in C
    wide = list(map(gt, map(sub, ends, starts), repeat(1)))
    taken = 0
    for lo, hi in (*consumed, (len(numbers), len(numbers))):
        for i in compress(range(taken, lo), wide[taken:lo]):
            start, end, node = starts[i], ends[i], numbers[i]
            direct = node.id in scan.direct
            if end - start >= _SMALL_RAW or direct:
                raw = data[start:end]
                maker = _number_maker(raw, c_octal)
                worth = raw[:1].isdigit()  # not `.5`: pin's prefilter reads it as a string
                out.append(_at_node(data, node, direct, raw, (), end - start, maker, worth))
        taken = hi
    strings = scan.strings
    spans = scan.string_events
    for index in strings_may_pin(data, spans, text_lengths):
        start, end, _ = spans[index]
        raw = data[start:end]
        node = strings[index]
        direct = node.id in scan.direct
        maker = _string_maker(raw)
        worth = not raw[:1].isdigit()  # a heredoc body opening with a digit is a number there
        out.append(_at_node(data, node, direct, raw, (), end - start, maker, worth))
    for node in scan.defines:
        value = node.child_by_field_name("value")
        if value is None:
            continue
        raw = data[value.start_byte : value.end_byte].strip()
        if not raw or not (raw[:1].isdigit() or string_may_pin(raw, text_lengths)):
            continue  # pin's first test (_worth_making) would drop it: no Candidate needed
        name_node = node.child_by_field_name("name")
        if name_node is None:
            continue
        name = node_text(data, name_node, 100)
        maker = _string_maker(raw) if raw[:1] in (b'"', b"'") else _number_maker(raw, c_octal)
        worth = len(raw) > 1 or not raw[:1].isdigit()
        out.append(
            Candidate(
                value.start_byte,
                value.end_byte,
                raw,
                (),
                len(raw),
                True,
                maker,
                _fixed(name),
                worth,
            )
        )
    out.sort(key=_CANDIDATE_START)
    return out


def token_candidates(
    ranges: TokenRanges, data: bytes, text_lengths: frozenset[int]
) -> list[Candidate]:
    """Candidates from lexer ranges: its tables, its (long or assigned) single numbers, and
    strings that may pin."""
    out: list[Candidate] = []
    numbers = ranges.numbers
    tables = iter(ranges.tables)
    table = next(tables, None)
    i = 0
    while i < len(numbers):
        start, end = numbers[i]
        if table is not None and table[0] == i:
            end = numbers[table[1] - 1][1]
            raws = tuple(data[s:e] for s, e in numbers[i : table[1]])
            out.append(_at_offset(data, start, end, b"", raws, _table_maker(raws, True)))
            i = table[1]
            table = next(tables, None)
            continue
        raw = data[start:end]
        out.append(_at_offset(data, start, end, raw, (), _number_maker(raw, True)))
        i += 1
    strings = [(start, end) for start, end, span in ranges.events if span is Span.KEEP]
    strings = strings_that_may_pin(strings, data, text_lengths)
    for start, end in strings:
        raw = data[start:end]
        if string_may_pin(raw, text_lengths):
            out.append(_at_offset(data, start, end, raw, (), _string_maker(raw), True))
    out.sort(key=lambda c: c.start)
    return out


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def _number_maker(raw: bytes, c_octal: bool) -> Callable[[], Literal | None]:
    return lambda: number_literal(_decode(raw), c_octal)


def _string_maker(raw: bytes) -> Callable[[], Literal | None]:
    return lambda: string_literal(_decode(raw[:65536]))


def _table_maker(raws: tuple[bytes, ...], c_octal: bool) -> Callable[[], Literal | None]:
    def make() -> Literal | None:
        kept = [v for v in normal_numbers(raws, c_octal) if v is not None]
        return table_literal(kept) if len(kept) >= 2 else None

    return make


def _fixed(name: str) -> Callable[[], str | None]:
    return lambda: name


def _line_of(data: bytes, counted: list[int], position: int) -> int:
    """1-based line of a position; `counted` is [offset, newlines before it] of the last call
    (positions come in order, so the line breaks are counted once, in C)."""
    at, lines = counted
    if position < at:
        at, lines = 0, 0
    lines += data.count(b"\n", at, position)
    counted[:] = [position, lines]
    return lines + 1


def _worth_making(
    cand: Candidate, context: bool, registry: ConstantRegistry | None, text_sizes: frozenset[int]
) -> bool:
    """Cheap prefilters before a literal is normalised."""
    raw = cand.raw
    if raw and not raw[:1].isdigit():  # a string (or a #define body)
        return string_may_pin(raw, text_sizes)
    if raw:
        return cand.raw_size >= _SMALL_RAW or (cand.direct and (context or len(raw) > 1))
    if context:
        return True
    if is_crypto_name(cand.name()):
        return True
    if registry is None:
        return False
    first = normal_numbers(cand.elements[:16])
    values = [int(v, 0) for v in first if v is not None]
    return registry.may_claim_table(values, len(cand.elements)) or registry.has_alias(cand.name())


def _claimable_by_value(literal: Literal, text_sizes: frozenset[int]) -> bool:
    """Could the registry recognise this value? (Its integers and blobs are 128+ bits.)"""
    if literal.kind is LiteralKind.TEXT:
        return literal.size in text_sizes
    if literal.kind is LiteralKind.INTEGER:
        return literal.size >= _REGISTRY_MIN_BITS
    return True


def pin(
    candidates: Iterable[Candidate],
    data: bytes,
    definitions: tuple[Definition, ...],
    crypto_definitions: frozenset[int],
    file_crypto: bool,
    registry: ConstantRegistry | None,
) -> tuple[Constant, ...]:
    """Apply the pinning policy; `crypto_definitions` holds indexes of crypto definitions."""
    enclosing = _Enclosing(definitions)
    index_of = {id(d): i for i, d in enumerate(definitions)}
    text_sizes = registry.text_lengths() if registry is not None else frozenset()
    counters: dict[str, int] = {}
    counted = [0, 0]
    out: list[Constant] = []
    for cand in candidates:
        symbol = enclosing.at(cand.start)
        context = file_crypto or (symbol is not None and index_of[id(symbol)] in crypto_definitions)
        if not cand.worth and not _worth_making(cand, context, registry, text_sizes):
            continue
        literal = cand.make()
        if literal is None:
            continue
        always = always_pinned(literal)
        by_value = registry is not None and _claimable_by_value(literal, text_sizes)
        if not (
            always
            or context
            or cand.direct
            or by_value
            or pinned_in_context(literal, upper_name=False)
        ):
            continue
        name = cand.name()
        entry = None
        if registry is not None and (by_value or registry.has_alias(name)):
            entry = registry.claim(literal.value, name)
        # Outside crypto code and away from crypto names only a registry match pins: a sha256
        # in a lock file or a test fixture is data, and its change is not a crypto finding.
        # Wide integers with varied digits stay pinned anywhere (round constants, seeds).
        pinned = entry is not None or (always and literal.kind is LiteralKind.INTEGER)
        if not pinned and (always or pinned_in_context(literal, is_upper_constant(name))):
            pinned = context or is_crypto_name(name)
        if not pinned:
            continue
        qualname = symbol.name if symbol is not None else None
        base = f"{qualname}:{name}" if qualname and name else (name or qualname or "<file>")
        index = counters.get(base, 0)
        counters[base] = index + 1
        value = redact(literal.value) if looks_secret(name) and entry is None else literal.value
        out.append(
            Constant(
                key=f"{base}#{index}",
                value=value,
                line=_line_of(data, counted, cand.start),
                symbol=qualname,
                standard=entry.id if entry is not None else None,
            )
        )
    return tuple(out)
