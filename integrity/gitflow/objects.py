"""Raw git objects read from a GitPython object database: trees, blobs, tree-to-tree deltas.

Nothing here runs git: objects come from the pure-python GitDB database of a repository opened
with `integrity.sources.git.open_repo`. Two trees are compared by walking their tree objects and
skipping every subtree whose SHA is the same on both sides, so the cost is proportional to the
change, not to the size of the repository.
"""

from __future__ import annotations

import hashlib
import os
import stat
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

import git.exc

from integrity.errors import SourceError
from integrity.model import EntryType, FileBlob
from integrity.sources._common import (
    MAX_LINK_TARGET,
    PROBLEM_LINK_OUTSIDE,
    Readable,
    bounded,
    link_escapes,
)

MODE_TREE = 0o040000
MODE_GITLINK = 0o160000
MODE_SYMLINK = 0o120000
_MAX_TREE_OBJECT = 64 << 20
_BAD_NAMES = frozenset({"", ".", ".."})
PROBLEM_ESCAPES = "path escapes the tree"
MAX_DEPTH = 256
MAX_ENTRIES = 1_000_000


class _Budget:
    """Entries one walk may still visit (a "git bomb" reuses one subtree many times)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.left = limit

    def spend(self) -> bool:
        self.left -= 1
        return self.left >= 0

    def problem(self) -> str:
        return f"tree walk stopped: more than {self.limit} entries"


@dataclass(frozen=True, slots=True)
class Entry:
    """One tree entry: git mode and binary object id."""

    mode: int
    binsha: bytes

    @property
    def is_tree(self) -> bool:
        """True for a subdirectory."""
        return stat.S_IFMT(self.mode) == MODE_TREE


@dataclass(frozen=True, slots=True)
class Delta:
    """A path whose entry differs between two trees (None: absent on that side)."""

    path: str
    old: Entry | None
    new: Entry | None
    problem: str | None = None


def _translate(exc: BaseException) -> BaseException | None:
    if isinstance(exc, (zlib.error, git.exc.ODBError)):
        return SourceError(f"corrupt git object: {exc}")
    return None


class ObjectReader:
    """Typed, size-capped reads of one repository's objects."""

    def __init__(self, odb: Any) -> None:
        self._odb = odb

    def read(self, binsha: bytes, kind: bytes, limit: int) -> bytes:
        """The whole object; SourceError when missing, of another type or over `limit`."""
        try:
            stream = self._odb.stream(binsha)
            if stream.type != kind:
                raise SourceError(f"object {binsha.hex()} is a {stream.type!r}, not {kind!r}")
            if stream.size > limit:
                raise SourceError(f"{kind!r} object {binsha.hex()} is over {limit} bytes")
            data: bytes = stream.read()
        except (ValueError, git.exc.ODBError, zlib.error) as exc:
            raise SourceError(f"cannot read git object {binsha.hex()}: {exc}") from exc
        return data

    def size(self, binsha: bytes) -> int:
        """Size of an object in bytes."""
        try:
            size: int = self._odb.info(binsha).size
        except (ValueError, git.exc.ODBError, zlib.error) as exc:
            raise SourceError(f"cannot read git object {binsha.hex()}: {exc}") from exc
        return size

    def tree(self, binsha: bytes) -> dict[str, Entry]:
        """name -> Entry of a tree object."""
        data = self.read(binsha, b"tree", _MAX_TREE_OBJECT)
        entries: dict[str, Entry] = {}
        pos = 0
        try:
            while pos < len(data):
                space = data.index(b" ", pos)
                nul = data.index(b"\0", space)
                if nul + 21 > len(data):
                    raise ValueError("truncated tree entry")
                name = os.fsdecode(data[space + 1 : nul])
                entries[name] = Entry(int(data[pos:space], 8), data[nul + 1 : nul + 21])
                pos = nul + 21
        except ValueError as exc:
            raise SourceError(f"corrupt git tree {binsha.hex()}: {exc}") from exc
        return entries

    def blob_bytes(self, binsha: bytes, limit: int) -> bytes | None:
        """A blob's content when it is at most `limit` bytes, else None."""
        if self.size(binsha) > limit:
            return None
        return self.read(binsha, b"blob", limit)

    def file_blob(self, path: str, entry: Entry) -> FileBlob:
        """The FileBlob of a non-tree entry (symlink targets read and judged, never followed)."""
        kind = stat.S_IFMT(entry.mode)
        if kind == MODE_GITLINK:
            return FileBlob(path, EntryType.GITLINK, target=entry.binsha.hex())
        if kind == MODE_SYMLINK:
            size = self.size(entry.binsha)
            if size > MAX_LINK_TARGET:
                return FileBlob(
                    path, EntryType.SYMLINK, size=size, problem="symlink target too long"
                )
            target = os.fsdecode(self.read(entry.binsha, b"blob", MAX_LINK_TARGET))
            problem = PROBLEM_LINK_OUTSIDE if link_escapes(path, target) else None
            return FileBlob(path, EntryType.SYMLINK, size=size, target=target, problem=problem)
        if kind != stat.S_IFREG:
            return FileBlob(path, EntryType.OTHER, problem=f"unknown git mode {entry.mode:o}")
        size = self.size(entry.binsha)
        odb = self._odb
        binsha = entry.binsha

        def opener() -> BinaryIO:
            inner: Readable = odb.stream(binsha)
            return bounded(inner, size, _translate)

        return FileBlob(
            path, EntryType.FILE, size=size, executable=bool(entry.mode & 0o111), open=opener
        )

    def walk(
        self, binsha: bytes, max_entries: int = MAX_ENTRIES
    ) -> Iterator[tuple[str, Entry | None, str | None]]:
        """(path, entry, problem) for every non-tree entry below a tree (bounded walk)."""
        budget = _Budget(max_entries)
        pending: list[tuple[str, bytes, int]] = [("", binsha, 0)]
        while pending:
            prefix, current, depth = pending.pop()
            for name, entry in sorted(self.tree(current).items()):
                path = f"{prefix}{name}"
                if not budget.spend():
                    yield path, None, budget.problem()
                    return
                if name in _BAD_NAMES or "/" in name:
                    yield path, None, PROBLEM_ESCAPES
                elif entry.is_tree and depth >= MAX_DEPTH:
                    yield path, None, f"tree nested deeper than {MAX_DEPTH} levels"
                elif entry.is_tree:
                    pending.append((path + "/", entry.binsha, depth + 1))
                else:
                    yield path, entry, None

    def diff(
        self, old: bytes | None, new: bytes | None, max_entries: int = MAX_ENTRIES
    ) -> Iterator[Delta]:
        """Every path whose entry differs between two trees; equal subtrees are never opened.

        A walk visiting more than `max_entries` entries, or nested deeper than MAX_DEPTH, ends
        with a Delta whose `problem` says so (recorded as a hostile entry, never an endless walk).
        """
        yield from self._diff(old, new, "", 0, _Budget(max_entries))

    def _diff(
        self, old: bytes | None, new: bytes | None, prefix: str, depth: int, budget: _Budget
    ) -> Iterator[Delta]:
        if old == new or budget.left < 0:
            return
        if depth > MAX_DEPTH:
            yield Delta(
                prefix.rstrip("/"), None, None, f"tree nested deeper than {MAX_DEPTH} levels"
            )
            return
        left = self.tree(old) if old is not None else {}
        right = self.tree(new) if new is not None else {}
        for name in sorted(left.keys() | right.keys()):
            a, b = left.get(name), right.get(name)
            if a == b:
                continue
            path = f"{prefix}{name}"
            if not budget.spend():
                yield Delta(path, None, None, budget.problem())
                return
            if name in _BAD_NAMES or "/" in name:
                yield Delta(path, None, None, PROBLEM_ESCAPES)
                continue
            a_tree = a.binsha if a is not None and a.is_tree else None
            b_tree = b.binsha if b is not None and b.is_tree else None
            if a_tree is not None or b_tree is not None:
                yield from self._diff(a_tree, b_tree, path + "/", depth + 1, budget)
                if budget.left < 0:
                    return
            a_leaf = a if a is not None and not a.is_tree else None
            b_leaf = b if b is not None and not b.is_tree else None
            if a_leaf is not None or b_leaf is not None:
                yield Delta(path, a_leaf, b_leaf)


def blob_hasher(size: int) -> Any:
    """A sha1 primed with git's blob header: feed it the content to get the blob's object id."""
    return hashlib.sha1(b"blob %d\0" % size, usedforsecurity=False)
