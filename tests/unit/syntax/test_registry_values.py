"""Every value of signatures/registry/crypto-constants.toml, re-derived or checked by computing."""

from __future__ import annotations

import math
import random

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from integrity.syntax.constants import ConstantRegistry, EntryKind, RegistryEntry, load_registry


@pytest.fixture(scope="module")
def registry() -> ConstantRegistry:
    return load_registry()


def entry(registry: ConstantRegistry, entry_id: str) -> RegistryEntry:
    found = registry.by_id(entry_id)
    assert found is not None, entry_id
    return found


def primes(count: int) -> list[int]:
    out: list[int] = []
    candidate = 2
    while len(out) < count:
        if all(candidate % p for p in out if p * p <= candidate):
            out.append(candidate)
        candidate += 1
    return out


def integer_cube_root(x: int) -> int:
    lo, hi = 0, 1
    while hi**3 <= x:
        hi *= 2
    while lo < hi - 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if mid**3 <= x else (lo, mid)
    return lo


def fractional_bits(p: int, bits: int, cube: bool) -> int:
    root = integer_cube_root(p << (3 * bits)) if cube else math.isqrt(p << (2 * bits))
    return root & ((1 << bits) - 1)


def test_sha2_constants_from_prime_roots(registry: ConstantRegistry) -> None:
    p = primes(80)
    assert entry(registry, "sha256-k").ints == tuple(fractional_bits(q, 32, True) for q in p[:64])
    assert entry(registry, "sha256-h0").ints == tuple(fractional_bits(q, 32, False) for q in p[:8])
    assert entry(registry, "sha224-h0").ints == tuple(
        fractional_bits(q, 64, False) & 0xFFFFFFFF for q in p[8:16]
    )
    assert entry(registry, "sha512-k").ints == tuple(fractional_bits(q, 64, True) for q in p[:80])
    assert entry(registry, "sha512-h0").ints == tuple(fractional_bits(q, 64, False) for q in p[:8])
    assert entry(registry, "sha384-h0").ints == tuple(
        fractional_bits(q, 64, False) for q in p[8:16]
    )


def _gf_mul(a: int, b: int) -> int:
    result = 0
    while b:
        if b & 1:
            result ^= a
        a = ((a << 1) ^ 0x11B) if a & 0x80 else a << 1
        b >>= 1
    return result


def test_aes_sboxes_by_gf256_inversion(registry: ConstantRegistry) -> None:
    inverse = [0] + [next(b for b in range(1, 256) if _gf_mul(a, b) == 1) for a in range(1, 256)]

    def rotl(x: int, s: int) -> int:
        return ((x << s) | (x >> (8 - s))) & 0xFF

    sbox = [b ^ rotl(b, 1) ^ rotl(b, 2) ^ rotl(b, 3) ^ rotl(b, 4) ^ 0x63 for b in inverse]
    assert entry(registry, "aes-sbox").ints == tuple(sbox)
    inv = [0] * 256
    for i, v in enumerate(sbox):
        inv[v] = i
    assert entry(registry, "aes-inv-sbox").ints == tuple(inv)


def test_chacha_constants(registry: ConstantRegistry) -> None:
    for text, words_id, text_id in (
        ("expand 32-byte k", "chacha-sigma-words", "chacha-sigma"),
        ("expand 16-byte k", "chacha-tau-words", "chacha-tau"),
    ):
        raw = text.encode()
        words = tuple(int.from_bytes(raw[i : i + 4], "little") for i in range(0, 16, 4))
        assert entry(registry, words_id).ints == words
        assert entry(registry, text_id).text == text


