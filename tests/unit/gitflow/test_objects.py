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


def _mktree(repo_path: Any, lines: list[str]) -> str:
    import subprocess

    done = subprocess.run(
        ["git", "-C", str(repo_path), "mktree"],
        input="".join(f"{line}\n" for line in lines).encode(),
        capture_output=True,
        check=True,
    )
    return done.stdout.decode().strip()


def _blob(repo_path: Any, data: bytes) -> str:
    import subprocess

    done = subprocess.run(
        ["git", "-C", str(repo_path), "hash-object", "-w", "--stdin"],
        input=data,
        capture_output=True,
        check=True,
    )
    return done.stdout.decode().strip()


def test_git_bomb_and_deep_nesting_are_cut_short(git_repo) -> None:  # type: ignore[no-untyped-def]
    blob = _blob(git_repo.path, b"boom\n")
    tree = _mktree(git_repo.path, [f"100644 blob {blob}\tf{i}" for i in range(10)])
    for _ in range(6):  # 10**7 paths, 70 tree objects
        tree = _mktree(git_repo.path, [f"040000 tree {tree}\td{i}" for i in range(10)])
    reader = ObjectReader(open_repo(git_repo.path).odb)
    deltas = list(reader.diff(None, bytes.fromhex(tree), max_entries=5_000))
    assert len(deltas) <= 5_001
    assert deltas[-1].problem == "tree walk stopped: more than 5000 entries"
    walked = list(reader.walk(bytes.fromhex(tree), max_entries=5_000))
    assert walked[-1][2] == "tree walk stopped: more than 5000 entries"
    deep = _mktree(git_repo.path, [f"100644 blob {blob}\tleaf"])
    for _ in range(300):
        deep = _mktree(git_repo.path, [f"040000 tree {deep}\td"])
    problems = [d.problem for d in reader.diff(None, bytes.fromhex(deep)) if d.problem]
    assert problems == ["tree nested deeper than 256 levels"]
