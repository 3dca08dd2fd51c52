"""Literal normalisation and the pinning policy for cryptographic-looking constants.

Always pinned: integers wider than 48 bits with varied digits, hex strings of 128+ bits, decimal
big-number strings, and anything the registry recognises. Pinned in crypto context (crypto symbol
or file, or a crypto-looking assigned name): tables, 32-bit+ integers, byte strings, and any
number given to an UPPER_CASE constant. Values of names that look secret are stored redacted.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import accumulate, compress, repeat
from operator import add, itemgetter

from integrity.syntax.classify import word_parts

_SEPARATORS = re.compile(r"[_'\s]")
_INT_BODY = re.compile(r"(0x[0-9a-f]+|0b[01]+|0o[0-7]+|[0-9]+)(?:[uil]\w*|n)?")
_HEX_TEXT = re.compile(r"[0-9a-fA-F]+")
_HEX_SEPARATORS = re.compile(r"[\s:_-]")
_ESCAPES = re.compile(r"(?:\\x[0-9a-fA-F]{2})+")
_DECIMAL_TEXT = re.compile(r"[0-9]{39,}")
_PLAIN_HEX = re.compile(rb"[0-9a-fA-F]+")
_DECIMAL_TABLE = re.compile(rb"(?:0|[1-9][0-9]*)[uUlL]*(?:,(?:0|[1-9][0-9]*)[uUlL]*)*")
_HEX_TABLE = re.compile(rb"0[xX][0-9a-fA-F]+[uUlL]*(?:,0[xX][0-9a-fA-F]+[uUlL]*)*")
_INT_SUFFIXES = re.compile(rb"[uUlL]+")  # in those tables, only ever an element's suffix
_HEX_ZEROS = re.compile(rb"0x0+(?=[0-9a-f])")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_SECRET_WORDS = _words(
    "key secret password passwd passphrase token seed priv private privkey apikey credential "
    "credentials pwd pass"
)
_PUBLIC_WORDS = frozenset({"pub", "public", "pubkey"})


class LiteralKind(StrEnum):
    """The shape of a candidate literal."""

    INTEGER = "integer"
    HEX = "hex"  # hex digits from a string literal
    BYTES = "bytes"  # escaped byte string, rendered as hex
    TEXT = "text"
    TABLE = "table"


@dataclass(frozen=True, slots=True)
class Literal:
    """A normalised literal candidate."""

    kind: LiteralKind
    value: str
    size: int  # integers: bits; hex/bytes: hex digits; text: characters; table: elements


def parse_number(text: str, c_octal: bool = False) -> int | None:
    """The value of an integer literal in any supported language, else None (floats too)."""
    cleaned = text.strip().lower()
    if "_" in cleaned or "'" in cleaned:
        cleaned = _SEPARATORS.sub("", cleaned)
    if cleaned.isdigit():
        body = cleaned
    else:
        match = _INT_BODY.fullmatch(cleaned.removeprefix("+"))
        if match is None:
            return None
        body = match.group(1)
    if body.startswith(("0x", "0b", "0o")):
        return int(body[2:], {"x": 16, "b": 2, "o": 8}[body[1]])
    if c_octal and len(body) > 1 and body.startswith("0") and set(body) <= set("01234567"):
        return int(body, 8)
    return int(body)


def normal_number(text: str, c_octal: bool = False) -> str | None:
    """Constant.value form of an integer literal: hex-written as lower-case 0x.., else decimal."""
    cleaned = text.strip().lower()
    if cleaned.startswith("0x"):
        try:
            return hex(int(cleaned[2:], 16))
        except ValueError:
            pass
    elif cleaned.isdigit() and not (c_octal and cleaned[0] == "0" and len(cleaned) > 1):
        return str(int(cleaned))
    value = parse_number(cleaned, c_octal)
    if value is None:
        return None
    return hex(value) if cleaned.startswith(("0x", "0b", "0o")) else str(value)


def normal_numbers(raws: Sequence[bytes], c_octal: bool = False) -> list[str | None]:
    """`normal_number` of each raw literal, with fast paths for plain decimal and hex."""
    joined = b",".join(raws)
    if raws and _DECIMAL_TABLE.fullmatch(joined):  # normal form once the suffixes are gone
        return list(_INT_SUFFIXES.sub(b"", joined).decode("ascii").split(","))
    if raws and _HEX_TABLE.fullmatch(joined):  # lower case, no suffixes nor leading zeros
        plain = _INT_SUFFIXES.sub(b"", joined).lower()
        return list(_HEX_ZEROS.sub(b"0x", plain).decode("ascii").split(","))
    out: list[str | None] = []
    add = out.append
    for raw in raws:
        if raw.isdigit() and (raw[0] != 0x30 or len(raw) == 1):
            add(raw.decode("ascii"))
        elif raw[:2] in (b"0x", b"0X") and _PLAIN_HEX.fullmatch(raw, 2):
            add(hex(int(raw, 16)))
        else:
            add(normal_number(raw.decode("utf-8", "replace"), c_octal))
    return out


def number_literal(text: str, c_octal: bool = False) -> Literal | None:
    """Normalised integer literal: hex-written ones as lower-case 0x.., others in decimal."""
    value = normal_number(text, c_octal)
    if value is None:
        return None
    return Literal(LiteralKind.INTEGER, value, int(value, 0).bit_length())


def _unquote(text: str) -> str:
    body = text.strip()
    first = min((i for i in (body.find('"'), body.find("'"), body.find("`")) if i >= 0), default=0)
    if 0 < first <= 3 and body[:first].isalpha():  # prefixes: b"", r'', u8"", L"", f""
        body = body[first:]
    for quote in ('"""', "'''", '"', "'", "`"):
        if len(body) >= 2 * len(quote) and body.startswith(quote) and body.endswith(quote):
            return body[len(quote) : -len(quote)]
    return body.strip("\"'`")