def _pi_fixed(bits: int) -> int:
    one = 1 << (bits + 32)

    def atan_inv(x: int) -> int:
        total, term, k, sign = 0, one // x, 1, 1
        while term:
            total += sign * (term // k)
            term //= x * x
            k += 2
            sign = -sign
        return total

    return (16 * atan_inv(5) - 4 * atan_inv(239)) >> 32


def _e_fixed(bits: int) -> int:
    one = 1 << (bits + 32)
    total, term, k = 0, one, 1
    while term:
        total += term
        term //= k
        k += 1
    return total >> 32


def _probably_prime(n: int, rounds: int = 3) -> bool:
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    rng = random.Random(7)
    for _ in range(rounds):
        x = pow(rng.randrange(2, n - 2), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


@pytest.mark.parametrize(
    ("entry_id", "bits", "shift", "offset", "base"),
    [
        ("dh-modp-1024", 1024, 894, 129093, "pi"),
        ("dh-modp-1536", 1536, 1406, 741804, "pi"),
        ("dh-modp-2048", 2048, 1918, 124476, "pi"),
        ("dh-modp-3072", 3072, 2942, 1690314, "pi"),
        ("dh-ffdhe2048", 2048, 1918, 560316, "e"),
        ("dh-ffdhe3072", 3072, 2942, 2625351, "e"),
    ],
)
def test_dh_primes_from_their_rfc_formulas(
    registry: ConstantRegistry, entry_id: str, bits: int, shift: int, offset: int, base: str
) -> None:
    constant = (_pi_fixed(shift) if base == "pi" else _e_fixed(shift)) + offset
    expected = 2**bits - 2 ** (bits - 64) - 1 + 2**64 * constant
    value = entry(registry, entry_id).integer
    assert value == expected
    assert _probably_prime(expected)
    assert _probably_prime((expected - 1) // 2)  # safe prime


CURVES = {"p256": ec.SECP256R1(), "p384": ec.SECP384R1(), "p521": ec.SECP521R1()}


@pytest.mark.parametrize("name", sorted(CURVES))
def test_nist_curves_against_cryptography(registry: ConstantRegistry, name: str) -> None:
    p, a, b, n, gx, gy = (
        entry(registry, f"nist-{name}-{part}").integer for part in ("p", "a", "b", "n", "gx", "gy")
    )
    assert None not in (p, a, b, n, gx, gy)
    assert isinstance(p, int) and isinstance(a, int) and isinstance(b, int)
    assert isinstance(n, int) and isinstance(gx, int) and isinstance(gy, int)
    curve = CURVES[name]
    generator = ec.derive_private_key(1, curve).public_key().public_numbers()
    assert (generator.x, generator.y) == (gx, gy)
    assert a == p - 3
    assert (gy * gy - (gx**3 + a * gx + b)) % p == 0
    # (n - 1)G = -G only when n is the group order
    minus_g = ec.derive_private_key(n - 1, curve).public_key().public_numbers()
    assert (minus_g.x, minus_g.y) == (gx, p - gy)
    # 2G from our own affine doubling with the registry's a and p matches cryptography's
    slope = (3 * gx * gx + a) * pow(2 * gy, -1, p) % p
    x2 = (slope * slope - 2 * gx) % p
    y2 = (slope * (gx - x2) - gy) % p
    twice = ec.derive_private_key(2, curve).public_key().public_numbers()
    assert (twice.x, twice.y) == (x2, y2)


def test_dual_ec_points_are_on_p256(registry: ConstantRegistry) -> None:
    p = entry(registry, "nist-p256-p").integer
    b = entry(registry, "nist-p256-b").integer
    assert isinstance(p, int) and isinstance(b, int)
    for axis in ("p", "q"):
        x = entry(registry, f"dual-ec-p256-{axis}x").integer
        y = entry(registry, f"dual-ec-p256-{axis}y").integer
        assert isinstance(x, int) and isinstance(y, int)
        assert (y * y - (x**3 - 3 * x + b)) % p == 0
    assert entry(registry, "dual-ec-p256-px").integer == entry(registry, "nist-p256-gx").integer


def test_every_entry_is_well_formed(registry: ConstantRegistry) -> None:
    assert len(registry.entries) >= 40
    for item in registry.entries:
        assert item.names, item.id
        if item.kind is EntryKind.TABLE:
            assert item.ints and all(v.bit_length() <= item.width for v in item.ints)
        elif item.kind is EntryKind.INTEGER:
            assert item.integer and item.blob == format(item.integer, "x")
        else:
            assert item.text
