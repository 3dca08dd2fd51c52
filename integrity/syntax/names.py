"""The name a literal is given: from the tree (declaration, assignment, key, designator) or,
for token-level files, from the text just before it. Bounded walks, no recursion.
"""

from __future__ import annotations

import re

import tree_sitter

from integrity.syntax.fastlex import after_assignment
from integrity.syntax.symbols import node_text

__all__ = ["after_assignment", "is_direct", "token_name", "tree_name"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_NAME_FIELDS = ("name", "left", "key", "declarator", "pattern", "designator")
_NAME_DEPTH = 6
_STOP = _words(
    """
    compound_statement block statement_block translation_unit module program source_file
    class_body declaration_list field_declaration_list body_statement function_definition
    function_declaration method_declaration method_definition function_item class_definition
    class_declaration impl_item constructor_declaration arrow_function function_expression
    lambda
    """
)
_IDENT_TYPES = _words(
    """
    identifier field_identifier property_identifier type_identifier variable_name name
    constant word shorthand_property_identifier
    """
)
_DIRECT_PARENTS = _words(
    """
    init_declarator assignment variable_declarator expression_list let_declaration
    const_item static_item pair keyword_argument assignment_expression const_element
    initializer_pair enumerator variable_assignment const_spec var_spec equals_value_clause
    augmented_assignment property_declaration field_declaration
    """
)
_KEYWORDS = _words(
    """
    return case if while for in yield await else do goto define
    """
)
_TRAILING_NAME = re.compile(rb"(?<![A-Za-z0-9_])[A-Za-z_][A-Za-z0-9_]*\Z")


def _field_name(data: bytes, node: tree_sitter.Node) -> str | None:
    current: tree_sitter.Node | None = node
    for _ in range(_NAME_DEPTH):
        if current is None:
            return None
        if current.type in _IDENT_TYPES:
            return node_text(data, current, 100)
        if current.type in ("string", "string_literal"):
            return node_text(data, current, 100).strip("\"'`") or None
        nxt = current.child_by_field_name("declarator") or current.child_by_field_name("name")
        if nxt is None and current.named_child_count:
            nxt = current.named_children[0]
        current = nxt
    return None


def tree_name(data: bytes, node: tree_sitter.Node) -> str | None:
    """The name a literal is assigned to (declaration, assignment, key, designator), if any."""
    current = node
    for _ in range(_NAME_DEPTH):
        parent = current.parent
        if parent is None or parent.type in _STOP:
            return None
        for field in _NAME_FIELDS:
            child = parent.child_by_field_name(field)
            if child is not None and child.id != current.id:
                found = _field_name(data, child)
                if found:
                    return found
        current = parent
    return None


def token_name(data: bytes, start: int) -> str | None:
    """The name before `=`, `:`, `=>` (or a #define) preceding a literal, from the raw text."""
    window = data[max(0, start - 160) : start].rstrip().rstrip(b"[{(").rstrip()
    if window.endswith(b")"):  # a cast: (uint8_t)
        opener = window.rfind(b"(", max(0, len(window) - 42))
        if opener >= 0:
            window = window[:opener].rstrip()
    if window.endswith((b"=>", b":=")):
        window = window[:-2]
    elif window.endswith((b"==", b"!=", b"<=", b">=")):
        return None
    elif window.endswith((b"=", b":")):
        window = window[:-1]
    window = window.rstrip()
    while window.endswith(b"]"):
        opener = window.rfind(b"[")
        if opener < 0:
            return None
        window = window[:opener].rstrip()
    match = _TRAILING_NAME.search(window, max(0, len(window) - 100))
    if match is None:
        return None
    name = match.group().decode("ascii")
    return None if name in _KEYWORDS else name


def is_direct(node: tree_sitter.Node) -> bool:
    parent = node.parent
    return parent is not None and parent.type in _DIRECT_PARENTS


_NAME_TYPES = frozenset({"identifier", "field_identifier", "qualified_identifier"})


def declared_name(node: tree_sitter.Node) -> str | None:
    """The name a definition node declares: its `name` field, else the identifier at the end of
    its declarator chain (C/C++: pointer_declarator -> function_declarator -> identifier),
    followed at most six levels."""
    named = node.child_by_field_name("name")
    if named is not None and named.text is not None:
        return named.text.decode("utf-8", "replace")
    declarator = node.child_by_field_name("declarator")
    hops = 0
    while declarator is not None and hops < 6:
        if declarator.type in _NAME_TYPES:
            return (declarator.text or b"").decode("utf-8", "replace")
        declarator = declarator.child_by_field_name("declarator") or declarator.child_by_field_name(
            "name"
        )
        hops += 1
    return None
