"""GitSource: a commit's tree from the object database; nothing in the repo ever runs."""

from __future__ import annotations

import os
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

from integrity.errors import ExitCode, SourceError
from integrity.model import EntryType, FileBlob
from integrity.sources import SourceLimits, open_source
from integrity.sources.git import GitSource, open_repo

_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
    "GIT_AUTHOR_DATE": "2024-01-01T00:00:00Z",
    "GIT_COMMITTER_DATE": "2024-01-01T00:00:00Z",
    "GIT_CONFIG_NOSYSTEM": "1",
    "HOME": "/nonexistent",
}
SUB_SHA = "1234567890abcdef1234567890abcdef12345678"


def git(repo: Path, *args: str, stdin: bytes | None = None) -> str:
    env = {**os.environ, **_ENV}
    done = subprocess.run(
        ["git", "-C", str(repo), *args], input=stdin, capture_output=True, check=True, env=env
    )
    return done.stdout.decode().strip()


def make_repo(root: Path) -> Path:
    """A repo with a file, an executable, symlinks in and out, a gitlink and a tag."""
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "src").mkdir()
    (root / "src" / "main.c").write_bytes(b"int main(void) { return 0; }\n")
    (root / "run.sh").write_bytes(b"#!/bin/sh\necho hi\n")
    (root / "run.sh").chmod(0o755)
    (root / "link-in").symlink_to("src/main.c")
    (root / "link-out").symlink_to("../../etc/passwd")
    (root / "abs").symlink_to("/etc/passwd")
    (root / ".gitignore").write_bytes(b"*.log\n")
    git(root, "add", "-A")
    git(root, "update-index", "--add", "--cacheinfo", f"160000,{SUB_SHA},sub")
    git(root, "commit", "-q", "-m", "first")
    git(root, "tag", "-a", "-m", "release", "v1")
    return root


def listing(source: GitSource) -> dict[str, FileBlob]:
    return {blob.path: blob for blob in source.iter_files()}


def read(blob: FileBlob) -> bytes:
    assert blob.open is not None
    with blob.open() as stream:
        return stream.read()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo")


def test_tree_entries_are_sorted_and_typed(repo: Path) -> None:
    blobs = list(GitSource(repo, "HEAD").iter_files())

    assert [b.path for b in blobs] == [
        ".gitignore",
        "abs",
        "link-in",
        "link-out",
        "run.sh",
        "src/main.c",
        "sub",
    ]
    kinds = {b.path: b.kind for b in blobs}
    assert kinds["src/main.c"] is EntryType.FILE
    assert kinds["abs"] is EntryType.SYMLINK
    assert kinds["sub"] is EntryType.GITLINK


def test_file_content_size_and_exec_bit(repo: Path) -> None:
    found = listing(GitSource(repo, "main"))

    assert read(found["src/main.c"]) == b"int main(void) { return 0; }\n"
    assert found["src/main.c"].size == 29
    assert found["src/main.c"].executable is False
    assert found["run.sh"].executable is True
    assert read(found["run.sh"]) == b"#!/bin/sh\necho hi\n"
    assert read(found["run.sh"]) == b"#!/bin/sh\necho hi\n"  # a fresh stream each time


def test_gitlink_records_the_commit_and_has_no_content(repo: Path) -> None:
    sub = listing(GitSource(repo, "HEAD"))["sub"]

    assert sub.kind is EntryType.GITLINK
    assert sub.target == SUB_SHA
    assert sub.open is None
    assert sub.problem is None


def test_symlinks_record_targets_and_escapes(repo: Path) -> None:
    found = listing(GitSource(repo, "HEAD"))

    assert found["link-in"].target == "src/main.c"
    assert found["link-in"].problem is None
    assert found["link-out"].target == "../../etc/passwd"
    assert found["link-out"].problem == "symlink points outside the tree"
    assert found["abs"].target == "/etc/passwd"
    assert found["abs"].problem == "symlink points outside the tree"
    assert all(found[p].open is None for p in ("link-in", "link-out", "abs"))


def test_info_names_ref_and_commit(repo: Path) -> None:
    source = GitSource(repo, "v1")

    assert source.info.kind == "git"
    assert source.info.location == str(repo)
    assert source.info.ref == "v1"
    assert source.info.commit == git(repo, "rev-parse", "HEAD")
    assert source.random_access is False


