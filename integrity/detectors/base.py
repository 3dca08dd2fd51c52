"""The detector extension point: a FileView in, findings out."""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import tree_sitter

from integrity.model import Finding, Symbol


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

    def in_scope(self, start_line: int, end_line: int) -> bool:
        """True when a finding spanning these lines touches changed content."""
        if self.added_lines is None:
            return True
        return any(line in self.added_lines for line in range(start_line, end_line + 1))

    def text(self) -> str:
        """The `after` content decoded leniently (undecodable bytes kept as escapes)."""
        return (self.after or b"").decode("utf-8", "surrogateescape")


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
