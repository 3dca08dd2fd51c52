"""Literals a query pattern cannot match without: a per-file prefilter for query patterns.

A pattern whose predicate `(#re2-match? @x "\\bgetenv\\s*\\(")` must hold can only match in a
file holding `getenv`: the capture's text is a slice of the file. `pattern_needs` reads such
facts from a pattern's text as a conjunction of alternatives (every set must have one literal
in the file), all lowercased so they are tested against the file's ASCII-lowercased bytes, which
only ever widens the answer.

Sound, never exact: a predicate counts only when its capture is certain to hold a node in every
match (not under `?`, `*` or an alternation), and only the predicates that test text of the file
count (`re2-match?`, `inside?`, `in-function-matching?` on the enclosing function's name or text,
`any-of?`, `eq?` with a string). re2 folds case beyond ASCII (`(?i)k` matches U+212A, `(?i)s`
matches U+017F): a file holding either character is never filtered (see `FOLD_RISKS`).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from typing import Any

from integrity.rules.pattern_predicates import PredicateCall, unescape

__all__ = ["FOLD_RISKS", "Needs", "pattern_needs", "regex_needs"]

Needs = tuple[frozenset[bytes], ...]
"""Every set must have one of its literals in the (lowercased) file."""

FOLD_RISKS: tuple[bytes, ...] = ("\u212a".encode(), "\u017f".encode())
"""UTF-8 of the non-ASCII characters re2's case folding maps to ASCII letters."""

_MIN_LENGTH = 2
_MAX_ALTERNATIVES = 24
_REGEX_TESTS = frozenset({"re2-match?", "inside?", "in-function-matching?"})

try:  # Python 3.11+: the regex parser is a private module; without it regexes add nothing
    from re import _parser as _sre  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    _sre = None


def pattern_needs(text: str, calls: Sequence[PredicateCall]) -> Needs:
    """What one pattern needs in a file, from its text (native predicates) and general calls."""
    certain = _certain_captures(text)
    needs: list[frozenset[bytes]] = []
    for name, args in _native_text_tests(text):
        if args and args[0][1] == "capture" and args[0][0] in certain:
            values = [value for value, kind in args[1:] if kind == "string"]
            if name in ("any-of?", "eq?") and len(values) == len(args) - 1 and values:
                needs.extend(_alternatives(values))
    for call in calls:
        if call.name in _REGEX_TESTS and len(call.args) == 2:
            (capture, kind), (pattern, _) = call.args
            if kind == "capture" and capture in certain:
                needs.extend(regex_needs(pattern))
    return tuple(dict.fromkeys(needs))


def regex_needs(pattern: str) -> Needs:
    """Sets of lowercased literals, one of each set in every text the regex finds a match in."""
    if _sre is None:
        return ()
    try:
        parsed = _sre.parse(pattern)
    except (re.error, RecursionError, OverflowError, ValueError):
        return ()
    try:
        found = _sequence(list(parsed))
    except RecursionError:
        return ()
    return tuple(needs for needs in (_usable(group) for group in found) if needs)


def _alternatives(values: Sequence[str]) -> list[frozenset[bytes]]:
    usable = _usable(frozenset(values))
    return [usable] if usable else []


def _usable(group: frozenset[str]) -> frozenset[bytes] | None:
    if not group or len(group) > _MAX_ALTERNATIVES:
        return None
    if any(len(word) < _MIN_LENGTH or not word.isascii() for word in group):
        return None
    words = {word.lower().encode("ascii") for word in group}
    # a word holding another is found whenever it is: only the shorter one matters
    return frozenset(w for w in words if not any(o != w and o in w for o in words))


def _sequence(items: list[tuple[Any, Any]]) -> list[frozenset[str]]:
    """The needs of a sequence: each run of items matching a few known strings (literals,
    small classes like [ug], optional or alternative literals) as the set of those strings,
    and what each other element needs."""
    out: list[frozenset[str]] = []
    run: set[str] = {""}
    for op, value in items:
        exact = _exact(op, value)
        if exact is not None and len(run) * len(exact) <= _MAX_ALTERNATIVES:
            run = {head + tail for head in run for tail in exact}
            continue
        if run != {""}:
            out.append(frozenset(run))
        run = {""}
        out.extend(_element(op, value))
    if run != {""}:
        out.append(frozenset(run))
    return out


_SMALL_CLASS = 4
_ZERO_WIDTH = ("AT", "ASSERT", "ASSERT_NOT")


def _exact(op: Any, value: Any) -> set[str] | None:
    """Every string one regex item can match, when they are few and ASCII; else None."""
    if op is _sre.LITERAL:
        return {chr(value)} if value < 128 else None
    if str(op) in _ZERO_WIDTH:
        return {""}
    if op is _sre.IN:
        chars: set[str] = set()
        for kind, item in value:
            if kind is _sre.LITERAL and item < 128:
                chars.add(chr(item))
            elif kind is _sre.RANGE and item[1] < 128 and item[1] - item[0] < _SMALL_CLASS:
                chars.update(chr(code) for code in range(item[0], item[1] + 1))
            else:
                return None
        return chars if 0 < len(chars) <= _SMALL_CLASS else None
    if op is _sre.SUBPATTERN:
        return _exact_sequence(list(value[-1]))
    if op is _sre.BRANCH:
        union: set[str] = set()
        for branch in value[1]:
            strings = _exact_sequence(list(branch))
            if strings is None:
                return None
            union |= strings
        return union if len(union) <= _MAX_ALTERNATIVES else None
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
        low, high, body = value
        strings = _exact_sequence(list(body))
        if strings is None or high > 1:
            return None
        return strings | {""} if low == 0 else strings
    return None