def test_reads_an_older_commit_without_touching_the_worktree(repo: Path) -> None:
    first = git(repo, "rev-parse", "HEAD")
    (repo / "src" / "main.c").write_bytes(b"changed\n")
    git(repo, "commit", "-q", "-am", "second")
    (repo / "src" / "main.c").write_bytes(b"dirty worktree\n")

    old = listing(GitSource(repo, first[:10]))
    new = listing(GitSource(repo, "HEAD"))
    parent = listing(GitSource(repo, "HEAD~1"))

    assert read(old["src/main.c"]) == b"int main(void) { return 0; }\n"
    assert read(parent["src/main.c"]) == b"int main(void) { return 0; }\n"
    assert read(new["src/main.c"]) == b"changed\n"
    assert (repo / "src" / "main.c").read_bytes() == b"dirty worktree\n"


def test_hostile_file_names_round_trip(tmp_path: Path) -> None:
    root = tmp_path / "names"
    root.mkdir()
    git(root, "init", "-q")
    raw_names = [b"bad\xff.c", b"new\nline.c", b"\x1b[31mred.c"]
    for raw in raw_names:
        with open(os.path.join(os.fsencode(root), raw), "wb") as handle:
            handle.write(raw)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "names")

    found = listing(GitSource(root, "HEAD"))

    assert sorted(found) == sorted(os.fsdecode(raw) for raw in raw_names)
    for raw in raw_names:
        assert read(found[os.fsdecode(raw)]) == raw


def test_tree_entry_escaping_the_tree_is_recorded(repo: Path) -> None:
    blob_sha = git(repo, "hash-object", "-w", "--stdin", stdin=b"payload\n")
    entry = b"100644 ..\0" + bytes.fromhex(blob_sha)
    tree = git(repo, "hash-object", "-w", "-t", "tree", "--literally", "--stdin", stdin=entry)
    commit = git(repo, "commit-tree", tree, "-m", "hostile")

    found = listing(GitSource(repo, commit))

    assert list(found) == [".."]
    assert found[".."].kind is EntryType.OTHER
    assert found[".."].problem == "path escapes the tree"
    assert found[".."].open is None


def test_bare_clone_is_readable(repo: Path, tmp_path: Path) -> None:
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo), str(bare))

    found = listing(GitSource(bare, "v1"))

    assert read(found["src/main.c"]) == b"int main(void) { return 0; }\n"
    assert found["sub"].target == SUB_SHA


def test_unknown_ref_is_a_source_error(repo: Path) -> None:
    with pytest.raises(SourceError, match="unknown git revision 'no-such-branch'") as caught:
        GitSource(repo, "no-such-branch")
    assert caught.value.exit_code == ExitCode.INVALID_INPUT


def test_ref_naming_a_blob_is_a_source_error(repo: Path) -> None:
    with pytest.raises(SourceError, match="is a blob, not a commit"):
        GitSource(repo, "HEAD:run.sh")


@pytest.mark.parametrize("ref", [":/first", "HEAD^{/first}", ":run.sh", "--output=x"])
def test_revisions_needing_a_subprocess_or_index_are_refused(repo: Path, ref: str) -> None:
    with pytest.raises(SourceError, match="unsupported git revision"):
        GitSource(repo, ref)


def test_not_a_repository_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="not a git repository"):
        GitSource(tmp_path, "HEAD")
    with pytest.raises(SourceError, match="not a git repository"):
        GitSource(tmp_path / "missing", "HEAD")


