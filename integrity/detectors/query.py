"""The generic tree-sitter query detector (kind = "query").

All query rules of one language run as one combined tree-sitter query (compiled once by the
loader, see rules/queries.py `LanguageQuery`): one traversal of the tree instead of one per rule,
about three times faster on C. Each rule keeps its own detector (its id, scope, keywords); a
`QueryBundle` remembers the matches of the last tree it ran on, so the detectors of one file share
one traversal. A bundle belongs to the detectors built for one run (one thread), never to the
module.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

import tree_sitter

from integrity.detectors.base import FileView
from integrity.detectors.common import (
    Scope,
    keywords_in,
    lower_keywords,
    make_finding,
    run_index,
)
from integrity.detectors.keywords import KeywordIndex
from integrity.detectors.variants import PatternNeeds, Variants
from integrity.model import Finding
from integrity.rules.predicates import Check, Predicates, function_name
from integrity.rules.queries import LanguageQuery
from integrity.rules.schema import Rule
from integrity.syntax.languages import QUERY_START_DEPTH

_MATCH_LIMIT = 16384
Captures = dict[str, list[tree_sitter.Node]]


class QueryBundle:
    """The combined query of one language, run once per view for the detectors of one run.

    The query runs without a predicate callback; our general predicates (`#inside?`,
    `#re2-match?`, ...) filter its matches afterwards, and only for the rules whose detectors
    want the view (in scope, keywords present): the matches of other rules are dropped
    unexamined, as their detectors never ask for them.
    """

    def __init__(
        self,
        compiled: LanguageQuery,
        rules: Sequence[Rule],
        index: KeywordIndex | None = None,
    ) -> None:
        self._rules = {rule.id: (Scope.of(rule), lower_keywords(rule.keywords)) for rule in rules}
        words = [word for _, keywords in self._rules.values() for word in keywords]
        self._index = run_index(index, words)
        self._compiled = compiled
        self._owner: tuple[str, ...] = ()
        self._checks: tuple[Check, ...] = ()
        self._needs: PatternNeeds | None = None
        self._variants = Variants(compiled)
        self._last: tuple[FileView, tree_sitter.Tree] | None = None
        self._matches: dict[str, list[Captures]] = {}

    def matches(self, view: FileView, tree: tree_sitter.Tree, rule_id: str) -> list[Captures]:
        """The matches of one rule's patterns on the view's tree (computed once per view)."""
        last = self._last
        if last is None or last[0] is not view or last[1] is not tree:
            self._matches = self._run(view, tree)
            self._last = (view, tree)
        return self._matches.get(rule_id, [])

    def active(self, view: FileView) -> frozenset[str]:
        """The rules of this bundle in scope for the view and with a keyword in it (once per
        view: every rule detector of the file asks)."""
        return view.derived((self, "active"), self._active)

    def _active(self, view: FileView) -> frozenset[str]:
        index = self._index
        return frozenset(
            rule
            for rule, (scope, keywords) in self._rules.items()
            if scope.accepts(view) and keywords_in(view, keywords, index)
        )

    def _run(self, view: FileView, tree: tree_sitter.Tree) -> dict[str, list[Captures]]:
        active = self.active(view)
        grouped: dict[str, list[Captures]] = {}
        if not active:
            return grouped
        patterns = self._patterns(view, active)  # the first file of a language prepares
        if not patterns:
            return grouped
        query, numbers = self._variants.get(patterns)
        cursor = tree_sitter.QueryCursor(query, match_limit=_MATCH_LIMIT)
        cursor.set_max_start_depth(QUERY_START_DEPTH)
        owner, checks = self._owner, self._checks
        source = view.after or b""
        for local, captures in cursor.matches(tree.root_node):
            pattern = numbers[local] if numbers is not None else local
            rule = owner[pattern]
            if rule in active and checks[pattern](captures, source):
                grouped.setdefault(rule, []).append(captures)
        return grouped

    def _prepare(self) -> None:
        compiled = self._compiled
        self._owner = compiled.owners
        predicates = Predicates()
        calls = compiled.predicates
        self._checks = tuple(_all_of(predicates.checks(pattern)) for pattern in calls)
        self._needs = PatternNeeds(compiled)

    def _patterns(self, view: FileView, active: frozenset[str]) -> frozenset[int]:
        """The patterns of active rules whose needed literals are all in the view."""
        if self._needs is None:
            self._prepare()
        assert self._needs is not None
        return self._needs.patterns(view, active)


def build_bundles(
    rules: Sequence[Rule],
    compiled: Mapping[str, LanguageQuery],
    index: KeywordIndex | None = None,
) -> dict[str, QueryBundle]:
    """One bundle per language for the query rules of this run."""
    bundles: dict[str, QueryBundle] = {}
    for language, combined in compiled.items():
        mine = [rule for rule in rules if rule.kind == "query" and language in rule.languages]
        if mine:
            bundles[language] = QueryBundle(combined, mine, index)
    return bundles


class QueryDetector:
    """One query rule: reports the `report` capture of each of its matches."""

    def __init__(self, rule: Rule, bundles: Mapping[str, QueryBundle]) -> None:
        self.rule = rule
        self._bundles = {lang: b for lang, b in bundles.items() if lang in rule.languages}

    @property
    def rule_id(self) -> str:
        """The id of the rule this detector implements."""
        return self.rule.id

    def wants(self, view: FileView) -> bool:
        """A parsed file in one of the rule's languages and paths holding one of its keywords."""
        if view.tree is None or view.language is None:
            return False
        bundle = self._bundles.get(view.language)
        if bundle is None:
            return False
        return self.rule.id in bundle.active(view)  # the bundle knows every rule of its language

    def detect(self, view: FileView) -> Iterator[Finding]:
        """One finding per distinct reported node."""
        if view.tree is None or view.language is None or view.language not in self._bundles:
            return
        seen: set[tuple[int, int]] = set()
        report = self.rule.report or ""
        bundle = self._bundles[view.language]
        for captures in bundle.matches(view, view.tree, self.rule.id):
            nodes = captures.get(report)
            if not nodes or (nodes[0].start_byte, nodes[0].end_byte) in seen:
                continue
            node = nodes[0]
            seen.add((node.start_byte, node.end_byte))
            index = view.line_index()
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


def _always(_captures: Captures, _source: bytes | None) -> bool:
    return True


def _all_of(checks: tuple[Check, ...]) -> Check:
    """One check standing for a pattern's checks (in order, stopping at the first failure)."""
    if not checks:
        return _always
    if len(checks) == 1:
        return checks[0]

    def every(captures: Captures, source: bytes | None) -> bool:
        return all(check(captures, source) for check in checks)

    return every


def _text(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")