def string_literal(text: str) -> Literal:
    """Normalised string literal: hex digits, escaped bytes as hex, or the text itself."""
    body = _unquote(text)
    compact = _HEX_SEPARATORS.sub("", body)
    if len(compact) >= 16 and _HEX_TEXT.fullmatch(compact):
        return Literal(LiteralKind.HEX, compact.lower(), len(compact))
    if _ESCAPES.fullmatch(body):
        hexed = body.replace("\\x", "").lower()
        return Literal(LiteralKind.BYTES, hexed, len(hexed))
    return Literal(LiteralKind.TEXT, body, len(body))


def table_literal(values: list[str]) -> Literal:
    """A table of normalised integer values."""
    return Literal(LiteralKind.TABLE, ",".join(values), len(values))


_HEX_CLASS = bytes(0x68 if chr(b) in "0123456789abcdefABCDEF" else 0x2E for b in range(256))
_HEX_RUN = b"h" * 16
_FIRST = itemgetter(0)
_SECOND = itemgetter(1)
_INTERESTING_STRING = re.compile(rb"[0-9a-fA-F]{16}|\\x[0-9a-fA-F]{2}|[0-9]{39}")


def strings_may_pin(
    data: bytes, spans: Sequence[tuple[int, int, object]], text_lengths: frozenset[int]
) -> list[int]:
    """Indexes of the string spans (start, end, any) of `data` that pass `string_may_pin`.

    Their text is joined by line breaks (no hint crosses one) and searched with `bytes.find`,
    not the regex: 16 hex digits in a row (39 decimal digits hold such a run), or `\\x` and two
    hex digits. One find per string with a hint, not per position."""
    sizes = {size + quotes for size in text_lengths for quotes in (2, 3, 4)}
    texts = list(map(data.__getitem__, map(slice, map(_FIRST, spans), map(_SECOND, spans))))
    lengths = list(map(len, texts))
    offsets = [0, *accumulate(map(add, lengths, repeat(1)))]  # where each text starts
    joined = b"\n".join(texts)
    hexes = joined.translate(_HEX_CLASS)
    hit: set[int] = set()
    found = hexes.find(_HEX_RUN)
    while found >= 0:
        index = bisect.bisect_right(offsets, found) - 1
        hit.add(index)
        found = hexes.find(_HEX_RUN, offsets[index + 1])
    found = joined.find(b"\\x")
    while found >= 0:
        if hexes[found + 2 : found + 4] == b"hh":
            index = bisect.bisect_right(offsets, found) - 1
            hit.add(index)
            found = joined.find(b"\\x", offsets[index + 1])
        else:
            found = joined.find(b"\\x", found + 1)
    return sorted(hit.union(compress(range(len(lengths)), map(sizes.__contains__, lengths))))


def string_may_pin(raw: bytes, text_lengths: frozenset[int]) -> bool:
    """Cheap prefilter: could this string literal be hex, escaped bytes, a big number or a
    registry string?"""
    if _INTERESTING_STRING.search(raw):
        return True
    size = len(raw)
    return (size - 2) in text_lengths or (size - 3) in text_lengths or (size - 4) in text_lengths


def _varied(hex_digits: str, minimum: int) -> bool:
    return len(set(hex_digits)) >= minimum


def always_pinned(literal: Literal) -> bool:
    """Looks cryptographic wherever it is."""
    if literal.kind is LiteralKind.INTEGER:
        digits = format(int(literal.value, 0), "x")
        return literal.size > 48 and _varied(digits, 4)
    if literal.kind is LiteralKind.HEX:
        return literal.size >= 32 and _varied(literal.value, 6)
    if literal.kind is LiteralKind.TEXT:
        return bool(_DECIMAL_TEXT.fullmatch(literal.value))
    return False


def pinned_in_context(literal: Literal, upper_name: bool) -> bool:
    """Looks cryptographic inside crypto code or next to a crypto name."""
    if literal.kind is LiteralKind.INTEGER:
        if upper_name:
            return True
        digits = format(int(literal.value, 0), "x")
        return literal.size > 24 and _varied(digits, 3)
    if literal.kind is LiteralKind.TABLE:
        return literal.size >= 2
    if literal.kind in (LiteralKind.HEX, LiteralKind.BYTES):
        return literal.size >= 16
    return always_pinned(literal)


def is_upper_constant(name: str | None) -> bool:
    """UPPER_CASE names: constants and macros."""
    return bool(name) and name is not None and name.isupper() and any(c.isalpha() for c in name)


def looks_secret(name: str | None) -> bool:
    """Names whose values must not be stored in full (keys, passwords, seeds)."""
    if not name:
        return False
    parts = set(word_parts(name))
    return bool(parts & _SECRET_WORDS) and not parts & _PUBLIC_WORDS


def redact(value: str) -> str:
    """A redacted prefix, the length and a sha256 prefix: never the value."""
    h = hashlib.sha256(value.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return f"{value[:4]}…(redacted, {len(value)} chars, sha256:{h})"
