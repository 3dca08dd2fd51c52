"""The fast regex lexer: one compiled regex per language family finds, in C, the comments
(dropped by the normaliser), the strings (kept) and only those numbers that can become
candidates: tables (a comma-separated run of two or more numbers, matched whole and split
afterwards), numbers of 7+ bytes, and numbers within a few bytes after `=`, `:` or `>`.

Each match first skips, inside the regex engine, everything that is no such token: plain text
up to the next byte that may open one, short standalone numbers ("line 12"), floats (never a
constant unless inside a table), and bytes that open nothing here. So Python sees only the
tokens it keeps, and prose full of numbers costs no Python per number.
"""

from __future__ import annotations

import bisect
import re

from integrity.syntax.families import CONTAINERS, FAMILIES, HEREDOCS, LANGUAGE_FAMILY
from integrity.syntax.spans import Event, Span, TokenRanges

REGEX_MAX_BYTES = 8 << 20
SINGLE_MIN_BYTES = 7  # shorter single numbers only matter right after an assignment
ASSIGNMENT_WINDOW = 8  # bytes looked back for `=`, `:` or `>` (whitespace between is allowed)

_SPACE = rb"[ \t\n\r\f\v]"
# A number literal starts with a digit not inside a word nor after a dot. Possessive and atomic
# throughout: backtracking into the digits of every number not followed by a comma ran at
# 15 MB/s on XML.
_START = rb"[0-9](?<![\w$.][0-9])"
_DIGITS = rb"(?:[0-9_]|'(?=[0-9]))*+"
_RADIX = rb"(?<=0)[xX](?:[0-9a-fA-F_]|'(?=[0-9a-fA-F]))++|(?<=0)[bB](?:[01_]|'(?=[01]))++|"
NUMBER_PATTERN = (
    _START
    + rb"(?>"
    + _RADIX
    + _DIGITS
    + rb"(?:\.[0-9]++)?+(?:[eE][+-]?[0-9]++)?+)[uUlLnif0-9]*+(?![\w$])"
)
_INTEGER = _START + rb"(?>" + _RADIX + _DIGITS + rb")[uUlLnif0-9]*+(?![\w$]|\.[0-9])"
# 6 more number characters after the first digit (the length is checked exactly afterwards)
_LONG = _START + rb"(?=[0-9a-fA-FxXbB_'uUlLnif]{6})" + _INTEGER[len(_START) :]
# `=`, `:` or `>` before a number; a short number only ever pins under a name, so signs after which
# the name lookup (names.token_name) finds none are left out: comparisons (`==`, `!=`, `<=`,
# `>=`), `>` other than `=>` (`<tag>12`, `->`), and a word of 1-4 digits before (`12:30:45`)
_NOT_NUMBERED = b"".join(rb"(?<![^A-Za-z0-9_][0-9]{%d}[:=])" % width for width in range(1, 5))
_ASSIGN = rb"(?:[=:](?<![=!<>]=)" + _NOT_NUMBERED + rb"|>(?<==>))"
_CALL = rb"(?>[A-Za-z_]\w*)" + _SPACE + rb"*+\("
_QUANTIFIERS = (b"?", b"*", b"{")


def _first_atom(pattern: bytes) -> bytes:
    """The body of a character class matching the pattern's first byte."""
    if pattern.startswith(b"["):
        end = pattern.index(b"]", 2)
        atom, body = pattern[: end + 1], pattern[1:end]
        if body.startswith(b"^"):
            raise ValueError(f"negated first class in {pattern!r}")
    elif pattern.startswith(b"\\"):
        atom = body = pattern[:2]
    else:
        atom, body = pattern[:1], re.escape(pattern[:1])
    if pattern[len(atom) : len(atom) + 1] in _QUANTIFIERS:
        raise ValueError(f"optional first atom in {pattern!r}")
    return body


def _opens(firsts: bytes, byte: int) -> bool:
    """Whether `byte` may open a comment, string or container (`firsts`: their first bytes)."""
    return bool(firsts) and re.match(b"[" + firsts + b"]", bytes([byte])) is not None


def _gap(comments: tuple[bytes, ...]) -> bytes:
    """What may separate two elements of a table: blanks, brackets, casts and calls, comments,
    and at least one comma."""
    piece = b"|".join((_SPACE[:-1] + rb"{}\[\]()]", _CALL, *comments))
    return b"(?:" + piece + b")*+,(?:,|" + piece + b")*+"


