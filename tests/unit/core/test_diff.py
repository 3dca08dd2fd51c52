"""diff_records: every change kind, renames paired deterministically."""

from __future__ import annotations

from integrity.diff import diff_records
from integrity.model import ChangeKind, EntryType, FileRecord


def rec(
    path: str,
    sha: str | None,
    *,
    kind: EntryType = EntryType.FILE,
    exe: bool = False,
    target: str | None = None,
) -> FileRecord:
    return FileRecord(path, kind, 1, exe, sha, None, target)


def kinds(old: list[FileRecord], new: list[FileRecord]) -> list[tuple[str, str, str | None]]:
    return [(c.path, c.kind.value, c.old_path) for c in diff_records(tuple(old), tuple(new))]


def test_identical_trees_have_no_changes():
    files = [rec("a", "1"), rec("b", "2")]
    assert kinds(files, files) == []


def test_added_removed_modified():
    old = [rec("a", "1"), rec("b", "2")]
    new = [rec("a", "9"), rec("c", "3")]
    assert kinds(old, new) == [
        ("a", "modified", None),
        ("b", "removed", None),
        ("c", "added", None),
    ]


def test_rename_is_same_digest_new_path_and_pairs_in_path_order():
    old = [rec("x/one", "d"), rec("x/two", "d")]
    new = [rec("y/one", "d"), rec("y/two", "d")]
    assert kinds(old, new) == [
        ("y/one", "renamed", "x/one"),
        ("y/two", "renamed", "x/two"),
    ]


def test_mode_and_type_changes():
    old = [rec("run.sh", "1"), rec("link", "2")]
    new = [rec("run.sh", "1", exe=True), rec("link", None, kind=EntryType.SYMLINK, target="x")]
    result = diff_records(tuple(old), tuple(new))
    assert [(c.path, c.kind) for c in result] == [
        ("link", ChangeKind.TYPE_CHANGED),
        ("run.sh", ChangeKind.MODE_CHANGED),
    ]


def test_symlink_retarget_is_a_modification():
    old = [rec("l", None, kind=EntryType.SYMLINK, target="a")]
    new = [rec("l", None, kind=EntryType.SYMLINK, target="/etc/passwd")]
    assert kinds(old, new) == [("l", "modified", None)]