def test_repository_without_commits_is_a_source_error(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    with pytest.raises(SourceError, match="unknown git revision 'HEAD'"):
        GitSource(tmp_path, "HEAD")


def test_open_source_git_spec(repo: Path) -> None:
    source = open_source("git:v1", repo=repo)
    assert isinstance(source, GitSource)
    assert source.info.ref == "v1"
    with pytest.raises(SourceError):
        open_source("git:nope", repo=repo)


def test_open_repo_returns_a_repo_that_refuses_subprocesses(repo: Path) -> None:
    opened = open_repo(repo)
    assert opened.head.commit.hexsha == git(repo, "rev-parse", "HEAD")
    with pytest.raises(SourceError, match="refusing to run a git subprocess"):
        opened.git.status()


def _arm(repo: Path, marker: Path) -> None:
    """Make the repo try to run code on every hook, fsmonitor, filter and ssh call."""
    command = f"touch {marker}"
    with (repo / ".git" / "config").open("a") as config:
        config.write(
            f'[core]\n\tfsmonitor = "{command}"\n\tsshCommand = "{command}"\n'
            f'\thooksPath = .git/hooks\n[filter "evil"]\n\tclean = "{command}"\n'
            f'\tsmudge = "{command}"\n\tprocess = "{command}"\n'
            f"[include]\n\tpath = {repo / 'included.cfg'}\n"
        )
    (repo / "included.cfg").write_text(f'[core]\n\tfsmonitor = "{command}"\n')
    (repo / ".git" / "info").mkdir(exist_ok=True)
    (repo / ".git" / "info" / "attributes").write_text("* filter=evil\n")
    for hook in ("post-checkout", "pre-commit", "post-index-change", "reference-transaction"):
        path = repo / ".git" / "hooks" / hook
        path.write_text(f"#!/bin/sh\n{command}\n")
        path.chmod(0o755)


def test_hostile_repo_config_and_hooks_never_run(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "MARKER"
    _arm(repo, marker)
    spawned: list[Any] = []

    def refuse(*args: Any, **kwargs: Any) -> Any:
        spawned.append(args)
        raise AssertionError(f"subprocess spawned: {args!r}")

    monkeypatch.setattr(subprocess, "Popen", refuse)
    monkeypatch.setattr(os, "system", refuse)

    source = GitSource(repo, "HEAD")
    contents = {blob.path: read(blob) for blob in source.iter_files() if blob.open is not None}
    open_repo(repo).head.commit.tree.hexsha  # noqa: B018 - the reusable helper, too

    monkeypatch.undo()
    assert spawned == []
    assert not marker.exists()
    assert contents["src/main.c"] == b"int main(void) { return 0; }\n"
    assert sorted(contents) == [".gitignore", "run.sh", "src/main.c"]


def test_the_armed_repo_really_runs_code_under_plain_git(repo: Path, tmp_path: Path) -> None:
    """Control for the test above: the same arming does fire when git itself is used."""
    marker = tmp_path / "MARKER"
    _arm(repo, marker)

    env = {**os.environ, **_ENV}
    subprocess.run(["git", "-C", str(repo), "status"], capture_output=True, env=env, check=False)

    assert marker.exists()


def test_git_bomb_tree_walk_stops_at_the_entry_cap(repo: Path) -> None:
    blob_sha = git(repo, "hash-object", "-w", "--stdin", stdin=b"x\n")
    tree = git(
        repo, "mktree", stdin="".join(f"100644 blob {blob_sha}\tf{i}\n" for i in range(10)).encode()
    )
    for _ in range(4):  # 10**5 paths from five small tree objects
        listing_text = "".join(f"040000 tree {tree}\td{i}\n" for i in range(10))
        tree = git(repo, "mktree", stdin=listing_text.encode())
    commit = git(repo, "commit-tree", tree, "-m", "bomb")

    blobs = list(GitSource(repo, commit, SourceLimits(max_members=50)).iter_files())

    stops = [b for b in blobs if b.problem is not None]
    assert len(stops) == 1
    assert stops[0].kind is EntryType.OTHER
    assert stops[0].problem == "tree walk stopped: more than 50 entries"
    assert len(blobs) < 60


def test_fifo_in_the_object_store_is_refused_without_hanging(repo: Path) -> None:
    os.mkfifo(repo / ".git" / "refs" / "heads" / "evil")

    def attempt() -> None:
        with pytest.raises(SourceError, match="is a special file"):
            GitSource(repo, "HEAD")

    thread = threading.Thread(target=attempt, daemon=True)
    thread.start()
    thread.join(10)
    assert not thread.is_alive()


def test_config_include_pointing_at_a_fifo_is_not_followed(repo: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "include.fifo"
    os.mkfifo(fifo)
    with (repo / ".git" / "config").open("a") as config:
        config.write(f'[include]\n\tpath = {fifo}\n[includeIf "gitdir:{repo}/"]\n\tpath = {fifo}\n')
    found: list[str] = []

    def attempt() -> None:
        found.extend(blob.path for blob in GitSource(repo, "HEAD").iter_files())

    thread = threading.Thread(target=attempt, daemon=True)
    thread.start()
    thread.join(10)

    assert not thread.is_alive()
    assert "src/main.c" in found
