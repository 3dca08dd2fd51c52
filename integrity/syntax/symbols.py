"""Tree -> definitions (qualified name, kind, byte and line span) and the normaliser's ranges.

One query per language (syntax/specs.py) runs once over the tree in C; Python then only touches
the captured nodes. Qualified names come from a sweep over definitions sorted by position (a
stack of open scopes), so nothing here recurses on tree depth.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import repeat
from operator import attrgetter

import tree_sitter

from integrity.syntax.languages import Grammars
from integrity.syntax.specs import SPECS, LanguageSpec
from integrity.syntax.tokens import Event, Span

_START = attrgetter("start_byte")
_END = attrgetter("end_byte")
CLASS_KINDS = frozenset({"class", "struct", "interface", "enum", "trait", "impl"})
_MAX_NAME = 200
_MAX_DECLARATOR_DEPTH = 32
# Query cost grows with depth x nodes and with the width of error nodes: deeper captures are
# skipped, and a broken tree with a very wide node is not queried at all (see query_safe).
MAX_QUERY_DEPTH = 1500
MAX_ERROR_WIDTH = 20000


@dataclass(frozen=True, slots=True)
class Definition:
    """A function, method, class (or a qualifying scope) found in the tree."""

    name: str  # qualified
    kind: str  # function | method | class | struct | interface | enum | trait | namespace | impl
    start: int
    end: int
    name_start: int
    name_end: int
    start_line: int
    end_line: int
    scope_only: bool = False  # namespaces, modules, impl blocks: qualify names, are not symbols


@dataclass(frozen=True, slots=True)
class TreeScan:
    """Everything one query pass yields for a file."""

    definitions: tuple[Definition, ...]
    events: tuple[Event, ...]
    numbers: tuple[tree_sitter.Node, ...]
    strings: tuple[tree_sitter.Node, ...]
    tables: tuple[tree_sitter.Node, ...]
    defines: tuple[tree_sitter.Node, ...]
    direct: frozenset[int] = frozenset()  # ids of literals that are a whole assigned value
    string_events: tuple[Event, ...] = ()  # (start, end, KEEP) of each of `strings`


def node_text(data: bytes, node: tree_sitter.Node, limit: int = _MAX_NAME) -> str:
    """A node's source text, decoded leniently, whitespace collapsed, bounded."""
    raw = data[node.start_byte : min(node.end_byte, node.start_byte + limit * 4)]
    return " ".join(raw.decode("utf-8", "replace").split())[:limit]


def _c_declarator_name(node: tree_sitter.Node) -> tree_sitter.Node | None:
    current = node.child_by_field_name("declarator")
    for _ in range(_MAX_DECLARATOR_DEPTH):
        if current is None:
            return None
        if current.type == "function_declarator":
            return current.child_by_field_name("declarator")
        nxt = current.child_by_field_name("declarator")
        if nxt is None and current.named_child_count:
            nxt = current.named_children[-1]
        current = nxt
    return None


def _cmake_name(node: tree_sitter.Node) -> tree_sitter.Node | None:
    command = node.named_children[0] if node.named_child_count else None
    if command is None:
        return None
    for child in command.named_children:
        if child.type == "argument_list":
            return child.named_children[0] if child.named_child_count else None
    return None


def _name_node(node: tree_sitter.Node, language: str) -> tree_sitter.Node | None:
    kind = node.type
    if kind == "function_definition" and language in ("c", "cpp"):
        return _c_declarator_name(node)
    if kind in ("function_def", "macro_def"):
        return _cmake_name(node)
    if kind == "impl_item":
        return node.child_by_field_name("type")
    return node.child_by_field_name("name")


def _strip_generics(text: str) -> str:
    for opener in ("<", "["):
        cut = text.find(opener)
        if cut > 0:
            text = text[:cut]
    return text.strip().lstrip("*&").strip()


def _go_receiver(data: bytes, node: tree_sitter.Node) -> str | None:
    receiver = node.child_by_field_name("receiver")
    if receiver is None:
        return None
    for param in receiver.named_children:
        type_node = param.child_by_field_name("type")
        if type_node is not None:
            return _strip_generics(node_text(data, type_node))
    return None


def _scope_kind(node: tree_sitter.Node) -> str:
    return "impl" if node.type == "impl_item" else "namespace"


