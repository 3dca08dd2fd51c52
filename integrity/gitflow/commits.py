"""Commit graph walks done in pure python over the object database: merge-base and ranges.

Both walk commits newest first by committer date, the way git does, with flags painted down
the graph; neither enumerates history beyond what the answer needs.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count

import git

_LEFT = 1
_RIGHT = 2
_STALE = 4
_UNINTERESTING = 8


@dataclass(frozen=True, slots=True)
class CommitFacts:
    """Who and when of one commit, as recorded in the commit object."""

    hexsha: str
    author: str
    author_email: str
    committer: str
    committer_email: str
    date: str
    subject: str
    parents: int

    @property
    def short(self) -> str:
        """The first 12 hex digits."""
        return self.hexsha[:12]


def facts_of(commit: git.Commit) -> CommitFacts:
    """The attribution of a commit (names and subject stripped of control characters)."""
    message = commit.message if isinstance(commit.message, str) else commit.message.decode()
    subject = message.strip().splitlines()[0] if message.strip() else ""
    return CommitFacts(
        hexsha=commit.hexsha,
        author=_clean(commit.author.name or ""),
        author_email=_clean(commit.author.email or ""),
        committer=_clean(commit.committer.name or ""),
        committer_email=_clean(commit.committer.email or ""),
        date=commit.committed_datetime.isoformat(),
        subject=_clean(subject)[:200],
        parents=len(commit.parents),
    )


def _clean(text: str) -> str:
    return "".join(c if c.isprintable() else " " for c in text)


class _Queue:
    """Commits ordered newest first; ties broken by insertion order."""

    def __init__(self) -> None:
        self._heap: list[tuple[int, int, git.Commit]] = []
        self._order = count()

    def push(self, commit: git.Commit) -> None:
        heapq.heappush(self._heap, (-commit.committed_date, next(self._order), commit))

    def pop(self) -> git.Commit:
        return heapq.heappop(self._heap)[2]

    def commits(self) -> Iterator[git.Commit]:
        return (item[2] for item in self._heap)

    def __bool__(self) -> bool:
        return bool(self._heap)


def parents_of(commit: git.Commit) -> list[git.Commit]:
    """The parents present in the object database: in a shallow clone the grafted oldest
    commits name parents that were never fetched, and history ends there (as in git)."""
    odb = commit.repo.odb
    return [parent for parent in commit.parents if odb.has_object(parent.binsha)]


def merge_base(left: git.Commit, right: git.Commit) -> git.Commit | None:
    """The newest common ancestor of two commits (None for unrelated histories)."""
    if left.binsha == right.binsha:
        return left
    flags: dict[bytes, int] = {left.binsha: _LEFT, right.binsha: _RIGHT}
    queue = _Queue()
    queue.push(left)
    queue.push(right)
    found: list[git.Commit] = []
    while queue and any(not flags[c.binsha] & _STALE for c in queue.commits()):
        commit = queue.pop()
        mark = flags[commit.binsha]
        if mark & (_LEFT | _RIGHT) == _LEFT | _RIGHT and not mark & _STALE:
            found.append(commit)
            mark |= _STALE
            flags[commit.binsha] = mark
        for parent in parents_of(commit):
            before = flags.get(parent.binsha, 0)
            after = before | mark
            if after != before:
                flags[parent.binsha] = after
                queue.push(parent)
    return found[0] if found else None


def commit_range(until: git.Commit, since: git.Commit | None) -> Iterator[git.Commit]:
    """Commits reachable from `until` but not from `since`, newest first (like since..until).

    Memory holds one flag per commit walked, not the commits themselves.
    """
    flags: dict[bytes, int] = {until.binsha: 0}
    queue = _Queue()
    queue.push(until)
    if since is not None:
        flags[since.binsha] = flags.get(since.binsha, 0) | _UNINTERESTING
        queue.push(since)
    while queue and any(not flags[c.binsha] & _UNINTERESTING for c in queue.commits()):
        commit = queue.pop()
        mark = flags[commit.binsha]
        if mark & _STALE:
            continue
        flags[commit.binsha] = mark | _STALE
        if not mark & _UNINTERESTING:
            yield commit
        for parent in parents_of(commit):
            before = flags.get(parent.binsha)
            inherited = mark & _UNINTERESTING
            if before is None:
                flags[parent.binsha] = inherited
                queue.push(parent)
            elif inherited and not before & _UNINTERESTING:
                flags[parent.binsha] = before | _UNINTERESTING
                if not before & _STALE:
                    queue.push(parent)
