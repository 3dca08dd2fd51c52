"""The registry of well-known cryptographic constants, and which standard a pinned constant claims.

A constant claims a registry entry by name (an alias such as `sha256_k`) or by value: most of a
table's elements in place, or most hex digits of a big integer, byte string or limb array. A claim
whose value is not exactly the standard's is `nonstandard`, which makes a tampered curve
coefficient or S-box visible even without a baseline.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import repeat
from operator import eq
from pathlib import Path
from types import MappingProxyType

from integrity.errors import SignatureError
from integrity.model import Constant

REGISTRY_FILE = Path("registry") / "crypto-constants.toml"
TABLE_CLAIM = 0.5  # share of table elements in place
DIGIT_CLAIM = 0.75  # share of hex digits / characters in place
_MIN_TABLE = 4


class EntryKind(StrEnum):
    """The shape of a registry value."""

    TABLE = "table"
    INTEGER = "integer"
    STRING = "string"


@dataclass(frozen=True, slots=True)
class RegistryEntry:
    """One well-known constant."""

    id: str
    standard: str
    kind: EntryKind
    names: tuple[str, ...]
    ints: tuple[int, ...] = ()  # table elements
    width: int = 0  # table element width in bits
    integer: int | None = None
    text: str | None = None
    blob: str = ""  # big-endian hex without leading zeros (tables: elements concatenated)

    def expected(self) -> str:
        """The standard value in Constant.value form."""
        if self.kind is EntryKind.TABLE:
            return ",".join(hex(v) for v in self.ints)
        if self.kind is EntryKind.INTEGER:
            return hex(self.integer or 0)
        return self.text or ""


@dataclass(frozen=True, slots=True)
class ConstantRegistry:
    """Well-known constants loaded from one TOML file (indexes are derived, read-only)."""

    entries: tuple[RegistryEntry, ...]
    source: str
    _by_name: Mapping[str, RegistryEntry] = field(init=False, repr=False, compare=False)
    _by_blob_length: Mapping[int, tuple[RegistryEntry, ...]] = field(
        init=False, repr=False, compare=False
    )
    _by_text_length: Mapping[int, tuple[RegistryEntry, ...]] = field(
        init=False, repr=False, compare=False
    )
    _by_element: Mapping[int, tuple[RegistryEntry, ...]] = field(
        init=False, repr=False, compare=False
    )
    _blob_lengths: frozenset[int] = field(init=False, repr=False, compare=False)
    _text_lengths: frozenset[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names: dict[str, RegistryEntry] = {}
        blobs: dict[int, list[RegistryEntry]] = {}
        texts: dict[int, list[RegistryEntry]] = {}
        elements: dict[int, list[RegistryEntry]] = {}
        for entry in self.entries:
            for alias in entry.names:
                names.setdefault(alias, entry)
            if entry.blob:
                blobs.setdefault(len(entry.blob), []).append(entry)
            if entry.text is not None:
                texts.setdefault(len(entry.text), []).append(entry)
            for value in set(entry.ints):
                elements.setdefault(value, []).append(entry)
        for name, index in (
            ("_by_name", names),
            ("_by_blob_length", _frozen(blobs)),
            ("_by_text_length", _frozen(texts)),
            ("_by_element", _frozen(elements)),
        ):
            object.__setattr__(self, name, MappingProxyType(index))
        object.__setattr__(self, "_blob_lengths", frozenset(blobs))
        object.__setattr__(self, "_text_lengths", frozenset(texts))

    def by_id(self, entry_id: str) -> RegistryEntry | None:
        """The entry with this id."""
        return next((e for e in self.entries if e.id == entry_id), None)

    def has_alias(self, name: str | None) -> bool:
        """True when a name is one of the registry's aliases."""
        return bool(name) and normalise_name(name or "") in self._by_name

    def may_claim_table(self, first: list[int], count: int) -> bool:
        """Cheap prefilter: could a table with these first values and length claim an entry?"""
        if any(value in self._by_element for value in first):
            return True
        for digits in (2, 8, 16):
            longest = count * digits
            if any(longest - digits <= n <= longest for n in self._by_blob_length):
                return True
        return False

    def text_lengths(self) -> frozenset[int]:
        """Lengths of the string constants (a cheap prefilter for string literals)."""
        return self._text_lengths

    def claim(self, value: str, name: str | None = None) -> RegistryEntry | None:
        """The entry a constant claims to follow, by name or by (most of) its value."""
        if name:
            entry = self._by_name.get(normalise_name(name))
            if entry is not None:
                return entry
        shape = Shape.of(value, self._blob_lengths)
        candidates: dict[str, RegistryEntry] = {}
        for blob in shape.blobs:
            candidates.update((e.id, e) for e in self._by_blob_length.get(len(blob), ()))
        for element in shape.ints[:16]:
            candidates.update((e.id, e) for e in self._by_element.get(element, ()))
        if shape.text and not shape.ints:
            candidates.update((e.id, e) for e in self._by_text_length.get(len(shape.text), ()))
        best: tuple[float, RegistryEntry] | None = None
        for entry in candidates.values():
            score = shape.similarity(entry)
            if score >= _threshold(entry, shape) and (best is None or score > best[0]):
                best = (score, entry)
        return best[1] if best else None


