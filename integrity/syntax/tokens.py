"""Token-level view of a file: comment/string/number ranges and the normalised token stream.

Two producers of ranges: the fast family regexes (syntax/fastlex.py: every language with a
family, in syntax/families.py, and any file whose grammar failed or is too large) and Pygments,
the fallback for the other languages it knows. One consumer: `normalise`, which turns a byte
range into comment- and whitespace-free pieces so that a comment-only or whitespace-only edit
keeps every digest, while string contents, line breaks in newline-terminated languages (JS/TS,
Go, Ruby, Bash, CMake, token-level files) and indentation blocks (Python, as markers) are kept.
A whitespace run survives, as one separator, only between two word characters (`int x`) or two
operator characters (`a + +b` is not `a++b`).
"""

from __future__ import annotations

import hashlib
import re

import pygments.lexer
import pygments.lexers
import pygments.util
from pygments.token import Comment, Number, String, _TokenType, is_token_subtype

from integrity.syntax.fastlex import (
    NUMBER_PATTERN,
    REGEX_MAX_BYTES,
    family_of,
    group_numbers,
    regex_ranges,
)
from integrity.syntax.spans import Event, Span, TokenRanges

__all__ = [
    "PYGMENTS_MAX_BYTES",
    "REGEX_MAX_BYTES",
    "Event",
    "Span",
    "TokenRanges",
    "digest",
    "normalise",
    "pygments_ranges",
    "regex_ranges",
    "token_ranges",
    "verdict_ranges",
]

PYGMENTS_MAX_BYTES = 1 << 20

# control bytes that could be mistaken for the normaliser's own markers become \x7f, whitespace
# becomes the separator \x10 (and, when line breaks matter, \n the line marker \x1e)
_WHITESPACE = b" \t\n\r\x0b\x0c"  # what bytes.split() splits on
_CTRL_TABLE = bytes(
    0x10 if b in _WHITESPACE else 0x7F if b <= 0x08 or 0x0E <= b <= 0x1F else b for b in range(256)
)
_CTRL_LINES = _CTRL_TABLE[:10] + b"\x1e" + _CTRL_TABLE[11:]
_SEPARATOR_RUNS = re.compile(rb"\x10\x10+")
_LINE_RUNS = re.compile(rb"\x1e\x1e+")


def _byte_table(values: dict[int, int], default: int | None = None) -> bytes:
    return bytes(values.get(b, b if default is None else default) for b in range(256))


# After collapsing every whitespace run to one separator, it survives (as \x1f) only between two
# word characters (`int x`) or two operator characters (`a + +b` is not `a++b`). Done on the
# whole text at once with big-integer arithmetic, one byte per 8 bits (a per-space regex was the
# slowest step of the token path). Whitespace is already the separator \x10 (_CTRL_TABLE lets no
# other \x10 through); bytes are coded: word 1, operator 2, separator 0b1100. At each byte,
# codes >> 2 has 0b11 in its two low bits at separators only (bits shifted in from the byte
# before land in bits 6-7, which no code has), codes >> 8 and codes << 8 hold the left and right
# neighbours' codes; their AND is 1 or 2 exactly at the separators to keep. Adding it turns those
# into 0x11 or 0x12 (no carry), which the last translate maps to \x1f while it deletes every
# other \x10.
_WORD_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_$" + bytes(
    range(0x80, 0x100)
)
_OPERATOR_BYTES = b"-+*/%=<>!&|^~?:.#@\\"  # characters that can fuse into a longer operator
_CODES = _byte_table(
    {**dict.fromkeys(_WORD_BYTES, 1), **dict.fromkeys(_OPERATOR_BYTES, 2), 0x10: 0b1100}, 0
)
_KEPT = _byte_table({0x11: 0x1F, 0x12: 0x1F})


