"""builtin:assembled-name: dangerous names built from string fragments to hide a call.

`"ex" + "ec"`, `"sys" . "tem"`, `["ev", "al"].join("")`, `"lave"[::-1]`, `strrev("metsys")`,
`String.fromCharCode(101, 118, 97, 108)`: a tree-sitter query finds candidate expressions, a small
constant folder evaluates them, and a finding is raised when the folded value is a name like eval,
exec or system that was not written out as one literal.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator

import tree_sitter

from integrity.detectors.base import FileView, LineIndex
from integrity.detectors.common import Scope, make_finding
from integrity.model import Finding
from integrity.rules.predicates import function_name
from integrity.rules.schema import Rule
from integrity.syntax.languages import QUERY_START_DEPTH, Grammars

DANGEROUS: frozenset[str] = frozenset(
    {
        "eval", "exec", "execsync", "execfile", "system", "popen", "spawn", "spawnsync",
        "child_process", "assert", "passthru", "shell_exec", "proc_open", "pcntl_exec",
        "create_function", "base64_decode", "gzinflate", "str_rot13", "__import__",
        "subprocess", "__builtins__", "globals", "function", "constructor", "require",
        "os.system", "os.popen", "runtime", "getruntime", "processbuilder", "/bin/sh",
        "/bin/bash", "cmd.exe", "powershell",
    }
)  # fmt: skip

_CANDIDATES: dict[str, str] = {
    "python": """
        (binary_operator left: (string)) @n
        (binary_operator right: (string)) @n
        (call function: (attribute attribute: (identifier) @j) (#eq? @j "join")) @n
        (binary_operator right: (call function: (identifier) @c (#eq? @c "chr"))) @n
        (subscript value: (string) subscript: (slice)) @n
    """,
    "javascript": """
        (binary_expression left: [(string) (template_string)]) @n
        (binary_expression right: [(string) (template_string)]) @n
        (call_expression function: (member_expression property: (property_identifier) @p)
          (#any-of? @p "join" "fromCharCode")) @n
    """,
    "php": """
        (binary_expression left: [(encapsed_string) (string)]) @n
        (binary_expression right: [(encapsed_string) (string)]) @n
        (binary_expression right: (function_call_expression function: (name) @c (#eq? @c "chr"))) @n
        (function_call_expression function: (name) @f
          (#any-of? @f "strrev" "implode" "join" "chr")) @n
    """,
    "ruby": """
        (binary left: (string)) @n
        (binary right: (string)) @n
        (call method: (identifier) @m (#any-of? @m "join" "reverse")) @n
    """,
}
_CANDIDATES["typescript"] = _CANDIDATES["javascript"]
_CANDIDATES["tsx"] = _CANDIDATES["javascript"]

_STRING_TYPES = frozenset({"string", "encapsed_string", "string_literal", "template_string"})
_STRING_PARTS = frozenset({"string_content", "string_fragment"})
_STRING_PUNCT = frozenset({"string_start", "string_end"})
_CONCAT = frozenset({"binary_operator", "binary_expression", "binary"})
_MAX_DEPTH = 40


class AssembledNameDetector:
    """Folds string-building expressions and reports dangerous names assembled from parts."""

    def __init__(self, rule: Rule, grammars: Grammars) -> None:
        self.rule = rule
        self._scope = Scope.of(rule)
        self._languages: dict[str, tree_sitter.Language] = {}
        for language in rule.languages:
            lang = grammars.language(language)
            if lang is not None and language in _CANDIDATES:
                self._languages[language] = lang
        self._queries: dict[str, tree_sitter.Query] = {}  # compiled on first use per language

    def _query(self, language: str) -> tree_sitter.Query:
        query = self._queries.get(language)
        if query is None:
            lang = self._languages[language]
            query = self._queries[language] = tree_sitter.Query(lang, _CANDIDATES[language])
        return query

    @property
    def rule_id(self) -> str:
        """The id of the rule this detector implements."""
        return self.rule.id

    def wants(self, view: FileView) -> bool:
        """A parsed file in a supported language."""
        return (
            view.tree is not None and view.language in self._languages and self._scope.accepts(view)
        )

    def detect(self, view: FileView) -> Iterator[Finding]:
        """One finding per outermost assembled dangerous name."""
        if view.tree is None or view.language not in self._languages:
            return
        cursor = tree_sitter.QueryCursor(self._query(view.language))
        cursor.set_max_start_depth(QUERY_START_DEPTH)
        captures = cursor.captures(view.tree.root_node)
        nodes = sorted(captures.get("n", []), key=lambda n: (n.start_byte, -n.end_byte))
        covered_until = -1
        index: LineIndex | None = None
        for node in nodes:
            if node.start_byte < covered_until:
                continue
            value = fold(node)
            if value is None or value.strip().lower() not in DANGEROUS:
                continue
            covered_until = node.end_byte
            index = index or view.line_index()
            line = node.start_point[0] + 1
            yield make_finding(
                self.rule,
                view,
                line,
                node.end_point[0] + 1,
                index.lines(line, line),
                captures={"name": value.strip()},
                symbol=function_name(node),
            )


def fold(node: tree_sitter.Node, depth: int = 0) -> str | None:
    """The constant string an expression builds from parts, or None (plain literals: None)."""
    if depth > _MAX_DEPTH:
        return None
    if node.type in _CONCAT:
        return _concat(node, depth)
    if node.type in ("call", "call_expression", "function_call_expression"):
        return _call(node, depth)
    if node.type == "subscript":  # python "lave"[::-1]
        value = _literal(node.child_by_field_name("value"))
        slice_node = node.child_by_field_name("subscript")
        if value is not None and slice_node is not None and _text(slice_node) == "::-1":
            return value[::-1]
    return None


def _value(node: tree_sitter.Node | None, depth: int) -> str | None:
    if node is None:
        return None
    if node.type in ("parenthesized_expression", "argument"):
        inner = node.named_children
        return _value(inner[0], depth + 1) if len(inner) == 1 else None
    literal = _literal(node)
    return literal if literal is not None else fold(node, depth + 1)


def _literal(node: tree_sitter.Node | None) -> str | None:
    if node is None or node.type not in _STRING_TYPES:
        return None
    parts: list[str] = []
    for child in node.named_children:
        if child.type in _STRING_PARTS:
            parts.append(_text(child))
        elif child.type == "escape_sequence":
            try:
                parts.append(codecs.decode(_text(child), "unicode_escape"))
            except UnicodeDecodeError:
                return None
        elif child.type not in _STRING_PUNCT:
            return None
    return "".join(parts)


def _concat(node: tree_sitter.Node, depth: int) -> str | None:
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    operator = node.child_by_field_name("operator")
    if left is None or right is None or operator is None or _text(operator) not in ("+", "."):
        return None
    first, second = _value(left, depth), _value(right, depth)
    return first + second if first is not None and second is not None else None


def _call(node: tree_sitter.Node, depth: int) -> str | None:
    function = node.child_by_field_name("function") or node.child_by_field_name("method")
    if function is None:
        return None
    name = _text(function).rsplit(".", 1)[-1]
    receiver = _receiver(node, function)
    args = _arguments(node)
    if name in ("chr", "fromCharCode"):
        codes = [_integer(arg) for arg in args]
        if not codes or any(code is None or not 0 < code < 0x110000 for code in codes):
            return None
        return "".join(chr(code) for code in codes if code is not None)
    if name == "strrev" and len(args) == 1:
        value = _value(args[0], depth)
        return value[::-1] if value is not None else None
    if name == "reverse" and receiver is not None and not args:
        value = _value(receiver, depth)
        return value[::-1] if value is not None else None
    if name in ("join", "implode"):
        return _join(receiver, args, depth)
    return None


def _join(
    receiver: tree_sitter.Node | None, args: list[tree_sitter.Node], depth: int
) -> str | None:
    if receiver is not None and receiver.type in _STRING_TYPES and len(args) == 1:
        parts, separator = _parts(args[0], depth), _literal(receiver)  # python sep.join(list)
    elif receiver is not None:
        parts = _parts(receiver, depth)  # js/ruby list.join(sep)
        separator = _literal(args[0]) if args else ("," if receiver.type == "array" else "")
    elif len(args) == 2:
        parts, separator = _parts(args[1], depth), _literal(args[0])  # php implode(sep, list)
    else:
        return None
    if parts is None or separator is None:
        return None
    return separator.join(parts)


def _parts(node: tree_sitter.Node, depth: int) -> list[str] | None:
    if depth > _MAX_DEPTH:
        return None
    if node.type == "argument" and len(node.named_children) == 1:
        node = node.named_children[0]
    if node.type in ("list", "array", "array_creation_expression"):
        values = [_value(_unwrap(child), depth) for child in node.named_children]
        return None if any(v is None for v in values) else [v for v in values if v is not None]
    if node.type in ("call", "call_expression"):  # js "abc".split("").reverse()
        function = node.child_by_field_name("function")
        if function is None or function.type != "member_expression":
            return None
        method = _text(function.child_by_field_name("property") or function)
        inner = function.child_by_field_name("object")
        if method == "reverse" and inner is not None:
            parts = _parts(inner, depth + 1)
            return parts[::-1] if parts is not None else None
        if method == "split" and inner is not None:
            value = _literal(inner)
            args = _arguments(node)
            if value is not None and len(args) == 1 and _literal(args[0]) == "":
                return list(value)
    return None


def _unwrap(node: tree_sitter.Node) -> tree_sitter.Node:
    if node.type == "array_element_initializer" and node.named_children:
        return node.named_children[-1]
    return node


def _receiver(node: tree_sitter.Node, function: tree_sitter.Node) -> tree_sitter.Node | None:
    if node.child_by_field_name("receiver") is not None:  # ruby
        return node.child_by_field_name("receiver")
    if function.type in ("attribute", "member_expression"):
        return function.child_by_field_name("object")
    return None


def _arguments(node: tree_sitter.Node) -> list[tree_sitter.Node]:
    args = node.child_by_field_name("arguments")
    if args is None:
        return []
    return [child for child in args.named_children if child.type != "comment"]


def _integer(node: tree_sitter.Node) -> int | None:
    if node.type == "argument" and len(node.named_children) == 1:
        node = node.named_children[0]
    try:
        return int(_text(node), 0)
    except ValueError:
        return None


def _text(node: tree_sitter.Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")