def _frozen(index: dict[int, list[RegistryEntry]]) -> dict[int, tuple[RegistryEntry, ...]]:
    return {key: tuple(value) for key, value in index.items()}


def _threshold(entry: RegistryEntry, shape: Shape) -> float:
    return TABLE_CLAIM if entry.kind is EntryKind.TABLE and shape.ints else DIGIT_CLAIM


def normalise_name(name: str) -> str:
    """Lower-case alphanumerics of a name (aliases compare in this form)."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


_INT = re.compile(r"(0x[0-9a-f]+|[0-9]+)")
_HEX_LIST = re.compile(r"0x[0-9a-f]+(?:,0x[0-9a-f]+)*")
_DECIMAL_LIST = re.compile(r"[0-9]+(?:,[0-9]+)*")
_HEX = re.compile(r"[0-9a-f]+")


def parse_int(text: str) -> int | None:
    """An integer from a normalised element ("0x..", decimal), else None."""
    if not _INT.fullmatch(text):
        return None
    return int(text, 16) if text.startswith("0x") else int(text)


def _similar(a: str, b: str) -> float:
    if not a or len(a) != len(b):
        return 0.0
    same: int = sum(map(eq, a, b))  # equal lengths: map is zip(strict) at C speed
    return same / len(a)


@dataclass(frozen=True, slots=True)
class Shape:
    """The comparable forms of a Constant.value."""

    ints: tuple[int, ...]  # table elements (empty unless a table)
    blobs: tuple[str, ...]  # big-endian hex renderings (integer, hex string, limb orders)
    text: str

    @staticmethod
    def of(value: str, blob_lengths: frozenset[int] | None = None) -> Shape:
        """Parse a normalised constant value (limb renderings only near `blob_lengths`)."""
        if "," in value:
            parts = value.split(",")
            # every part parses: no regex per part (tables run to tens of thousands)
            if _HEX_LIST.fullmatch(value):
                ints = tuple(map(int, parts, repeat(16, len(parts))))
                widest = max(map(len, parts)) - 2
            elif _DECIMAL_LIST.fullmatch(value):
                ints, widest = tuple(map(int, parts)), 0
            else:
                parsed = [parse_int(part) for part in parts]
                ints = tuple(v for v in parsed if v is not None)
                if len(ints) != len(parsed):
                    return Shape((), (), value)
                widest = max((len(r) - 2 for r in parts if r.startswith("0x")), default=0)
            return Shape(ints, _limb_blobs(ints, widest, blob_lengths), value)
        number = parse_int(value)
        if number is not None:
            return Shape((), (format(number, "x"),), value)
        if _HEX.fullmatch(value):
            return Shape((), (value.lstrip("0"),), value)
        return Shape((), (), value)

    def similarity(self, entry: RegistryEntry) -> float:
        """How much of the entry this value reproduces (0..1)."""
        if entry.kind is EntryKind.STRING:
            return _similar(self.text, entry.text or "")
        score = 0.0
        if self.ints and entry.kind is EntryKind.TABLE and len(self.ints) >= _MIN_TABLE:
            same: int = sum(map(eq, self.ints, entry.ints))  # stops at the shorter, as zip
            score = same / max(len(self.ints), len(entry.ints))
        blob = entry.blob
        for candidate in self.blobs:
            score = max(score, _similar(candidate, blob))
        return score

    def equals(self, entry: RegistryEntry) -> bool:
        """True when the value is exactly the entry's (in any accepted rendering)."""
        if entry.kind is EntryKind.STRING:
            return self.text == entry.text
        if self.ints and entry.kind is EntryKind.TABLE and self.ints == entry.ints:
            return True
        return entry.blob in self.blobs


def _limb_blobs(
    ints: tuple[int, ...], widest: int, blob_lengths: frozenset[int] | None
) -> tuple[str, ...]:
    """Big-endian and little-endian-limb hex renderings of an integer table (`widest`: hex
    digits of its widest hex-written element)."""
    bits = max(max(ints).bit_length() if ints else 0, widest * 4)
    width = next((w for w in (8, 16, 32, 64) if bits <= w), 0)
    if not width:
        return ()
    digits = width // 4
    if blob_lengths is not None:
        longest = len(ints) * digits
        if not any(longest - digits <= n <= longest for n in blob_lengths):
            return ()
    limbs = list(map(f"{{:0{digits}x}}".format, ints))
    return ("".join(limbs).lstrip("0"), "".join(reversed(limbs)).lstrip("0"))