def _token(
    comments: tuple[bytes, ...],
    strings: tuple[bytes, ...],
    container: bytes,
    heredoc: bytes,
    named: bool,
) -> tuple[bytes, bytes]:
    """(tokens opened by a non-digit, tokens opened by a digit) as alternatives; group names say
    which: c comment, s string, a container, h heredoc opener, t table, n long number, u and v
    a table or an integer after `=`."""

    def group(name: bytes, body: bytes) -> bytes:
        return (b"(?P<" + name + b">" if named else b"(?:") + body + b")"

    table = NUMBER_PATTERN + b"(?:" + _gap(comments) + NUMBER_PATTERN + b")+"
    window = _SPACE + b"{0,%d}+" % (ASSIGNMENT_WINDOW - 1)
    parts = [group(b"c", b"|".join(comments))] if comments else []
    parts += [group(b"s", b"|".join(strings))] if strings else []
    parts += [group(b"a", container)] if container else []
    parts += [group(b"h", heredoc)] if heredoc else []
    parts.append(
        _ASSIGN + window + b"(?:" + group(b"u", table) + b"|" + group(b"v", _INTEGER) + b")"
    )
    return b"|".join(parts), group(b"t", table) + b"|" + group(b"n", _LONG)


_Lexer = tuple[re.Pattern[bytes], re.Pattern[bytes], re.Pattern[bytes] | None]
_Source = tuple[bytes, bytes, bytes]


def _source(family: str) -> _Source:
    """Pattern texts (scanner, splitter, inner): the splitter cuts a matched table into
    comments and numbers, `inner` finds the strings in a matched container.

    The scanner skips, in one possessive loop, plain bytes; numbers that are neither long nor
    followed by a comma and another number; digits that start no number (inside a word); and
    opener bytes that open nothing. Then it matches the token found (or the end)."""
    comments, strings = FAMILIES[family]
    container, inner = CONTAINERS.get(family, (b"", b""))
    heredoc = HEREDOCS.get(family, b"")
    openers = tuple(p for p in (*comments, *strings, container, heredoc) if p)
    firsts = b"".join(_first_atom(p) for p in openers)
    others = firsts + b"=:>"
    opened = _token(comments, strings, container, heredoc, named=False)[0]
    # `=`, `:` and `>` that open nothing else in the family and cannot start an assignment
    # are skipped without trying every token (XML has a `>` and a `<` every 46 bytes)
    window = _SPACE + b"{0,%d}+" % (ASSIGNMENT_WINDOW - 1)
    signs = bytes(sign for sign in b"=:" if not _opens(firsts, sign))
    quick = [b"[" + signs + b"](?!" + window + b"[0-9])"] if signs else []
    quick += [] if _opens(firsts, ord(">")) else [rb">(?<!=>)"]
    skip = b"|".join(
        (
            b"[^0-9" + others + b"]++",
            *quick,
            b"(?!"
            + _LONG
            + b")"
            + NUMBER_PATTERN
            + b"(?!"
            + _gap(comments)
            + NUMBER_PATTERN
            + b")",
            b"(?!" + NUMBER_PATTERN + rb")[0-9](?:[0-9A-Za-z_]|'(?=[0-9A-Fa-f]))*+",
            b"(?!" + opened + b")[" + others + b"]",
        )
    )
    tokens = b"|".join(_token(comments, strings, container, heredoc, named=True))
    scanner = b"(?:" + skip + b")*+(?:" + tokens + rb"|\Z)"
    split = [b"(?P<c>" + b"|".join(comments) + b")"] if comments else []
    split.append(b"(?P<n>" + NUMBER_PATTERN + b")")
    return scanner, b"|".join(split), inner


# pattern texts are built at import (cheap); compiling all of them would cost ~0.3 s of every
# run's start-up, so each is compiled on first use and then served by `re`'s own cache
_SOURCES: dict[str, _Source] = {family: _source(family) for family in FAMILIES}


def _lexer(family: str) -> _Lexer:
    scanner, splitter, inner = _SOURCES[family]
    return (
        re.compile(scanner, re.DOTALL),
        re.compile(splitter, re.DOTALL),
        re.compile(inner, re.DOTALL) if inner else None,
    )


def family_of(language: str | None) -> str | None:
    """The family regex that reads a language (None: no family, Pygments' turn)."""
    return LANGUAGE_FAMILY.get(language or "text")


def after_assignment(data: bytes, start: int) -> bool:
    """The last non-blank byte in the few bytes before `start` is `=`, `:` or `>`."""
    window = data[max(0, start - ASSIGNMENT_WINDOW) : start].rstrip()
    return window[-1:] in (b"=", b":", b">")


