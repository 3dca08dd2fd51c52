"""Language detection (name, shebang, content markers) and tree-sitter grammars from the
official wheels.

"No grammar" is a value (None), never an exception. Parsers are created per call site; a
`Grammars` object caches Language/Parser objects for the life of one run (no module state).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import tree_sitter
import tree_sitter_bash
import tree_sitter_c
import tree_sitter_c_sharp
import tree_sitter_cmake
import tree_sitter_cpp
import tree_sitter_go
import tree_sitter_java
import tree_sitter_javascript
import tree_sitter_php
import tree_sitter_python
import tree_sitter_ruby
import tree_sitter_rust
import tree_sitter_typescript

from integrity.syntax.sniff import sniff_language

# language name -> function returning the grammar pointer
GRAMMARS: dict[str, Callable[[], object]] = {
    "c": tree_sitter_c.language,
    "cpp": tree_sitter_cpp.language,
    "python": tree_sitter_python.language,
    "javascript": tree_sitter_javascript.language,
    "typescript": tree_sitter_typescript.language_typescript,
    "tsx": tree_sitter_typescript.language_tsx,
    "go": tree_sitter_go.language,
    "java": tree_sitter_java.language,
    "php": tree_sitter_php.language_php,
    "ruby": tree_sitter_ruby.language,
    "rust": tree_sitter_rust.language,
    "bash": tree_sitter_bash.language,
    "csharp": tree_sitter_c_sharp.language,
    "cmake": tree_sitter_cmake.language,
}

EXTENSIONS: dict[str, str] = {
    ".c": "c",
    ".h": "c",
    ".cc": "cpp",
    ".cpp": "cpp",
    ".cxx": "cpp",
    ".c++": "cpp",
    ".hh": "cpp",
    ".hpp": "cpp",
    ".hxx": "cpp",
    ".ipp": "cpp",
    ".py": "python",
    ".pyw": "python",
    ".pyi": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
    ".go": "go",
    ".java": "java",
    ".php": "php",
    ".phtml": "php",
    ".rb": "ruby",
    ".rake": "ruby",
    ".gemspec": "ruby",
    ".rs": "rust",
    ".sh": "bash",
    ".bash": "bash",
    ".zsh": "bash",
    ".ksh": "bash",
    ".cs": "csharp",
    ".cmake": "cmake",
    # token-level (Pygments) languages
    ".pl": "perl",
    ".pm": "perl",
    ".t": "perl",
    ".m4": "m4",
    ".ac": "autoconf",
    ".am": "make",
    ".mk": "make",
    ".mak": "make",
    ".in": "text",
    ".lua": "lua",
    ".kt": "kotlin",
    ".kts": "kotlin",
    ".swift": "swift",
    ".scala": "scala",
    ".groovy": "groovy",
    ".gradle": "groovy",
    ".ps1": "powershell",
    ".psm1": "powershell",
    ".bat": "batch",
    ".cmd": "batch",
    ".vbs": "vbscript",
    ".sql": "sql",
    ".yml": "yaml",
    ".yaml": "yaml",
    ".json": "json",
    ".toml": "toml",
    ".ini": "ini",
    ".cfg": "ini",
    ".conf": "ini",
    ".properties": "properties",
    ".env": "dotenv",
    ".xml": "xml",
    ".html": "html",
    ".htm": "html",
    ".md": "markdown",
    ".po": "gettext",
    ".pot": "gettext",
    ".rst": "rst",
    ".txt": "text",
    ".tf": "terraform",
    ".hcl": "terraform",
    ".dockerfile": "dockerfile",
    ".s": "asm",
    ".asm": "asm",
}

FILENAMES: dict[str, str] = {
    "CMakeLists.txt": "cmake",
    "Makefile": "make",
    "makefile": "make",
    "GNUmakefile": "make",
    "configure.ac": "autoconf",
    "configure.in": "autoconf",
    "aclocal.m4": "m4",
    "Dockerfile": "dockerfile",
    "Containerfile": "dockerfile",
    "Gemfile": "ruby",
    "Rakefile": "ruby",
    "Vagrantfile": "ruby",
    "Jenkinsfile": "groovy",
    ".env": "dotenv",
    ".bashrc": "bash",
    ".profile": "bash",
    "PKGBUILD": "bash",
}

_SHEBANG = re.compile(rb"^#!\s*(?:/usr/bin/env\s+(?:-\S+\s+)*)?(?:\S*/)?([A-Za-z0-9_.+-]+)")
_INTERPRETERS: tuple[tuple[str, str], ...] = (
    ("python", "python"),
    ("node", "javascript"),
    ("nodejs", "javascript"),
    ("deno", "typescript"),
    ("bash", "bash"),
    ("sh", "bash"),
    ("dash", "bash"),
    ("zsh", "bash"),
    ("ksh", "bash"),
    ("ruby", "ruby"),
    ("perl", "perl"),
    ("php", "php"),
    ("lua", "lua"),
)


def name_suffix(name: str) -> str:
    """`PurePosixPath(name).suffix` of one file name, without building a path object."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def path_suffix(path: str) -> str:
    """`PurePosixPath(path).suffix`, without building a path object (once per file)."""
    parts = (part for part in reversed(path.split("/")) if part and part != ".")
    return name_suffix(next(parts, ""))