def _explain(entry: RegistryEntry, constant: Constant) -> str:
    shape = Shape.of(constant.value)
    detail = ""
    if shape.ints and entry.kind is EntryKind.TABLE:
        if len(shape.ints) != len(entry.ints):
            detail = f"; has {len(shape.ints)} elements, the standard {len(entry.ints)}"
        else:
            diffs = [
                i for i, (a, b) in enumerate(zip(shape.ints, entry.ints, strict=True)) if a != b
            ]
            if diffs:
                i = diffs[0]
                detail = (
                    f"; {len(diffs)} element(s) differ, first at index {i}: "
                    f"{hex(shape.ints[i])} instead of {hex(entry.ints[i])}"
                )
    return f"claims {entry.standard} [{entry.id}]; expected {entry.expected()}{detail}"


def constant_name(key: str) -> str:
    """The assigned name part of a Constant.key ("sym:name#3" -> "name")."""
    base = key.rsplit("#", 1)[0]
    return re.split(r"::|[:.\\/]", base)[-1]


def nonstandard(
    constants: tuple[Constant, ...], registry: ConstantRegistry
) -> tuple[tuple[Constant, str], ...]:
    """Constants that claim a standard (by name or most of a table) but differ from it."""
    out: list[tuple[Constant, str]] = []
    for constant in constants:
        entry = registry.by_id(constant.standard) if constant.standard else None
        if entry is None:
            entry = registry.claim(constant.value, constant_name(constant.key))
        if entry is not None and not Shape.of(constant.value).equals(entry):
            out.append((constant, _explain(entry, constant)))
    return tuple(out)


def default_registry_path() -> Path:
    """The packaged registry (wheel) or the repository's (checkout)."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "_signatures" / REGISTRY_FILE
    if packaged.is_file():
        return packaged
    return package.parent / "signatures" / REGISTRY_FILE


def _int(text: object, where: str) -> int:
    if isinstance(text, int) and not isinstance(text, bool):
        return text
    if isinstance(text, str):
        cleaned = re.sub(r"[\s_:]", "", text.lower())
        try:
            return int(cleaned, 16) if cleaned.startswith("0x") else int(cleaned)
        except ValueError:
            pass
    raise ValueError(f"{where}: not an integer: {text!r}")


def _entry(raw: object, index: int) -> RegistryEntry:
    where = f"constant #{index + 1}"
    if not isinstance(raw, dict):
        raise ValueError(f"{where}: not a table")
    unknown = set(raw) - {"id", "standard", "kind", "names", "values", "value", "width"}
    if unknown:
        raise ValueError(f"{where}: unknown keys {sorted(unknown)}")
    entry_id, standard = raw.get("id"), raw.get("standard")
    if not isinstance(entry_id, str) or not isinstance(standard, str):
        raise ValueError(f"{where}: `id` and `standard` must be strings")
    where = f"constant {entry_id}"
    kind = EntryKind(str(raw.get("kind")))
    names = raw.get("names", [])
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise ValueError(f"{where}: `names` must be a list of strings")
    aliases = tuple(normalise_name(n) for n in names)
    if kind is EntryKind.TABLE:
        values = raw.get("values")
        width = raw.get("width")
        if not isinstance(values, list) or not values or not isinstance(width, int):
            raise ValueError(f"{where}: a table needs `values` (list) and `width` (bits)")
        ints = tuple(_int(v, where) for v in values)
        if width not in (8, 16, 32, 64) or any(v < 0 or v.bit_length() > width for v in ints):
            raise ValueError(f"{where}: `width` must be 8/16/32/64 bits and fit every value")
        blob = "".join(format(v, f"0{width // 4}x") for v in ints).lstrip("0")
        return RegistryEntry(entry_id, standard, kind, aliases, ints=ints, width=width, blob=blob)
    if kind is EntryKind.INTEGER:
        number = _int(raw.get("value"), where)
        return RegistryEntry(
            entry_id, standard, kind, aliases, integer=number, blob=format(number, "x")
        )
    text = raw.get("value")
    if not isinstance(text, str):
        raise ValueError(f"{where}: a string constant needs a string `value`")
    return RegistryEntry(entry_id, standard, kind, aliases, text=text)


def load_registry(path: Path | None = None) -> ConstantRegistry:
    """Load the registry TOML (default: the packaged one); invalid files raise SignatureError."""
    source = path or default_registry_path()
    try:
        document = tomllib.loads(source.read_text(encoding="utf-8"))
        raw_entries = document.get("constant", [])
        if not isinstance(raw_entries, list):
            raise ValueError("`constant` must be an array of tables")
        entries = tuple(_entry(raw, i) for i, raw in enumerate(raw_entries))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValueError) as exc:
        raise SignatureError(f"{source}: invalid constant registry: {exc}") from exc
    ids = [e.id for e in entries]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise SignatureError(f"{source}: duplicate constant ids {duplicates}")
    return ConstantRegistry(entries=entries, source=str(source))
