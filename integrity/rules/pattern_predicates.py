"""The general predicates of a tree-sitter query pattern, read from its text.

py-tree-sitter evaluates its built-in predicates (`#eq?`, `#match?`, `#any-of?`, ... ) itself
and hands every other one to a Python callback, once per candidate match, from inside
`QueryCursor.matches`. That callback is slow and, in tree-sitter 0.26.1, leaks memory on every
call, so the query detectors run the query without one and apply these predicates to the
matches afterwards. Predicates are pure, so filtering afterwards keeps exactly the same matches.

The reader follows tree-sitter's query syntax: `;` comments, string literals with `\\n`, `\\r`,
`\\t`, `\\0` escapes (any other escaped character stands for itself), and predicate arguments
that are `@captures`, strings or bare identifiers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

ArgKind = Literal["capture", "string"]

NATIVE: frozenset[str] = frozenset(
    {
        "eq?",
        "not-eq?",
        "any-eq?",
        "any-not-eq?",
        "match?",
        "not-match?",
        "any-match?",
        "any-not-match?",
        "any-of?",
        "not-any-of?",
        "is?",
        "is-not?",
        "set!",
    }
)
"""Predicates py-tree-sitter evaluates itself (never passed to a callback)."""

_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "0": "\0"}
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)


def unescape(body: str) -> str:
    """A query string's contents (between its quotes) as tree-sitter reads them: `\\n`, `\\r`,
    `\\t` and `\\0` are control characters, any other escaped character stands for itself."""
    return _ESCAPE.sub(lambda found: _ESCAPES.get(found.group(1), found.group(1)), body)


@dataclass(frozen=True, slots=True)
class PredicateCall:
    """One general predicate of a pattern, as tree-sitter would pass it to a callback."""

    name: str
    args: tuple[tuple[str, ArgKind], ...]


def _ident_char(char: str) -> bool:
    return char.isalnum() or char in "_-.?!"


class _Reader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0

    def peek(self) -> str:
        return self.text[self.at] if self.at < len(self.text) else ""

    def skip_space(self) -> None:
        while self.at < len(self.text):
            char = self.text[self.at]
            if char == ";":
                end = self.text.find("\n", self.at)
                self.at = len(self.text) if end == -1 else end + 1
            elif char.isspace():
                self.at += 1
            else:
                return

    def ident(self) -> str:
        start = self.at
        while self.at < len(self.text) and _ident_char(self.text[self.at]):
            self.at += 1
        return self.text[start : self.at]

    def string(self) -> str:
        """A string literal starting at the opening quote (left just past the closing one)."""
        self.at += 1
        out: list[str] = []
        while self.at < len(self.text):
            char = self.text[self.at]
            self.at += 1
            if char == '"':
                break
            out.append(char)
            if char == "\\" and self.at < len(self.text):  # an escaped quote does not close
                out.append(self.text[self.at])
                self.at += 1
        return unescape("".join(out))

    def predicate(self) -> PredicateCall | None:
        """Just past `(#`: the predicate's name and arguments, up to its closing parenthesis."""
        name = self.ident()
        args: list[tuple[str, ArgKind]] = []
        while True:
            self.skip_space()
            char = self.peek()
            if char in ("", ")"):
                self.at += 1
                break
            if char == "@":
                self.at += 1
                args.append((self.ident(), "capture"))
            elif char == '"':
                args.append((self.string(), "string"))
            elif _ident_char(char):
                args.append((self.ident(), "string"))
            else:  # not valid query syntax (tree-sitter would have refused to compile it)
                self.at += 1
        return None if name in NATIVE else PredicateCall(name, tuple(args))


def general_predicates(text: str) -> tuple[PredicateCall, ...]:
    """The predicates of one pattern's text that tree-sitter leaves to a callback, in order."""
    reader = _Reader(text)
    found: list[PredicateCall] = []
    while reader.at < len(text):
        char = text[reader.at]
        if char == '"':
            reader.string()
        elif char == ";":
            reader.skip_space()
        elif char == "(":
            reader.at += 1
            reader.skip_space()
            if reader.peek() == "#":
                reader.at += 1
                call = reader.predicate()
                if call is not None:
                    found.append(call)
        else:
            reader.at += 1
    return tuple(found)
