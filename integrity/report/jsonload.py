"""Read a JSON report back into a ScanResult: the inverse of ``report.json.render``.

``render(load_report(render(r))) == render(r)`` for every result ``r``. What the JSON report does
not carry (symbol and constant tables of file records, parser names, token digests) comes back
empty. Malformed input raises InvalidInputError with a one-line message naming the field.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any, TypeVar

from integrity.errors import InvalidInputError
from integrity.model import (
    Category,
    Change,
    ChangeKind,
    Confidence,
    EntryType,
    FileRecord,
    Finding,
    ScanResult,
    ScanStats,
    Severity,
    SourceInfo,
    SymbolChange,
    SymbolChangeKind,
)
from integrity.report.json import REPORT_SCHEMA

_E = TypeVar("_E", bound=StrEnum)


def _fail(where: str, problem: str) -> InvalidInputError:
    return InvalidInputError(f"invalid report: {where}: {problem}")


def _obj(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(where, "expected an object")
    return value


def _list(value: object, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise _fail(where, "expected a list")
    return value


def _str(doc: dict[str, Any], key: str, where: str) -> str:
    value = doc.get(key)
    if not isinstance(value, str):
        raise _fail(f"{where}.{key}", "expected a string")
    return value


def _opt_str(doc: dict[str, Any], key: str, where: str) -> str | None:
    value = doc.get(key)
    if value is not None and not isinstance(value, str):
        raise _fail(f"{where}.{key}", "expected a string or null")
    return value


def _int(doc: dict[str, Any], key: str, where: str) -> int:
    value = doc.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _fail(f"{where}.{key}", "expected a non-negative integer")
    return value


def _opt_int(doc: dict[str, Any], key: str, where: str) -> int | None:
    if doc.get(key) is None:
        return None
    return _int(doc, key, where)


def _bool(doc: dict[str, Any], key: str, where: str) -> bool:
    value = doc.get(key)
    if not isinstance(value, bool):
        raise _fail(f"{where}.{key}", "expected true or false")
    return value


def _enum(kind: type[_E], doc: dict[str, Any], key: str, where: str) -> _E:
    value = _str(doc, key, where)
    try:
        return kind(value)
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        raise _fail(f"{where}.{key}", f"{value!r} is not one of {allowed}") from None


def _pairs(doc: dict[str, Any], key: str, where: str) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    for index, item in enumerate(_list(doc.get(key), f"{where}.{key}")):
        pair = _list(item, f"{where}.{key}[{index}]")
        if len(pair) != 2 or not all(isinstance(part, str) for part in pair):
            raise _fail(f"{where}.{key}[{index}]", "expected a [key, value] pair of strings")
        out.append((pair[0], pair[1]))
    return tuple(out)


def _source(value: object, where: str) -> SourceInfo:
    doc = _obj(value, where)
    return SourceInfo(
        kind=_str(doc, "kind", where),
        location=_str(doc, "location", where),
        ref=_opt_str(doc, "ref", where),
        commit=_opt_str(doc, "commit", where),
        digest=_opt_str(doc, "digest", where),
    )


def _record(value: object, where: str) -> FileRecord | None:
    if value is None:
        return None
    doc = _obj(value, where)
    return FileRecord(
        path=_str(doc, "path", where),
        kind=_enum(EntryType, doc, "type", where),
        size=_int(doc, "size", where),
        executable=_bool(doc, "executable", where),
        sha256=_opt_str(doc, "sha256", where),
        language=_opt_str(doc, "language", where),
        target=_opt_str(doc, "target", where),
        problem=_opt_str(doc, "problem", where),
    )


def _symbol_change(value: object, where: str) -> SymbolChange:
    doc = _obj(value, where)
    sensitive = _list(doc.get("sensitive"), f"{where}.sensitive")
    if not all(isinstance(tag, str) for tag in sensitive):
        raise _fail(f"{where}.sensitive", "expected a list of strings")
    return SymbolChange(
        kind=_enum(SymbolChangeKind, doc, "kind", where),
        name=_str(doc, "name", where),
        symbol_kind=_str(doc, "symbol_kind", where),
        old_name=_opt_str(doc, "old_name", where),
        start_line=_opt_int(doc, "start_line", where),
        end_line=_opt_int(doc, "end_line", where),
        sensitive=tuple(sensitive),
    )


def _change(value: object, where: str) -> Change:
    doc = _obj(value, where)
    symbols = _list(doc.get("symbols"), f"{where}.symbols")
    return Change(
        path=_str(doc, "path", where),
        kind=_enum(ChangeKind, doc, "kind", where),
        old=_record(doc.get("old"), f"{where}.old"),
        new=_record(doc.get("new"), f"{where}.new"),
        old_path=_opt_str(doc, "old_path", where),
        symbols=tuple(_symbol_change(s, f"{where}.symbols[{i}]") for i, s in enumerate(symbols)),
        cosmetic=_bool(doc, "cosmetic", where),
    )


def _finding(value: object, where: str) -> Finding:
    doc = _obj(value, where)
    return Finding(
        rule_id=_str(doc, "rule_id", where),
        category=_enum(Category, doc, "category", where),
        severity=_enum(Severity, doc, "severity", where),
        confidence=_enum(Confidence, doc, "confidence", where),
        message=_str(doc, "message", where),
        path=_str(doc, "path", where),
        start_line=_int(doc, "start_line", where),
        end_line=_int(doc, "end_line", where),
        symbol=_opt_str(doc, "symbol", where),
        change=_str(doc, "change", where),
        fingerprint=_str(doc, "fingerprint", where),
        snippet=_str(doc, "snippet", where),
        details=_pairs(doc, "details", where),
        status=_str(doc, "status", where),
        waiver=_pairs(doc, "waiver", where),
    )


def _rules(value: object) -> tuple[tuple[str, str, str, str], ...]:
    out: list[tuple[str, str, str, str]] = []
    for index, item in enumerate(_list(value, "tool.rules")):
        where = f"tool.rules[{index}]"
        doc = _obj(item, where)
        fields = ("id", "category", "severity", "description")
        rule_id, category, severity, description = (_str(doc, key, where) for key in fields)
        out.append((rule_id, category, severity, description))
    return tuple(out)


def _stats(value: object) -> ScanStats:
    doc = _obj(value, "summary.stats")
    skipped = _list(doc.get("skipped"), "summary.stats.skipped")
    if not all(isinstance(item, str) for item in skipped):
        raise _fail("summary.stats.skipped", "expected a list of strings")
    return ScanStats(
        files=_int(doc, "files", "summary.stats"),
        bytes=_int(doc, "bytes", "summary.stats"),
        parsed=_int(doc, "parsed", "summary.stats"),
        skipped=tuple(skipped),
    )


def _parse(text: str) -> dict[str, Any]:
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise InvalidInputError(f"invalid report: not JSON ({exc})") from None
    return _obj(doc, "report")


def load_report(text: str) -> ScanResult:
    """Parse a JSON report written by ``report.json.render`` back into a ScanResult."""
    doc = _parse(text)
    tool = _obj(doc.get("tool"), "tool")
    if _str(tool, "name", "tool") != "integrity":
        raise _fail("tool.name", "not an integrity report")
    schema = tool.get("report_schema")
    if isinstance(schema, bool) or schema != REPORT_SCHEMA:
        raise _fail("tool.report_schema", f"unsupported (this version reads {REPORT_SCHEMA})")
    source_doc = _obj(doc.get("source"), "source")
    baseline = source_doc.get("baseline")
    summary = _obj(doc.get("summary"), "summary")
    changes = _list(doc.get("changes"), "changes")
    findings = _list(doc.get("findings"), "findings")
    return ScanResult(
        command=_str(tool, "command", "tool"),
        tool_version=_str(tool, "version", "tool"),
        source=_source(source_doc, "source"),
        baseline_source=None if baseline is None else _source(baseline, "source.baseline"),
        changes=tuple(_change(c, f"changes[{i}]") for i, c in enumerate(changes)),
        findings=tuple(_finding(f, f"findings[{i}]") for i, f in enumerate(findings)),
        stats=_stats(summary.get("stats")),
        fail_on=_enum(Severity, summary, "fail_on", "summary"),
        rules=_rules(tool.get("rules")),
    )
