"""Keyword prefilter for a whole run: which rule keywords occur in a file, in one pass.

Rules name keywords so that files holding none of them are skipped before any query or regex
runs. Searching each keyword separately costs one pass over the file per keyword; a
`KeywordIndex` compiles every keyword of the run into one hyperscan database (ASCII
case-insensitive literals, each reported at most once) and answers, per file, the set of
keywords present. Same answer as `keyword in data.lower()` for each keyword: hyperscan folds
ASCII letters only, as `bytes.lower()` does.

One index belongs to the detectors built for one run and thread (hyperscan scratch space is
not shared); each view remembers its answer.
"""

from __future__ import annotations

from collections.abc import Iterable

import hyperscan

from integrity.detectors.base import FileView


class KeywordIndex:
    """The lowercased keywords of a run's rules, compiled for one scan per file."""

    def __init__(self, keywords: Iterable[bytes]) -> None:
        words = sorted(set(keywords))
        self._always = frozenset(word for word in words if not word)
        self._words = tuple(word for word in words if word)
        self._database: hyperscan.Database | None = None
        if self._words:
            flags = hyperscan.HS_FLAG_CASELESS | hyperscan.HS_FLAG_SINGLEMATCH
            self._database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            self._database.compile(
                expressions=[_literal(word) for word in self._words],
                ids=list(range(len(self._words))),
                elements=len(self._words),
                flags=[flags] * len(self._words),
            )

    def __reduce__(self) -> tuple[type[KeywordIndex], tuple[tuple[bytes, ...]]]:
        """Pickles as its keywords (a hyperscan database does not pickle); recompiled on load."""
        return (KeywordIndex, ((*self._always, *self._words),))

    def covers(self, keywords: Iterable[bytes]) -> bool:
        """True when every one of these keywords was compiled into this index."""
        known = set(self._words) | self._always
        return all(word in known for word in keywords)

    def present(self, view: FileView) -> frozenset[bytes]:
        """The keywords occurring in the view's `after` content (computed once per view)."""
        return view.derived(self, self._scan)

    def _scan(self, view: FileView) -> frozenset[bytes]:
        data = view.after or b""
        if self._database is None or not data:
            return self._always
        found: list[bytes] = []

        def on_match(index: int, _start: int, _end: int, _flags: int, _ctx: object) -> None:
            found.append(self._words[index])

        self._database.scan(data, match_event_handler=on_match)
        return self._always.union(found)


def _literal(word: bytes) -> bytes:
    return b"".join(b"\\x%02x" % byte for byte in word)
