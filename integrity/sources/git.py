"""A git commit's tree as a Source, read from the object database and never checked out.

Safety: the repository may be hostile (core.fsmonitor, hooks, core.sshCommand, filters, include
paths). `open_repo` builds a GitPython Repo on the pure-python GitDB object database, reads the
repository config without following `include.path`, and gives it a git-command wrapper that
refuses to run anything, so no code path here can spawn `git` or anything the repo configures.
Trees are walked by parsing the raw tree objects, so a hostile entry name becomes a recorded
problem instead of an aborted scan.
"""

from __future__ import annotations

import os
import stat
import warnings
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, NoReturn

import git
import git.exc

from integrity.errors import SourceError
from integrity.model import EntryType, FileBlob, SourceInfo
from integrity.sources._common import (
    MAX_LINK_TARGET,
    PROBLEM_LINK_OUTSIDE,
    Readable,
    SourceLimits,
    bounded,
    link_escapes,
)

_MODE_TREE = 0o040000
_MODE_GITLINK = 0o160000
_MODE_SYMLINK = 0o120000
_MAX_TREE_OBJECT = 64 << 20
_BAD_COMPONENTS = frozenset({"", ".", ".."})


class _RefusingGit(git.Git):
    """A git command wrapper that never executes anything."""

    def execute(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise SourceError("refusing to run a git subprocess on a repository being audited")


class _SafeRepo(git.Repo):
    """A Repo that cannot spawn git and reads its config without following includes."""

    GitCommandWrapperType = _RefusingGit

    def _config_reader(
        self,
        config_level: Any = None,
        git_dir: Any = None,
    ) -> git.GitConfigParser:
        if config_level is None:
            files = [self._get_config_path(level, git_dir) for level in self.config_level]
        else:
            files = [self._get_config_path(config_level, git_dir)]
        return git.GitConfigParser(files, read_only=True, merge_includes=False)


def _check_not_special(path: Path | str) -> None:
    """Refuse repository files that are FIFOs or devices: reading one could hang or never end."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise SourceError(f"not a usable repository: {os.fsdecode(path)!r} is a special file")


def _check_tree(top: str, depth: int) -> None:
    """_check_not_special on everything up to `depth` levels below `top` (links followed)."""
    pending = [(top, 0)]
    while pending:
        folder, level = pending.pop()
        try:
            with os.scandir(folder) as listing:
                children = [entry.path for entry in listing]
        except OSError:
            continue
        for child in children:
            _check_not_special(child)
            if level < depth and os.path.isdir(child):
                pending.append((child, level + 1))


def _check_object_store(repo: git.Repo) -> None:
    """The files GitDB and the ref reader open must be regular files."""
    common = repo.common_dir
    _check_tree(os.path.join(common, "objects"), 1)
    _check_tree(os.path.join(common, "refs"), 8)
    for name in ("HEAD", "packed-refs", "config"):
        _check_not_special(os.path.join(repo.git_dir, name))
        _check_not_special(os.path.join(common, name))


def open_repo(path: Path) -> git.Repo:
    """A Repo on `path` (worktree or bare) that reads objects in pure python and runs nothing."""
    path = Path(path)
    if not path.is_dir():
        raise SourceError(f"not a git repository: {os.fsdecode(path)!r} is not a directory")
    for meta in (".git", "config", "HEAD", "packed-refs", "commondir", "gitdir"):
        _check_not_special(path / meta)
        _check_not_special(path / ".git" / meta)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            repo = _SafeRepo(path, odbt=git.GitDB, expand_vars=False)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError) as exc:
        raise SourceError(f"not a git repository: {os.fsdecode(path)!r}") from exc
    except (OSError, ValueError) as exc:
        raise SourceError(f"cannot open git repository {os.fsdecode(path)!r}: {exc}") from exc
    _check_object_store(repo)
    return repo


def resolve_commit(repo: git.Repo, ref: str) -> git.Commit:
    """`ref` (branch, tag, sha, `HEAD~2`...) peeled to a commit, or SourceError."""
    # ":/msg", "^{/msg}" search and ":path" index lookups would need a subprocess or the index.
    if not ref or ref.startswith(":") or "{/" in ref or ref.startswith("-"):
        raise SourceError(f"unsupported git revision {ref!r}: name a branch, tag or commit")
    try:
        obj: Any = repo.rev_parse(ref)
        while obj.type == "tag":
            obj = obj.object
    except (
        git.exc.ODBError,
        ValueError,
        IndexError,
        KeyError,
        OSError,
        TypeError,
        NotImplementedError,
    ) as exc:
        raise SourceError(f"unknown git revision {ref!r} in {repo.git_dir!r}") from exc
    if not isinstance(obj, git.Commit):
        raise SourceError(f"git revision {ref!r} is a {obj.type}, not a commit")
    return obj


def _translate(exc: BaseException) -> BaseException | None:
    if isinstance(exc, (zlib.error, git.exc.ODBError)):
        return SourceError(f"corrupt git object: {exc}")
    return None


def _parse_tree(data: bytes) -> Iterator[tuple[int, str, bytes]]:
    """(mode, name, binsha) for each entry of a raw tree object; ValueError when malformed."""
    pos = 0
    while pos < len(data):
        space = data.index(b" ", pos)
        nul = data.index(b"\0", space)
        if nul + 21 > len(data):
            raise ValueError("truncated tree entry")
        mode = int(data[pos:space], 8)
        yield mode, os.fsdecode(data[space + 1 : nul]), data[nul + 1 : nul + 21]
        pos = nul + 21


class GitSource:
    """The tree of one commit, read from `repo`'s object database."""

    def __init__(self, repo: Path, ref: str, limits: SourceLimits | None = None) -> None:
        self._max_entries = (limits if limits is not None else SourceLimits()).max_members
        self._repo = open_repo(repo)
        self._commit = resolve_commit(self._repo, ref)
        self._info = SourceInfo(kind="git", location=str(repo), ref=ref, commit=self._commit.hexsha)

    @property
    def info(self) -> SourceInfo:
        """kind "git", the repository, the ref as given and the commit it names."""
        return self._info

    @property
    def random_access(self) -> bool:
        """False: blobs may be opened after the iterator moves on, but GitDB's memory-map
        manager (smmap) is not thread-safe, so they must not be read from several threads."""
        return False

    def iter_files(self) -> Iterator[FileBlob]:
        """Every blob, symlink and gitlink of the commit's tree, sorted by path."""
        try:
            entries = sorted(self._walk(self._commit.tree.binsha), key=lambda blob: blob.path)
        except (ValueError, git.exc.ODBError, zlib.error) as exc:
            raise SourceError(f"corrupt git tree in {self._info.ref!r}: {exc}") from exc
        yield from entries

    def _read_object(self, binsha: bytes, kind: bytes, limit: int) -> bytes:
        stream = self._repo.odb.stream(binsha)
        if stream.type != kind:
            raise ValueError(f"expected a {kind!r} object, found {stream.type!r}")
        if stream.size > limit:
            raise ValueError(f"{kind!r} object larger than {limit} bytes")
        data: bytes = stream.read(limit)
        return data

    def _walk(self, root: bytes) -> Iterator[FileBlob]:
        pending: list[tuple[str, bytes]] = [("", root)]
        count = 0
        while pending:
            prefix, binsha = pending.pop()
            for mode, name, sha in _parse_tree(
                self._read_object(binsha, b"tree", _MAX_TREE_OBJECT)
            ):
                path = f"{prefix}{name}"
                count += 1
                if count > self._max_entries:  # a "git bomb" reuses one subtree many times
                    why = f"tree walk stopped: more than {self._max_entries} entries"
                    yield FileBlob(path, EntryType.OTHER, problem=why)
                    return
                if name in _BAD_COMPONENTS or "/" in name:
                    yield FileBlob(path, EntryType.OTHER, problem="path escapes the tree")
                elif stat.S_IFMT(mode) == _MODE_TREE:
                    pending.append((path + "/", sha))
                else:
                    yield self._entry(path, mode, sha)

    def _entry(self, path: str, mode: int, binsha: bytes) -> FileBlob:
        kind = stat.S_IFMT(mode)
        if kind == _MODE_GITLINK:
            return FileBlob(path, EntryType.GITLINK, target=binsha.hex())
        if kind == _MODE_SYMLINK:
            return self._symlink(path, binsha)
        if kind != stat.S_IFREG:
            return FileBlob(path, EntryType.OTHER, problem=f"unknown git mode {mode:o}")
        size = self._repo.odb.info(binsha).size
        odb = self._repo.odb

        def opener() -> BinaryIO:
            inner: Readable = odb.stream(binsha)
            return bounded(inner, size, _translate)

        return FileBlob(path, EntryType.FILE, size=size, executable=bool(mode & 0o111), open=opener)

    def _symlink(self, path: str, binsha: bytes) -> FileBlob:
        size = self._repo.odb.info(binsha).size
        if size > MAX_LINK_TARGET:
            return FileBlob(path, EntryType.SYMLINK, size=size, problem="symlink target too long")
        target = os.fsdecode(self._read_object(binsha, b"blob", MAX_LINK_TARGET))
        problem = PROBLEM_LINK_OUTSIDE if link_escapes(path, target) else None
        return FileBlob(path, EntryType.SYMLINK, size=size, target=target, problem=problem)
