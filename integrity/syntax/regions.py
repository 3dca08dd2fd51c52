"""Broken regions of a tree with errors, where the token lexer stands in for the tree.

A grammar that meets code it cannot parse (macro-heavy C, a half-written file) still parses
everything around it. Only the byte ranges of its ERROR nodes and MISSING tokens, widened to whole
lines, to any comment or string they cut and to any initialiser table they touch, are read with
the fast regex lexer; everywhere else the tree's own comments, strings and literals stand. The
region lexer's events replace the tree's inside the regions, in order.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from operator import itemgetter

import tree_sitter

from integrity.syntax.tokens import Event, Span, TokenRanges, regex_ranges

Region = tuple[int, int]
_FIRST = itemgetter(0)
_SPAN = itemgetter(2)
_MAX_PASSES = 8  # widening rounds (each joins regions that a table or a string bridges)


MAX_BROKEN_WALK = 200_000  # nodes looked at to find the broken ones; past it, all is broken


def broken_nodes(
    root: tree_sitter.Node, limit: int = MAX_BROKEN_WALK
) -> list[tree_sitter.Node] | None:
    """ERROR nodes and MISSING tokens, from a walk that enters only subtrees holding an error
    (a query pattern for MISSING tokens slowed the query of every file by a tenth). None when
    the walk would look at more than `limit` nodes: then read the whole file as broken."""
    found: list[tree_sitter.Node] = []
    stack = [root]
    seen = 0
    while stack:
        node = stack.pop()
        if node.is_missing:
            found.append(node)
            continue
        children = node.children
        seen += len(children)
        if seen > limit:
            return None
        if not node.is_error:
            stack.extend(child for child in children if child.has_error)
            continue
        # an ERROR node: its stray tokens are broken; a complete subtree it holds is not (a
        # file whose root is ERROR still has whole functions the tree read right)
        for child in children:
            if child.has_error and child.child_count:
                stack.append(child)
            elif child.has_error or not child.child_count:
                found.append(child)
        if not children:
            found.append(node)
    return found


def _lines(data: bytes, start: int, end: int) -> Region:
    """The whole lines holding [start, end) (a zero-width end still takes its line)."""
    first = data.rfind(b"\n", 0, start) + 1
    last = data.find(b"\n", max(end - 1, start))
    return first, len(data) if last < 0 else last + 1


def _merge(spans: list[Region]) -> list[Region]:
    spans.sort()
    out: list[Region] = []
    for start, end in spans:
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _crossing(atoms: Sequence[Region | Event], region: Region) -> list[Region | Event]:
    """Atoms (sorted, disjoint; their first two items a byte range) that a region's start or
    end would cut."""
    start, end = region
    out: list[Region | Event] = []
    for at in (start, end):
        k = bisect.bisect_left(atoms, at, key=_FIRST) - 1
        if k >= 0 and atoms[k][1] > at:
            out.append(atoms[k])
    return out


def _outermost(tables: Sequence[tree_sitter.Node]) -> list[Region]:
    out: list[Region] = []
    for node in tables:  # sorted by start
        start, end = node.start_byte, node.end_byte
        if not out or start >= out[-1][1]:
            out.append((start, end))
    return out


def broken_regions(
    data: bytes,
    broken: Sequence[tree_sitter.Node],
    tables: Sequence[tree_sitter.Node],
    events: Sequence[Event],
) -> list[Region]:
    """Sorted, disjoint byte ranges to read with the token lexer (empty when nothing broke).

    `tables` and `events` are sorted by start; a region grows to whole lines and over every
    comment, string or outermost table its boundary would cut."""
    regions = _merge([_lines(data, n.start_byte, n.end_byte) for n in broken])
    kept: Sequence[Region | Event] = events
    if events and max(map(_SPAN, events)) > Span.KEEP:  # markers (Python blocks) are no atoms
        kept = [(s, e) for s, e, span in events if span <= Span.KEEP]
    atoms = (kept, _outermost(tables))
    for _ in range(_MAX_PASSES):
        if not regions or regions[0] == (0, len(data)):
            break
        grown = [
            _lines(data, atom[0], atom[1])
            for region in regions
            for spans in atoms
            for atom in _crossing(spans, region)
        ]
        if not grown:
            break
        regions = _merge(regions + grown)
    return regions


def inside(regions: list[Region], starts: list[int], position: int) -> bool:
    """True when a byte offset lies in one of the regions (`starts`: their start offsets)."""
    at = bisect.bisect_right(starts, position) - 1
    return at >= 0 and position < regions[at][1]


def lex_regions(language: str, data: bytes, regions: list[Region]) -> TokenRanges:
    """The regex lexer's ranges for each region, in file offsets, as one TokenRanges."""
    if regions == [(0, len(data))]:
        return regex_ranges(language, data)
    events: list[Event] = []
    numbers: list[tuple[int, int]] = []
    tables: list[tuple[int, int]] = []
    lexer = ""
    for start, end in regions:
        found = regex_ranges(language, data[start:end])
        lexer = found.lexer
        base = len(numbers)
        events.extend((s + start, e + start, span) for s, e, span in found.events)
        numbers.extend((s + start, e + start) for s, e in found.numbers)
        tables.extend((first + base, stop + base) for first, stop in found.tables)
    return TokenRanges(lexer, tuple(events), tuple(numbers), tuple(tables))


def patch_events(
    tree_events: Sequence[Event], regions: list[Region], lexed: Sequence[Event]
) -> list[Event]:
    """The tree's events outside the regions with the lexer's inside them, in order."""
    out: list[Event] = []
    tree_starts = [event[0] for event in tree_events]
    lexed_starts = [event[0] for event in lexed]
    taken = 0
    for start, end in regions:
        upto = bisect.bisect_left(tree_starts, start)
        out.extend(tree_events[taken:upto])
        lo = bisect.bisect_left(lexed_starts, start)
        hi = bisect.bisect_left(lexed_starts, end)
        out.extend(lexed[lo:hi])
        taken = max(upto, bisect.bisect_left(tree_starts, end))
    out.extend(tree_events[taken:])
    return out
