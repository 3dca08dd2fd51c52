"""Pinned constants: what gets pinned, stable keys, changes with both values, nonstandard values."""

from __future__ import annotations

from pathlib import Path

import pytest

from integrity.errors import SignatureError
from integrity.symdiff import diff_constants
from integrity.syntax.constants import ConstantRegistry, load_registry, nonstandard

from .helpers import record

P256_B = "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b"

CURVE_C = """\
#include <stdint.h>

/* NIST P-256, little-endian 64-bit limbs */
static const uint64_t curve_b[4] = {
    0x3bce3c3e27d2604bULL, 0x651d06b0cc53b0f6ULL,
    0xb3ebbd55769886bcULL, 0x5ac635d8aa3a93e7ULL,
};

int ec_point_check(const uint64_t *x) { return x[0] != 0; }
"""

PALETTE_C = """\
static const unsigned int palette[8] = {
    0x000000, 0x800000, 0x008000, 0x808000, 0x000080, 0x800080, 0x008080, 0xc0c0c0,
};

void draw(int i) { set_colour(palette[i]); }
"""


@pytest.fixture(scope="module")
def registry() -> ConstantRegistry:
    return load_registry()


def test_changed_hex_digit_in_crypto_table_reports_both_values() -> None:
    old, before = record("src/crypto/ecc.c", "c", CURVE_C)
    new, _ = record(
        "src/crypto/ecc.c", "c", CURVE_C.replace("0x651d06b0cc53b0f6", "0x651d06b0cc53b0f7")
    )
    assert [(c.key, c.line) for c in before.constants] == [("curve_b#0", 4)]
    changes = diff_constants(old, new)
    assert len(changes) == 1
    change = changes[0]
    assert change.key == "curve_b#0"
    assert change.line == 4
    assert change.old.split(",")[1] == "0x651d06b0cc53b0f6"
    assert change.new.split(",")[1] == "0x651d06b0cc53b0f7"
    assert change.old.split(",")[0] == change.new.split(",")[0] == "0x3bce3c3e27d2604b"


def test_benign_palette_is_not_pinned() -> None:
    old, before = record("src/ui/colours.c", "c", PALETTE_C)
    new, _ = record("src/ui/colours.c", "c", PALETTE_C.replace("0xc0c0c0", "0xc0c0c1"))
    assert before.constants == ()
    assert diff_constants(old, new) == ()


def test_benign_palette_stays_unpinned_with_the_registry(registry: ConstantRegistry) -> None:
    _, result = record("src/ui/colours.c", "c", PALETTE_C, registry)
    assert result.constants == ()


def test_keys_survive_unrelated_edits() -> None:
    table = "[0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5]"
    src = f"def sha_round(x):\n    K = {table}\n    return K\n"
    _, a = record("lib/hashing.py", "python", src)
    _, b = record("lib/hashing.py", "python", "import os\n\n\ndef other():\n    pass\n\n" + src)
    assert [c.key for c in a.constants] == ["sha_round:K#0"]
    assert [c.key for c in b.constants] == ["sha_round:K#0"]
    assert a.constants[0].line == 2 and b.constants[0].line == 8
    assert a.constants[0].value == "0x428a2f98,0x71374491,0xb5c0fbcf,0xe9b5dba5"


def test_crypto_name_pins_outside_crypto_files() -> None:
    src = "const SHA256_IV = [0x6a09e667, 0xbb67ae85];\nconst colours = [0x6a09e667, 0xbb67ae85];\n"
    _, result = record("web/util.js", "javascript", src)
    assert [c.key for c in result.constants] == ["SHA256_IV#0"]


def test_rounds_constant_in_crypto_code_is_pinned() -> None:
    src = "#define AES_ROUNDS 10\nstatic int count = 10;\n"
    old, before = record("aes/aes_core.c", "c", src)
    new, _ = record("aes/aes_core.c", "c", src.replace("AES_ROUNDS 10", "AES_ROUNDS 1"))
    assert [(c.key, c.value) for c in before.constants] == [("AES_ROUNDS#0", "10")]
    assert [(c.key, c.old, c.new) for c in diff_constants(old, new)] == [
        ("AES_ROUNDS#0", "10", "1")
    ]