def _exact_sequence(items: list[tuple[Any, Any]]) -> set[str] | None:
    run: set[str] = {""}
    for op, value in items:
        exact = _exact(op, value)
        if exact is None or len(run) * len(exact) > _MAX_ALTERNATIVES:
            return None
        run = {head + tail for head in run for tail in exact}
    return run


def _element(op: Any, value: Any) -> list[frozenset[str]]:
    if op is _sre.SUBPATTERN:
        return _sequence(list(value[-1]))
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
        low, _high, body = value
        return _sequence(list(body)) if low >= 1 else []
    if op is _sre.BRANCH:
        union: set[str] = set()
        for branch in value[1]:
            best = _best(_sequence(list(branch)))
            if best is None:
                return []
            union |= best
        return [frozenset(union)]
    return []


def _best(groups: list[frozenset[str]]) -> frozenset[str] | None:
    """The most selective usable set: longest shortest literal, then fewest literals."""
    usable = [group for group in groups if _usable(group) is not None]
    if not usable:
        return None
    return max(usable, key=lambda group: (min(map(len, group)), -len(group)))


def _native_text_tests(text: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """`(#name? @capture "string" ...)` forms of a pattern: name and arguments."""
    out: list[tuple[str, list[tuple[str, str]]]] = []
    for start in _predicate_starts(text):
        end = _form_end(text, start)
        body = text[start + 2 : end]
        name, _, rest = body.partition(" ")
        out.append((name.strip(), _arguments(rest)))
    return out


_ARGUMENT = re.compile(r'@([\w.-]+)|"((?:[^"\\]|\\.)*)"')


def _arguments(text: str) -> list[tuple[str, str]]:
    args: list[tuple[str, str]] = []
    for capture, string in _ARGUMENT.findall(text):
        if capture:
            args.append((capture, "capture"))
        else:
            args.append((unescape(string), "string"))
    return args


@functools.lru_cache(maxsize=64)
def _tokens(text: str) -> tuple[tuple[int, str], ...]:
    """Significant characters of a query text with their offsets: strings and comments
    skipped (a string reads as one '"' token). Cached: one pattern's analysis asks for its
    tokens many times (captures, predicate starts, the end of each predicate)."""
    out: list[tuple[int, str]] = []
    at = 0
    while at < len(text):
        char = text[at]
        if char == '"':
            out.append((at, '"'))
            at += 1
            while at < len(text) and text[at] != '"':
                at += 2 if text[at] == "\\" else 1
            at += 1
            continue
        if char == ";":
            newline = text.find("\n", at)
            at = len(text) if newline == -1 else newline + 1
            continue
        if not char.isspace():
            out.append((at, char))
        at += 1
    return tuple(out)


def _predicate_starts(text: str) -> list[int]:
    tokens = _tokens(text)
    return [
        at
        for index, (at, char) in enumerate(tokens)
        if char == "(" and index + 1 < len(tokens) and tokens[index + 1][1] == "#"
    ]


def _form_end(text: str, start: int) -> int:
    """The offset of the parenthesis closing the form that opens at `start` (a token)."""
    tokens = _tokens(text)
    depth = 0
    for at, char in tokens[bisect.bisect_left(tokens, (start, "")) :]:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return at
    return len(text)


def _certain_captures(text: str) -> frozenset[str]:
    """Captures defined outside predicates, alternations and optional (`?`, `*`) parts."""
    tokens = _tokens(text)
    spans: list[tuple[int, int, str]] = []  # (open offset, close offset, kind)
    stack: list[tuple[int, str]] = []
    optional_after: set[int] = set()  # close offsets followed by ? or *
    for index, (at, char) in enumerate(tokens):
        if char in "([":
            stack.append((at, char))
        elif char in ")]" and stack:
            opened, kind = stack.pop()
            spans.append((opened, at, kind))
            following = tokens[index + 1][1] if index + 1 < len(tokens) else ""
            if following in ("?", "*"):
                optional_after.add(at)
    predicates = [(start, _form_end(text, start)) for start in _predicate_starts(text)]
    significant = {at for at, char in tokens if char == "@"}
    certain: set[str] = set()
    for match in re.finditer(r"@([\w.-]+)", text):
        at = match.start()
        if at not in significant:  # inside a string or a comment
            continue
        if any(start < at < end for start, end in predicates):
            continue
        before = text[:at].rstrip()
        if before.endswith(("?", "*")):
            continue
        enclosing = [span for span in spans if span[0] < at < span[1]]
        if any(kind == "[" or close in optional_after for _, close, kind in enclosing):
            continue
        certain.add(match.group(1))
    return frozenset(certain)
