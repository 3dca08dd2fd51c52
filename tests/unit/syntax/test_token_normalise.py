"""The normaliser's fast whitespace handling gives exactly what the plain per-line, per-space
definition gives (kept here as the oracle), for any bytes, comments, strings and cuts."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from integrity.syntax.tokens import Event, Span, normalise

_CTRL = bytes(0x7F if b <= 0x08 or 0x0E <= b <= 0x1F else b for b in range(256))
_WORD = rb"[A-Za-z0-9_$\x80-\xff]"
_OPERATOR = rb"[-+*/%=<>!&|^~?:.#@\\]"
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


def _oracle(
    data: bytes, events: list[Event], cuts: list[int], newline_sensitive: bool
) -> list[bytes]:
    """The definition: comments become a space, strings a placeholder (contents appended per
    piece), lines stripped and joined by \\x1e, whitespace runs collapsed to one space that
    survives (as \\x1f) only between two word or two operator characters."""
    src = data.translate(_CTRL)
    code: list[bytes] = []
    strings: list[list[bytes]] = [[]]
    pos = 0
    ci = 0
    for start, end, span in events:
        if start < pos:
            continue
        while ci < len(cuts) and cuts[ci] <= start:
            cut = max(cuts[ci], pos)
            code += [src[pos:cut], b"\x1c"]
            strings.append([])
            pos = cut
            ci += 1
        code.append(src[pos:start])
        if span is Span.DROP:
            code.append(b" ")
        elif span is Span.KEEP:
            code.append(b"\x1d")
            strings[-1].append(data[start:end])
        else:
            code.append(b"\x02" if span is Span.MARK_OPEN else b"\x03")
            end = start
        pos = end
    while ci < len(cuts):
        cut = max(cuts[ci], pos)
        code += [src[pos:cut], b"\x1c"]
        strings.append([])
        pos = cut
        ci += 1
    code.append(src[pos:])
    text = b"".join(code)
    if newline_sensitive:
        text = b"\x1e".join(line for line in (ln.strip() for ln in text.split(b"\n")) if line)
    text = _KEEP_SPACE.sub(b"\x1f", b" ".join(text.split())).replace(b" ", b"")
    out = []
    for piece, kept in zip(text.split(b"\x1c"), strings, strict=True):
        if kept:
            piece += b"\x00" + b"".join(len(s).to_bytes(4, "big") + s for s in kept)
        out.append(piece)
    return out


_ALPHABET = b" \t\r\n\x0b\x0c\x00\x1c\x1d\x1e\x1f\x10\x18\x7f\x80\xffaZ09_$-+*/=<>!.#@\\,;(){}\"'"


@st.composite
def _inputs(draw: st.DrawFn) -> tuple[bytes, list[Event], list[int], bool]:
    data = bytes(draw(st.lists(st.sampled_from(_ALPHABET), max_size=120)))
    points = sorted(draw(st.lists(st.integers(0, len(data)), max_size=12)))
    events: list[Event] = []
    for start, end in zip(points[::2], points[1::2], strict=False):
        events.append((start, end, draw(st.sampled_from(list(Span)))))
    cuts = sorted(set(draw(st.lists(st.integers(0, len(data)), max_size=4))))
    return data, events, cuts, draw(st.booleans())


@settings(max_examples=600, deadline=None)
@given(_inputs())
def test_normalise_matches_the_definition(case: tuple[bytes, list[Event], list[int], bool]) -> None:
    data, events, cuts, lines = case
    assert normalise(data, events, cuts, lines) == _oracle(data, events, cuts, lines)


def test_normalise_examples() -> None:
    assert normalise(b"int  x =\t1 ;\n\n  y  = a + +b", [], [], True) == [
        b"int\x1fx=1;\x1ey=a+\x1f+b"
    ]
    assert normalise(b"a \n # c\n b", [(4, 7, Span.DROP)], [], True) == [b"a\x1eb"]
    assert normalise(b"", [], [], True) == [b""]