def test_secret_looking_names_are_redacted() -> None:
    value = "00112233445566778899aabbccddeeff" * 2
    src = f'static const char *hmac_secret_key = "{value}";\n'
    _, result = record("src/crypto/mac.c", "c", src)
    assert len(result.constants) == 1
    assert value not in result.constants[0].value
    assert "redacted" in result.constants[0].value


def test_syntax_errors_degrade_to_tokens_and_keep_constants() -> None:
    src = "static const uint32_t sha256_k[4] = {0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5};\n"
    broken = src + "int f( { return ) 1;;; }}}\n#if\n"
    _, result = record("src/sha256.c", "c", broken)
    assert result.degraded
    assert result.parser == "tokens"
    assert result.tree is not None
    assert [(c.key, c.line) for c in result.constants] == [("sha256_k#0", 1)]
    assert result.constants[0].value.startswith("0x428a2f98,0x71374491")


def test_nonstandard_p256_b_without_baseline(registry: ConstantRegistry) -> None:
    tampered = P256_B[:40] + ("0" if P256_B[40] != "0" else "1") + P256_B[41:]
    src = f'static const char *p256_b_hex = "{tampered}";\nstatic const char *ok = "{P256_B}";\n'
    _, result = record("lib/curves.c", "c", src, registry)
    assert [(c.key, c.standard) for c in result.constants] == [
        ("p256_b_hex#0", "nist-p256-b"),
        ("ok#0", "nist-p256-b"),
    ]
    reported = nonstandard(result.constants, registry)
    assert [c.key for c, _ in reported] == ["p256_b_hex#0"]
    assert P256_B in reported[0][1]
    assert "P-256" in reported[0][1]


def test_nonstandard_limb_table_and_aes_sbox_byte(registry: ConstantRegistry) -> None:
    _, curve = record("src/crypto/ecc.c", "c", CURVE_C, registry)
    assert curve.constants[0].standard == "nist-p256-b"
    assert nonstandard(curve.constants, registry) == ()
    sbox = next(e for e in registry.entries if e.id == "aes-sbox")
    values = list(sbox.ints)
    values[17] ^= 0x01
    body = ", ".join(f"0x{v:02x}" for v in values)
    _, table = record(
        "misc/tables.c", "c", f"static const unsigned char T[256] = {{{body}}};\n", registry
    )
    assert [c.standard for c in table.constants] == ["aes-sbox"]
    ((_, why),) = nonstandard(table.constants, registry)
    assert "index 17" in why


def test_chacha_constant_string(registry: ConstantRegistry) -> None:
    src = (
        'static const char sigma[16] = "expand 32-byte k";\n'
        'static const char t[] = "expand 32-byte q";\n'
    )
    _, result = record("lib/stream.c", "c", src, registry)
    assert [(c.key, c.standard) for c in result.constants] == [
        ("sigma#0", "chacha-sigma"),
        ("t#0", "chacha-sigma"),
    ]
    assert [c.key for c, _ in nonstandard(result.constants, registry)] == ["t#0"]


def test_invalid_registry_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "crypto-constants.toml"
    bad.write_text('[[constant]]\nid = "x"\nstandard = "y"\nkind = "table"\nvalues = []\n')
    with pytest.raises(SignatureError, match=r"crypto-constants\.toml"):
        load_registry(bad)
    bad.write_text("not = [toml")
    with pytest.raises(SignatureError, match=r"crypto-constants\.toml"):
        load_registry(bad)
    bad.write_text('[[constant]]\nid = "a"\nstandard = "s"\nkind = "string"\nvalue = "v"\n' * 2)
    with pytest.raises(SignatureError, match="duplicate"):
        load_registry(bad)
