"""A directory on disk as a Source: every file counts, symlinks and special files are recorded.

Git-ignored files are included on purpose (xz-utils' injected m4 file was git-ignored); only
directories named `.git` and paths matching the caller's `excludes` globs are skipped. Nothing
inside the tree is ever followed: the walk uses `follow_symlinks=False` throughout and files
are opened one path component at a time with O_NOFOLLOW, so a directory swapped for a symlink
after listing cannot redirect a read outside the tree.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import BinaryIO

import pathspec

from integrity.errors import SourceError
from integrity.model import EntryType, FileBlob, SourceInfo, matchable
from integrity.sources._common import (
    MAX_LINK_TARGET,
    PROBLEM_LINK_OUTSIDE,
    link_escapes,
    regular_stream,
    special_kind,
)

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


def compile_excludes(excludes: tuple[str, ...]) -> pathspec.GitIgnoreSpec | None:
    """Gitignore-style patterns as a matcher, or None when there are none."""
    if not excludes:
        return None
    try:
        return pathspec.GitIgnoreSpec.from_lines(excludes)
    except (ValueError, TypeError) as exc:
        raise SourceError(f"invalid exclude pattern: {exc}") from exc


def open_directory(root: str, rel_dir: str) -> int:
    """An fd on `root/rel_dir`, opened one component at a time with O_NOFOLLOW.

    `root` itself may be anything the user named; below it no symlink is ever followed, so a
    directory swapped for a symlink after it was listed fails with OSError (ELOOP/ENOTDIR).
    """
    dir_fd = os.open(root, _DIR_FLAGS)
    try:
        for part in rel_dir.split("/") if rel_dir else ():
            next_fd = os.open(part, _DIR_FLAGS | os.O_NOFOLLOW, dir_fd=dir_fd)
            os.close(dir_fd)
            dir_fd = next_fd
    except BaseException:
        os.close(dir_fd)
        raise
    return dir_fd


def open_regular(root: str, rel: str) -> BinaryIO:
    """Open `root/rel` for reading without following any symlink below `root`.

    Each directory component is opened relative to its parent with O_NOFOLLOW, the file itself
    with O_NOFOLLOW|O_NONBLOCK (so a FIFO swapped in cannot block the open), then the fd is
    fstat'ed and refused unless it is a regular file. Raises OSError on any refusal.
    """
    folder, _, name = rel.rpartition("/")
    dir_fd = open_directory(root, folder)
    try:
        fd = os.open(name, _FILE_FLAGS, dir_fd=dir_fd)
    finally:
        os.close(dir_fd)
    return regular_stream(fd, rel)


class DirectorySource:
    """Every entry below `root`, sorted by POSIX relative path."""

    def __init__(self, root: Path, excludes: tuple[str, ...] = ()) -> None:
        named = Path(root)
        # The root itself may be a symlink the user chose; resolve it once, nothing inside.
        resolved = named.resolve() if named.is_symlink() else named.absolute()
        if not resolved.is_dir():
            raise SourceError(f"not a directory: {os.fsdecode(named)!r}")
        self._root = str(resolved)
        self._spec = compile_excludes(excludes)
        self._info = SourceInfo(kind="directory", location=str(named))

    @property
    def info(self) -> SourceInfo:
        """kind "directory", location as the user named it."""
        return self._info

    @property
    def random_access(self) -> bool:
        """Files may be opened in any order and from several threads."""
        return True

    def iter_files(self) -> Iterator[FileBlob]:
        """Walk the tree (never following links) and yield its entries sorted by path."""
        try:
            os.close(open_directory(self._root, ""))
        except OSError as exc:
            raise SourceError(f"cannot list {self._info.location!r}: {exc.strerror}") from exc
        entries = sorted(self._walk(), key=lambda blob: blob.path)
        yield from entries

    def _excluded(self, rel: str, is_dir: bool) -> bool:
        if self._spec is None:
            return False
        return self._spec.match_file(matchable(rel + "/" if is_dir else rel))

    def _walk(self) -> Iterator[FileBlob]:
        """Entries in walk order. Directories are listed through O_NOFOLLOW fds, so the walk
        cannot be redirected outside the root and is not limited by PATH_MAX."""
        pending = [""]
        while pending:
            rel_dir = pending.pop()
            try:
                dir_fd = open_directory(self._root, rel_dir)
            except OSError as exc:
                problem = f"unreadable directory: {exc.strerror or exc}"
                yield FileBlob(path=rel_dir, kind=EntryType.OTHER, problem=problem)
                continue
            try:
                yield from self._list(dir_fd, rel_dir, pending)
            finally:
                os.close(dir_fd)

    def _list(self, dir_fd: int, rel_dir: str, pending: list[str]) -> Iterator[FileBlob]:
        try:
            with os.scandir(dir_fd) as listing:
                children = list(listing)
        except OSError as exc:
            problem = f"unreadable directory: {exc.strerror or exc}"
            yield FileBlob(path=rel_dir, kind=EntryType.OTHER, problem=problem)
            return
        for entry in children:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            blob = self._entry(entry, rel, pending, dir_fd)
            if blob is not None:
                yield blob

    def _entry(
        self, entry: os.DirEntry[str], rel: str, pending: list[str], dir_fd: int
    ) -> FileBlob | None:
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError as exc:
            return FileBlob(rel, EntryType.OTHER, problem=f"cannot stat: {exc.strerror}")
        mode = info.st_mode
        if stat.S_ISDIR(mode):
            if entry.name != ".git" and not self._excluded(rel, is_dir=True):
                pending.append(rel)
            return None
        if self._excluded(rel, is_dir=False):
            return None
        if stat.S_ISLNK(mode):
            return self._symlink(dir_fd, entry.name, rel, info.st_size)
        if stat.S_ISREG(mode):
            opener: Callable[[], BinaryIO] = partial(open_regular, self._root, rel)
            return FileBlob(
                path=rel,
                kind=EntryType.FILE,
                size=info.st_size,
                executable=bool(mode & 0o111),
                open=opener,
            )
        return FileBlob(rel, EntryType.OTHER, problem=f"special file ({special_kind(mode)})")

    @staticmethod
    def _symlink(dir_fd: int, name: str, rel: str, size: int) -> FileBlob:
        if size > MAX_LINK_TARGET:
            return FileBlob(rel, EntryType.SYMLINK, size=size, problem="symlink target too long")
        try:
            target = os.readlink(name, dir_fd=dir_fd)
        except OSError as exc:
            return FileBlob(rel, EntryType.SYMLINK, problem=f"unreadable symlink: {exc.strerror}")
        problem = PROBLEM_LINK_OUTSIDE if link_escapes(rel, target) else None
        return FileBlob(
            rel, EntryType.SYMLINK, size=len(os.fsencode(target)), target=target, problem=problem
        )