_TAG_LINE = re.compile(rb"\n([ \t]*)([A-Za-z_]\w*)(?=\n|\Z)")
_Tags = dict[bytes, tuple[list[int], list[int], list[int], list[int]]]


def _tag_lines(data: bytes) -> _Tags:
    """Lines holding only a word: per word, (starts, ends) of them all and of the unindented
    ones. Found once per file (when the first heredoc opens), so openers cost a bisect."""
    found: _Tags = {}
    for m in _TAG_LINE.finditer(data, 0, REGEX_MAX_BYTES):
        starts, ends, plain_starts, plain_ends = found.setdefault(m.group(2), ([], [], [], []))
        starts.append(m.start())
        ends.append(m.end())
        if not m.group(1):
            plain_starts.append(m.start())
            plain_ends.append(m.end())
    return found


def _heredoc_end(data: bytes, start: int, opener: bytes, tags: _Tags) -> int | None:
    """The end of the heredoc whose opener ends at `start`: after the first line below it that
    holds only its tag (indented, with <<~). None when there is no such line (`1<<ROUNDS`)."""
    line_end = data.find(b"\n", start)
    entry = tags.get(opener.lstrip(b"<~").strip(b"\"'"))
    if line_end < 0 or entry is None:
        return None
    starts, ends = (entry[0], entry[1]) if opener.startswith(b"<<~") else (entry[2], entry[3])
    at = bisect.bisect_left(starts, line_end)
    return ends[at] if at < len(starts) else None


def regex_ranges(language: str | None, data: bytes) -> TokenRanges:
    """Comment, string and candidate-number ranges from a family regex (any size; unknown
    languages are read as plain text with double-quoted strings)."""
    family = family_of(language) or "text"
    scanner, splitter, inner = _lexer(family)
    events: list[Event] = []
    numbers: list[tuple[int, int]] = []
    tables: list[tuple[int, int]] = []
    add_event, add_number = events.append, numbers.append
    drop, keep = Span.DROP, Span.KEEP
    tags: _Tags | None = None
    pos = 0
    while True:  # every match starts where the last ended (a heredoc's body is jumped over)
        match = scanner.match(data, pos, REGEX_MAX_BYTES)
        kind = match.lastgroup if match is not None else None
        if match is None or kind is None:  # the end
            break
        start, end = match.span(kind)
        pos = end
        if kind == "s":
            add_event((start, end, keep))
        elif kind == "c":
            add_event((start, end, drop))
        elif kind == "a" and inner is not None:
            events.extend((m.start(), m.end(), keep) for m in inner.finditer(data, start, end))
        elif kind == "h":
            tags = _tag_lines(data) if tags is None else tags
            body_end = _heredoc_end(data, end, data[start:end], tags)
            if body_end is not None:
                add_event((end, body_end, keep))
                pos = body_end
        elif kind == "v" or (kind == "n" and end - start >= SINGLE_MIN_BYTES):
            add_number((start, end))
        elif kind in ("t", "u"):
            first = len(numbers)
            for part in splitter.finditer(data, start, end):
                if part.lastgroup == "n":
                    add_number(part.span())
                else:
                    add_event((part.start(), part.end(), drop))
            tables.append((first, len(numbers)))
    return TokenRanges("regex:" + family, tuple(events), tuple(numbers), tuple(tables))


_GAP = re.compile(rb"(?:[\s,{}\[\]()]|\w+\s*\(|/\*.*?\*/|//[^\n]*\n|#[^\n]*\n)*", re.DOTALL)


def group_numbers(
    data: bytes, found: list[tuple[int, int]]
) -> tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
    """(numbers, tables) from every number literal another lexer found (sorted): runs of two or
    more separated by commas become tables; singles are kept when long or assigned."""
    numbers: list[tuple[int, int]] = []
    tables: list[tuple[int, int]] = []
    i = 0
    while i < len(found):
        j = i + 1
        while j < len(found):
            gap_start, gap_end = found[j - 1][1], found[j][0]
            if b"," not in data[gap_start:gap_end] or not _GAP.fullmatch(data, gap_start, gap_end):
                break
            j += 1
        start, end = found[i]
        if j - i >= 2:
            tables.append((len(numbers), len(numbers) + j - i))
            numbers.extend(found[i:j])
        elif end - start >= SINGLE_MIN_BYTES or after_assignment(data, start):
            numbers.append((start, end))
        i = j
    return tuple(numbers), tuple(tables)
