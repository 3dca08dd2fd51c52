"""Literal candidates (from a tree scan or from token ranges) -> pinned Constants.

Keys are `<enclosing symbol>:<assigned name>#<index>` (either part may be missing), never line
numbers, so they survive unrelated edits.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

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
    normal_number,
    number_literal,
    pinned_in_context,
    redact,
    string_literal,
    string_may_pin,
    table_literal,
)
from integrity.syntax.symbols import Definition, TreeScan, node_text
from integrity.syntax.tokens import Span, TokenRanges

_REGISTRY_MIN_BITS = 120
_SMALL_RAW = 7  # shorter number literals only matter as the whole value of a named constant


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_NAME_FIELDS = ("name", "left", "key", "declarator", "pattern", "designator")
_NAME_DEPTH = 6
_STOP = _words(
    """
    compound_statement block statement_block translation_unit module program source_file
    class_body declaration_list field_declaration_list body_statement function_definition
    function_declaration method_declaration method_definition function_item class_definition
    class_declaration impl_item constructor_declaration arrow_function function_expression
    lambda
    """
)
_IDENT_TYPES = _words(
    """
    identifier field_identifier property_identifier type_identifier variable_name name
    constant word shorthand_property_identifier
    """
)
_DIRECT_PARENTS = _words(
    """
    init_declarator assignment variable_declarator expression_list let_declaration
    const_item static_item pair keyword_argument assignment_expression const_element
    initializer_pair enumerator variable_assignment const_spec var_spec equals_value_clause
    augmented_assignment property_declaration field_declaration
    """
)
_KEYWORDS = _words(
    """
    return case if while for in yield await else do goto define
    """
)
_TRAILING_NAME = re.compile(rb"(?<![A-Za-z0-9_])[A-Za-z_][A-Za-z0-9_]*\Z")
_GAP = re.compile(rb"(?:[\s,{}\[\]()]|\w+\s*\(|/\*.*?\*/|//[^\n]*\n|#[^\n]*\n)*", re.DOTALL)


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


def _field_name(data: bytes, node: tree_sitter.Node) -> str | None:
    current: tree_sitter.Node | None = node
    for _ in range(_NAME_DEPTH):
        if current is None:
            return None
        if current.type in _IDENT_TYPES:
            return node_text(data, current, 100)
        if current.type in ("string", "string_literal"):
            return node_text(data, current, 100).strip("\"'`") or None
        nxt = current.child_by_field_name("declarator") or current.child_by_field_name("name")
        if nxt is None and current.named_child_count:
            nxt = current.named_children[0]
        current = nxt
    return None


def tree_name(data: bytes, node: tree_sitter.Node) -> str | None:
    """The name a literal is assigned to (declaration, assignment, key, designator), if any."""
    current = node
    for _ in range(_NAME_DEPTH):
        parent = current.parent
        if parent is None or parent.type in _STOP:
            return None
        for field in _NAME_FIELDS:
            child = parent.child_by_field_name(field)
            if child is not None and child.id != current.id:
                found = _field_name(data, child)
                if found:
                    return found
        current = parent
    return None


def token_name(data: bytes, start: int) -> str | None:
    """The name before `=`, `:`, `=>` (or a #define) preceding a literal, from the raw text."""
    window = data[max(0, start - 160) : start].rstrip().rstrip(b"[{(").rstrip()
    if window.endswith(b")"):  # a cast: (uint8_t)
        opener = window.rfind(b"(", max(0, len(window) - 42))
        if opener >= 0:
            window = window[:opener].rstrip()
    if window.endswith((b"=>", b":=")):
        window = window[:-2]
    elif window.endswith((b"==", b"!=", b"<=", b">=")):
        return None
    elif window.endswith((b"=", b":")):
        window = window[:-1]
    window = window.rstrip()
    while window.endswith(b"]"):
        opener = window.rfind(b"[")
        if opener < 0:
            return None
        window = window[:opener].rstrip()
    match = _TRAILING_NAME.search(window, max(0, len(window) - 100))
    if match is None:
        return None
    name = match.group().decode("ascii")
    return None if name in _KEYWORDS else name


def _at_node(
    data: bytes,
    node: tree_sitter.Node,
    raw: bytes,
    elements: tuple[bytes, ...],
    size: int,
    make: Callable[[], Literal | None],
) -> Candidate:
    direct = _direct(node)
    return Candidate(
        node.start_byte,
        node.end_byte,
        raw,
        elements,
        size,
        direct,
        make,
        lambda: tree_name(data, node),
    )


def _after_assignment(data: bytes, start: int) -> bool:
    return data[max(0, start - 8) : start].rstrip()[-1:] in (b"=", b":", b">")


def _at_offset(
    data: bytes,
    start: int,
    end: int,
    raw: bytes,
    elements: tuple[bytes, ...],
    make: Callable[[], Literal | None],
) -> Candidate:
    direct = _after_assignment(data, start)
    size = sum(len(e) for e in elements) if elements else len(raw)
    return Candidate(start, end, raw, elements, size, direct, make, lambda: token_name(data, start))


def tree_candidates(
    scan: TreeScan, data: bytes, c_octal: bool, text_lengths: frozenset[int]
) -> list[Candidate]:
    """Candidates from one query pass: outermost tables, loose numbers, strings, #defines."""
    out: list[Candidate] = []
    starts = [n.start_byte for n in scan.numbers]
    consumed: set[int] = set()
    table_end = -1
    for table in scan.tables:
        if table.start_byte < table_end:
            continue
        table_end = table.end_byte
        lo = bisect.bisect_left(starts, table.start_byte)
        hi = bisect.bisect_left(starts, table.end_byte)
        if hi - lo >= 2:
            consumed.update(range(lo, hi))
            raws = tuple(data[n.start_byte : n.end_byte] for n in scan.numbers[lo:hi])
            size = sum(len(r) for r in raws)
            out.append(_at_node(data, table, b"", raws, size, _table_maker(raws, c_octal)))
    for index, node in enumerate(scan.numbers):
        if index in consumed:
            continue
        raw = data[node.start_byte : node.end_byte]
        if len(raw) >= _SMALL_RAW or (len(raw) > 1 and _direct(node)):
            out.append(_at_node(data, node, raw, (), len(raw), _number_maker(raw, c_octal)))
    for node in scan.strings:
        raw = data[node.start_byte : node.end_byte]
        if string_may_pin(raw, text_lengths):
            out.append(_at_node(data, node, raw, (), len(raw), _string_maker(raw)))
    for node in scan.defines:
        name_node = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if name_node is None or value is None:
            continue
        raw = data[value.start_byte : value.end_byte].strip()
        name = node_text(data, name_node, 100)
        maker = _string_maker(raw) if raw[:1] in (b'"', b"'") else _number_maker(raw, c_octal)
        out.append(
            Candidate(
                value.start_byte, value.end_byte, raw, (), len(raw), True, maker, _fixed(name)
            )
        )
    out.sort(key=lambda c: c.start)
    return out


def _run_end(data: bytes, numbers: tuple[tuple[int, int], ...], i: int) -> int:
    """Index after the run of comma-separated numbers starting at i."""
    j = i + 1
    while j < len(numbers):
        gap_start, gap_end = numbers[j - 1][1], numbers[j][0]
        if b"," not in data[gap_start:gap_end] or not _GAP.fullmatch(data, gap_start, gap_end):
            break
        j += 1
    return j


def token_candidates(
    ranges: TokenRanges, data: bytes, text_lengths: frozenset[int]
) -> list[Candidate]:
    """Candidates from lexer ranges: runs of comma-separated numbers are tables."""
    out: list[Candidate] = []
    numbers = ranges.numbers
    i = 0
    while i < len(numbers):
        j = _run_end(data, numbers, i)
        start, end = numbers[i][0], numbers[j - 1][1]
        if j - i >= 2:
            raws = tuple(data[s:e] for s, e in numbers[i:j])
            out.append(_at_offset(data, start, end, b"", raws, _table_maker(raws, True)))
        elif end - start >= _SMALL_RAW or _after_assignment(data, start):
            raw = data[start:end]
            out.append(_at_offset(data, start, end, raw, (), _number_maker(raw, True)))
        i = j
    for start, end, span in ranges.events:
        if span is Span.KEEP:
            raw = data[start:end]
            if string_may_pin(raw, text_lengths):
                out.append(_at_offset(data, start, end, raw, (), _string_maker(raw)))
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
        values = [normal_number(_decode(r), c_octal) for r in raws]
        kept = [v for v in values if v is not None]
        return table_literal(kept) if len(kept) >= 2 else None

    return make


def _direct(node: tree_sitter.Node) -> bool:
    parent = node.parent
    return parent is not None and parent.type in _DIRECT_PARENTS


def _fixed(name: str) -> Callable[[], str | None]:
    return lambda: name


def _line_of(data: bytes, newlines: list[int], position: int) -> int:
    if not newlines:
        newlines.extend(m.start() for m in re.finditer(b"\n", data))
        newlines.append(len(data) + 1)
    return bisect.bisect_left(newlines, position) + 1


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
    first = [normal_number(_decode(e)) for e in cand.elements[:16]]
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
    newlines: list[int] = []
    out: list[Constant] = []
    for cand in candidates:
        symbol = enclosing.at(cand.start)
        context = file_crypto or (symbol is not None and index_of[id(symbol)] in crypto_definitions)
        if not _worth_making(cand, context, registry, text_sizes):
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
        pinned = always or entry is not None
        if not pinned and pinned_in_context(literal, is_upper_constant(name)):
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
                line=_line_of(data, newlines, cand.start),
                symbol=qualname,
                standard=entry.id if entry is not None else None,
            )
        )
    return tuple(out)
