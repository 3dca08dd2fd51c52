"""The predicates of rule queries that we evaluate ourselves, and where a node sits.

Text predicates run on google-re2 so matching stays linear-time on hostile input (the loader
rewrites `#match?` / `#not-match?` into `#re2-match?` / `#re2-not-match?`). Two more look at
where a capture sits:

- `(#inside? @cap "regex")`: the function enclosing the capture has a name matching the regex;
- `(#not-inside? @cap "regex")`: it has not (or there is no enclosing function);
- `(#in-condition? @cap)`: the capture is part of the `condition` of an if/while/for/ternary;
- `(#in-function-matching? @cap "regex")`: the text of the enclosing function (the whole file at
  top level) matches the regex, e.g. "this function reads request data".

A `Predicates` object belongs to one detector for one run and caches the compiled regexes. It
serves as tree-sitter's predicate callback, or (faster, and without tree-sitter 0.26.1's
per-call leak) filters the matches of a query run without one: `accepts` / `checks`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import re2
import tree_sitter

from integrity.rules.pattern_predicates import ArgKind, PredicateCall
from integrity.rules.schema import compile_re2
from integrity.syntax.names import declared_name

OURS: frozenset[str] = frozenset(
    {
        "re2-match?",
        "re2-not-match?",
        "inside?",
        "not-inside?",
        "in-condition?",
        "in-function-matching?",
    }
)

FUNCTION_TYPES: frozenset[str] = frozenset(
    {
        "function_definition",
        "function_declaration",
        "function_item",
        "method_declaration",
        "method_definition",
        "method",
        "singleton_method",
        "constructor_declaration",
        "function_expression",
        "arrow_function",
        "generator_function_declaration",
        "func_literal",
        "lambda_expression",
        "anonymous_function",
        "local_function_statement",
    }
)


def function_node(node: tree_sitter.Node) -> tree_sitter.Node | None:
    """The nearest enclosing function-like node, or None at top level."""
    current = node.parent
    while current is not None:
        if current.type in FUNCTION_TYPES:
            return current
        current = current.parent
    return None


def function_name(node: tree_sitter.Node) -> str | None:
    """The name of the nearest enclosing *named* function of a node, if any."""
    current: tree_sitter.Node | None = node
    while current is not None:
        current = function_node(current)
        if current is None:
            return None
        name = _name_of(current)
        if name:
            return name
    return None


_STATEMENT_LIST = frozenset({"compound_statement", "block", "statement_block", "statement_list"})


def in_condition(node: tree_sitter.Node) -> bool:
    """True when a node sits inside the `condition` field of an enclosing statement."""
    child = node
    parent = node.parent
    while parent is not None and parent.type not in FUNCTION_TYPES:
        if parent.type in _STATEMENT_LIST:
            return False
        condition = parent.child_by_field_name("condition")
        if condition is not None and condition.id == child.id:
            return True
        child, parent = parent, parent.parent
    return False


def _name_of(node: tree_sitter.Node) -> str | None:
    name = declared_name(node)
    if name is not None:
        return name
    parent = node.parent  # JS: const login = (...) => {...}
    if parent is not None and parent.type in (
        "variable_declarator",
        "pair",
        "assignment_expression",
    ):
        target = parent.child_by_field_name("name") or parent.child_by_field_name("key")
        target = target or parent.child_by_field_name("left")
        if target is not None and target.text is not None:
            return target.text.decode("utf-8", "replace")
    return None


@dataclass
class Predicates:
    """The predicate callback for one detector: re2 text tests and enclosing-function tests."""

    _compiled: dict[str, Any] = field(default_factory=dict)
    _searches: dict[str, Callable[[bytes], bool]] = field(default_factory=dict)

    def _regex(self, pattern: str) -> Any:
        compiled = self._compiled.get(pattern)
        if compiled is None:
            compiled = compile_re2(pattern)
            self._compiled[pattern] = compiled
        return compiled

    def _search(self, pattern: str) -> Callable[[bytes], bool]:
        search = self._searches.get(pattern)
        if search is None:
            search = self._searches[pattern] = bytes_search(self._regex(pattern))
        return search

    def __call__(
        self,
        predicate: str,
        args: list[tuple[str, Literal["capture", "string"]]],
        pattern_index: int,
        captures: dict[str, list[tree_sitter.Node]],
    ) -> bool:
        """tree-sitter's general-predicate hook: True keeps the match."""
        return self._holds(predicate, args, captures, None)

    def accepts(
        self,
        calls: tuple[PredicateCall, ...],
        captures: dict[str, list[tree_sitter.Node]],
        source: bytes | None = None,
    ) -> bool:
        """True when a match passes every general predicate of its pattern.

        `source` is the content the tree was parsed from: node texts are sliced from it
        (a tree parsed through a read callback fetches each node's text through that callback).
        """
        return all(self._holds(call.name, call.args, captures, source) for call in calls)

    def checks(self, calls: tuple[PredicateCall, ...]) -> tuple[Check, ...]:
        """The predicates of a pattern as functions of (captures, source), same answers as
        `accepts` gives call by call: text tests specialised, predicates that always hold
        dropped, the rest evaluated as the callback would."""
        return tuple(
            check for check in (self._check(call.name, call.args) for call in calls) if check
        )

    def _check(self, name: str, args: tuple[tuple[str, ArgKind], ...]) -> Check | None:
        if name != "in-condition?" and (name not in OURS or len(args) != 2):
            return None  # `_holds` answers True
        if name not in ("re2-match?", "re2-not-match?"):
            return lambda captures, source: self._holds(name, args, captures, source)
        (capture, _), (pattern, _) = args
        search = self._search(pattern)
        wanted = name == "re2-match?"

        def check(captures: dict[str, list[tree_sitter.Node]], source: bytes | None) -> bool:
            for node in captures.get(capture, ()):
                if not search(_text(node, source)):
                    return not wanted
            return wanted

        return check

    def _holds(
        self,
        predicate: str,
        args: Sequence[tuple[str, Literal["capture", "string"]]],
        captures: dict[str, list[tree_sitter.Node]],
        source: bytes | None,
    ) -> bool:
        if predicate == "in-condition?":
            return all(in_condition(node) for node in captures.get(args[0][0], []))
        if predicate not in OURS or len(args) != 2:
            return True
        (capture, _), (pattern, _) = args
        nodes = captures.get(capture, [])
        if predicate in ("re2-match?", "re2-not-match?"):
            search = self._search(pattern)
            hit = all(search(_text(node, source)) for node in nodes)
            return hit if predicate == "re2-match?" else not hit
        if predicate == "in-function-matching?":
            search = self._search(pattern)
            return all(search(_scope_text(node, source)) for node in nodes)
        regex = self._regex(pattern)
        names = [function_name(node) for node in nodes]
        inside = bool(names) and all(n is not None and regex.search(n) for n in names)
        return inside if predicate == "inside?" else not inside


