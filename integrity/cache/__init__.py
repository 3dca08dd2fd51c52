"""The content-addressed cache of per-file analysis outcomes (parse summary and findings).

An entry is keyed by the file's content digest AND its path (detectors and symbol tags depend
on the path: scope globs, sensitive globs, test-fixture filters), inside a namespace that digests
everything else an outcome depends on: tool version and code, rules digest, constant registry,
policy, and the run's settings. Change any of these and old entries are simply never hit (and
age out under the size cap).

Folder: --cache-dir, else $INTEGRITY_CACHE_DIR, else $XDG_CACHE_HOME/integrity (or
~/.cache/integrity). Inside a pytest session (PYTEST_VERSION set) the default is no cache at all
unless a test names a folder, so tests never share the user's cache nor each other's.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from integrity import __version__
from integrity.cache.codec import CacheDecodeError, CachedOutcome, decode, encode
from integrity.cache.store import DEFAULT_MAX_BYTES, ResultStore, Warn

__all__ = [
    "DEFAULT_MAX_BYTES",
    "CachedOutcome",
    "Lookup",
    "ResultCache",
    "code_digest",
    "default_cache_dir",
    "namespace",
    "run_namespace",
]

_PACKAGE = Path(__file__).resolve().parent.parent


def default_cache_dir(environ: Mapping[str, str]) -> Path | None:
    """Where the cache lives when no --cache-dir is given (None: no cache)."""
    explicit = environ.get("INTEGRITY_CACHE_DIR")
    if explicit is not None:
        return Path(explicit) if explicit else None
    if "PYTEST_VERSION" in environ:
        return None
    base = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "integrity"


def code_digest(package: Path = _PACKAGE) -> str:
    """A digest of the tool's own code and data files (a development tree changes without a
    version bump; a stale entry must never be served)."""
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".toml", ".json") and path.is_file():
            digest.update(str(path.relative_to(package)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def namespace(*parts: str) -> str:
    """One digest of everything (besides content and path) that an outcome depends on."""
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


@dataclass(frozen=True, slots=True)
class Lookup:
    """A cache key for one file (its path and content digest in a namespace)."""

    key: str

    @staticmethod
    def of(space: str, path: str, sha256: str) -> Lookup:
        """The key of `path` with content `sha256` in namespace `space`."""
        text = f"{space}\0{sha256}\0{path}"
        return Lookup(hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest())


class ResultCache:
    """Outcomes by (namespace, path, content digest), over one ResultStore for one run."""

    def __init__(
        self,
        directory: Path,
        space: str,
        max_bytes: int = DEFAULT_MAX_BYTES,
        warn: Warn | None = None,
    ) -> None:
        self._store = ResultStore(directory, max_bytes, warn)
        self._space = space

    @property
    def hits(self) -> int:
        """Entries served this run."""
        return self._store.hits

    @property
    def misses(self) -> int:
        """Lookups that found nothing usable this run."""
        return self._store.misses

    def get(self, path: str, sha256: str, executable: bool) -> CachedOutcome | None:
        """The outcome stored for this path and content, re-stamped with the entry's mode."""
        return self.get_many([(path, sha256, executable)])[0]

    def get_many(self, files: Sequence[tuple[str, str, bool]]) -> list[CachedOutcome | None]:
        """`get` of each (path, content digest, executable), in one lookup."""
        keys = [Lookup.of(self._space, path, sha256).key for path, sha256, _ in files]
        stored = self._store.get_many(keys)
        out: list[CachedOutcome | None] = []
        for key, (path, sha256, executable) in zip(keys, files, strict=True):
            data = stored.get(key)
            out.append(None if data is None else self._decoded(key, data, path, sha256, executable))
        return out

    def _decoded(
        self, key: str, data: bytes, path: str, sha256: str, executable: bool
    ) -> CachedOutcome | None:
        try:
            found = decode(data)
        except CacheDecodeError:
            self._store.drop(key)
            return None
        if found.record.sha256 != sha256 or found.record.path != path:
            self._store.drop(key)
            return None
        record = replace(found.record, executable=executable)
        return replace(found, record=record)

    def put(self, path: str, sha256: str, outcome: CachedOutcome) -> None:
        """Remember an outcome (written in batches)."""
        self._store.put(Lookup.of(self._space, path, sha256).key, encode(outcome))

    def close(self) -> None:
        """Flush pending writes, evict above the cap, close."""
        self._store.close()


def run_namespace(rules_digest: str, extra: tuple[str, ...]) -> str:
    """The namespace of a run: tool version and code, rules, and the caller's settings."""
    return namespace(__version__, code_digest(), rules_digest, *extra)
