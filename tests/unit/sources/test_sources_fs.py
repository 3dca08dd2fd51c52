"""DirectorySource: every file counts, hostile entries are recorded and never followed."""

from __future__ import annotations

import os
import socket
import threading
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from integrity.errors import ExitCode, SourceError
from integrity.model import EntryType, FileBlob
from integrity.sources import DirectorySource, open_source

T = TypeVar("T")


def finishes(fn: Callable[[], T], seconds: float = 10.0) -> T:
    """Run fn in a daemon thread; fail (instead of hanging the suite) if it blocks."""
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "blocked: a FIFO or device was opened"
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]


def entries(root: Path, excludes: tuple[str, ...] = ()) -> dict[str, FileBlob]:
    return {blob.path: blob for blob in DirectorySource(root, excludes).iter_files()}


def read(blob: FileBlob) -> bytes:
    assert blob.open is not None
    with blob.open() as stream:
        return stream.read()


def test_files_are_sorted_with_sizes_exec_bits_and_content(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "run.sh").write_bytes(b"#!/bin/sh\n")
    (tmp_path / "b" / "run.sh").chmod(0o755)
    (tmp_path / "a-b").write_bytes(b"12345")
    (tmp_path / "a.c").write_bytes(b"int x;\n")

    blobs = list(DirectorySource(tmp_path).iter_files())

    assert [b.path for b in blobs] == ["a-b", "a.c", "b/run.sh"]
    by_path = {b.path: b for b in blobs}
    assert by_path["a-b"].kind is EntryType.FILE
    assert by_path["a-b"].size == 5
    assert by_path["a-b"].executable is False
    assert by_path["b/run.sh"].executable is True
    assert read(by_path["b/run.sh"]) == b"#!/bin/sh\n"
    assert all(b.problem is None for b in blobs)


def test_info_and_random_access(tmp_path: Path) -> None:
    source = DirectorySource(tmp_path)
    assert source.info.kind == "directory"
    assert source.info.location == str(tmp_path)
    assert source.random_access is True


def test_symlink_to_etc_passwd_is_recorded_not_followed(tmp_path: Path) -> None:
    (tmp_path / "pw").symlink_to("/etc/passwd")

    blob = entries(tmp_path)["pw"]

    assert blob.kind is EntryType.SYMLINK
    assert blob.target == "/etc/passwd"
    assert blob.problem == "symlink points outside the tree"
    assert blob.open is None


def test_symlink_climbing_out_is_recorded(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "up").symlink_to("../..")
    (tmp_path / "sub" / "sibling").symlink_to("../sub/x")

    found = entries(tmp_path)

    assert found["sub/up"].kind is EntryType.SYMLINK
    assert found["sub/up"].target == "../.."
    assert found["sub/up"].problem == "symlink points outside the tree"
    assert found["sub/sibling"].target == "../sub/x"
    assert found["sub/sibling"].problem is None


def test_symlinked_directory_is_not_walked(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret").write_bytes(b"s")
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "escape").symlink_to(outside)

    found = entries(tree)

    assert list(found) == ["escape"]
    assert found["escape"].problem == "symlink points outside the tree"


def test_symlink_loop_is_just_a_symlink(tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    (tmp_path / "self").symlink_to("self")

    found = finishes(lambda: entries(tmp_path))

    assert sorted(found) == ["a", "b", "self"]
    assert found["a"].target == "b"
    assert found["self"].target == "self"
    assert all(b.kind is EntryType.SYMLINK and b.problem is None for b in found.values())


def test_fifo_is_recorded_and_never_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")

    found = finishes(lambda: entries(tmp_path))

    assert found["pipe"].kind is EntryType.OTHER
    assert found["pipe"].problem == "special file (fifo)"
    assert found["pipe"].open is None


def test_unix_socket_is_recorded_and_never_opened(tmp_path: Path) -> None:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(tmp_path / "sock"))
        found = finishes(lambda: entries(tmp_path))
    finally:
        server.close()

    assert found["sock"].kind is EntryType.OTHER
    assert found["sock"].problem == "special file (socket)"
    assert found["sock"].open is None


