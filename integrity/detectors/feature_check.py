"""builtin:feature-check: a security feature check whose test program cannot compile.

xz-utils 2024 turned off the Landlock sandbox by adding a lone "." to the C program of a CMake
`check_c_source_compiles`: the check fails, the feature is silently off. This detector pulls the
embedded program out of CMake (`check_c_source_compiles`, `check_cxx_source_compiles`,
`check_c_source_runs`, `check_source_compiles`) and autoconf (`AC_COMPILE_IFELSE`, `AC_LINK_IFELSE`,
`AC_RUN_IFELSE`, `AC_TRY_COMPILE`, `AC_TRY_LINK`) (see build_programs.py), parses it with
tree-sitter C and C++ and reports a stray character or an unbalanced bracket that both dialects
reject. Deliberate failures (`force compilation error` under #else) are not reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import tree_sitter

from integrity.detectors.base import FileView
from integrity.detectors.build_programs import Check, find_checks
from integrity.detectors.common import LineIndex, Scope, make_finding
from integrity.model import Finding
from integrity.rules.schema import Rule
from integrity.syntax.languages import Grammars


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
        checks = find_checks(text)  # prefilters itself: one lowercase, U+017F folding included
        if not checks:
            return
        index = LineIndex(text)
        for check in checks:
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
        program = check.program.encode("utf-8", "replace")
        node = None
        for language in (check.language, "cpp" if check.language == "c" else "c"):
            tree = self._grammars.parse(language, program)
            if tree is None or not tree.root_node.has_error:
                return None
            node = _first_error(tree.root_node, program)
            if node is None:
                return None  # parses in the other C dialect, or no stray error
        if node is None:
            return None
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


_PREPROC_BRANCH = frozenset(
    {"preproc_if", "preproc_ifdef", "preproc_else", "preproc_elif", "preproc_elifdef",
     "preproc_def", "preproc_function_def", "preproc_params"}
)  # fmt: skip
_WORDS_LINE = re.compile(r"[ \t]*[A-Za-z_]\w*(?:[ \t]+[A-Za-z_]\w*)+[ \t;]*")
_GNU_EXTENSIONS = ("__attribute__", "__extension__", "__asm__", "asm", "__typeof__", "_Pragma")


def _first_error(node: tree_sitter.Node, program: bytes) -> tree_sitter.Node | None:
    """The first syntax error that is not a deliberate one.

    Deliberate: errors inside preprocessor conditionals or macro definitions (the "force
    compilation error" / "choke me" idiom under #else), whole lines of plain words, and GNU
    extensions tree-sitter does not know (attribute statements).
    """
    stack = [node]  # iterative: hostile programs can nest deeper than Python's recursion limit
    while stack:
        current = stack.pop()
        if current.is_error or current.is_missing:
            if _stray(current) and not _deliberate(current, program):
                return current
            continue
        stack.extend(
            child
            for child in reversed(current.children)
            if child.has_error or child.is_missing or child.is_error
        )
    return None


def _stray(node: tree_sitter.Node) -> bool:
    """A stray character or an unbalanced bracket: the shape of a sabotaged check.

    Longer errors come from constructs tree-sitter does not know (macros, extensions) far more
    often than from sabotage, so they are left alone.
    """
    if node.is_missing:
        return node.type in ("}", ")", "]")
    text = (node.text or b"").decode("utf-8", "replace").strip()
    return 0 < len(text) <= 3 and not any(ch.isalnum() or ch == "_" for ch in text)


def _deliberate(node: tree_sitter.Node, program: bytes) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.type in _PREPROC_BRANCH:
            return True
        parent = parent.parent
    start = program.rfind(b"\n", 0, node.start_byte) + 1
    end = program.find(b"\n", node.end_byte)
    line = program[start : end if end >= 0 else len(program)].decode("utf-8", "replace")
    return bool(_WORDS_LINE.fullmatch(line)) or any(word in line for word in _GNU_EXTENSIONS)