def guess_language(path: str, head: bytes = b"") -> str | None:
    """Language name for a path and the first bytes of its content (by name, then shebang)."""
    name = path.rstrip("/").rpartition("/")[2]  # PurePosixPath(path).name, without its cost
    if name in FILENAMES:
        return FILENAMES[name]
    if name.startswith(".env."):
        return "dotenv"
    lower = name.lower()
    suffix = name_suffix(lower)
    if suffix in EXTENSIONS:
        return EXTENSIONS[suffix]
    if lower.startswith("makefile"):
        return "make"
    if head.startswith(b"#!"):
        return _shebang_language(head)
    return None


def _shebang_language(head: bytes) -> str | None:
    match = _SHEBANG.match(head[:200])
    if not match:
        return None
    interpreter = match.group(1).decode("ascii", "replace")
    base = interpreter.rstrip("0123456789.")
    for prefix, language in _INTERPRETERS:
        if base == prefix:
            return language
    return None


def has_grammar(language: str | None) -> bool:
    """True when a tree-sitter grammar wheel is available for the language."""
    return language is not None and language in GRAMMARS


QUERY_START_DEPTH = 20_000
"""Deepest node a query pattern may start at: past a tree depth of 65,535 a tree-sitter query
cursor slows down catastrophically (100,000 nested calls: minutes for one query)."""

PARSE_BUDGET_SECONDS = 10.0
"""Default per-file parse budget (a normal 8 MiB file parses in about a second)."""
_PARSE_CHUNK = 1 << 10
"""Bytes handed to tree-sitter per read callback. A tree parsed through a callback reads node
text (for #eq?/#any-of? in queries, Node.text) through it again, one chunk per node: 1 KiB
keeps that cheap (4 KiB made the rule queries ~40% slower) at no measurable parse cost. Larger
chunks were worse still: with 1 MiB chunks every `Node.text` copied up to 1 MiB (quadratic on
files with many findings), and `Node.text` segfaulted on files of 0.5-2 MB in tree-sitter
0.26.1."""


@dataclass
class Grammars:
    """Per-run cache of tree-sitter Language and Parser objects."""

    _languages: dict[str, tree_sitter.Language] = field(default_factory=dict)
    _parsers: dict[str, tree_sitter.Parser] = field(default_factory=dict)
    _queries: dict[tuple[str, str], tree_sitter.Query] = field(default_factory=dict)
    parse_budget: float = PARSE_BUDGET_SECONDS
    """Wall-clock seconds one parse may take; past it the parse is cancelled (no tree)."""

    def language(self, name: str) -> tree_sitter.Language | None:
        """The tree-sitter Language for a language name, or None."""
        if name not in GRAMMARS:
            return None
        if name not in self._languages:
            self._languages[name] = tree_sitter.Language(GRAMMARS[name]())
        return self._languages[name]

    def parser(self, name: str) -> tree_sitter.Parser | None:
        """A Parser for a language name, or None when there is no grammar."""
        lang = self.language(name)
        if lang is None:
            return None
        if name not in self._parsers:
            self._parsers[name] = tree_sitter.Parser(lang)
        return self._parsers[name]

    def parse(self, name: str, data: bytes) -> tree_sitter.Tree | None:
        """Parse bytes with the named grammar; None when there is no grammar or the parse
        ran over `parse_budget` (a grammar can be super-linear on hostile input)."""
        return self.parse_checked(name, data)[0]

    def parse_checked(self, name: str, data: bytes) -> tuple[tree_sitter.Tree | None, bool]:
        """As `parse`, and whether the parse was cancelled for running over the budget."""
        parser = self.parser(name)
        if parser is None:
            return None, False
        deadline = time.monotonic() + self.parse_budget

        def read(offset: int, _point: tuple[int, int]) -> bytes:
            return data[offset : offset + _PARSE_CHUNK]

        def over(_offset: int, _has_error: bool) -> bool:
            return time.monotonic() > deadline

        try:
            return parser.parse(read, progress_callback=over), False
        except ValueError:  # cancelled by `over`
            parser.reset()
            return None, True

    def query(self, name: str, source: str) -> tree_sitter.Query | None:
        """A compiled Query for a language, cached for the run; None when there is no grammar.

        Raises tree_sitter.QueryError when the query text does not compile.
        """
        lang = self.language(name)
        if lang is None:
            return None
        key = (name, source)
        if key not in self._queries:
            self._queries[key] = tree_sitter.Query(lang, source)
        return self._queries[key]


def detect_language(path: str, head: bytes = b"") -> str | None:
    """Language by file name, then shebang, then cheap content markers (`sniff_language`)."""
    return guess_language(path, head) or sniff_language(head)