def test_file_swapped_for_fifo_after_listing_is_refused(tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(b"data")
    blob = entries(tmp_path)["f"]
    assert blob.open is not None
    opener = blob.open
    (tmp_path / "f").unlink()
    os.mkfifo(tmp_path / "f")

    with pytest.raises(OSError, match="not a regular file"):
        finishes(opener)


def test_file_swapped_for_symlink_after_listing_is_refused(tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(b"data")
    blob = entries(tmp_path)["f"]
    assert blob.open is not None
    opener = blob.open
    (tmp_path / "f").unlink()
    (tmp_path / "f").symlink_to("/etc/passwd")

    with pytest.raises(OSError):
        opener()


def test_directory_swapped_for_symlink_after_listing_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "f").write_bytes(b"outside secret")
    tree = tmp_path / "tree"
    (tree / "d").mkdir(parents=True)
    (tree / "d" / "f").write_bytes(b"inside")
    blob = entries(tree)["d/f"]
    assert blob.open is not None
    opener = blob.open
    (tree / "d").rename(tree / "d-old")
    (tree / "d").symlink_to(outside)

    with pytest.raises(OSError):
        opener()


@pytest.mark.slow
def test_two_gib_sparse_file_reads_in_bounded_memory(tmp_path: Path) -> None:
    big = tmp_path / "big.bin"
    size = 2 << 30
    with big.open("wb") as handle:
        handle.truncate(size)

    blob = entries(tmp_path)["big.bin"]
    assert blob.size == size
    assert blob.open is not None
    total = 0
    tracemalloc.start()
    try:
        with blob.open() as stream:
            while chunk := stream.read(1 << 20):
                total += len(chunk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert total == size
    assert peak < 8 << 20


def test_hostile_names_round_trip(tmp_path: Path) -> None:
    raw_names = [b"new\nline.c", b"bad\xff\xfeutf8.c", b"\x1b[31mred\x1b[0m.c", b"tab\there"]
    root = os.fsencode(tmp_path)
    for index, raw in enumerate(raw_names):
        with open(os.path.join(root, raw), "wb") as handle:
            handle.write(b"content %d" % index)

    found = entries(tmp_path)

    assert sorted(found) == sorted(os.fsdecode(raw) for raw in raw_names)
    for index, raw in enumerate(raw_names):
        blob = found[os.fsdecode(raw)]
        assert os.fsencode(blob.path) == raw
        assert read(blob) == b"content %d" % index


def test_gitignored_files_are_included(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("*.m4\nbuild/\n")
    (tmp_path / "m4").mkdir()
    (tmp_path / "m4" / "build-to-host.m4").write_text("evil")
    (tmp_path / "build").mkdir()
    (tmp_path / "build" / "out.o").write_bytes(b"\x7fELF")

    assert sorted(entries(tmp_path)) == [".gitignore", "build/out.o", "m4/build-to-host.m4"]


def test_dot_git_directories_are_skipped(tmp_path: Path) -> None:
    (tmp_path / ".git" / "hooks").mkdir(parents=True)
    (tmp_path / ".git" / "config").write_text("[core]\n")
    (tmp_path / ".git" / "hooks" / "pre-commit").write_text("#!/bin/sh\n")
    (tmp_path / "vendor" / "lib" / ".git").mkdir(parents=True)
    (tmp_path / "vendor" / "lib" / ".git" / "HEAD").write_text("ref\n")
    (tmp_path / "vendor" / "lib" / "lib.c").write_text("int y;\n")
    (tmp_path / "src.c").write_text("int x;\n")

    assert sorted(entries(tmp_path)) == ["src.c", "vendor/lib/lib.c"]


def test_excludes_are_honoured(tmp_path: Path) -> None:
    for rel in ["build/x.c", "src/a.c", "src/a.o", "docs/deep/readme.md", "keep.md"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(rel)

    found = entries(tmp_path, excludes=("build/", "*.o", "docs"))

    assert sorted(found) == ["keep.md", "src/a.c"]


def test_root_that_is_a_symlink_is_resolved_once(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "f").write_text("x")
    (real / "out").symlink_to("/etc")
    link = tmp_path / "link"
    link.symlink_to(real)

    found = entries(link)

    assert sorted(found) == ["f", "out"]
    assert found["f"].kind is EntryType.FILE
    assert found["out"].kind is EntryType.SYMLINK
    assert found["out"].problem == "symlink points outside the tree"


def test_empty_tree_yields_nothing(tmp_path: Path) -> None:
    (tmp_path / "empty-dir").mkdir()
    assert list(DirectorySource(tmp_path).iter_files()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root can list any directory")
def test_unreadable_directory_is_recorded(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "f").write_text("x")
    locked.chmod(0)
    try:
        found = entries(tmp_path)
    finally:
        locked.chmod(0o755)

    assert found["locked"].kind is EntryType.OTHER
    assert found["locked"].problem is not None
    assert found["locked"].problem.startswith("unreadable directory: ")


def test_open_source_picks_a_directory(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    (tmp_path / "b.o").write_text("x")
    source = open_source(str(tmp_path), excludes=("*.o",))
    assert isinstance(source, DirectorySource)
    assert [b.path for b in source.iter_files()] == ["f"]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: None, "does not exist"),
        (lambda p: p.write_text("x"), "unsupported SOURCE file"),
        (lambda p: os.mkfifo(p), "neither a directory nor a regular file"),
    ],
    ids=["missing", "plain-file", "fifo"],
)
def test_open_source_rejects_other_paths(
    tmp_path: Path, make: Callable[[Path], object], message: str
) -> None:
    target = tmp_path / "thing"
    make(target)

    with pytest.raises(SourceError, match=message) as caught:
        finishes(lambda: open_source(str(target)))

    assert caught.value.exit_code == ExitCode.INVALID_INPUT
    assert "\n" not in str(caught.value)


def test_open_source_rejects_empty_git_ref() -> None:
    with pytest.raises(SourceError, match="empty git revision"):
        open_source("git:")


def test_paths_longer_than_path_max_are_walked_and_read(tmp_path: Path) -> None:
    name = "d" * 200
    fd = os.open(tmp_path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        for _ in range(25):  # 25 * 201 characters: beyond PATH_MAX (4096)
            os.mkdir(name, dir_fd=fd)
            child = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = child
        leaf = os.open("leaf.c", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(leaf, b"deep")
        os.close(leaf)
    finally:
        os.close(fd)

    [blob] = list(DirectorySource(tmp_path).iter_files())

    assert blob.path == "/".join([name] * 25 + ["leaf.c"])
    assert len(blob.path) > 4096
    assert read(blob) == b"deep"


def test_directory_swapped_for_symlink_during_the_walk_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "passwd").write_text("root:x:0:0")
    tree = tmp_path / "tree"
    for name in ("a", "b"):
        (tree / name).mkdir(parents=True)
        (tree / name / "f").write_text(name)
    walk = DirectorySource(tree)._walk()  # the unsorted walk, to interleave the swap

    first = next(walk)  # the root is listed, one subdirectory walked, the other pending
    other = "b" if first.path == "a/f" else "a"
    (tree / other).rename(tree / f"{other}-old")
    (tree / other).symlink_to(outside)
    rest = list(walk)

    assert first.path in ("a/f", "b/f")
    assert [(b.path, b.kind) for b in rest] == [(other, EntryType.OTHER)]
    assert rest[0].problem is not None
    assert rest[0].problem.startswith("unreadable directory: ")
