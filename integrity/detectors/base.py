"""The detector extension point: a FileView in, findings out."""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Literal, Protocol, TypeVar, cast

import tree_sitter

from integrity.model import Finding, Symbol

T = TypeVar("T")
Decoding = Literal["surrogateescape", "replace"]
"""How `FileView.text` treats bytes that are not UTF-8."""


class LineIndex:
    """Offset -> 1-based line number over one text (str offsets) or content (byte offsets)."""

    def __init__(self, text: str) -> None:
        self.text = text
        lengths = map(len, text.split("\n"))
        # line k starts after the k-1 earlier lines and their newlines: all at C speed
        self._starts = list(accumulate(map((1).__add__, lengths), initial=0))
        self._starts.pop()

    def line(self, offset: int) -> int:
        """The 1-based line holding a character offset."""
        return bisect.bisect_right(self._starts, offset)

    def lines(self, start: int, end: int) -> str:
        """The full text of lines start..end (1-based, inclusive)."""
        begin = self._starts[start - 1] if start - 1 < len(self._starts) else len(self.text)
        finish = self._starts[end] - 1 if end < len(self._starts) else len(self.text)
        return self.text[begin:finish]


class _Derived:
    """What detectors derive from one view's content, each computed on first use.

    Belongs to one FileView (never copied by `dataclasses.replace`, never shared), so the
    detectors of a file lowercase, decode and index lines once instead of once each.
    """

    __slots__ = ("indexes", "keywords", "lowered", "others", "texts", "utf8")

    def __init__(self) -> None:
        self.others: dict[object, object] = {}
        self.lowered: bytes | None = None
        self.keywords: dict[bytes, bool] = {}
        self.texts: dict[Decoding, str] = {}
        self.indexes: dict[Decoding, LineIndex] = {}
        self.utf8: bool | None = None


@dataclass(frozen=True, slots=True)
class FileView:
    """One file as the detectors see it, parsed once per run.

    `after` is None for a removed file, `before` is None for an added file or in `scan` mode.
    `added_lines` holds the 1-based line numbers of `after` that are new or changed; None means
    every line is in scope (scan mode, or a file that did not exist in the baseline).
    """

    path: str
    language: str | None
    after: bytes | None
    before: bytes | None = None
    change: str = "unchanged"
    added_lines: frozenset[int] | None = None
    tree: tree_sitter.Tree | None = None
    before_tree: tree_sitter.Tree | None = None
    symbols: tuple[Symbol, ...] = ()
    sensitive_path: bool = False
    _derived: _Derived = field(
        default_factory=_Derived, init=False, repr=False, compare=False, hash=False
    )

    def in_scope(self, start_line: int, end_line: int) -> bool:
        """True when a finding spanning these lines touches changed content."""
        if self.added_lines is None:
            return True
        return any(line in self.added_lines for line in range(start_line, end_line + 1))

    def text(self, errors: Decoding = "surrogateescape") -> str:
        """The `after` content decoded leniently: undecodable bytes kept as escapes, or with
        errors="replace" replaced by U+FFFD. Decoded once per view (valid UTF-8, nearly every
        file, decodes the same either way)."""
        texts = self._derived.texts
        text = texts.get(errors)
        if text is None:
            if self.is_utf8():
                return texts[errors]
            text = texts[errors] = (self.after or b"").decode("utf-8", errors)
        return text

    def line_index(self, errors: Decoding = "surrogateescape") -> LineIndex:
        """Line numbers over `text(errors)`, built once per view."""
        key = "surrogateescape" if self.is_utf8() else errors
        indexes = self._derived.indexes
        index = indexes.get(key)
        if index is None:
            index = indexes[key] = LineIndex(self.text(errors))
        return index

    def lowered(self) -> bytes:
        """The `after` content ASCII-lowercased (for keyword prefilters), once per view."""
        derived = self._derived
        if derived.lowered is None:
            derived.lowered = (self.after or b"").lower()
        return derived.lowered

    def derived(self, key: Hashable, compute: Callable[[FileView], T]) -> T:
        """`compute(self)`, computed once per view and key (a detector's per-file facts)."""
        others = self._derived.others
        if key not in others:
            others[key] = compute(self)
        return cast(T, others[key])

    def has_keyword(self, keyword: bytes) -> bool:
        """True when a lowercased keyword occurs in `lowered()` (each keyword searched once)."""
        known = self._derived.keywords
        hit = known.get(keyword)
        if hit is None:
            hit = known[keyword] = keyword in self.lowered()
        return hit

    def is_utf8(self) -> bool:
        """True when `after` is valid UTF-8 (its bytes and its text hold the same), checked once."""
        derived = self._derived
        if derived.utf8 is None:
            try:
                text = (self.after or b"").decode("utf-8")
            except UnicodeDecodeError:
                derived.utf8 = False
            else:
                derived.utf8 = True
                derived.texts["surrogateescape"] = derived.texts["replace"] = text
        return derived.utf8


def changed_lines(before: bytes, after: bytes) -> frozenset[int]:
    """1-based lines of `after` that are new or changed relative to `before`.

    A removed line counts as a change of the line that now stands in its place, so a deletion
    (a hardening flag taken out) is in scope too.
    """
    lines = after.split(b"\n")
    matcher = difflib.SequenceMatcher(None, before.split(b"\n"), lines, autojunk=False)
    changed: set[int] = set()
    for tag, _i1, _i2, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "insert"):
            changed.update(range(j1 + 1, j2 + 1))
        elif tag == "delete":
            changed.add(min(j1 + 1, len(lines)))
    return frozenset(changed)


class Detector(Protocol):
    """One rule made executable. Pure: reads the view, yields findings, writes nothing."""

    @property
    def rule_id(self) -> str:
        """The id of the rule this detector implements."""
        ...

    def wants(self, view: FileView) -> bool:
        """Cheap prefilter: language, path, keywords."""
        ...

    def detect(self, view: FileView) -> Iterator[Finding]:
        """Findings in the view (the engine applies diff scope and waivers afterwards)."""
        ...
