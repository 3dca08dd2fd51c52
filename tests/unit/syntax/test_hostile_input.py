"""analyze() never raises, whatever the bytes."""

from __future__ import annotations

import pytest

from integrity.syntax.analyze import analyze
from integrity.syntax.languages import Grammars


@pytest.mark.parametrize(
    ("path", "language", "data"),
    [
        ("a.bin", None, bytes(range(256)) * 64),
        ("a.c", "c", b"int main() { return 0; }\x00\x00\xff\xfe"),
        ("a.py", "python", b"x = '\xff\xfe\xfd'\ndef f(\xc3\x28): pass\n"),
        ("a.pl", "perl", b'my $x = "\xff\xfe";\n\x1c\x1d\x1e\x1f\x02\x03'),
        ("a.js", "javascript", b"var s = `\x1c${1}\x1d`;\x1c function \x1d f() {}"),
        ("a.c", "c", b""),
        ("a.c", "c", b"\x1c\x1d\x1f int f() { return 1; }"),
    ],
)
def test_odd_bytes(path: str, language: str | None, data: bytes) -> None:
    result = analyze(path, language, data, Grammars())
    assert result.parser in ("tree-sitter", "tokens", "none")


def test_binary_is_not_parsed() -> None:
    result = analyze("a.c", "c", b"\x7fELF\x00\x00\x00" + bytes(1000), Grammars())
    assert (result.parser, result.symbols, result.constants, result.tree) == ("none", (), (), None)


def test_control_bytes_in_code_do_not_shift_symbols() -> None:
    data = b"int a(void) { return 1; }\n\x1c\x1d\nint b(void) { return 2; }\n"
    result = analyze("a.c", "c", data, Grammars())
    assert [s.name for s in result.symbols] == ["a", "b"]


@pytest.mark.slow
def test_ten_megabyte_one_liner() -> None:
    data = b"var x = [" + b"0x1234567, " * 900_000 + b"];"
    result = analyze("big.js", "javascript", data, Grammars())
    assert result.parser in ("tree-sitter", "tokens", "none")


@pytest.mark.parametrize(
    ("language", "data"),
    [
        ("c", b"int f(){return " + b"(" * 100_000 + b"1" + b")" * 100_000 + b";}"),
        ("python", b"x = " + b"[" * 100_000 + b"]" * 100_000 + b"\n"),
        ("javascript", b"f(" + b"{a:" * 50_000 + b"1" + b"}" * 50_000 + b");"),
        ("c", b"{" * 100_000),
    ],
)
def test_deep_nesting_does_not_recurse(language: str, data: bytes) -> None:
    result = analyze("deep", language, data, Grammars())
    assert result.parser in ("tree-sitter", "tokens")
    assert result.token_digest is not None


@pytest.mark.parametrize(
    ("language", "data"),
    [
        ("c", b"(" * 50_000),
        ("c", b"int f(){" + b"{" * 50_000),
        ("python", b"(" * 50_000),
        ("javascript", b"`${" * 20_000),
    ],
)
def test_wide_error_trees_fall_back_to_tokens(language: str, data: bytes) -> None:
    result = analyze("broken", language, data, Grammars())
    assert result.degraded
    assert result.parser == "tokens"
    assert result.token_digest is not None