def _squeeze(text: bytes) -> bytes:
    """Separator (\x10) runs removed, or one \x1f between two word or two operator characters."""
    text = _SEPARATOR_RUNS.sub(b"\x10", text).strip(b"\x10")
    codes = int.from_bytes(text.translate(_CODES), "big")
    kept = (codes >> 2) & (codes >> 8) & (codes << 8)
    return (int.from_bytes(text, "big") + kept).to_bytes(len(text), "big").translate(_KEPT, b"\x10")


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
    src = data.translate(_CTRL_LINES if newline_sensitive else _CTRL_TABLE)
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
            add(b"\x10")
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
    text = _squeeze(b"".join(code))
    if newline_sensitive:  # each whitespace run holding line breaks is one \x1e
        text = _LINE_RUNS.sub(b"\x1e", text).strip(b"\x1e")
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


# --- Pygments --------------------------------------------------------------------------------

_NUMBER_TEXT = re.compile(NUMBER_PATTERN.decode("ascii"))
_DIGIT = re.compile(r"[0-9]")
_PYGMENTS_NAMES: dict[str, str] = {"dotenv": "bash"}
_COMMENT, _STRING, _NUMBER, _OTHER = range(4)


def _role(kind: _TokenType) -> int:
    if is_token_subtype(kind, Comment):
        return _COMMENT
    if is_token_subtype(kind, String):
        return _STRING
    return _NUMBER if is_token_subtype(kind, Number) else _OTHER


def _pygments_lexer(language: str) -> pygments.lexer.Lexer | None:
    try:
        return pygments.lexers.get_lexer_by_name(
            _PYGMENTS_NAMES.get(language, language), stripnl=False, ensurenl=False
        )
    except pygments.util.ClassNotFound:
        return None


def pygments_ranges(language: str, data: bytes) -> TokenRanges | None:
    """Ranges from the Pygments lexer for a language (None: no lexer, or the file is too big).

    The bytes are decoded as Latin-1 so that character offsets are byte offsets.
    """
    if len(data) > PYGMENTS_MAX_BYTES:
        return None
    lexer = _pygments_lexer(language)
    if lexer is None:
        return None
    events: list[Event] = []
    found: list[tuple[int, int]] = []
    roles: dict[_TokenType, int] = {}  # token type -> what it is, asked once per type
    for offset, kind, value in lexer.get_tokens_unprocessed(data.decode("latin-1")):
        role = roles.get(kind)
        if role is None:
            role = roles[kind] = _role(kind)
        end = offset + len(value)
        if role == _NUMBER:
            found.append((offset, end))
        elif role == _OTHER:
            if _DIGIT.search(value):  # e.g. Makefile values are plain text to Pygments
                found.extend(
                    (offset + m.start(), offset + m.end()) for m in _NUMBER_TEXT.finditer(value)
                )
        else:
            span = Span.DROP if role == _COMMENT else Span.KEEP
            if events and events[-1][2] is span and events[-1][1] == offset:
                events[-1] = (events[-1][0], end, span)
            else:
                events.append((offset, end, span))
    numbers, tables = group_numbers(data, found)
    return TokenRanges("pygments:" + lexer.name, tuple(events), numbers, tables)


def token_ranges(language: str | None, data: bytes, *, prefer_pygments: bool) -> TokenRanges:
    """The family regex for the languages it knows; Pygments, when asked, for other languages
    (if it knows them and the file is not too big); else the plain-text regex."""
    if prefer_pygments and language and family_of(language) is None:
        found = pygments_ranges(language, data)
        if found is not None:
            return found
    return regex_ranges(language, data)


def verdict_ranges(language: str, data: bytes) -> TokenRanges | None:
    """Comment and string ranges to judge a match in a file with no grammar: None where
    Pygments would give none (unknown language, file over PYGMENTS_MAX_BYTES), else the
    family regex or Pygments, as `token_ranges` picks."""
    if len(data) > PYGMENTS_MAX_BYTES or _pygments_lexer(language) is None:
        return None
    return token_ranges(language, data, prefer_pygments=True)
