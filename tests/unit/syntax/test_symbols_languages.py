"""Symbols for every tree-sitter language: one snippet each, exact qualified names and kinds."""

from __future__ import annotations

import pytest

from integrity.syntax.analyze import analyze
from integrity.syntax.languages import Grammars

CASES: dict[str, tuple[str, str, list[tuple[str, str]]]] = {
    "c": (
        "auth.c",
        "struct creds { int uid; };\n"
        "static int check_password(const char *p) { return p[0] == 'x'; }\n"
        "int *lookup(void) { return 0; }\n",
        [("creds", "struct"), ("check_password", "function"), ("lookup", "function")],
    ),
    "cpp": (
        "a.cpp",
        "namespace ns {\nclass A {\n  int m() { return 1; }\n};\nint A::f() { return 2; }\n"
        "void g() {}\n}\n",
        [("ns::A", "class"), ("ns::A::m", "method"), ("ns::A::f", "method"), ("ns::g", "function")],
    ),
    "python": (
        "a.py",
        "class A:\n    @staticmethod\n    def m():\n        def inner():\n            pass\n"
        "def f():\n    return 1\n",
        [("A", "class"), ("A.m", "method"), ("A.m.inner", "function"), ("f", "function")],
    ),
    "javascript": (
        "a.js",
        "class A {\n  m() { return 1; }\n}\nfunction f() {}\nconst g = () => 1;\n",
        [("A", "class"), ("A.m", "method"), ("f", "function"), ("g", "function")],
    ),
    "typescript": (
        "a.ts",
        "namespace N {\n  export interface I { x: number }\n  export class C {\n"
        "    m(): void {}\n  }\n}\nfunction f<T>(a: T): void {}\n",
        [("N.I", "interface"), ("N.C", "class"), ("N.C.m", "method"), ("f", "function")],
    ),
    "tsx": (
        "a.tsx",
        "export function App(): JSX.Element {\n  return <div>hi</div>;\n}\n"
        "class Store { get(): number { return 1; } }\n",
        [("App", "function"), ("Store", "class"), ("Store.get", "method")],
    ),
    "go": (
        "a.go",
        "package p\n\ntype T struct{}\n\nfunc (t *T) Verify() bool { return true }\n\n"
        "func New() *T { return &T{} }\n",
        [("T", "struct"), ("T.Verify", "method"), ("New", "function")],
    ),
    "java": (
        "A.java",
        "package p;\nclass A {\n  A() {}\n  void m() {}\n  interface I {}\n}\n",
        [("A", "class"), ("A.A", "method"), ("A.m", "method"), ("A.I", "interface")],
    ),
    "php": (
        "a.php",
        "<?php\nnamespace App\\Auth;\nclass Login {\n  function check() { return 1; }\n}\n"
        "function helper() {}\n",
        [
            ("App\\Auth::Login", "class"),
            ("App\\Auth::Login::check", "method"),
            ("App\\Auth::helper", "function"),
        ],
    ),
    "ruby": (
        "a.rb",
        "module M\n  class A\n    def m; end\n    def self.s; end\n  end\nend\ndef top; end\n",
        [("M::A", "class"), ("M::A::m", "method"), ("M::A::s", "method"), ("top", "function")],
    ),
    "rust": (
        "a.rs",
        "mod m {\n  pub struct S;\n  impl S {\n    fn new() -> Self { S }\n  }\n}\nfn main() {}\n",
        [("m::S", "struct"), ("m::S::new", "method"), ("main", "function")],
    ),
    "bash": (
        "a.sh",
        "f() { echo hi; }\nfunction g { :; }\n",
        [("f", "function"), ("g", "function")],
    ),
    "csharp": (
        "A.cs",
        "namespace N.M {\n  class A {\n    A() {}\n    void Run() {}\n  }\n  interface I {}\n}\n",
        [
            ("N.M.A", "class"),
            ("N.M.A.A", "method"),
            ("N.M.A.Run", "method"),
            ("N.M.I", "interface"),
        ],
    ),
    "cmake": (
        "CMakeLists.txt",
        "function(check_hardening a)\n  set(X 1)\nendfunction()\nmacro(add_flags)\nendmacro()\n",
        [("check_hardening", "function"), ("add_flags", "function")],
    ),
}


@pytest.mark.parametrize("language", sorted(CASES))
def test_symbols_per_language(language: str) -> None:
    path, source, expected = CASES[language]
    result = analyze(path, language, source.encode(), Grammars())
    assert result.parser == "tree-sitter", result
    assert not result.degraded
    assert [(s.name, s.kind) for s in result.symbols] == expected
    assert result.tree is not None
    assert result.token_digest is not None


def test_symbol_lines_and_decorators_are_part_of_the_symbol() -> None:
    source = b"import x\n\n@login_required\ndef view(request):\n    return 1\n"
    symbols = analyze("views.py", "python", source, Grammars()).symbols
    assert [(s.name, s.start_line, s.end_line) for s in symbols] == [("view", 3, 5)]
    without = analyze("views.py", "python", source.replace(b"@login_required\n", b""), Grammars())
    assert without.symbols[0].digest != symbols[0].digest


def test_file_scoped_namespace_qualifies_following_declarations() -> None:
    source = b"namespace F;\nclass B { void N() {} }\n"
    symbols = analyze("b.cs", "csharp", source, Grammars()).symbols
    assert [s.name for s in symbols] == ["F.B", "F.B.N"]
