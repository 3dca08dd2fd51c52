"""Tree-sitter queries of rules: prepare, check and compile them (one combined query per language).

Text predicates run on google-re2 so matching stays linear-time on hostile input: `prepare`
rewrites `#match?` / `#not-match?` into `#re2-match?` / `#re2-not-match?`. The predicates we
evaluate ourselves (`Predicates`, `function_name`, ...) live in `integrity.rules.predicates`.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import re2
import tree_sitter

from integrity.rules.pattern_predicates import PredicateCall, general_predicates, unescape
from integrity.rules.predicates import OURS
from integrity.rules.schema import compile_re2, error_text

__all__ = [
    "LanguageQuery",
    "QueryProblem",
    "captures_in",
    "check_predicates",
    "compile_language",
    "compile_query",
    "prepare",
]

_REWRITE = re.compile(r"\(#(not-)?match\?")
_PREDICATE_ARGS = re.compile(r'\(#([a-z0-9-]+\?)\s+@[\w.-]+\s+"((?:[^"\\]|\\.)*)"')


class QueryProblem(Exception):
    """A query that does not compile or uses a bad regex in a predicate."""


def prepare(text: str) -> str:
    """The query text with regex predicates routed to re2."""
    return _REWRITE.sub(lambda m: f"(#re2-{m.group(1) or ''}match?", text)


def check_predicates(text: str) -> None:
    """Raise QueryProblem when a regex predicate of a query is not valid for re2."""
    for name, pattern in _PREDICATE_ARGS.findall(prepare(text)):
        if name in OURS:
            try:
                compile_re2(unescape(pattern))
            except re2.error as exc:
                raise QueryProblem(
                    f"predicate {name} regex {pattern!r}: {error_text(exc)}"
                ) from None


def compile_query(language: tree_sitter.Language, text: str) -> tree_sitter.Query:
    """Compile one rule's query (after `prepare`); raises QueryProblem with the reason."""
    check_predicates(text)
    prepared = prepare(text)
    try:
        return tree_sitter.Query(language, prepared)
    except (tree_sitter.QueryError, ValueError) as exc:
        raise QueryProblem(str(exc).replace("\n", " ")) from None


def captures_in(text: str) -> frozenset[str]:
    """Capture names written in a query text (`@name`)."""
    return frozenset(re.findall(r"@([A-Za-z_][\w.-]*)", text))


@dataclass(frozen=True, slots=True)
class _Built:
    query: tree_sitter.Query
    owners: tuple[str, ...]
    predicates: tuple[tuple[PredicateCall, ...], ...]
    source: str
    texts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class LanguageQuery:
    """Every query rule of one language compiled as one query, and the rule of each pattern.

    One traversal of a tree serves all rules. A compiled query is read-only once built, so the
    detectors of every worker thread share it. `predicates` holds, per pattern, the general
    predicates (ours) that tree-sitter leaves to a callback: run the query without one and
    filter its matches with `Predicates.accepts`. `without` compiles a private copy with the
    patterns of some rules disabled (a query's patterns can only be disabled for good).

    Built by `compile_language`, eagerly (a bad query raises there) or, with `lazy=True`, on
    first use of `query`, `owners`, `predicates` or `source` (for parts already known to
    compile: a worker reloading rules its parent checked pays only for the languages it meets).
    """

    language: tree_sitter.Language = field(compare=False, repr=False)
    parts: tuple[tuple[str, str], ...]
    _built: list[_Built] = field(default_factory=list, compare=False, repr=False)

    def _get(self) -> _Built:
        if not self._built:  # two threads may both build: same result, one kept
            built = _build(self.language, self.parts)
            if not self._built:
                self._built.append(built)
        return self._built[0]

    @property
    def built(self) -> bool:
        """True once the combined query is compiled."""
        return bool(self._built)

    @property
    def query(self) -> tree_sitter.Query:
        """The combined query (every pattern of every rule, in rule order)."""
        return self._get().query

    @property
    def owners(self) -> tuple[str, ...]:
        """The rule id of each pattern."""
        return self._get().owners

    @property
    def predicates(self) -> tuple[tuple[PredicateCall, ...], ...]:
        """The general predicates of each pattern, cheap ones first."""
        return self._get().predicates

    @property
    def source(self) -> str:
        """The combined query text."""
        return self._get().source

    @property
    def texts(self) -> tuple[str, ...]:
        """The source text of each pattern, its predicates included."""
        return self._get().texts

    def without(self, rule_ids: frozenset[str]) -> tree_sitter.Query:
        """A new query (the caller's own) where the patterns of these rules never match."""
        if not rule_ids.intersection(self.owners):
            return self.query
        query = tree_sitter.Query(self.language, self.source)
        for index, owner in enumerate(self.owners):
            if owner in rule_ids:
                query.disable_pattern(index)
        return query


def compile_language(
    language: tree_sitter.Language, parts: Sequence[tuple[str, str]], *, lazy: bool = False
) -> LanguageQuery:
    """Compile (rule id, query text) parts into one query; raises QueryProblem (with `lazy`,
    at first use instead)."""
    compiled = LanguageQuery(language, tuple(parts))
    if not lazy:
        compiled.query  # noqa: B018 - compiles now, so a bad query raises here
    return compiled


def _build(language: tree_sitter.Language, parts: Sequence[tuple[str, str]]) -> _Built:
    pieces: list[bytes] = []
    starts: list[int] = []
    position = 0
    for _, text in parts:
        piece = (prepare(text) + "\n").encode("utf-8")
        starts.append(position)
        pieces.append(piece)
        position += len(piece)
    whole = b"".join(pieces)
    source = whole.decode("utf-8")
    try:
        query = tree_sitter.Query(language, source)
    except (tree_sitter.QueryError, ValueError) as exc:
        raise QueryProblem(str(exc).replace("\n", " ")) from None
    owners = tuple(
        parts[bisect.bisect_right(starts, query.start_byte_for_pattern(i)) - 1][0]
        for i in range(query.pattern_count)
    )
    texts = tuple(
        whole[query.start_byte_for_pattern(i) : query.end_byte_for_pattern(i)].decode("utf-8")
        for i in range(query.pattern_count)
    )
    predicates = tuple(_cheap_first(general_predicates(text), text) for text in texts)
    return _Built(query, owners, predicates, source, texts)


_COST = {"re2-match?": 0, "re2-not-match?": 0, "in-condition?": 1}


def _cheap_first(calls: tuple[PredicateCall, ...], text: str = "") -> tuple[PredicateCall, ...]:
    """Text tests before tree walks, and among text tests those on inner captures first
    (predicates are pure: any order keeps the same matches).

    A node's capture follows its children's in query syntax, so a capture named earlier in
    the pattern tends to hold less text: `(if_statement condition: (_) @cond) @if` tests the
    condition before the whole statement, which fails on most `if`s sooner."""

    def first_use(call: PredicateCall) -> int:
        if not call.args or call.args[0][1] != "capture":
            return len(text)
        at = text.find("@" + call.args[0][0])
        return len(text) if at < 0 else at

    return tuple(sorted(calls, key=lambda call: (_COST.get(call.name, 2), first_use(call))))
