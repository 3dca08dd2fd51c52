"""Comment and string patterns of the language families read by the fast regex lexer.

Each pattern is one alternative whose first atom (a character, an escape or a class) is
mandatory: the lexer builds from those first atoms the set of bytes where a token may start.
Line-start rules are lookbehinds after that first atom.
"""

from __future__ import annotations

import re

_STR_DQ = rb'"[^"\\\n]*(?:\\.[^"\\\n]*)*"?'
_STR_SQ = rb"'[^'\\\n]*(?:\\.[^'\\\n]*)*'?"
_STR_BT = rb"`[^`\\]*(?:\\.[^`\\]*)*`?"
_TRIPLE_DQ = rb'"""(?:[^\\]|\\.)*?(?:"""|\Z)'
_TRIPLE_SQ = rb"'''(?:[^\\]|\\.)*?(?:'''|\Z)"
_BLOCK = rb"/\*.*?(?:\*/|\Z)"
_SLASHES = rb"//[^\n]*"
_HASH = rb"#[^\n]*"
_SGML = rb"<!--.*?(?:-->|\Z)"


_INDENT = 8  # blanks a line-start comment may be indented by


def _line_start(chars: bytes) -> bytes:
    """A comment opened by one of `chars` as the first non-blank character of a line: after the
    opener, lookbehinds check that exactly k blanks precede it and a line break (or nothing)
    precedes those, for some k up to _INDENT."""
    opener = b"[" + chars + b"]"
    exact = [b"(?<![^\\n]" + opener + b")"]
    for k in range(1, _INDENT + 1):
        blanks = b"[ \\t]{%d}" % k
        exact.append(b"(?<=" + blanks + opener + b")(?<![^\\n]" + blanks + opener + b")")
    return opener + b"(?:" + b"|".join(exact) + b")[^\\n]*"


def _lines(*patterns: bytes) -> tuple[bytes, ...]:
    """Comments that run to the end of their line, each extended over the comment lines right
    below it (blanks before them allowed): one event per block instead of one per line. The
    normalised text is the same: a comment is a separator either way, and the line break after
    the block stays. (Only for languages with no grammar: a degraded tree's symbol cuts could
    fall between the lines of a block.)"""
    either = b"(?:" + b"|".join(patterns) + b")"
    return tuple(p + rb"(?:\n[ \t]*+" + either + b")*+" for p in patterns)


_PAIRS: tuple[tuple[bytes, bytes], ...] = tuple(
    (bytes([opener]), bytes([closer]))
    for opener, closer in zip(b"/!|{([<", b"/!|})]>", strict=True)
)


def _delimited(opener: bytes, closer: bytes, parts: int) -> bytes:
    """`parts` bodies between delimiters (s/a/b/ shares the middle one; s{a}{b} does not),
    backslash escapes, line breaks allowed, no nesting."""
    inner = re.escape(opener) + re.escape(closer) if opener != closer else re.escape(closer)
    body = b"(?:[^" + inner + rb"\\]|\\.)*+"
    if opener == closer:
        return re.escape(opener) + (body + re.escape(closer)) * parts
    one = re.escape(opener) + body + re.escape(closer)
    return one + (rb"\s*+" + one) * (parts - 1)


def _perl_quotes() -> tuple[bytes, ...]:
    """Perl's quote-like operators (q qq qw qr qx m; s tr y with two parts) and a bare /regex/
    after =~, !~, `(` or split: strings, as Pygments reads them, so a `#` inside is no comment
    (an edit there must change the digest). Common delimiters, a `#` one only right after the
    operator (after a blank it opens a comment)."""
    out = []
    for first, rest, parts in (
        (b"[mq]", rb"(?:(?<=q)[qwrx])?", 1),
        (b"[sty]", rb"(?:(?<=t)r|(?<=[sy]))", 2),
    ):
        start = first + rb"(?<![\w$@%&>:-]" + first + b")" + rest
        forms = [rb"\s*+" + _delimited(a, b, parts) for a, b in _PAIRS]
        forms.append(_delimited(b"#", b"#", parts))
        out.append(start + b"(?:" + b"|".join(forms) + rb")[a-z]*+")
    bare = rb"/(?:(?<=~/)|(?<=~ /)|(?<=\(/)|(?<=split /))"
    out.append(bare + rb"(?:[^/\\]|\\.)*+/[a-z]*+")
    return tuple(out)


