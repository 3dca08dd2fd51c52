"""Language of a file whose name says nothing, from cheap markers in its first bytes.

The markers are the ones Pygments' content guessers relied on for the languages we read (XML
declaration or doctype, a tag pair at the top, groff requests, an INI section header, `<?php`,
Perl pragmas, Python imports), checked directly and more strictly (Perl and Python markers only
at the start of a line) instead of running every guesser on every file: that took 0.36 ms a
file and guessed Perl for French .po files and Python for prose with "import " in it.
"""

from __future__ import annotations

import re

SNIFF_BYTES = 8192
_TAG_SPAN = 1000  # a tag pair counts only near the top (as Pygments' XML guess does)
_BOM = b"\xef\xbb\xbf"
_XML_DECL = re.compile(rb"\s*<\?xml[^>]*\?>")
_DOCTYPE = re.compile(rb"<!DOCTYPE\s+([A-Za-z_][\w.:-]*)")
_TAG_PAIR = re.compile(rb"<[A-Za-z_][^<>]*+>.*?</[A-Za-z_][^<>]*+>", re.DOTALL)
_PHP = re.compile(rb"<\?php\b")
_GROFF = re.compile(rb"(?:\.\\\"|'\\\"|\.TH\s|\.[A-Za-z0-9]{2}[ \t\n])")
_INI_SECTION = re.compile(rb"\[[^\]\n]+\][ \t]*\r?\n")
# at the start of a line: searched in "\n" + text, so that the regex engine scans for the \n
_PYTHON = re.compile(
    rb"\n(?:import\s+[\w.]+(?:\s+as\s+\w+)?[ \t\r\f\v]*(?:\n|\Z)|from\s+[\w.]+\s+import\s)"
)
_PERL = re.compile(rb"\n(?:use\s+(?:strict|warnings)\b|(?:my|our)\s+[$@%]\w+\s*=)")


def sniff_language(head: bytes) -> str | None:
    """Language from the first bytes of a text file, when a cheap marker says it (else None)."""
    text = head[:SNIFF_BYTES]
    if text.startswith(_BOM):
        text = text[len(_BOM) :]
    if not text or b"\x00" in text:
        return None
    if b"<?php" in text and _PHP.search(text):
        return "php"
    doctype = _DOCTYPE.search(text) if b"<!DOCTYPE" in text else None
    if doctype is not None:
        return "html" if doctype.group(1).lower() == b"html" else "xml"
    stripped = text.lstrip()
    tagged = stripped.startswith(b"<") and _TAG_PAIR.search(stripped[:_TAG_SPAN]) is not None
    if _XML_DECL.match(text) or tagged:
        return "html" if stripped[:5].lower() == b"<html" else "xml"
    if _GROFF.match(text):
        return "groff"
    if _INI_SECTION.match(text):
        return "ini"
    lines = b"\n" + text
    if _PERL.search(lines):
        return "perl"
    if _PYTHON.search(lines):
        return "python"
    return None
