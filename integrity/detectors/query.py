"""The generic tree-sitter query detector (kind = "query")."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import tree_sitter

from integrity.detectors.base import FileView
from integrity.detectors.common import LineIndex, Scope, make_finding
from integrity.model import Finding
from integrity.rules.queries import Predicates, function_name
from integrity.rules.schema import Rule

_MATCH_LIMIT = 4096


class QueryDetector:
    """Runs one rule's compiled query on the view's tree; reports the `report` capture."""

    def __init__(self, rule: Rule, queries: Mapping[str, tree_sitter.Query]) -> None:
        self.rule = rule
        self._queries = dict(queries)
        self._scope = Scope.of(rule)
        self._predicates = Predicates()

    @property
    def rule_id(self) -> str:
        """The id of the rule this detector implements."""
        return self.rule.id

    def wants(self, view: FileView) -> bool:
        """A parsed file in one of the rule's languages and paths."""
        return (
            view.tree is not None and view.language in self._queries and self._scope.accepts(view)
        )

    def detect(self, view: FileView) -> Iterator[Finding]:
        """One finding per distinct reported node."""
        if view.tree is None or view.language is None or view.language not in self._queries:
            return
        cursor = tree_sitter.QueryCursor(self._queries[view.language], match_limit=_MATCH_LIMIT)
        index: LineIndex | None = None
        seen: set[tuple[int, int]] = set()
        report = self.rule.report or ""
        for _, captures in cursor.matches(view.tree.root_node, self._predicates):
            nodes = captures.get(report)
            if not nodes:
                continue
            node = nodes[0]
            if (node.start_byte, node.end_byte) in seen:
                continue
            seen.add((node.start_byte, node.end_byte))
            if index is None:
                index = LineIndex(view.text())
            start, end = node.start_point[0] + 1, node.end_point[0] + 1
            texts = {name: _text(found[0]) for name, found in captures.items() if found}
            yield make_finding(
                self.rule,
                view,
                start,
                end,
                index.lines(start, min(end, start + 2)),
                captures=texts,
                symbol=function_name(node),
            )


def _text(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")
