"""JSON report (DESIGN.md part A): keys and lists sorted, byte-identical for the same input.

Shape::

    {"tool": {"name", "version", "command", "report_schema", "rules": [...]},
     "source": {"kind", "location", "ref", "commit", "digest", "baseline": {...} | null},
     "changes": [...], "findings": [...], "summary": {...}}

Strings are written with ``ensure_ascii=True``, so a path holding a lone surrogate (an
undecodable byte of a file name) round-trips as a ``\\udcXX`` escape. The JSON form is exact, not
display-escaped: it is the machine interface, and ``jsonload.load_report`` reads it back.
"""

from __future__ import annotations

import json
from typing import Any

from integrity.model import (
    Change,
    FileRecord,
    Finding,
    ScanResult,
    ScanStats,
    SourceInfo,
    SymbolChange,
)
from integrity.report.common import (
    is_open,
    rule_catalogue,
    sorted_changes,
    sorted_findings,
    waived_count,
)

REPORT_SCHEMA = 1
"""Version of the JSON report shape; load_report refuses any other."""


def render(result: ScanResult) -> str:
    """The whole result as sorted, indented, ASCII-only JSON ending in a newline."""
    return json.dumps(to_document(result), sort_keys=True, indent=2, ensure_ascii=True) + "\n"


def to_document(result: ScanResult) -> dict[str, Any]:
    """The JSON-ready document (plain dicts, lists, str, int, bool, None)."""
    return {
        "tool": {
            "name": "integrity",
            "version": result.tool_version,
            "command": result.command,
            "report_schema": REPORT_SCHEMA,
            "rules": [
                {
                    "id": rule.rule_id,
                    "category": rule.category,
                    "severity": rule.severity,
                    "description": rule.description,
                }
                for rule in rule_catalogue(result)
            ],
        },
        "source": {
            **_source(result.source),
            "baseline": _source(result.baseline_source) if result.baseline_source else None,
        },
        "changes": [_change(change) for change in sorted_changes(result.changes)],
        "findings": [_finding(finding) for finding in sorted_findings(result.findings)],
        "summary": _summary(result),
    }


def _source(source: SourceInfo) -> dict[str, Any]:
    return {
        "kind": source.kind,
        "location": source.location,
        "ref": source.ref,
        "commit": source.commit,
        "digest": source.digest,
    }


def _record(record: FileRecord | None) -> dict[str, Any] | None:
    if record is None:
        return None
    return {
        "path": record.path,
        "type": record.kind.value,
        "size": record.size,
        "executable": record.executable,
        "sha256": record.sha256,
        "language": record.language,
        "target": record.target,
        "problem": record.problem,
    }


def symbol_change_order(change: SymbolChange) -> tuple[str, str, str, int, int]:
    """Symbol changes sort by name, kind, old name, then lines."""
    return (
        change.name,
        change.kind.value,
        change.old_name or "",
        change.start_line or 0,
        change.end_line or 0,
    )


def _symbol_change(change: SymbolChange) -> dict[str, Any]:
    return {
        "name": change.name,
        "kind": change.kind.value,
        "symbol_kind": change.symbol_kind,
        "old_name": change.old_name,
        "start_line": change.start_line,
        "end_line": change.end_line,
        "sensitive": sorted(change.sensitive),
    }


def _change(change: Change) -> dict[str, Any]:
    return {
        "path": change.path,
        "kind": change.kind.value,
        "old_path": change.old_path,
        "old": _record(change.old),
        "new": _record(change.new),
        "symbols": [_symbol_change(s) for s in sorted(change.symbols, key=symbol_change_order)],
        "cosmetic": change.cosmetic,
    }


def _finding(finding: Finding) -> dict[str, Any]:
    # details and waiver are ordered pairs (a key may repeat): kept as [key, value] lists in
    # their given order, which is part of the input.
    return {
        "rule_id": finding.rule_id,
        "category": finding.category.value,
        "severity": finding.severity.value,
        "confidence": finding.confidence.value,
        "message": finding.message,
        "path": finding.path,
        "start_line": finding.start_line,
        "end_line": finding.end_line,
        "symbol": finding.symbol,
        "change": finding.change,
        "fingerprint": finding.fingerprint,
        "snippet": finding.snippet,
        "details": [[key, value] for key, value in finding.details],
        "status": finding.status,
        "waiver": [[key, value] for key, value in finding.waiver],
    }


def _stats(stats: ScanStats) -> dict[str, Any]:
    return {
        "files": stats.files,
        "bytes": stats.bytes,
        "parsed": stats.parsed,
        "skipped": sorted(stats.skipped),
    }


def _summary(result: ScanResult) -> dict[str, Any]:
    statuses: dict[str, int] = {}
    for finding in result.findings:
        statuses[finding.status] = statuses.get(finding.status, 0) + 1
    return {
        "counts": result.counts(),
        "open": sum(1 for f in result.findings if is_open(f)),
        "waived": waived_count(result),
        "statuses": statuses,
        "total": len(result.findings),
        "fail_on": result.fail_on.value,
        "failing": result.failing(),
        "stats": _stats(result.stats),
    }
