"""Pure: two baselines in, path-level changes (with symbol-level detail) out."""

from __future__ import annotations

from collections import defaultdict

from integrity.model import Baseline, Change, ChangeKind, EntryType, FileRecord, SymbolChange
from integrity.symdiff import diff_symbols


def _same_content(old: FileRecord, new: FileRecord) -> bool:
    return old.sha256 == new.sha256 and old.target == new.target and old.size == new.size


def _modified(old: FileRecord, new: FileRecord) -> Change:
    symbols: tuple[SymbolChange, ...] = ()
    cosmetic = False
    if old.kind is EntryType.FILE and new.kind is EntryType.FILE:
        symbols, cosmetic = diff_symbols(old, new)
    return Change(new.path, ChangeKind.MODIFIED, old, new, symbols=symbols, cosmetic=cosmetic)


def _pair_change(old: FileRecord, new: FileRecord) -> Change | None:
    if old.kind is not new.kind:
        return Change(new.path, ChangeKind.TYPE_CHANGED, old, new)
    if not _same_content(old, new):
        return _modified(old, new)
    if old.executable != new.executable:
        return Change(new.path, ChangeKind.MODE_CHANGED, old, new)
    return None


def diff_records(
    old_files: tuple[FileRecord, ...], new_files: tuple[FileRecord, ...]
) -> tuple[Change, ...]:
    """Added, removed, modified, renamed, mode- and type-changed entries, sorted by path.

    A rename is a removed path and an added path with the same content digest; candidates are
    paired in path order so the result is deterministic.
    """
    old_by = {r.path: r for r in old_files}
    new_by = {r.path: r for r in new_files}
    changes: list[Change] = []
    for path in sorted(old_by.keys() & new_by.keys()):
        change = _pair_change(old_by[path], new_by[path])
        if change is not None:
            changes.append(change)
    removed = sorted(old_by.keys() - new_by.keys())
    added = sorted(new_by.keys() - old_by.keys())
    by_digest: dict[str, list[FileRecord]] = defaultdict(list)
    for path in removed:
        record = old_by[path]
        if record.sha256 is not None and record.kind is EntryType.FILE:
            by_digest[record.sha256].append(record)
    renamed_from: set[str] = set()
    for path in added:
        record = new_by[path]
        candidates = by_digest.get(record.sha256 or "", [])
        if record.kind is EntryType.FILE and candidates:
            source = candidates.pop(0)
            renamed_from.add(source.path)
            changes.append(Change(path, ChangeKind.RENAMED, source, record, old_path=source.path))
        else:
            changes.append(Change(path, ChangeKind.ADDED, None, record))
    changes.extend(
        Change(path, ChangeKind.REMOVED, old_by[path], None)
        for path in removed
        if path not in renamed_from
    )
    return tuple(sorted(changes, key=lambda c: (c.path, c.kind.value)))


def diff_baselines(old: Baseline, new: Baseline) -> tuple[Change, ...]:
    """Changes between two manifests."""
    return diff_records(old.files, new.files)
