"""Tree-to-tree deltas read only the subtrees that differ."""

from __future__ import annotations

from typing import Any

from integrity.gitflow.objects import ObjectReader
from integrity.sources.git import open_repo, resolve_commit


class CountingOdb:
    """Wraps an object database and records which objects were streamed."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.streamed: list[bytes] = []

    def stream(self, binsha: bytes) -> Any:
        self.streamed.append(binsha)
        return self.inner.stream(binsha)

    def info(self, binsha: bytes) -> Any:
        return self.inner.info(binsha)


def test_equal_subtrees_are_never_opened(git_repo) -> None:  # type: ignore[no-untyped-def]
    files = {f"d{i}/sub/f{j}.txt": f"{i}-{j}\n" for i in range(20) for j in range(5)}
    git_repo.commit(files, "init")
    git_repo.commit({"d7/sub/f3.txt": "changed\n", "new/x.txt": "x\n"}, "change")
    repo = open_repo(git_repo.path)
    old = resolve_commit(repo, "HEAD~1").tree.binsha
    new = resolve_commit(repo, "HEAD").tree.binsha
    odb = CountingOdb(repo.odb)
    deltas = list(ObjectReader(odb).diff(old, new))
    assert [(d.path, d.old is None, d.new is None) for d in deltas] == [
        ("d7/sub/f3.txt", False, False),
        ("new/x.txt", True, False),
    ]
    # two roots, d7 and d7/sub on both sides, and new/ on one side: 7 trees, no blobs
    assert len(odb.streamed) == 7


def test_file_replaced_by_directory(git_repo) -> None:  # type: ignore[no-untyped-def]
    git_repo.commit({"a": "file\n"}, "init")
    git_repo.git("rm", "-q", "a")
    git_repo.commit({"a/b.txt": "now a dir\n"}, "dir")
    repo = open_repo(git_repo.path)
    reader = ObjectReader(repo.odb)
    old = resolve_commit(repo, "HEAD~1").tree.binsha
    new = resolve_commit(repo, "HEAD").tree.binsha
    got = sorted((d.path, d.old is not None, d.new is not None) for d in reader.diff(old, new))
    assert got == [("a", True, False), ("a/b.txt", False, True)]
