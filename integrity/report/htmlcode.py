"""Syntax highlighting and diffs for the HTML report (Pygments, class-based, never raising).

Text is display-escaped (``escape_text``) before Pygments sees it, so control, bidi and
zero-width characters show as visible escapes inside the highlighted code; Pygments then
HTML-escapes. Only class attributes are emitted (no inline styles, no links), which keeps the
page under a Content-Security-Policy without 'unsafe-inline'.
"""

from __future__ import annotations

import difflib
import html
import posixpath

from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_for_filename
from pygments.lexers.diff import DiffLexer
from pygments.lexers.special import TextLexer

from integrity.report.escape import clip_lines, escape_text

CSS_CLASS = "hl"
_MAX_LINES = 200
_MAX_CHARS = 20_000


def _formatter() -> HtmlFormatter[str]:
    return HtmlFormatter(cssclass=CSS_CLASS, nowrap=False, noclasses=False)


def stylesheet() -> str:
    """The CSS rules of the highlighting classes, scoped under ``.hl``."""
    return str(_formatter().get_style_defs(f".{CSS_CLASS}"))  # type: ignore[no-untyped-call]


def lexer_for(path: str) -> Lexer:
    """A lexer guessed from the file name alone (content is never analysed); plain text when
    Pygments knows no lexer or fails."""
    name = escape_text(posixpath.basename(path))
    try:
        return get_lexer_for_filename(name, stripnl=False, ensurenl=False)
    except Exception:  # Pygments raises ClassNotFound, and anything may go wrong on odd names
        return TextLexer(stripnl=False, ensurenl=False)


def _plain(text: str) -> str:
    return f'<div class="{CSS_CLASS}"><pre>{html.escape(text, quote=True)}</pre></div>'


def highlight_code(code: str, lexer: Lexer) -> str:
    """`code` (from the tree) as a highlighted, escaped HTML block; plain <pre> on any error."""
    text = clip_lines(escape_text(code, multiline=True), _MAX_LINES, _MAX_CHARS)
    try:
        return str(highlight(text, lexer, _formatter()))
    except Exception:  # a lexer bug must never break the report
        return _plain(text)


def unified_diff(before: str, after: str, label: str) -> str:
    """A unified diff of two versions of a function, as text (display-escaped lines)."""
    old = escape_text(before, multiline=True).split("\n")
    new = escape_text(after, multiline=True).split("\n")
    lines = difflib.unified_diff(
        old, new, fromfile=f"before/{label}", tofile=f"after/{label}", lineterm="", n=3
    )
    return "\n".join(lines) + "\n"


def highlight_diff(before: str, after: str, label: str) -> str:
    """The unified diff of before/after as a highlighted HTML block."""
    text = unified_diff(before, after, escape_text(label))
    if not text:
        return _plain("(no textual difference)")
    return highlight_code(text, DiffLexer(stripnl=False, ensurenl=False))
