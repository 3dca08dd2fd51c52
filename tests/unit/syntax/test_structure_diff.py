"""Symbol-level diff and cosmetic-change detection on real snippets."""

from __future__ import annotations

from integrity.model import SymbolChangeKind
from integrity.symdiff import diff_symbols

from .helpers import record

C_AUTH = """\
#include <string.h>

/* check a password */
int check_password(const char *given, const char *stored)
{
    return strcmp(given, stored) == 0;
}

int helper(int x)
{
    return x + 1;
}
"""


def test_body_change_is_reported_by_name() -> None:
    old, _ = record("src/auth.c", "c", C_AUTH)
    new, _ = record("src/auth.c", "c", C_AUTH.replace("== 0;", "== 0 || given[0] == '!';"))
    changes, cosmetic = diff_symbols(old, new)
    assert not cosmetic
    assert [(c.kind, c.name, c.start_line, c.end_line) for c in changes] == [
        (SymbolChangeKind.MODIFIED, "check_password", 4, 7)
    ]
    assert changes[0].sensitive == ("auth",)


def test_comment_and_whitespace_only_change_is_cosmetic() -> None:
    edited = (
        C_AUTH.replace("/* check a password */", "// compares the two strings\n// (constant time?)")
        .replace("return strcmp(given, stored) == 0;", "return strcmp( given,stored )==0 ;")
        .replace("    return x + 1;", "\treturn x+1; /* add */\n\n")
    )
    old, _ = record("src/auth.c", "c", C_AUTH)
    new, _ = record("src/auth.c", "c", edited)
    assert old.sha256 != new.sha256
    changes, cosmetic = diff_symbols(old, new)
    assert cosmetic
    assert changes == ()


def test_string_contents_are_not_whitespace() -> None:
    old, _ = record("a.py", "python", 'def f():\n    return "a b"\n')
    new, _ = record("a.py", "python", 'def f():\n    return "a  b"\n')
    changes, cosmetic = diff_symbols(old, new)
    assert not cosmetic
    assert [(c.kind, c.name) for c in changes] == [(SymbolChangeKind.MODIFIED, "f")]


def test_renamed_function_is_a_rename() -> None:
    old, _ = record("src/auth.c", "c", C_AUTH)
    new, _ = record("src/auth.c", "c", C_AUTH.replace("helper(", "increment("))
    changes, cosmetic = diff_symbols(old, new)
    assert not cosmetic
    assert [(c.kind, c.name, c.old_name, c.start_line) for c in changes] == [
        (SymbolChangeKind.RENAMED, "increment", "helper", 9)
    ]


def test_added_and_removed_symbols() -> None:
    old, _ = record("m.py", "python", "def a():\n    return 1\n")
    new, _ = record("m.py", "python", "def b():\n    return 2\n\nclass K:\n    def m(self): pass\n")
    changes, _ = diff_symbols(old, new)
    assert sorted((c.kind.value, c.name) for c in changes) == [
        ("added", "K"),
        ("added", "K.m"),
        ("added", "b"),
        ("removed", "a"),
    ]


def test_python_dedent_is_not_cosmetic() -> None:
    before = (
        "def login(u):\n    if u.ok:\n        audit(u)\n        return True\n    return False\n"
    )
    after = "def login(u):\n    if u.ok:\n        audit(u)\n    return True\n    return False\n"
    old, _ = record("app/auth.py", "python", before)
    new, _ = record("app/auth.py", "python", after)
    changes, cosmetic = diff_symbols(old, new)
    assert not cosmetic
    assert [(c.kind, c.name) for c in changes] == [(SymbolChangeKind.MODIFIED, "login")]


def test_python_reformat_inside_brackets_is_cosmetic() -> None:
    before = "def f(a, b):\n    return g(a,\n             b)  # why\n"
    after = "def f(a, b):\n    return g(\n        a, b\n    )\n"
    old, _ = record("m.py", "python", before)
    new, _ = record("m.py", "python", after)
    assert diff_symbols(old, new) == ((), True)


def test_javascript_line_break_after_return_is_not_cosmetic() -> None:
    before = "function isAdmin(u) {\n  return u.admin;\n}\n"
    after = "function isAdmin(u) {\n  return\n    u.admin;\n}\n"
    old, _ = record("a.js", "javascript", before)
    new, _ = record("a.js", "javascript", after)
    changes, cosmetic = diff_symbols(old, new)
    assert not cosmetic
    assert [c.name for c in changes] == ["isAdmin"]


def test_overloads_with_same_name_pair_by_digest() -> None:
    src = "class A {\n  void f(int a) { a++; }\n  void f(String s) { s.trim(); }\n}\n"
    old, _ = record("A.java", "java", src)
    new, _ = record("A.java", "java", src.replace("s.trim()", "s.strip()"))
    changes, _ = diff_symbols(old, new)
    assert [(c.kind, c.name, c.start_line) for c in changes] == [
        (SymbolChangeKind.MODIFIED, "A", 1),
        (SymbolChangeKind.MODIFIED, "A.f", 3),
    ]