_UNANCHORED: Any = getattr(getattr(re2, "_Anchor", None), "UNANCHORED", None)
_NO_SPAN = (-1, -1)


Check = Callable[[dict[str, list[tree_sitter.Node]], bytes | None], bool]
"""One general predicate of a pattern, ready to test a match: (captures, source) -> holds."""


def bytes_search(regex: Any) -> Callable[[bytes], bool]:
    """`regex.search(data) is not None` for bytes data, calling the re2 binding directly when
    it allows (on short node texts the wrapper's generator costs more than the match)."""
    raw = getattr(regex, "_regexp", None)
    if raw is None or _UNANCHORED is None:
        return lambda data: regex.search(data) is not None
    match = raw.Match

    def found(data: bytes) -> bool:
        return bool(match(_UNANCHORED, data, 0, len(data))[0] != _NO_SPAN)

    return found


def _scope_text(node: tree_sitter.Node, source: bytes | None) -> bytes:
    function = function_node(node)
    if function is None:
        function = node
        while function.parent is not None:
            function = function.parent
    return _text(function, source)


def _text(node: tree_sitter.Node, source: bytes | None) -> bytes:
    if source is not None:
        return source[node.start_byte : node.end_byte]
    return node.text or b""  # re2 searches bytes directly (no str round trip)
