"""Token-level view of a file: comment/string/number ranges and the normalised token stream.

Two producers of ranges: Pygments (files with no grammar) and a fast one-regex lexer (files whose
grammar failed, files too large for Pygments, languages Pygments does not know, e.g. m4). One
consumer: `normalise`, which turns a byte range into comment- and whitespace-free pieces so that a
comment-only or whitespace-only edit keeps every digest, while string contents, line breaks in
newline-terminated languages (JS/TS, Go, Ruby, Bash, CMake, token-level files) and indentation
blocks (Python, as markers) are kept. A whitespace run survives, as one separator, only between
two word characters (`int x`) or two operator characters (`a + +b` is not `a++b`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from enum import IntEnum

import pygments.lexers
import pygments.util
from pygments.token import Comment, Number, String, is_token_subtype


class Span(IntEnum):
    """What a byte range is, for the normaliser and the literal extractor."""

    DROP = 0  # comment: removed (acts as whitespace)
    KEEP = 1  # string-like: kept byte for byte
    MARK_OPEN = 2  # zero-width structure marker (indentation block start)
    MARK_CLOSE = 3  # zero-width structure marker (indentation block end)


Event = tuple[int, int, Span]


@dataclass(frozen=True, slots=True)
class TokenRanges:
    """Sorted, non-overlapping ranges found by a lexer (byte offsets)."""

    lexer: str
    events: tuple[Event, ...]  # comments and strings
    numbers: tuple[tuple[int, int], ...]


PYGMENTS_MAX_BYTES = 1 << 20
REGEX_MAX_BYTES = 8 << 20

# control bytes that could be mistaken for the normaliser's own markers become \x7f
_CTRL_TABLE = bytes(0x7F if b <= 0x08 or 0x0E <= b <= 0x1F else b for b in range(256))
_WORD = rb"[A-Za-z0-9_$\x80-\xff]"
_OPERATOR = rb"[-+*/%=<>!&|^~?:.#@\\]"  # characters that can fuse into a longer operator
# after collapsing every whitespace run to one space, a space survives (as \x1f) only between
# two word characters or two operator characters; the pattern starts with a literal space so the
# regex engine scans for it quickly
_KEEP_SPACE = re.compile(
    rb" (?:(?<="
    + _WORD
    + rb" )(?="
    + _WORD
    + rb")|(?<="
    + _OPERATOR
    + rb" )(?="
    + _OPERATOR
    + rb"))"
)
_MARKS = {Span.MARK_OPEN: b"\x02", Span.MARK_CLOSE: b"\x03"}


def _emit_cuts(
    cuts: list[int], ci: int, upto: int, pos: int, src: bytes, code: list[bytes]
) -> tuple[int, int]:
    while ci < len(cuts) and cuts[ci] <= upto:
        cut = max(cuts[ci], pos)
        code.append(src[pos:cut])
        code.append(b"\x1c")
        pos = cut
        ci += 1
    return ci, pos


def normalise(
    data: bytes,
    events: tuple[Event, ...] | list[Event],
    cuts: list[int],
    newline_sensitive: bool = False,
) -> list[bytes]:
    """Normalised pieces of `data` between consecutive `cuts` (len(cuts) + 1 pieces).

    `events` must be sorted by start; ranges nested in an earlier one are ignored. Cuts are
    sorted byte offsets (symbol and name boundaries); a cut inside a string moves past it.
    """
    src = data.translate(_CTRL_TABLE)
    code: list[bytes] = []
    add = code.append
    strings: list[list[bytes]] = [[]]
    kept = strings[0]
    drop, keep = Span.DROP, Span.KEEP
    pos = 0
    ci = 0
    next_cut = cuts[0] if cuts else len(data) + 1
    for start, end, span in events:
        if start < pos:
            continue
        if next_cut <= start:
            before = ci
            ci, pos = _emit_cuts(cuts, ci, start, pos, src, code)
            strings.extend([] for _ in range(ci - before))
            kept = strings[-1]
            next_cut = cuts[ci] if ci < len(cuts) else len(data) + 1
        add(src[pos:start])
        if span is drop:
            add(b" ")
        elif span is keep:
            add(b"\x1d")
            kept.append(data[start:end])
        else:
            add(_MARKS[span])
            end = start
        pos = end
    before = ci
    ci, pos = _emit_cuts(cuts, ci, len(data), pos, src, code)
    strings.extend([] for _ in range(ci - before))
    code.append(src[pos:])
    text = b"".join(code)
    if newline_sensitive:  # each whitespace run holding a line break becomes one \x1e
        text = b"\x1e".join(line for line in (ln.strip() for ln in text.split(b"\n")) if line)
    text = _KEEP_SPACE.sub(b"\x1f", b" ".join(text.split())).replace(b" ", b"")
    pieces = text.split(b"\x1c")
    out: list[bytes] = []
    for piece, kept in zip(pieces, strings, strict=True):
        if kept:
            piece += b"\x00" + b"".join(len(s).to_bytes(4, "big") + s for s in kept)
        out.append(piece)
    return out


def digest(pieces: list[bytes] | tuple[bytes, ...], short: bool = False) -> str:
    """SHA-256 of normalised pieces (hex; 32 characters when `short`)."""
    h = hashlib.sha256()
    for piece in pieces:
        h.update(piece)
        h.update(b"\x1c")
    return h.hexdigest()[:32] if short else h.hexdigest()


# --- the fast regex lexer -------------------------------------------------------------------

_STR_DQ = rb'"(?:[^"\\\n]|\\.)*"?'
_STR_SQ = rb"'(?:[^'\\\n]|\\.)*'?"
_STR_BT = rb"`(?:[^`\\]|\\.)*`?"
_TRIPLE = rb'"""(?:[^\\]|\\.)*?(?:"""|\Z)|' + rb"'''(?:[^\\]|\\.)*?(?:'''|\Z)"
_C_COMMENT = rb"/\*.*?(?:\*/|\Z)|//[^\n]*"
_HASH_COMMENT = rb"#[^\n]*"
# starts with a digit class (so the alternation gets a fast first-character scan), then looks back
_NUMBER = (
    rb"[0-9](?<![\w$.][0-9])(?:(?<=0)[xX][0-9a-fA-F_']+|(?<=0)[bB][01_']+|[0-9_']*"
    rb"(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)[uUlLnif0-9]*(?![\w$])"
)

_FAMILIES: dict[str, tuple[bytes, ...]] = {
    "c": (_C_COMMENT, _STR_DQ, _STR_SQ),
    "js": (_C_COMMENT, _STR_DQ, _STR_SQ, _STR_BT),
    "hash": (_HASH_COMMENT, _STR_DQ, _STR_SQ),
    "python": (_HASH_COMMENT, _TRIPLE, _STR_DQ, _STR_SQ),
    "php": (_C_COMMENT, _HASH_COMMENT, _STR_DQ, _STR_SQ),
    "m4": (rb"\bdnl\b[^\n]*", _HASH_COMMENT, _STR_DQ),
    "dash": (rb"--[^\n]*", _STR_DQ, _STR_SQ),
    "text": (_STR_DQ,),
}
_LANGUAGE_FAMILY: dict[str, str] = {
    "c": "c",
    "cpp": "c",
    "java": "c",
    "csharp": "c",
    "go": "js",
    "rust": "c",
    "kotlin": "c",
    "swift": "c",
    "scala": "c",
    "groovy": "c",
    "javascript": "js",
    "typescript": "js",
    "tsx": "js",
    "php": "php",
    "python": "python",
    "ruby": "hash",
    "bash": "hash",
    "perl": "hash",
    "make": "hash",
    "cmake": "hash",
    "yaml": "hash",
    "toml": "hash",
    "dockerfile": "hash",
    "terraform": "php",
    "powershell": "hash",
    "m4": "m4",
    "autoconf": "m4",
    "sql": "dash",
    "lua": "dash",
    "ini": "hash",
    "dotenv": "hash",
}


def _family_regex(family: str) -> re.Pattern[bytes]:
    parts = _FAMILIES[family]
    comment_count = 0 if family == "text" else (2 if family == "php" else 1)
    alternatives = [b"(?P<c%d>%s)" % (i, p) for i, p in enumerate(parts[:comment_count])]
    alternatives += [b"(?P<s%d>%s)" % (i, p) for i, p in enumerate(parts[comment_count:])]
    alternatives.append(b"(?P<n>" + _NUMBER + b")")
    return re.compile(b"|".join(alternatives), re.DOTALL)


_FAMILY_RE: dict[str, re.Pattern[bytes]] = {family: _family_regex(family) for family in _FAMILIES}


def regex_ranges(language: str | None, data: bytes) -> TokenRanges:
    """Comment, string and number ranges from a fast language-family regex (any size)."""
    family = _LANGUAGE_FAMILY.get(language or "", "text")
    events: list[Event] = []
    numbers: list[tuple[int, int]] = []
    add_number, add_event = numbers.append, events.append
    drop, keep = Span.DROP, Span.KEEP
    for match in _FAMILY_RE[family].finditer(data, 0, REGEX_MAX_BYTES):
        group = match.lastgroup or ""
        if group == "n":
            add_number(match.span())
        else:
            start, end = match.span()
            add_event((start, end, drop if group[0] == "c" else keep))
    return TokenRanges("regex:" + family, tuple(events), tuple(numbers))


# --- Pygments --------------------------------------------------------------------------------

_NUMBER_TEXT = re.compile(_NUMBER.decode("ascii"))
_DIGIT = re.compile(r"[0-9]")
_PYGMENTS_NAMES: dict[str, str] = {"make": "make", "dotenv": "bash", "text": "text"}


def pygments_ranges(language: str, data: bytes) -> TokenRanges | None:
    """Ranges from the Pygments lexer for a language (None: no lexer, or the file is too big).

    The bytes are decoded as Latin-1 so that character offsets are byte offsets.
    """
    if len(data) > PYGMENTS_MAX_BYTES:
        return None
    try:
        lexer = pygments.lexers.get_lexer_by_name(
            _PYGMENTS_NAMES.get(language, language), stripnl=False, ensurenl=False
        )
    except pygments.util.ClassNotFound:
        return None
    events: list[Event] = []
    numbers: list[tuple[int, int]] = []
    text = data.decode("latin-1")
    for offset, kind, value in lexer.get_tokens_unprocessed(text):
        end = offset + len(value)
        if is_token_subtype(kind, Comment):
            span: Span | None = Span.DROP
        elif is_token_subtype(kind, String):
            span = Span.KEEP
        else:
            span = None
            if is_token_subtype(kind, Number):
                numbers.append((offset, end))
            elif _DIGIT.search(value):  # e.g. Makefile values are plain text to Pygments
                numbers.extend(
                    (offset + m.start(), offset + m.end()) for m in _NUMBER_TEXT.finditer(value)
                )
        if span is None:
            continue
        if events and events[-1][2] is span and events[-1][1] == offset:
            events[-1] = (events[-1][0], end, span)
        else:
            events.append((offset, end, span))
    return TokenRanges("pygments:" + lexer.name, tuple(events), tuple(numbers))


def token_ranges(language: str | None, data: bytes, *, prefer_pygments: bool) -> TokenRanges:
    """Pygments when asked and possible, else the regex lexer."""
    if prefer_pygments and language:
        found = pygments_ranges(language, data)
        if found is not None:
            return found
    return regex_ranges(language, data)
