"""Pure symbol- and constant-level diff of two versions of one file.

Symbols pair up by qualified name (duplicates, e.g. overloads, by digest then by order); an
unpaired removed symbol whose digest (which leaves the name out) reappears under a new name is a
rename. A change is cosmetic only when the whole-file normalised token digests are equal.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from integrity.model import Constant, FileRecord, Symbol, SymbolChange, SymbolChangeKind


@dataclass(frozen=True, slots=True)
class ConstantChange:
    """A pinned constant whose value differs between two versions.

    `old` is "" for a constant that is new, `new` is "" for one that disappeared.
    """

    key: str
    old: str
    new: str
    line: int
    symbol: str | None
    standard: str | None


def _merge_tags(*groups: tuple[str, ...]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for group in groups:
        for tag in group:
            seen.setdefault(tag, None)
    return tuple(seen)


def _pair(
    old: list[Symbol], new: list[Symbol]
) -> tuple[list[tuple[Symbol, Symbol]], list[Symbol], list[Symbol]]:
    """Pair same-named symbols: identical digests first, then in order."""
    pairs: list[tuple[Symbol, Symbol]] = []
    rest_old = list(old)
    rest_new: list[Symbol] = []
    for item in new:
        match = next((o for o in rest_old if o.digest == item.digest), None)
        if match is None:
            rest_new.append(item)
        else:
            rest_old.remove(match)
            pairs.append((match, item))
    count = min(len(rest_old), len(rest_new))
    pairs.extend(zip(rest_old[:count], rest_new[:count], strict=True))
    return pairs, rest_old[count:], rest_new[count:]


def _change(kind: SymbolChangeKind, symbol: Symbol, old: Symbol | None = None) -> SymbolChange:
    return SymbolChange(
        kind=kind,
        name=symbol.name,
        symbol_kind=symbol.kind,
        old_name=old.name if old is not None and kind is SymbolChangeKind.RENAMED else None,
        start_line=symbol.start_line,
        end_line=symbol.end_line,
        sensitive=_merge_tags(old.sensitive if old else (), symbol.sensitive),
    )


def diff_symbols(old: FileRecord, new: FileRecord) -> tuple[tuple[SymbolChange, ...], bool]:
    """(symbol changes, cosmetic_only) between two versions of a file."""
    cosmetic = old.token_digest is not None and old.token_digest == new.token_digest
    by_old: dict[str, list[Symbol]] = defaultdict(list)
    by_new: dict[str, list[Symbol]] = defaultdict(list)
    for symbol in old.symbols:
        by_old[symbol.name].append(symbol)
    for symbol in new.symbols:
        by_new[symbol.name].append(symbol)
    changes: list[SymbolChange] = []
    removed: list[Symbol] = []
    added: list[Symbol] = []
    for name in sorted(set(by_old) | set(by_new)):
        pairs, gone, came = _pair(by_old.get(name, []), by_new.get(name, []))
        removed.extend(gone)
        added.extend(came)
        for before, after in pairs:
            if before.digest != after.digest:
                changes.append(_change(SymbolChangeKind.MODIFIED, after, before))
    for before in removed:
        twin = next((a for a in added if a.digest == before.digest and a.kind == before.kind), None)
        if twin is None:
            changes.append(_change(SymbolChangeKind.REMOVED, before))
        else:
            added.remove(twin)
            changes.append(_change(SymbolChangeKind.RENAMED, twin, before))
    changes.extend(_change(SymbolChangeKind.ADDED, after) for after in added)
    changes.sort(key=lambda c: (c.start_line or 0, c.name, c.kind.value))
    return tuple(changes), cosmetic


def _base(key: str) -> str:
    return key.rsplit("#", 1)[0]


def diff_constants(old: FileRecord, new: FileRecord) -> tuple[ConstantChange, ...]:
    """Pinned constants whose value changed, appeared or disappeared (matched by key)."""
    old_by_key = {c.key: c for c in old.constants}
    new_by_key = {c.key: c for c in new.constants}
    out: list[ConstantChange] = []
    for key, after in new_by_key.items():
        before = old_by_key.get(key)
        if before is not None and before.value != after.value:
            out.append(_constant_change(before, after))
    gone = [c for k, c in old_by_key.items() if k not in new_by_key]
    came = [c for k, c in new_by_key.items() if k not in old_by_key]
    # an index shift (a constant inserted earlier under the same name) is not a change
    came_values = {c.value for c in came}
    gone_values = {c.value for c in gone}
    gone = [c for c in gone if c.value not in came_values]
    came = [c for c in came if c.value not in gone_values]
    for after in came:
        before = next((c for c in gone if _base(c.key) == _base(after.key)), None)
        if before is not None:
            gone.remove(before)
        out.append(_constant_change(before, after))
    out.extend(_constant_change(before, None) for before in gone)
    out.sort(key=lambda c: (c.line, c.key))
    return tuple(out)


def _constant_change(before: Constant | None, after: Constant | None) -> ConstantChange:
    anchor = after if after is not None else before
    assert anchor is not None
    return ConstantChange(
        key=anchor.key,
        old=before.value if before is not None else "",
        new=after.value if after is not None else "",
        line=anchor.line,
        symbol=anchor.symbol,
        standard=(after.standard if after is not None else None)
        or (before.standard if before is not None else None),
    )
