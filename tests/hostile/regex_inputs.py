"""Adversarial inputs for one regex or secret rule: long runs of the pattern's prefix, keywords
and near-misses of its own match examples, each repeated to a target size.

Everything is built at test time from the rule data; nothing here is committed as a corpus.
"""

from __future__ import annotations

import re._parser as sre_parse  # type: ignore[import-not-found]
from collections.abc import Iterator

from integrity.rules.schema import Rule

_GENERIC = ("a", "A", "0", " ", "=", '"', "\\", "-", "/", "a=", "'a", "\t", "_", "aA0_")


def literal_prefix(pattern: str) -> str:
    """The literal characters a pattern starts with (may be empty)."""
    try:
        parsed = sre_parse.parse(pattern)
    except Exception:  # re2/hyperscan syntax that `re` cannot read: no prefix
        return ""
    out: list[str] = []
    for op, arg in parsed:
        if str(op) == "LITERAL":
            out.append(chr(arg))
        elif str(op) == "SUBPATTERN" and len(out) == 0:
            inner = arg[-1]
            for op2, arg2 in inner:
                if str(op2) != "LITERAL":
                    break
                out.append(chr(arg2))
            break
        elif str(op) == "AT":
            continue
        else:
            break
    return "".join(out)


def _examples(rule: Rule) -> Iterator[str]:
    for example in rule.examples:
        if example.expect != "match":
            continue
        code = example.code or example.after or ""
        for line in code.splitlines():
            if line.strip():
                yield line


def _near_misses(line: str) -> Iterator[str]:
    """Truncations and one-character corruptions of a matching line."""
    if len(line) > 1:
        yield line[:-1]
        yield line[: len(line) // 2]
        yield line[:-1] + "\x00"
    yield line.replace('"', "").replace("'", "")


def units(rule: Rule) -> dict[str, str]:
    """Label -> repeating unit for `rule`; each unit is repeated to the target size."""
    found: dict[str, str] = {}
    prefix = literal_prefix(rule.pattern or "")
    if prefix:
        found["prefix-run"] = prefix
        found["prefix-spaced"] = prefix + " "
        found["prefix-x"] = prefix + "x"
    for keyword in rule.keywords[:3]:
        found[f"keyword:{keyword}"] = keyword
        found[f"keyword-assign:{keyword}"] = f"{keyword}="
    for index, line in enumerate(list(_examples(rule))[:2]):
        for n, miss in enumerate(_near_misses(line)):
            found[f"near-miss-{index}.{n}"] = miss
            found[f"near-miss-{index}.{n}-nl"] = miss + "\n"
    for char in _GENERIC:
        found[f"run:{char!r}"] = char
    return found


def build(unit: str, size: int) -> bytes:
    """`unit` repeated up to `size` bytes (one long line unless the unit holds newlines)."""
    raw = unit.encode("utf-8", "surrogatepass") or b"x"
    return (raw * (size // len(raw) + 1))[:size]