FAMILIES: dict[str, tuple[tuple[bytes, ...], tuple[bytes, ...]]] = {
    # family: (comment patterns, string patterns)
    "c": ((_BLOCK, _SLASHES), (_STR_DQ, _STR_SQ)),
    "js": ((_BLOCK, _SLASHES), (_STR_DQ, _STR_SQ, _STR_BT)),
    # Kotlin, Scala, Groovy, Swift
    "jvm": ((_BLOCK, _SLASHES), (_TRIPLE_DQ, _TRIPLE_SQ, _STR_DQ, _STR_SQ)),
    "hash": ((_HASH,), (_STR_DQ, _STR_SQ)),
    "python": ((_HASH,), (_TRIPLE_DQ, _TRIPLE_SQ, _STR_DQ, _STR_SQ)),
    "php": ((_BLOCK, _SLASHES, _HASH), (_STR_DQ, _STR_SQ)),
    "m4": (_lines(rb"d(?<!\wd)nl(?!\w)[^\n]*", _HASH), (_STR_DQ,)),
    "dash": (_lines(rb"--[^\n]*"), (_STR_DQ, _STR_SQ)),
    "lua": (
        (rb"--\[\[.*?(?:\]\]|\Z)", rb"--\[=\[.*?(?:\]=\]|\Z)", *_lines(rb"--[^\n]*")),
        (rb"\[\[.*?(?:\]\]|\Z)", rb"\[=\[.*?(?:\]=\]|\Z)", _STR_DQ, _STR_SQ),
    ),
    "perl": (
        (*_lines(rb"#(?<!\$#)[^\n]*"), rb"=(?<![^\n]=)[A-Za-z]\w*.*?(?:\n=cut\b[^\n]*|\Z)"),
        (*_perl_quotes(), _STR_DQ, _STR_SQ),
    ),
    "make": (_lines(rb"#(?<!\\#)[^\n]*"), (_STR_DQ, _STR_SQ)),
    "yaml": (_lines(rb"#(?<![^ \t\n]#)[^\n]*"), (_STR_DQ, _STR_SQ)),
    "toml": (_lines(_HASH), (_TRIPLE_DQ, _TRIPLE_SQ, _STR_DQ, _STR_SQ)),
    "ini": (_lines(_line_start(b";#")), (_STR_DQ,)),
    "properties": (_lines(_line_start(b"#!")), ()),
    "dockerfile": (_lines(_line_start(b"#")), (_STR_DQ, _STR_SQ)),
    "powershell": ((rb"<\#.*?(?:\#>|\Z)", _HASH), (_STR_DQ, _STR_SQ)),
    "batch": (
        _lines(rb"[rR](?<![\w.%-][rR])[eE][mM](?![\w.-])[^\n]*", rb"::(?<![^\n \t@]::)[^\n]*"),
        (rb'"[^"\n]*"?',),
    ),
    "vbscript": (_lines(rb"'[^\n]*", rb"[rR](?<![\w.%-][rR])[eE][mM](?![\w.-])[^\n]*"), (_STR_DQ,)),
    "gettext": (_lines(_HASH), (_STR_DQ,)),
    "xml": ((_SGML,), ()),  # strings: quoted attribute values (CONTAINERS)
    "markdown": ((_SGML,), (_STR_DQ,)),
    "groff": (_lines(rb"[.']\\[\"#][^\n]*", rb"\\[\"#][^\n]*"), (rb'"[^"\n]*"?',)),
    "text": ((), (_STR_DQ,)),
}

# family: (container pattern, string pattern): strings only count inside a container (XML: the
# quoted attribute values of a start tag, as Pygments reads them; quotes in text are text)
CONTAINERS: dict[str, tuple[bytes, bytes]] = {
    "xml": (
        rb"<[A-Za-z_][\w.:-]*+(?:\s++[\w.:-]++\s*+=\s*+(?:\"[^\"]*+\"?|'[^']*+'?|[^\s\"'<>]++))++",
        rb"\"[^\"]*\"?|'[^']*'?",
    ),
}

# family: heredoc opener; the string runs from the opener to the first line below it that is
# its tag (indented with <<~); the rest of the opener's line is read as part of it. No such line:
# no heredoc (`1<<ROUNDS` is a shift)
HEREDOCS: dict[str, bytes] = {
    "perl": rb"<<~?(?:\"[A-Za-z_]\w*\"|'[A-Za-z_]\w*'|[A-Za-z_]\w*)",
}

LANGUAGE_FAMILY: dict[str, str] = {
    "c": "c",
    "cpp": "c",
    "java": "c",
    "csharp": "c",
    "go": "js",
    "rust": "c",
    "kotlin": "jvm",
    "swift": "jvm",
    "scala": "jvm",
    "groovy": "jvm",
    "javascript": "js",
    "typescript": "js",
    "tsx": "js",
    "json": "text",
    "php": "php",
    "python": "python",
    "ruby": "hash",
    "bash": "hash",
    "tcl": "hash",
    "perl": "perl",
    "make": "make",
    "cmake": "hash",
    "yaml": "yaml",
    "toml": "toml",
    "dockerfile": "dockerfile",
    "terraform": "php",
    "powershell": "powershell",
    "batch": "batch",
    "vbscript": "vbscript",
    "m4": "m4",
    "autoconf": "m4",
    "sql": "dash",
    "lua": "lua",
    "ini": "ini",
    "properties": "properties",
    "dotenv": "hash",
    "gettext": "gettext",
    "xml": "xml",
    "html": "xml",
    "svg": "xml",
    "markdown": "markdown",
    "groff": "groff",
    "text": "text",
}
"""Languages read by a family regex; every other language goes to Pygments (or "text")."""
