"""A scan skips the token normalisation: same symbols and constants, no digests."""

from __future__ import annotations

from dataclasses import replace

import pytest

from integrity.syntax.analyze import Analysis, analyze
from integrity.syntax.constants import load_registry
from integrity.syntax.languages import Grammars

C_CLEAN = """\
/* sha256.c */
static const unsigned int sha256_k[4] = {0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5};

int auth_check_password(const char *s) {
    // compare
    return strcmp(s, "a  b") == 0;
}

struct ctx { int n; };
"""
C_BROKEN = (
    C_CLEAN
    + "int f( { return ) 1;;; }}}\n"
    + "static const unsigned long long seed = 0x9e3779b97f4a7c15ULL;\n"
)
PERL = """\
# comment
my $x = "str  ing";
my @k = (0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5);
sub check_password { return $_[0] eq "secret-value"; }
"""
CASES = [
    ("src/sha256.c", "c", C_CLEAN),
    ("src/broken.c", "c", C_BROKEN),
    ("crypto/sha256.pl", None, PERL),
    ("scripts/run.py", "python", "def login(user):\n    # x\n    return user == 'admin'\n"),
]


def _both(path: str, language: str | None, source: str) -> tuple[Analysis, Analysis]:
    registry = load_registry()
    data = source.encode()
    full = analyze(path, language, data, Grammars(), registry=registry)
    lean = analyze(path, language, data, Grammars(), registry=registry, digests=False)
    return full, lean


@pytest.mark.parametrize(("path", "language", "source"), CASES, ids=[c[0] for c in CASES])
def test_without_digests_everything_else_is_the_same(
    path: str, language: str | None, source: str
) -> None:
    full, lean = _both(path, language, source)
    assert full.token_digest is not None
    assert lean.token_digest is None
    assert all(symbol.digest == "" for symbol in lean.symbols)
    assert all(len(symbol.digest) == 32 for symbol in full.symbols)
    assert lean.symbols == tuple(replace(symbol, digest="") for symbol in full.symbols)
    assert lean.constants == full.constants
    assert (lean.language, lean.parser, lean.degraded) == (
        full.language,
        full.parser,
        full.degraded,
    )


def test_the_cases_cover_what_a_scan_reports() -> None:
    clean, _ = _both(*CASES[0])
    broken, _ = _both(*CASES[1])
    perl, _ = _both(*CASES[2])
    assert clean.parser == "tree-sitter" and clean.constants and clean.symbols
    assert any(s.sensitive for s in clean.symbols)
    assert broken.degraded and len(broken.constants) > len(clean.constants)
    assert perl.parser == "tokens" and perl.constants