def _definition(
    data: bytes, node: tree_sitter.Node, capture: str, language: str
) -> Definition | None:
    name_node = _name_node(node, language)
    if name_node is None:
        return None
    name = node_text(data, name_node)
    if not name:
        return None
    if node.type == "impl_item":
        name = _strip_generics(name)
    if node.type == "method_declaration" and language == "go":
        receiver = _go_receiver(data, node)
        name = f"{receiver}.{name}" if receiver else name
    outer = node
    parent = node.parent if language == "python" else None  # a parent costs a walk from the root
    if parent is not None and parent.type == "decorated_definition":
        outer = parent
    end = outer.end_byte
    scope_only = capture == "scope"
    if scope_only and (
        node.type == "file_scoped_namespace_declaration"
        or (node.type == "namespace_definition" and node.child_by_field_name("body") is None)
    ):
        end = len(data)
    kind = _scope_kind(node) if scope_only else capture.removeprefix("sym.")
    return Definition(
        name=name,
        kind=kind,
        start=outer.start_byte,
        end=end,
        name_start=name_node.start_byte,
        name_end=name_node.end_byte,
        start_line=outer.start_point[0] + 1,
        end_line=outer.end_point[0] + 1,
        scope_only=scope_only,
    )


def qualify(definitions: list[Definition], spec: LanguageSpec) -> tuple[Definition, ...]:
    """Qualified names and method kinds from nesting; scopes are consumed, symbols returned."""
    ordered = sorted(definitions, key=lambda d: (d.start, -d.end))
    stack: list[tuple[int, str, str]] = []  # (end, qualified name, kind)
    out: list[Definition] = []
    for item in ordered:
        while stack and stack[-1][0] <= item.start:
            stack.pop()
        parent = stack[-1] if stack else None
        name = f"{parent[1]}{spec.separator}{item.name}" if parent else item.name
        kind = item.kind
        if kind == "function" and (
            (parent is not None and parent[2] in CLASS_KINDS) or spec.separator in item.name
        ):
            kind = "method"
        stack.append((item.end, name, kind))
        if item.scope_only:
            continue
        if name == item.name and kind == item.kind:  # top level: already what it should be
            out.append(item)
        else:
            out.append(
                Definition(
                    name,
                    kind,
                    item.start,
                    item.end,
                    item.name_start,
                    item.name_end,
                    item.start_line,
                    item.end_line,
                )
            )
    return tuple(out)


def _events(
    captures: dict[str, list[tree_sitter.Node]], spec: LanguageSpec, strings: list[Event]
) -> list[Event]:
    comments = captures.get("comment", ())
    events: list[Event] = list(
        zip(map(_START, comments), map(_END, comments), repeat(Span.DROP), strict=False)
    )
    events.extend(strings)
    if not spec.blocks:
        events.sort()  # tuples compare in C; ranges never share a start here
        return events
    for block in captures.get("block", ()):
        events.append((block.start_byte, block.start_byte, Span.MARK_OPEN))
        events.append((block.end_byte, block.end_byte, Span.MARK_CLOSE))
    # zero-width markers first at a position, so a block opening on a docstring keeps its marker
    events.sort(key=lambda e: (e[0], e[2] is Span.DROP or e[2] is Span.KEEP, -e[1]))
    return events


def query_safe(tree: tree_sitter.Tree) -> bool:
    """False for trees so flat that queries over them turn quadratic: broken trees with wide
    error nodes, and any root wider than MAX_ERROR_WIDTH (e.g. a million `;` statements)."""
    root = tree.root_node
    if root.child_count > MAX_ERROR_WIDTH:
        return False
    if not root.has_error:
        return True
    return all(child.child_count <= MAX_ERROR_WIDTH for child in root.children)


def scan_tree(
    language: str, tree: tree_sitter.Tree, data: bytes, grammars: Grammars
) -> TreeScan | None:
    """Run the language's query once over the tree (None when the language has no spec)."""
    spec = SPECS.get(language)
    query = grammars.query(language, spec.query) if spec else None
    if spec is None or query is None:
        return None
    cursor = tree_sitter.QueryCursor(query)
    cursor.set_max_start_depth(MAX_QUERY_DEPTH)
    captures = cursor.captures(tree.root_node)
    found: list[Definition] = []
    for capture, nodes in captures.items():
        if capture.startswith("sym.") or capture == "scope":
            for node in nodes:
                definition = _definition(data, node, capture, language)
                if definition is not None:
                    found.append(definition)
    # a capture name's nodes are NOT in document order: tables are sorted here, numbers where
    # their starts are read anyway (syntax/extract.py); strings and defines need no order
    strings = captures.get("string", [])
    string_events = list(
        zip(map(_START, strings), map(_END, strings), repeat(Span.KEEP), strict=False)
    )
    return TreeScan(
        definitions=qualify(found, spec),
        events=tuple(_events(captures, spec, string_events)),
        numbers=tuple(captures.get("number", ())),
        strings=tuple(strings),
        tables=_sorted(captures.get("table", [])),
        defines=tuple(captures.get("define", ())),
        string_events=tuple(string_events),
        direct=frozenset(node.id for node in captures.get("direct", ())),
    )


def _sorted(nodes: list[tree_sitter.Node]) -> tuple[tree_sitter.Node, ...]:
    return tuple(sorted(nodes, key=_START))
