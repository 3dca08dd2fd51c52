"""builtin:feature-check: a security feature check whose test program cannot compile.

xz-utils 2024 turned off the Landlock sandbox by adding a lone "." to the C program of a CMake
`check_c_source_compiles`: the check fails, the feature is silently off. This detector pulls the
embedded program out of CMake (`check_c_source_compiles`, `check_cxx_source_compiles`,
`check_c_source_runs`, `check_source_compiles`) and autoconf (`AC_COMPILE_IFELSE`, `AC_LINK_IFELSE`,
`AC_RUN_IFELSE`, `AC_TRY_COMPILE`, `AC_TRY_LINK`), parses it with tree-sitter C/C++ and reports
syntax errors. Programs that still hold shell or m4 expansions are skipped (not decidable).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import tree_sitter

from integrity.detectors.base import FileView
from integrity.detectors.common import LineIndex, Scope, make_finding
from integrity.model import Finding
from integrity.rules.schema import Rule
from integrity.syntax.languages import Grammars

_CMAKE_CALL = re.compile(
    r"(?i)\b(check_(c|cxx)_source_(?:compiles|runs)|check_source_(?:compiles|runs))\s*\("
)
_AC_CALL = re.compile(r"\b(AC_(?:COMPILE|LINK|RUN)_IFELSE|AC_TRY_(?:COMPILE|LINK|RUN))\s*\(")
_AC_WRAPPER = re.compile(r"^\s*(AC_LANG_PROGRAM|AC_LANG_SOURCE)\s*\(", re.S)
_M4_LINE = re.compile(
    r"(?m)^[ \t]*(?:_?(?:AC|AS|AM|AH|gl|m4|LT|PKG)_\w+(?:\(.*\))?|dnl\b.*)[ \t]*$"
)
_QUADRIGRAPHS = (("@<:@", "["), ("@:>@", "]"), ("@S|@", "$"), ("@%:@", "#"), ("@&t@", ""))
_MAX_PROGRAM = 64 * 1024


@dataclass(frozen=True, slots=True)
class Check:
    """One feature check found in a build file: where, which macro, the program, its language."""

    macro: str
    start: int
    end: int
    program: str
    language: str


class FeatureCheckDetector:
    """Reports feature-check programs that do not parse as C/C++."""

    def __init__(self, rule: Rule, grammars: Grammars) -> None:
        self.rule = rule
        self._scope = Scope.of(rule)
        self._grammars = grammars

    @property
    def rule_id(self) -> str:
        """The id of the rule this detector implements."""
        return self.rule.id

    def wants(self, view: FileView) -> bool:
        """CMake, autoconf and m4 files in scope."""
        return self._scope.accepts(view)

    def detect(self, view: FileView) -> Iterator[Finding]:
        """One finding per check whose program has a syntax error."""
        text = view.text()
        if "source_" not in text.lower() and "_IFELSE" not in text and "AC_TRY_" not in text:
            return
        index = LineIndex(text)
        for check in find_checks(text):
            problem = self._problem(check)
            if problem is None:
                continue
            start, end = index.line(check.start), index.line(check.end)
            yield make_finding(
                self.rule,
                view,
                start,
                end,
                index.lines(start, start),
                captures={"macro": check.macro, "problem": problem},
                details=(("macro", check.macro), ("problem", problem)),
            )

    def _problem(self, check: Check) -> str | None:
        tree = self._grammars.parse(check.language, check.program.encode("utf-8", "replace"))
        if tree is None or not tree.root_node.has_error:
            return None
        node = _first_error(tree.root_node)
        if node is None:
            return "the program does not parse"
        line = node.start_point[0] + 1
        bad = (node.text or b"").decode("utf-8", "replace").strip().splitlines()
        what = (
            f"missing {node.type}"
            if node.is_missing
            else f"unexpected {bad[0][:40]!r}"
            if bad
            else "error"
        )
        return f"syntax error in the test program (program line {line}: {what})"


def _first_error(node: tree_sitter.Node) -> tree_sitter.Node | None:
    if node.is_error or node.is_missing:
        return node
    for child in node.children:
        if child.has_error or child.is_missing or child.is_error:
            found = _first_error(child)
            if found is not None:
                return found
    return None


def find_checks(text: str) -> list[Check]:
    """Every CMake or autoconf feature check with a literal program."""
    checks = []
    for match in _CMAKE_CALL.finditer(text):
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
        args = split_args(text, match.end(), m4=True)
        if not args:
            continue
        if match.group(1).startswith("AC_TRY_"):
            program = _lang_program([a for a, _ in args[:2]])
            end = args[min(1, len(args) - 1)][1]
        else:
            program, end = _ac_program(args[0][0]), args[0][1]
        if program is not None:
            checks.append(Check(match.group(1), match.start(), end, program, "c"))
    return [c for c in checks if c.program.strip() and len(c.program) <= _MAX_PROGRAM]


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
    body = re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body)
    return re.sub(r"\$\{(\w+)\}|@(\w+)@", lambda m: m.group(1) or m.group(2), body)


def _unquote(arg: str) -> str:
    arg = arg.strip()
    while len(arg) >= 2 and arg[0] == "[" and arg[-1] == "]":
        arg = arg[1:-1].strip("\n")
    for quad, char in _QUADRIGRAPHS:
        arg = arg.replace(quad, char)
    return arg


def _ac_program(arg: str) -> str | None:
    inner = _unquote(arg)
    wrapper = _AC_WRAPPER.match(inner)
    if wrapper is None:
        return _clean(inner)
    args = split_args(inner, wrapper.end(), m4=True)
    if wrapper.group(1) == "AC_LANG_SOURCE":
        return _clean(_unquote(args[0][0])) if args else None
    return _lang_program([a for a, _ in args])


def _lang_program(args: list[str]) -> str | None:
    prologue = _clean(_unquote(args[0])) if args else ""
    body = _clean(_unquote(args[1])) if len(args) > 1 else ""
    if prologue is None or body is None:
        return None
    return f"{prologue}\nint\nmain (void)\n{{\n{body}\n  ;\n  return 0;\n}}\n"


def _clean(program: str) -> str | None:
    program = _M4_LINE.sub("", program)
    if "$" in program or re.search(r"\b(?:AC|AS|m4|gl)_[A-Z_]+\b", program):
        return None
    return program
