"""The content-addressed cache: warm scans re-use outcomes, stay exact, and survive damage."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from integrity import engine
from integrity.cache import Lookup, ResultCache, default_cache_dir
from integrity.cache.codec import CachedOutcome
from integrity.cache.store import DB_NAME
from integrity.config import Policy
from integrity.engine import RunContext
from integrity.model import EntryType, FileRecord
from integrity.report import RENDERERS
from integrity.sources import open_source
from integrity.walking import StageCounts

from .conftest import PY_BAD, generate_tree


def _scan(root: Path, ctx: RunContext) -> tuple[str, StageCounts]:
    seen: list[StageCounts] = []
    result = engine.scan(open_source(str(root)), replace(ctx, stages=seen.append))
    return RENDERERS["json"](result), seen[-1]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return generate_tree(tmp_path / "tree", files=16)


def test_warm_scan_serves_every_file_from_the_cache(
    tree: Path, tmp_path: Path, make_ctx: Callable[..., RunContext]
) -> None:
    ctx = make_ctx(cache_dir=tmp_path / "cache")
    cold, first = _scan(tree, ctx)
    warm, second = _scan(tree, ctx)
    uncached, _ = _scan(tree, make_ctx())
    assert cold == warm == uncached
    assert first.analysed == first.hashed and first.cached == 0
    assert second.analysed == 0 and second.cached == second.hashed == first.hashed


def test_same_content_at_two_paths_keeps_each_path(
    tmp_path: Path, make_ctx: Callable[..., RunContext]
) -> None:
    root = tmp_path / "t"
    root.mkdir()
    (root / "one.py").write_text(PY_BAD)
    ctx = make_ctx(cache_dir=tmp_path / "cache")
    _scan(root, ctx)
    (root / "two.py").write_text(PY_BAD)
    (root / "tests").mkdir()
    (root / "tests" / "three.py").write_text(PY_BAD)
    report, counts = _scan(root, ctx)
    assert counts.cached == 1 and counts.analysed == 2
    assert report == _scan(root, make_ctx())[0]
    for path in ("one.py", "two.py", "tests/three.py"):
        assert f'"path": "{path}"' in report


def test_edited_file_and_changed_policy_miss(
    tree: Path, tmp_path: Path, make_ctx: Callable[..., RunContext]
) -> None:
    ctx = make_ctx(cache_dir=tmp_path / "cache")
    _scan(tree, ctx)
    (tree / "copy_a.py").write_text(PY_BAD + "x = 1\n")
    _, counts = _scan(tree, ctx)
    assert counts.analysed == 1
    sensitive = make_ctx(cache_dir=tmp_path / "cache", policy=Policy(sensitive=("d1/**",)))
    _, counts = _scan(tree, sensitive)
    assert counts.cached == 0


def _record(path: str, sha: str = "ab" * 32) -> FileRecord:
    return FileRecord(path, EntryType.FILE, 3, False, sha, language="python")


def test_corrupt_entry_is_dropped(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path, "space")
    cache.put("a.py", "ab" * 32, CachedOutcome(_record("a.py"), (), True))
    cache.close()
    with sqlite3.connect(tmp_path / DB_NAME) as conn:
        conn.execute("UPDATE entries SET value = CAST('{\"format\": 1}' AS BLOB)")
    cache = ResultCache(tmp_path, "space")
    assert cache.get("a.py", "ab" * 32, False) is None
    cache.close()
    with sqlite3.connect(tmp_path / DB_NAME) as conn:
        assert conn.execute("SELECT COUNT(*) FROM entries").fetchone() == (0,)


def test_lookup_of_many_files_at_once(tmp_path: Path) -> None:
    """One query answers many files: stored, pending, missing, bad-checksum and wrong-path
    entries each come back as a single `get` would answer them, in order."""
    sha = {name: f"{index:064x}" for index, name in enumerate("abcdef")}
    cache = ResultCache(tmp_path, "space")
    for name in "abc":
        outcome = CachedOutcome(_record(f"{name}.py", sha[name]), (), True)
        cache.put(f"{name}.py", sha[name], outcome)
    cache.put("e.py", sha["e"], CachedOutcome(_record("x.py", sha["e"]), (), True))
    cache.close()
    with sqlite3.connect(tmp_path / DB_NAME) as conn:
        broken = Lookup.of("space", "a.py", sha["a"]).key
        conn.execute("UPDATE entries SET checksum = 'x' WHERE key = ?", (broken,))
    cache = ResultCache(tmp_path, "space")
    cache.put("d.py", sha["d"], CachedOutcome(_record("d.py", sha["d"]), (), False))  # pending
    asked = [(f"{name}.py", sha[name], name == "b") for name in "abcdef"]
    found = cache.get_many(asked)
    assert found[0] is None  # its checksum broke
    assert found[1] is not None and found[2] is not None
    assert found[3] is not None and found[3].parsed is False  # served before it is written
    assert found[4] is None  # stored for another path: dropped
    assert found[5] is None  # never stored
    for (path, digest, executable), item in zip(asked, found, strict=True):
        if item is not None:
            assert (item.record.path, item.record.sha256) == (path, digest)
            assert item.record.executable is executable  # re-stamped with the asked mode
    assert [cache.get(*item) is not None for item in asked] == [i is not None for i in found]
    cache.close()
    with sqlite3.connect(tmp_path / DB_NAME) as conn:  # the bad entries are gone
        paths = {row[0] for row in conn.execute("SELECT key FROM entries")}
    assert len(paths) == sum(item is not None for item in found)


def test_corrupt_database_is_moved_aside(tmp_path: Path) -> None:
    (tmp_path / DB_NAME).write_bytes(b"this is not a database" * 200)
    warnings: list[str] = []
    cache = ResultCache(tmp_path, "space", warn=warnings.append)
    cache.put("a.py", "ab" * 32, CachedOutcome(_record("a.py"), (), True))
    cache.close()
    assert any("moved aside" in w for w in warnings)
    assert [p.name for p in tmp_path.iterdir() if ".corrupt-" in p.name]
    again = ResultCache(tmp_path, "space")
    found = again.get("a.py", "ab" * 32, True)
    again.close()
    assert found is not None and found.record.executable is True


def test_size_cap_evicts_least_recently_used(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path, "space", max_bytes=10_000)
    for i in range(60):
        cache.put(
            f"f{i}.py", f"{i:064x}", CachedOutcome(_record(f"f{i}.py", f"{i:064x}"), (), True)
        )
        cache.close()
        cache = ResultCache(tmp_path, "space", max_bytes=10_000)
    assert cache.get("f59.py", f"{59:064x}", False) is not None
    assert cache.get("f0.py", f"{0:064x}", False) is None
    cache.close()
    with sqlite3.connect(tmp_path / DB_NAME) as conn:
        (total,) = conn.execute("SELECT SUM(size) FROM entries").fetchone()
    assert total <= 10_000


def test_default_folder_rules(tmp_path: Path) -> None:
    assert default_cache_dir({"INTEGRITY_CACHE_DIR": str(tmp_path)}) == tmp_path
    assert default_cache_dir({"INTEGRITY_CACHE_DIR": ""}) is None
    assert default_cache_dir({"PYTEST_VERSION": "8"}) is None
    assert default_cache_dir({"XDG_CACHE_HOME": "/x"}) == Path("/x/integrity")


def test_cli_scan_twice_with_cache_dir(tmp_path: Path, run_cli: Callable[..., object]) -> None:
    root = tmp_path / "t"
    root.mkdir()
    (root / "evil.py").write_text(PY_BAD)
    outputs = []
    for _ in range(2):
        result = run_cli(
            "scan", str(root), "--format", "json", "--cache-dir", str(tmp_path / "c"), "-j", "1"
        )
        assert result.code == 1  # type: ignore[attr-defined]
        outputs.append(result.stdout)  # type: ignore[attr-defined]
    assert outputs[0] == outputs[1] and '"path": "evil.py"' in outputs[0]
    assert (tmp_path / "c" / DB_NAME).is_file()


def test_concurrent_writers_on_one_folder(tmp_path: Path) -> None:
    import threading

    def write(worker: int) -> None:
        cache = ResultCache(tmp_path, "space")
        for i in range(600):  # more than one batch each
            sha = f"{worker:02x}{i:062x}"
            cache.put(
                f"w{worker}/{i}.py", sha, CachedOutcome(_record(f"w{worker}/{i}.py", sha), (), True)
            )
        cache.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with sqlite3.connect(tmp_path / DB_NAME) as conn:
        assert conn.execute("SELECT COUNT(*) FROM entries").fetchone() == (1800,)
    cache = ResultCache(tmp_path, "space")
    assert cache.get("w2/599.py", f"{2:02x}{599:062x}", False) is not None
    cache.close()


def test_runs_opening_a_new_cache_at_once_all_keep_it(tmp_path: Path) -> None:
    """Switching a fresh database to WAL can fail with "database is locked" without waiting on
    the busy handler; every concurrent opener must still end up with a working cache."""
    import threading

    from integrity.cache.store import ResultStore

    warnings: list[str] = []
    disabled: list[bool] = []
    for trial in range(60):
        folder = tmp_path / f"t{trial}"

        def open_and_write(folder: Path = folder) -> None:
            store = ResultStore(folder, warn=warnings.append)
            disabled.append(not store.enabled)
            store.put("k" * 64, b"v")
            store.close()

        threads = [threading.Thread(target=open_and_write) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert len(disabled) == 240
    assert not any(disabled), warnings[:3]
    assert warnings == []
