"""Parse-tree context for generic credentials: is the value a string literal (not a comment),
and which function encloses it."""

from __future__ import annotations

import bisect
import re

import tree_sitter

from integrity.syntax.languages import GRAMMARS
from integrity.syntax.names import declared_name
from integrity.syntax.tokens import Span, TokenRanges, verdict_ranges

_FUNCTION_TYPES = frozenset(
    {
        "function_definition",
        "function_declaration",
        "method_declaration",
        "method_definition",
        "function_item",
        "method",
        "singleton_method",
        "constructor_declaration",
        "arrow_function",
        "function_expression",
        "local_function_statement",
    }
)
# Same scope as the auth-bypass pack (signatures/auth-bypass.toml, "auth function"): a literal
# compared with a credential inside such a function is theirs to report, so we stay silent there.
_LITERAL_TYPES = frozenset({"template_literal", "char_literal", "preproc_arg"})
_QUOTE_SLACK = 8
_AUTH_FUNCTION = re.compile(
    r"(?i)auth|login|logon|signin|sign_in|passw|passwd|check|verif|credential"
)


def in_string_literal(tree: tree_sitter.Tree, start: int, end: int, *, whole: bool = False) -> bool:
    """The bytes [start, end) lie inside a string literal node and not inside a comment.

    With `whole`, the literal must be (about) the value itself: `x = "pw"` passes, while text
    that merely looks like an assignment inside a docstring or help message does not.
    """
    node: tree_sitter.Node | None = tree.root_node.descendant_for_byte_range(
        start, max(start, end - 1)
    )
    depth = 0
    while node is not None and depth < 4:
        kind = node.type
        if "comment" in kind:
            return False
        if "string" in kind or "heredoc" in kind or kind in _LITERAL_TYPES:
            return not whole or (node.end_byte - node.start_byte) - (end - start) <= _QUOTE_SLACK
        node = node.parent
        depth += 1
    return False


def enclosing_function(tree: tree_sitter.Tree, offset: int) -> str | None:
    """Name of the innermost function around byte `offset`, if the grammar says."""
    node: tree_sitter.Node | None = tree.root_node.descendant_for_byte_range(offset, offset)
    while node is not None:
        if node.type in _FUNCTION_TYPES:
            return declared_name(node)
        node = node.parent
    return None


def is_auth_function(name: str | None) -> bool:
    """Functions the auth-bypass rules own (a literal compared there is reported by them)."""
    return bool(name) and bool(_AUTH_FUNCTION.search(name or ""))


_CONFIG_LANGUAGES = frozenset(
    {
        "yaml",
        "ini",
        "dotenv",
        "properties",
        "toml",
        "json",
        "xml",
        "text",
        "markdown",
        "rst",
        "make",
    }
)


def token_ranges_for(language: str | None, data: bytes) -> TokenRanges | None:
    """Comment/string ranges for a language with no tree-sitter grammar that Pygments knows
    (else None): from the fast family regex where there is one, else from Pygments."""
    if language is None or language in GRAMMARS:
        return None
    return verdict_ranges(language, data)


def token_verdict(ranges: TokenRanges, language: str | None, start: int, *, literal: bool) -> bool:
    """Without a parse tree: never inside a comment; in code (not config), inside a string when
    `literal` is asked."""
    events = ranges.events
    at = bisect.bisect_right(events, (start, 1 << 62)) - 1
    inside = events[at] if at >= 0 and events[at][0] <= start < events[at][1] else None
    if inside is not None and inside[2] is Span.DROP:
        return False
    if literal and language not in _CONFIG_LANGUAGES:
        return inside is not None and inside[2] is Span.KEEP
    return True
