"""A size-bounded, content-addressed SQLite store of analysis outcomes.

One connection per process and run (never shared); WAL mode and a busy timeout so concurrent
runs on one folder wait for each other instead of failing; writes and "last used" stamps are
batched in transactions. Every value carries a checksum: a corrupt entry is dropped and counts
as a miss; a corrupt database file is moved aside and recreated with a warning. No operation
here ever raises to the caller: a cache that does not work only makes a run slower.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sqlite3
import time
from collections.abc import Callable, Sequence
from pathlib import Path

log = logging.getLogger(__name__)

DB_NAME = "results.sqlite3"
DEFAULT_MAX_BYTES = 1 << 30
SCHEMA = 1
_BATCH_ENTRIES = 512
_BATCH_BYTES = 8 << 20
_IN_CHUNK = 256  # keys per lookup query (SQLite allows 999 parameters at least)
_BUSY_MS = 15_000
_OPEN_RETRY_SECONDS = 5.0
_KEEP_AFTER_EVICTION = 0.9

Warn = Callable[[str], None]


def _checksum(value: bytes) -> str:
    return hashlib.sha256(value).hexdigest()[:32]


class ResultStore:
    """get_many/put of bytes by key; flushed and size-bounded on close()."""

    def __init__(
        self, directory: Path, max_bytes: int = DEFAULT_MAX_BYTES, warn: Warn | None = None
    ):
        self._path = directory / DB_NAME
        self._max_bytes = max_bytes
        self._warn = warn or log.warning
        self._pending: dict[str, bytes] = {}
        self._pending_bytes = 0
        self._touched: set[str] = set()
        self._conn: sqlite3.Connection | None = None
        self.hits = 0
        self.misses = 0
        try:
            directory.mkdir(parents=True, exist_ok=True, mode=0o700)
            self._conn = self._open()
        except sqlite3.DatabaseError as exc:
            self._recover(exc)
        except OSError as exc:
            self._warn(f"cache disabled: {directory}: {exc.strerror or exc}")

    @property
    def enabled(self) -> bool:
        """False once the store gave up (unwritable folder, persistent lock)."""
        return self._conn is not None

    def _open(self) -> sqlite3.Connection:
        """A connection with the schema in place. Runs that open a new cache at the same moment
        can get "database is locked" from the set-up statements (switching a fresh file to WAL
        does not wait on the busy handler): those are retried for a few seconds."""
        waited = 0.0
        while True:
            try:
                return self._connect()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or waited >= _OPEN_RETRY_SECONDS:
                    raise
            pause = min(0.05 + waited / 4, 0.5)
            time.sleep(pause)
            waited += pause

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self._path, timeout=_BUSY_MS / 1000, isolation_level=None)
        try:
            conn.execute(f"PRAGMA busy_timeout={_BUSY_MS}")
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value BLOB NOT NULL,"
                " checksum TEXT NOT NULL, size INTEGER NOT NULL, used INTEGER NOT NULL)"
            )
            conn.execute("CREATE INDEX IF NOT EXISTS entries_used ON entries(used)")
            conn.execute("CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT)")
            conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA),))
            row = conn.execute("SELECT value FROM meta WHERE name = 'schema'").fetchone()
            if row is None or row[0] != str(SCHEMA):
                raise sqlite3.DatabaseError(
                    f"cache schema {row[0] if row else None} is not {SCHEMA}"
                )
        except BaseException:
            conn.close()
            raise
        return conn

    def _recover(self, exc: sqlite3.Error) -> None:
        """Move a corrupt database aside and start a fresh one (or disable the cache)."""
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            self._warn(f"cache disabled for this run: {self._path}: {exc}")
            return
        aside = self._path.with_name(f"{DB_NAME}.corrupt-{int(time.time())}-{os.getpid()}")
        self._warn(f"cache {self._path} is unreadable ({exc}); moved aside to {aside.name}")
        try:
            for suffix in ("", "-wal", "-shm"):
                part = Path(str(self._path) + suffix)
                if part.exists():
                    part.replace(Path(str(aside) + suffix))
            self._conn = self._open()
        except (OSError, sqlite3.Error) as again:
            self._warn(f"cache disabled for this run: {again}")
            self._conn = None

    def get_many(self, keys: Sequence[str]) -> dict[str, bytes]:
        """The values stored under any of these keys, one query per _IN_CHUNK keys: pending
        values are served; missing ones, and corrupt ones (dropped), are left out and count as
        misses."""
        found: dict[str, bytes] = {}
        if self._conn is None:
            return found
        wanted: list[str] = []
        for key in dict.fromkeys(keys):
            pending = self._pending.get(key)
            if pending is not None:
                found[key] = pending
            else:
                wanted.append(key)
        rows: list[tuple[str, object, str]] = []
        try:
            for at in range(0, len(wanted), _IN_CHUNK):
                chunk = wanted[at : at + _IN_CHUNK]
                marks = ",".join("?" * len(chunk))
                query = f"SELECT key, value, checksum FROM entries WHERE key IN ({marks})"
                rows.extend(self._conn.execute(query, chunk).fetchall())
        except sqlite3.Error as exc:
            self._recover(exc)
            return found
        for key, value, checksum in rows:
            if not isinstance(value, bytes) or _checksum(value) != checksum:
                self.drop(key)
                continue
            found[key] = value
            self._touched.add(key)
        served = sum(1 for key in wanted if key in found)
        self.hits += served
        self.misses += len(wanted) - served
        return found

    def drop(self, key: str) -> None:
        """Forget one entry (a value that failed to decode)."""
        self._pending.pop(key, None)
        if self._conn is None:
            return
        try:
            self._conn.execute("DELETE FROM entries WHERE key = ?", (key,))
        except sqlite3.Error as exc:
            self._recover(exc)

    def put(self, key: str, value: bytes) -> None:
        """Store a value (batched: written at the next flush)."""
        if self._conn is None:
            return
        self._pending[key] = value
        self._pending_bytes += len(value)
        if len(self._pending) >= _BATCH_ENTRIES or self._pending_bytes >= _BATCH_BYTES:
            self.flush()

    def flush(self) -> None:
        """Write pending values and last-used stamps in one transaction."""
        if self._conn is None or (not self._pending and not self._touched):
            return
        now = time.time_ns()
        rows = [(k, v, _checksum(v), len(v), now) for k, v in self._pending.items()]
        touched = [(now, k) for k in self._touched if k not in self._pending]
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?, ?, ?, ?)", rows)
            self._conn.executemany("UPDATE entries SET used = ? WHERE key = ?", touched)
            self._conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            self._recover(exc)
        self._pending.clear()
        self._pending_bytes = 0
        self._touched.clear()

    def _rollback(self) -> None:
        if self._conn is not None and self._conn.in_transaction:
            with contextlib.suppress(sqlite3.Error):
                self._conn.execute("ROLLBACK")

    def evict(self) -> int:
        """Drop least-recently-used entries while the stored values exceed the cap."""
        if self._conn is None:
            return 0
        try:
            (total,) = self._conn.execute("SELECT COALESCE(SUM(size), 0) FROM entries").fetchone()
            if total <= self._max_bytes:
                return 0
            excess = total - int(self._max_bytes * _KEEP_AFTER_EVICTION)
            victims: list[tuple[str]] = []
            for key, size in self._conn.execute("SELECT key, size FROM entries ORDER BY used, key"):
                if excess <= 0:
                    break
                victims.append((key,))
                excess -= size
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.executemany("DELETE FROM entries WHERE key = ?", victims)
            self._conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            self._recover(exc)
            return 0
        return len(victims)

    def close(self) -> None:
        """Flush, bound the size, and close the connection."""
        if self._conn is None:
            return
        self.flush()
        self.evict()
        if self._conn is not None:
            with contextlib.suppress(sqlite3.Error):
                self._conn.close()
            self._conn = None
