"""The generic before/after detector (kind = "literal-change").

Two forms, both diff-aware (they need `view.before`):

- `pattern`: a text the pattern matched in `before` is matched fewer times in `after` (a
  hardening flag or a check removed). Reported at the line of `after` where it was.
- `names`: a constant whose name matches `names` is assigned a different literal in `after`.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterator
from typing import Any

from integrity.detectors.base import FileView
from integrity.detectors.common import (
    LineIndex,
    Scope,
    keyword_hit,
    lower_keywords,
    make_finding,
    symbol_at,
)
from integrity.model import Finding
from integrity.rules.schema import Rule, compile_re2

_ASSIGNMENT = (
    r"(?m)(?:#\s*define\s+|\b)(?P<name>[A-Za-z_][A-Za-z0-9_]*)\b\s*(?:=|:=|:|\s)\s*"
    r"(?P<value>0[xX][0-9a-fA-F]+|[0-9]+(?:\.[0-9]+)?|\"[^\"\n]*\"|'[^'\n]*')"
)


class LiteralChangeDetector:
    """Compares the matches of a rule in `before` and `after`."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self._scope = Scope.of(rule)
        self._keywords = lower_keywords(rule.keywords)
        self._pattern: Any = compile_re2(rule.pattern) if rule.pattern else None
        self._names: Any = compile_re2(rule.names) if rule.names else None
        self._assignment: Any = compile_re2(_ASSIGNMENT)

    @property
    def rule_id(self) -> str:
        """The id of the rule this detector implements."""
        return self.rule.id

    def wants(self, view: FileView) -> bool:
        """A modified file in scope."""
        return view.before is not None and self._scope.accepts(view)

    def detect(self, view: FileView) -> Iterator[Finding]:
        """Removed matches, or changed constants."""
        if view.before is None or view.after is None:
            return
        before = view.before.decode("utf-8", "replace")  # re2 needs valid UTF-8
        after = view.after.decode("utf-8", "replace")
        if not keyword_hit(view.before, self._keywords):
            return
        mapping = _line_map(before, after)
        if self._pattern is not None:
            yield from self._removed(view, before, after, mapping)
        if self._names is not None:
            yield from self._changed(view, before, after, mapping)

    def _removed(
        self, view: FileView, before: str, after: str, mapping: list[int]
    ) -> Iterator[Finding]:
        kept = Counter(" ".join(m.group(0).split()) for m in self._pattern.finditer(after))
        old_index, new_index = LineIndex(before), LineIndex(after)
        for match in self._pattern.finditer(before):
            key = " ".join(match.group(0).split())
            if kept[key] > 0:
                kept[key] -= 1
                continue
            old_line = old_index.line(match.start())
            line = mapping[min(old_line, len(mapping) - 1)]
            yield make_finding(
                self.rule,
                view,
                line,
                line,
                new_index.lines(line, line) or key,
                captures={"match": key, "removed": key},
                symbol=symbol_at(view, line),
                details=(("removed", key), ("before_line", str(old_line))),
            )

    def _changed(
        self, view: FileView, before: str, after: str, mapping: list[int]
    ) -> Iterator[Finding]:
        old = self._constants(before)
        new_index = LineIndex(after)
        for name, (value, line) in sorted(self._constants(after).items()):
            previous = old.get(name)
            if previous is None or previous[0] == value:
                continue
            yield make_finding(
                self.rule,
                view,
                line,
                line,
                new_index.lines(line, line),
                captures={"name": name, "old": previous[0], "new": value},
                symbol=symbol_at(view, line),
                details=(("name", name), ("old", previous[0]), ("new", value)),
            )

    def _constants(self, text: str) -> dict[str, tuple[str, int]]:
        index = LineIndex(text)
        found: dict[str, tuple[str, int]] = {}
        for match in self._assignment.finditer(text):
            name = match.group("name")
            if self._names.search(name) and name not in found:
                line = index.line(match.start(1))  # re2's start() takes group numbers only
                found[name] = (match.group("value"), line)
        return found


def _line_map(before: str, after: str) -> list[int]:
    """For each 1-based line of `before` (index), the corresponding line of `after`."""
    old, new = before.splitlines(), after.splitlines()
    mapping = [1] * (len(old) + 2)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for offset, i in enumerate(range(i1, i2)):
            j = j1 + min(offset, max(j2 - j1 - 1, 0)) if tag != "delete" else j1
            mapping[i + 1] = max(1, min(j + 1, max(len(new), 1)))
    mapping[len(old) + 1] = max(len(new), 1)
    return mapping
