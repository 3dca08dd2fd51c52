"""Feature-check programs embedded in build files: CMake and autoconf/m4 text -> C/C++ source.

CMake `check_c_source_compiles("<program>" VAR)` (quoted or bracket argument, `${VAR}` kept as
its name) and autoconf `AC_*_IFELSE([AC_LANG_PROGRAM([prologue], [body])])`, `AC_LANG_SOURCE`,
`AC_TRY_*` (m4 quoting removed as m4 would, quadrigraphs decoded, unknown macro expansions
dropped). Programs that still hold shell or m4 expansions are skipped: not decidable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_CMAKE_CALL = re.compile(
    r"(?i)\b(check_(c|cxx)_source_(?:compiles|runs)|check_source_(?:compiles|runs))\s*\("
)
_AC_CALL = re.compile(r"(AC_(?:(?:COMPILE|LINK|RUN)_IFELSE|TRY_(?:COMPILE|LINK|RUN)))\s*\(")
"""Starts with its literal, so `re` looks for "AC_" quickly; the word boundary before it is
tested on each match (`_word_start`): a leading word-boundary test made `re` try every offset."""
_AC_WRAPPER = re.compile(r"^\s*(AC_LANG_PROGRAM|AC_LANG_SOURCE)\s*\(", re.S)
_M4_LINE = re.compile(
    r"(?m)^[ \t]*(?:_?(?:AC|AS|AM|AH|gl|m4|LT|PKG)_\w+(?:\(.*\))?|dnl\b.*)[ \t]*$"
)
_QUADRIGRAPHS = (("@<:@", "["), ("@:>@", "]"), ("@S|@", "$"), ("@%:@", "#"), ("@&t@", ""))
_MAX_PROGRAM = 64 * 1024
_BARE_OR_BRACKET = re.compile(
    r"\[|\]|\b_?(?:AC|AS|AM|AH|AX|GL|gl|LT|PKG|m4)_[A-Za-z0-9_]+\b(?:\([^()]*\))?"
)
_IMPLICIT_INT = re.compile(r"(?m)^([ \t]*)main[ \t]*\(")


@dataclass(frozen=True, slots=True)
class Check:
    """One feature check found in a build file: where, which macro, the program, its language."""

    macro: str
    start: int
    end: int
    program: str
    language: str


def find_checks(text: str) -> list[Check]:
    """Every CMake or autoconf feature check with a literal program."""
    checks = []
    # every CMake call names "source_"; re's IGNORECASE also matches U+017F for "s"
    cmake = (
        _CMAKE_CALL.finditer(text) if "source_" in text.lower() or "\u017f" in text else iter(())
    )
    for match in cmake:
        language = "cpp" if (match.group(2) or "").lower() == "cxx" else "c"
        args = split_args(text, match.end(), m4=False)
        if match.group(1).lower().startswith("check_source_") and args:
            language = "cpp" if args[0][0].strip().upper() == "CXX" else "c"
            args = args[1:]
        if args:
            program = _cmake_string(args[0][0])
            if program is not None:
                checks.append(Check(match.group(1), match.start(), args[0][1], program, language))
    for match in _AC_CALL.finditer(text):
        if not _word_start(text, match.start()):
            continue
        args = split_args(text, match.end(), m4=True)
        if not args:
            continue
        if match.group(1).startswith("AC_TRY_"):
            program = _lang_program([a for a, _ in args[:2]])
            end = args[min(1, len(args) - 1)][1]
        else:
            program, end = _ac_program(args[0][0]), args[0][1]
        dialect = _ac_language(text, match.start())
        if program is not None and dialect is not None:
            checks.append(Check(match.group(1), match.start(), end, program, dialect))
    return [c for c in checks if c.program.strip() and len(c.program) <= _MAX_PROGRAM]


def _word_start(text: str, offset: int) -> bool:
    """A word starts at offset: no word character (as `re` reads them) just before it."""
    if offset == 0:
        return True
    before = text[offset - 1]
    return not (before.isalnum() or before == "_")


_AC_LANG = re.compile(
    r"AC_LANG(?:_PUSH)?\(\s*\[?\s*(C\+\+|C|Fortran(?: 77)?|Erlang|Go|Objective C\+?\+?)\s*\]?\s*\)"
    r"|AC_LANG_(CPLUSPLUS|C)\b|AC_LANG_POP"
)


def _ac_language(text: str, offset: int) -> str | None:
    """The language in force at an offset of an autoconf file: "c", "cpp" or None (other)."""
    language = "c"
    for match in _AC_LANG.finditer(text, 0, offset):
        name = match.group(1) or match.group(2) or ""
        if match.group(0) == "AC_LANG_POP":
            language = "c"
        elif name in ("C++", "CPLUSPLUS"):
            language = "cpp"
        elif name == "C":
            language = "c"
        else:
            language = "other"
    return None if language == "other" else language


def split_args(text: str, start: int, *, m4: bool) -> list[tuple[str, int]]:
    """Top-level arguments after an opening parenthesis: (text, end offset) each."""
    args: list[tuple[str, int]] = []
    depth, quote, i, begin = 0, 0, start, start
    in_string = False
    limit = min(len(text), start + _MAX_PROGRAM * 2)
    while i < limit:
        ch = text[i]
        if not m4 and in_string:
            if ch == "\\":
                i += 2
                continue
            if ch == '"':
                in_string = False
        elif not m4 and ch == '"':
            in_string = True
        elif not m4 and (text.startswith("[[", i) or text.startswith("[=", i)):
            close = _bracket_end(text, i)
            if close < 0:
                return []
            i = close
            continue
        elif m4 and ch == "[":
            quote += 1
        elif m4 and ch == "]":
            quote = max(0, quote - 1)
        elif quote == 0 and ch == "(":
            depth += 1
        elif quote == 0 and ch == ")":
            if depth == 0:
                args.append((text[begin:i], i))
                return [(a.strip(), e) for a, e in args if a.strip()]
            depth -= 1
        elif quote == 0 and depth == 0 and ((m4 and ch == ",") or (not m4 and ch.isspace())):
            args.append((text[begin:i], i))
            begin = i + 1
        i += 1
    return []


def _bracket_end(text: str, start: int) -> int:
    """Offset just past the CMake bracket argument opening at `start`, or -1."""
    equals = 0
    while start + 1 + equals < len(text) and text[start + 1 + equals] == "=":
        equals += 1
    if text[start + 1 + equals : start + 2 + equals] != "[":
        return -1
    close = "]" + "=" * equals + "]"
    end = text.find(close, start + 2 + equals)
    return -1 if end < 0 else end + len(close)


def _cmake_string(arg: str) -> str | None:
    if arg.startswith("[") and _bracket_end(arg, 0) == len(arg):
        equals = len(arg) - len(arg.lstrip("[=")) - 2
        return arg[2 + equals : -(2 + equals)]
    if len(arg) < 2 or not (arg.startswith('"') and arg.endswith('"')):
        return None
    body = arg[1:-1]
    if re.fullmatch(r"\s*\$\{\w+\}\s*", body):
        return None  # the program is in a variable: not resolved here
    body = re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body)
    body = re.sub(r"\$\{(\w+)\}|@(\w+)@", lambda m: m.group(1) or m.group(2), body)
    return "\n".join(line.rstrip() for line in _implicit_int(body).split("\n"))


def _strip_quotes(text: str) -> str:
    """One level of m4 quote removal: brackets at the outermost level are dropped."""
    out, depth = [], 0
    for ch in text:
        if ch == "[":
            depth += 1
            if depth == 1:
                continue
        elif ch == "]" and depth > 0:
            depth -= 1
            if depth == 0:
                continue
        out.append(ch)
    return "".join(out)


def _drop_bare_macros(text: str) -> str:
    """Unquoted m4 macro names (GL_MDA_DEFINES, AC_INCLUDES_DEFAULT) expand to unknown text."""
    out, depth, last = [], 0, 0
    for match in _BARE_OR_BRACKET.finditer(text):
        token = match.group(0)
        if token == "[":
            depth += 1
        elif token == "]":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(text[last : match.start()])
            last = match.end()
    out.append(text[last:])
    return "".join(out)


def _unquote(arg: str) -> str:
    """An m4 argument as the macro body sees it after collection and rescanning."""
    arg = _strip_quotes(_drop_bare_macros(_strip_quotes(arg.strip())))
    for quad, char in _QUADRIGRAPHS:
        arg = arg.replace(quad, char)
    return arg


def _ac_program(arg: str) -> str | None:
    inner = _strip_quotes(arg.strip())
    wrapper = _AC_WRAPPER.match(inner)
    if wrapper is None:
        return _clean(_strip_quotes(inner))
    args = split_args(inner, wrapper.end(), m4=True)
    if any(re.match(r"\[?\s*_?(?:AC|AS|AX|m4|gl)_\w+\s*\(", a) for a, _ in args):
        return None  # the program is produced by another macro (AC_LANG_CASE, ...)
    if wrapper.group(1) == "AC_LANG_SOURCE":
        return _clean(_unquote(args[0][0])) if args else None
    return _lang_program([a for a, _ in args])


def _lang_program(args: list[str]) -> str | None:
    prologue = _clean(_unquote(args[0])) if args else ""
    body = _clean(_unquote(args[1])) if len(args) > 1 else ""
    if prologue is None or body is None:
        return None
    return f"{prologue}\nint\nmain (void)\n{{\n{body}\n  ;\n  return 0;\n}}\n"


def _implicit_int(program: str) -> str:
    """K&R `main()` with no return type is valid C89; tree-sitter needs the `int`."""

    def typed(match: re.Match[str]) -> str:
        before = program[: match.start()].rstrip()
        if re.search(r"(?:\b(?:int|void|char|long|short|unsigned|signed|static)|[*])$", before):
            return match.group(0)
        return match.group(1) + "int main("

    return _IMPLICIT_INT.sub(typed, program)


def _clean(program: str) -> str | None:
    program = "\n".join(line.rstrip() for line in _M4_LINE.sub("", program).split("\n"))
    program = _implicit_int(program)
    if "$" in program or re.search(r"\b(?:AC|AS|m4|gl)_[A-Z_]+\b", program):
        return None
    return program
