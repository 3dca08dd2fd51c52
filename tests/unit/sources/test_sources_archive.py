"""ArchiveSource: read in place; hostile members recorded, bombs capped, corruption exits 3."""

from __future__ import annotations

import hashlib
import io
import os
import stat
import subprocess
import tarfile
import threading
import zipfile
from pathlib import Path

import pytest

from integrity.errors import ExitCode, SourceError
from integrity.model import EntryType, FileBlob
from integrity.sources import ArchiveSource, SourceLimits, open_source
from integrity.sources._common import bounded


def tar_member(
    name: str,
    data: bytes = b"",
    *,
    kind: bytes = tarfile.REGTYPE,
    link: str = "",
    mode: int = 0o644,
) -> tuple[tarfile.TarInfo, bytes]:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = link
    info.mode = mode
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    return info, data


def make_tar(path: Path, members: list[tuple[tarfile.TarInfo, bytes]], mode: str = "w:gz") -> Path:
    with tarfile.open(path, mode, format=tarfile.GNU_FORMAT) as archive:  # type: ignore[call-overload]
        for info, data in members:
            archive.addfile(info, io.BytesIO(data) if info.size else None)
    return path


def make_zip(path: Path, members: list[tuple[str, bytes, int]]) -> Path:
    """members: (name, data, unix mode incl. type bits, 0 for none)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data, mode in members:
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            if mode:
                info.create_system = 3
                info.external_attr = mode << 16
            archive.writestr(info, data)
    return path


def collect(source: ArchiveSource) -> list[tuple[FileBlob, bytes | None]]:
    """Each blob with its content, read while it is current (as the consumer must)."""
    out: list[tuple[FileBlob, bytes | None]] = []
    for blob in source.iter_files():
        content = None
        if blob.open is not None:
            with blob.open() as stream:
                content = stream.read()
        out.append((blob, content))
    return out


def by_path(source: ArchiveSource) -> dict[str, tuple[FileBlob, bytes | None]]:
    return {blob.path: (blob, content) for blob, content in collect(source)}


@pytest.mark.parametrize(
    "suffix", [".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2", ".tbz2"]
)
def test_every_tar_flavour_is_read_in_place(tmp_path: Path, suffix: str) -> None:
    mode = {".tar": "w", ".tar.gz": "w:gz", ".tgz": "w:gz", ".tar.xz": "w:xz", ".txz": "w:xz"}
    path = make_tar(
        tmp_path / f"a{suffix}",
        [tar_member("src/a.c", b"int a;\n"), tar_member("run.sh", b"#!/bin/sh\n", mode=0o755)],
        mode.get(suffix, "w:bz2"),
    )

    found = by_path(ArchiveSource(path))

    assert sorted(found) == ["run.sh", "src/a.c"]
    assert found["src/a.c"][1] == b"int a;\n"
    assert found["src/a.c"][0].size == 7
    assert found["src/a.c"][0].executable is False
    assert found["run.sh"][0].executable is True
    assert list(tmp_path.iterdir()) == [path]  # nothing extracted


def test_info_digest_is_sha256_of_the_archive_file(tmp_path: Path) -> None:
    path = make_tar(tmp_path / "a.tar.gz", [tar_member("f", b"x")])
    source = ArchiveSource(path)

    assert source.info.kind == "archive"
    assert source.info.location == str(path)
    assert source.info.digest == "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    assert source.random_access is False


def test_single_top_level_folder_is_stripped(tmp_path: Path) -> None:
    path = make_tar(
        tmp_path / "xz-5.4.1.tar.gz",
        [
            tar_member("xz-5.4.1/", kind=tarfile.DIRTYPE),
            tar_member("xz-5.4.1/configure", b"#!/bin/sh\n"),
            tar_member("xz-5.4.1/m4/build-to-host.m4", b"dnl\n"),
        ],
    )
    source = ArchiveSource(path)

    assert source.prefix == "xz-5.4.1"
    assert [b.path for b, _ in collect(source)] == ["configure", "m4/build-to-host.m4"]


def test_no_stripping_when_members_do_not_share_a_folder(tmp_path: Path) -> None:
    path = make_tar(
        tmp_path / "a.tar", [tar_member("pkg/a", b"1"), tar_member("README", b"2")], "w"
    )
    source = ArchiveSource(path)

    assert source.prefix is None
    assert [b.path for b, _ in collect(source)] == ["pkg/a", "README"]


def test_git_archive_tarball_matches_git_paths(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "src").mkdir(parents=True)
    (repo / "src" / "x.c").write_text("int x;\n")
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@e.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@e.invalid",
    }
    for args in (
        ["init", "-q"],
        ["add", "-A"],
        ["commit", "-qm", "x"],
        ["archive", "--prefix=proj-1.0/", "-o", str(tmp_path / "p.tar.gz"), "HEAD"],
    ):
        subprocess.run(["git", "-C", str(repo), *args], check=True, env=env, capture_output=True)

    found = by_path(ArchiveSource(tmp_path / "p.tar.gz"))

    assert list(found) == ["src/x.c"]
    assert found["src/x.c"][1] == b"int x;\n"


@pytest.mark.parametrize(
    "name", ["../evil.sh", "a/../../evil.sh", "/etc/cron.d/evil", "..\\..\\w.bat"]
)
def test_member_escaping_the_archive_is_recorded(tmp_path: Path, name: str) -> None:
    path = make_tar(tmp_path / "a.tar.gz", [tar_member("ok.c", b"1"), tar_member(name, b"2")])

    found = by_path(ArchiveSource(path))

    blob, content = found[name]
    assert blob.kind is EntryType.OTHER
    assert blob.problem == "path escapes the archive"
    assert blob.open is None
    assert content is None
    assert found["ok.c"][1] == b"1"


def test_control_characters_in_member_names_are_kept(tmp_path: Path) -> None:
    name = "../\x1b[2Jclear\nme"
    path = make_tar(tmp_path / "a.tar", [tar_member(name, b"x")], "w")

    [(blob, _)] = collect(ArchiveSource(path))

    assert blob.path == name
    assert blob.problem == "path escapes the archive"


def test_invalid_utf8_member_name_round_trips(tmp_path: Path) -> None:
    name = os.fsdecode(b"bad\xff\xfe.c")
    path = make_tar(tmp_path / "a.tar", [tar_member(name, b"x")], "w")

    [(blob, content)] = collect(ArchiveSource(path))

    assert os.fsencode(blob.path) == b"bad\xff\xfe.c"
    assert content == b"x"


@pytest.mark.parametrize(
    ("kind", "problem"),
    [
        (tarfile.CHRTYPE, "special file (character device)"),
        (tarfile.BLKTYPE, "special file (block device)"),
        (tarfile.FIFOTYPE, "special file (fifo)"),
    ],
)
def test_device_and_fifo_members_are_recorded(tmp_path: Path, kind: bytes, problem: str) -> None:
    path = make_tar(
        tmp_path / "a.tar", [tar_member("ok", b"1"), tar_member("dev/thing", kind=kind)], "w"
    )

    [_, (blob, content)] = collect(ArchiveSource(path))

    assert (blob.path, blob.kind, blob.problem) == ("dev/thing", EntryType.OTHER, problem)
    assert content is None


def test_symlink_members_record_targets_and_escapes(tmp_path: Path) -> None:
    path = make_tar(
        tmp_path / "a.tar",
        [
            tar_member("p/real.c", b"x"),
            tar_member("p/in", kind=tarfile.SYMTYPE, link="real.c"),
            tar_member("p/abs", kind=tarfile.SYMTYPE, link="/etc/passwd"),
            tar_member("p/up", kind=tarfile.SYMTYPE, link="../../etc/shadow"),
        ],
        "w",
    )

    found = by_path(ArchiveSource(path))

    assert found["in"][0].kind is EntryType.SYMLINK
    assert (found["in"][0].target, found["in"][0].problem) == ("real.c", None)
    assert found["abs"][0].problem == "symlink points outside the tree"
    assert found["up"][0].target == "../../etc/shadow"
    assert found["up"][0].problem == "symlink points outside the tree"
    assert all(found[p][1] is None for p in ("in", "abs", "up"))


def test_hard_link_member_is_recorded(tmp_path: Path) -> None:
    path = make_tar(
        tmp_path / "a.tar",
        [tar_member("a", b"x"), tar_member("b", kind=tarfile.LNKTYPE, link="/etc/passwd")],
        "w",
    )

    found = by_path(ArchiveSource(path))

    assert found["b"][0].kind is EntryType.OTHER
    assert found["b"][0].problem == "hard link to /etc/passwd"
    assert found["b"][1] is None


def test_duplicate_member_is_flagged_on_the_later_copy(tmp_path: Path) -> None:
    path = make_tar(
        tmp_path / "a.tar", [tar_member("f.c", b"clean"), tar_member("./f.c", b"evil")], "w"
    )

    blobs = collect(ArchiveSource(path))

    assert [(b.path, b.problem, c) for b, c in blobs] == [
        ("f.c", None, b"clean"),
        ("f.c", "duplicate member", b"evil"),
    ]


def test_empty_archives_yield_nothing(tmp_path: Path) -> None:
    tar = make_tar(tmp_path / "e.tar.gz", [])
    empty_zip = make_zip(tmp_path / "e.zip", [])

    assert collect(ArchiveSource(tar)) == []
    assert collect(ArchiveSource(empty_zip)) == []


def test_truncated_tar_gz_is_a_source_error(tmp_path: Path) -> None:
    data = os.urandom(200_000)
    path = make_tar(tmp_path / "a.tar.gz", [tar_member("a", data), tar_member("b", data)])
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) // 2])

    with pytest.raises(SourceError, match="corrupt or unreadable archive") as caught:
        ArchiveSource(path)
    assert caught.value.exit_code == ExitCode.INVALID_INPUT
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("name", ["junk.tar", "junk.tar.xz", "junk.zip"])
def test_garbage_archive_is_a_source_error(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"this is not an archive at all" * 100)

    with pytest.raises(SourceError, match="corrupt or unreadable archive"):
        open_source(str(path))


def test_truncated_zip_is_a_source_error(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "a.zip", [("a", os.urandom(50_000), 0)])
    path.write_bytes(path.read_bytes()[:20_000])

    with pytest.raises(SourceError):
        ArchiveSource(path)


def test_zip_members_modes_symlinks_and_specials(tmp_path: Path) -> None:
    path = make_zip(
        tmp_path / "a.zip",
        [
            ("pkg/a.c", b"int a;\n", stat.S_IFREG | 0o644),
            ("pkg/run", b"#!/bin/sh\n", stat.S_IFREG | 0o755),
            ("pkg/plain", b"p", 0),
            ("pkg/in", b"a.c", stat.S_IFLNK | 0o777),
            ("pkg/out", b"../../../etc/passwd", stat.S_IFLNK | 0o777),
            ("pkg/fifo", b"", stat.S_IFIFO | 0o644),
        ],
    )
    source = ArchiveSource(path)

    found = by_path(source)

    assert source.prefix == "pkg"
    assert found["a.c"][1] == b"int a;\n"
    assert found["run"][0].executable is True
    assert found["a.c"][0].executable is False
    assert found["plain"][1] == b"p"
    assert (found["in"][0].kind, found["in"][0].target, found["in"][0].problem) == (
        EntryType.SYMLINK,
        "a.c",
        None,
    )
    assert found["out"][0].problem == "symlink points outside the tree"
    assert (found["fifo"][0].kind, found["fifo"][0].problem) == (
        EntryType.OTHER,
        "special file (fifo)",
    )


@pytest.mark.parametrize("name", ["../evil", "/abs/evil", "C:/win/evil"])
def test_zip_member_escaping_the_archive_is_recorded(tmp_path: Path, name: str) -> None:
    path = make_zip(tmp_path / "a.zip", [(name, b"x", 0)])

    [(blob, content)] = collect(ArchiveSource(path))

    assert (blob.path, blob.kind, blob.problem) == (
        name,
        EntryType.OTHER,
        "path escapes the archive",
    )
    assert content is None


def test_zip_bomb_member_over_the_ratio_cap_is_not_read(tmp_path: Path) -> None:
    path = make_zip(
        tmp_path / "bomb.zip", [("zeros.bin", bytes(16 << 20), 0), ("ok.txt", b"fine", 0)]
    )

    found = by_path(ArchiveSource(path))

    blob, content = found["zeros.bin"]
    assert blob.kind is EntryType.FILE
    assert blob.size == 16 << 20
    assert blob.problem is not None
    assert blob.problem.startswith("compression ratio ")
    assert blob.problem.endswith(":1 exceeds the 200:1 limit")
    assert blob.open is None
    assert content is None
    assert found["ok.txt"][1] == b"fine"


def test_small_compressible_member_is_not_a_bomb(tmp_path: Path) -> None:
    path = make_zip(tmp_path / "a.zip", [("zeros", bytes(100_000), 0)])

    [(blob, content)] = collect(ArchiveSource(path))

    assert blob.problem is None
    assert content == bytes(100_000)


def test_member_over_the_size_cap_is_not_read(tmp_path: Path) -> None:
    limits = SourceLimits(max_member_size=10)
    path = make_tar(tmp_path / "a.tar.gz", [tar_member("big", b"x" * 11), tar_member("s", b"ok")])

    found = by_path(ArchiveSource(path, limits))

    assert found["big"][0].problem == "member of 11 bytes exceeds the 10 limit"
    assert found["big"][1] is None
    assert found["s"][1] == b"ok"


@pytest.mark.parametrize("fmt", ["tar", "zip"])
def test_total_size_cap_stops_reading(tmp_path: Path, fmt: str) -> None:
    limits = SourceLimits(max_total_size=250)
    names = ["a", "b", "c", "d"]
    if fmt == "tar":
        path = make_tar(tmp_path / "a.tar.gz", [tar_member(n, b"x" * 100) for n in names])
    else:
        path = make_zip(tmp_path / "a.zip", [(n, b"x" * 100, 0) for n in names])

    blobs = collect(ArchiveSource(path, limits))

    assert [(b.path, b.kind, b.problem) for b, _ in blobs] == [
        ("a", EntryType.FILE, None),
        ("b", EntryType.FILE, None),
        ("c", EntryType.OTHER, "archive reading stopped: more than 250 bytes decompressed"),
    ]


def test_member_count_cap_stops_reading(tmp_path: Path) -> None:
    path = make_tar(tmp_path / "a.tar", [tar_member(f"f{i}", b"x") for i in range(5)], "w")

    blobs = collect(ArchiveSource(path, SourceLimits(max_members=3)))

    assert [(b.path, b.problem) for b, _ in blobs] == [
        ("f0", None),
        ("f1", None),
        ("f2", None),
        ("f3", "archive reading stopped: more than 3 members"),
    ]


def test_open_is_only_valid_while_the_member_is_current(tmp_path: Path) -> None:
    path = make_tar(tmp_path / "a.tar.gz", [tar_member("a", b"1"), tar_member("b", b"2")])
    iterator = ArchiveSource(path).iter_files()

    first = next(iterator)
    assert first.open is not None
    with first.open() as stream:
        assert stream.read() == b"1"
    with pytest.raises(OSError, match="only once"):
        first.open()
    second = next(iterator)
    with pytest.raises(OSError, match="moved on"):
        first.open()
    assert second.open is not None
    with second.open() as stream:
        assert stream.read() == b"2"
    assert list(iterator) == []


def test_bounded_reader_refuses_a_stream_longer_than_declared() -> None:
    stream = bounded(io.BytesIO(b"0123456789"), 4)

    assert stream.read(4) == b"0123"
    with pytest.raises(OSError, match="more data than its declared size"):
        stream.read()


def test_bounded_reader_allows_exact_size() -> None:
    assert bounded(io.BytesIO(b"0123"), 4).read() == b"0123"


def test_open_source_picks_archives_by_suffix(tmp_path: Path) -> None:
    tar = make_tar(tmp_path / "REL.TAR.GZ", [tar_member("f", b"x")])
    zipped = make_zip(tmp_path / "rel.zip", [("f", b"x", 0)])

    assert isinstance(open_source(str(tar)), ArchiveSource)
    assert isinstance(open_source(str(zipped)), ArchiveSource)
    source = open_source(str(tar), limits=SourceLimits(max_member_size=0))
    assert [b.problem for b in source.iter_files()] == ["member of 1 bytes exceeds the 0 limit"]


def test_tar_bomb_stops_at_the_total_cap_without_decompressing_it(tmp_path: Path) -> None:
    path = make_tar(
        tmp_path / "bomb.tar.gz",
        [tar_member("zeros", bytes(64 << 20)), tar_member("after", b"x")],
    )
    assert path.stat().st_size < 200_000

    source = ArchiveSource(path, SourceLimits(max_total_size=1 << 20))
    blobs = collect(source)

    assert [(b.path, b.kind, b.problem) for b, _ in blobs] == [
        ("zeros", EntryType.OTHER, "archive reading stopped: more than 1048576 bytes decompressed")
    ]


def test_oversized_pax_header_is_a_source_error(tmp_path: Path) -> None:
    path = tmp_path / "pax.tar.gz"
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as archive:
        info = tarfile.TarInfo("f")
        info.pax_headers = {"comment": "x" * (2 << 20)}
        archive.addfile(info, None)

    with pytest.raises(SourceError, match="extended header"):
        ArchiveSource(path)


def test_archive_path_that_is_a_fifo_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "release.tar.gz"
    os.mkfifo(fifo)
    outcome: list[BaseException] = []

    def attempt() -> None:
        try:
            ArchiveSource(fifo)
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=attempt, daemon=True)
    thread.start()
    thread.join(10)

    assert not thread.is_alive()
    assert len(outcome) == 1
    assert isinstance(outcome[0], SourceError)
    assert "not a regular file (fifo)" in str(outcome[0])
