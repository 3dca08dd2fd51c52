"""Make strings from the scanned tree safe to show: every invisible or control character
becomes a visible escape, and markup-special characters are neutralised per output format.

The scanned tree is hostile. A path, snippet, message or symbol name may hold ANSI escape
sequences, carriage returns, newlines, bidirectional overrides (Trojan Source), zero-width
characters, or lone surrogates (bytes of an invalid UTF-8 file name decoded with
``surrogateescape``). None of them may reach a terminal, an HTML page or a Markdown comment raw.
"""

from __future__ import annotations

import html
import unicodedata

# Unicode general categories that are never shown raw: controls (C0, DEL, C1), format
# characters (bidi embeddings/overrides/isolates, zero-width space/joiners, BOM, soft hyphen,
# ...), surrogates, unassigned code points, and the line/paragraph separators.
# Private-use characters (Co) too: editors often draw them as nothing, and payloads have been
# hidden in them. Non-ASCII spaces (Zs other than U+0020) look like a space but are not one.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Cn", "Co", "Zl", "Zp", "Zs"})

# Characters of other categories that render as nothing or as blank: combining grapheme
# joiner, Hangul fillers, Khmer inherent vowels, braille blank, and the variation selectors
# (used to smuggle invisible payloads next to an ordinary character).
_INVISIBLE = frozenset({0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x2800, 0x3164, 0xFFA0})
_INVISIBLE_RANGES = ((0xFE00, 0xFE0F), (0xE0100, 0xE01EF))

# Surrogates U+DC80..U+DCFF are what `surrogateescape` makes of undecodable bytes 0x80..0xFF.
_ESCAPED_BYTE_LOW = 0xDC80
_ESCAPED_BYTE_HIGH = 0xDCFF

# Characters that Markdown (GitHub flavoured) or the HTML it embeds may interpret, beyond the
# five html.escape handles: code spans, table cells, links, emphasis, strike-through, backslash
# escapes, @-mentions, #-references, autolinks and emoji (":" in "https://", ":x:").
_MARKDOWN_SPECIALS = {
    "`": "&#96;",
    "|": "&#124;",
    "[": "&#91;",
    "]": "&#93;",
    "*": "&#42;",
    "_": "&#95;",
    "~": "&#126;",
    "\\": "&#92;",
    "@": "&#64;",
    "#": "&#35;",
    ":": "&#58;",
}


def _is_unsafe(char: str) -> bool:
    if char == " ":
        return False
    code = ord(char)
    if code in _INVISIBLE or any(low <= code <= high for low, high in _INVISIBLE_RANGES):
        return True
    return unicodedata.category(char) in _UNSAFE_CATEGORIES


def escape_char(char: str) -> str:
    """The visible escape of one unsafe character: \\xNN, \\uNNNN or \\UNNNNNNNN.

    A lone surrogate from ``surrogateescape`` is shown as the byte it stands for (\\xNN).
    """
    code = ord(char)
    if _ESCAPED_BYTE_LOW <= code <= _ESCAPED_BYTE_HIGH:
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def escape_text(text: str, *, multiline: bool = False) -> str:
    """`text` with every control, format, surrogate, private-use, invisible or non-ASCII space
    character made visible.

    With ``multiline=True`` the newline (and tab) are kept, for snippets; every other control
    character, CR included, is still escaped. Backslashes are left alone so code reads naturally;
    the escapes are for safety, not for a reversible encoding (JSON output is the exact form).
    """
    if text.isascii() and text.isprintable():
        return text
    out: list[str] = []
    for char in text:
        if (multiline and char in "\n\t") or not _is_unsafe(char):
            out.append(char)
        else:
            out.append(escape_char(char))
    return "".join(out)


def has_unsafe(text: str, *, multiline: bool = False) -> bool:
    """True when `text` holds a character escape_text would rewrite."""
    return escape_text(text, multiline=multiline) != text


def escape_html(text: str, *, multiline: bool = False) -> str:
    """Visible-escaped, then HTML-escaped (quotes included): safe in element text and in
    double- or single-quoted attribute values."""
    return html.escape(escape_text(text, multiline=multiline), quote=True)


def escape_markdown(text: str, *, multiline: bool = False) -> str:
    """Safe both as GitHub Markdown and as the HTML it may embed: visible-escaped, HTML-escaped,
    and every Markdown-active character written as a numeric character reference."""
    visible = escape_text(text, multiline=multiline)
    return "".join(
        _MARKDOWN_SPECIALS.get(char) or html.escape(char, quote=True) for char in visible
    )


def clip(text: str, limit: int, marker: str = "...") -> str:
    """`text` cut to at most `limit` characters, ending in `marker` when cut."""
    if len(text) <= limit:
        return text
    return text[: max(limit - len(marker), 0)] + marker


def clip_lines(text: str, max_lines: int, max_chars: int) -> str:
    """A multi-line text (already visible-escaped) cut to `max_lines` lines and `max_chars`
    characters, ending in a note when cut."""
    lines = text.split("\n")
    cut = len(lines) > max_lines
    body = "\n".join(lines[:max_lines])
    if len(body) > max_chars:
        body = body[:max_chars]
        cut = True
    return body + "\n[... truncated]" if cut else body
