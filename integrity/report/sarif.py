"""SARIF 2.1.0 report, shaped for GitHub code scanning (one run, at most 25,000 results).

Text fields shown by viewers (messages, snippets, symbol names) are display-escaped, so no
control, bidi or surrogate character reaches a code-scanning UI; locations are exact: the POSIX
path's bytes percent-encoded as a relative URI against ``%SRCROOT%``.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from integrity.model import Finding, ScanResult, Severity
from integrity.report.common import (
    RuleInfo,
    is_open,
    rule_catalogue,
    severity_first,
    sorted_findings,
)
from integrity.report.escape import clip, clip_lines, escape_text

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/integrity-tool/integrity"
MAX_RESULTS = 25_000
"""GitHub code scanning keeps at most 25,000 results per run."""
FINGERPRINT_KEY = "integrity/v1"

_LEVEL: dict[Severity, str] = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
# GitHub ranks security alerts by properties["security-severity"] (a CVSS-like score string).
_SECURITY_SEVERITY: dict[str, str] = {
    "critical": "9.5",
    "high": "8.0",
    "medium": "5.5",
    "low": "3.0",
    "info": "1.0",
}
_SNIPPET_LINES = 40
_SNIPPET_CHARS = 4000


def level(severity: Severity) -> str:
    """SARIF level of a severity: critical/high error, medium warning, low/info note."""
    return _LEVEL[severity]


def _path_bytes(path: str) -> bytes:
    """The original bytes of a path: U+DC80..U+DCFF (surrogateescape) back to single bytes, any
    other lone surrogate as its 3-byte form, everything else as UTF-8."""
    try:
        return path.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:
        out = bytearray()
        for char in path:
            code = ord(char)
            if 0xDC80 <= code <= 0xDCFF:
                out.append(code - 0xDC00)
            else:
                out += char.encode("utf-8", "surrogatepass")
        return bytes(out)


def artifact_uri(path: str) -> str:
    """A POSIX relative path as a percent-encoded relative URI reference.

    The path is encoded back to its original bytes (``surrogateescape`` undoes the decoding of
    an invalid UTF-8 name) and every byte outside the unreserved set and "/" is escaped, so
    ":" (a would-be scheme), "?", "#", "%", spaces and controls cannot change the meaning.
    """
    uri = quote(_path_bytes(path), safe="/")
    return uri or "."


def _rule_level(rule: RuleInfo) -> str:
    try:
        return level(Severity(rule.severity))
    except ValueError:
        return "warning"


def _rule(rule: RuleInfo) -> dict[str, Any]:
    description = clip(escape_text(rule.description or rule.rule_id), 1000)
    properties: dict[str, Any] = {
        "category": rule.category,
        "severity": rule.severity,
        "tags": sorted({"security", rule.category}),
    }
    if rule.severity in _SECURITY_SEVERITY:
        properties["security-severity"] = _SECURITY_SEVERITY[rule.severity]
    return {
        "id": rule.rule_id,
        "name": rule.rule_id,
        "shortDescription": {"text": description},
        "fullDescription": {"text": description},
        "defaultConfiguration": {"level": _rule_level(rule)},
        "properties": properties,
    }


def _region(finding: Finding) -> dict[str, Any]:
    start = max(finding.start_line, 1)
    region: dict[str, Any] = {"startLine": start, "endLine": max(finding.end_line, start)}
    if finding.snippet:
        text = clip_lines(
            escape_text(finding.snippet, multiline=True), _SNIPPET_LINES, _SNIPPET_CHARS
        )
        region["snippet"] = {"text": text}
    return region


def _result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    properties: dict[str, Any] = {
        "category": finding.category.value,
        "severity": finding.severity.value,
        "confidence": finding.confidence.value,
        "status": finding.status,
        "change": escape_text(finding.change),
    }
    if finding.symbol:
        properties["symbol"] = escape_text(finding.symbol)
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": index[finding.rule_id],
        "level": level(finding.severity),
        "message": {"text": escape_text(finding.message) or finding.rule_id},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {
                        "uri": artifact_uri(finding.path),
                        "uriBaseId": "%SRCROOT%",
                    },
                    "region": _region(finding),
                }
            }
        ],
        "properties": properties,
    }
    if finding.fingerprint:
        result["partialFingerprints"] = {FINGERPRINT_KEY: finding.fingerprint}
    if not is_open(finding):
        result["suppressions"] = [_suppression(finding)]
    return result


def _suppression(finding: Finding) -> dict[str, Any]:
    waiver = dict(finding.waiver)
    reason = waiver.get("reason") or waiver.get("justification") or finding.status
    reviewer = waiver.get("reviewer")
    justification = escape_text(reason if reviewer is None else f"{reason} (reviewer: {reviewer})")
    return {"kind": "external", "justification": justification}


def _selected(result: ScanResult) -> tuple[list[Finding], int]:
    """Findings kept (most severe and open first when capped), in report order; total count."""
    total = len(result.findings)
    if total <= MAX_RESULTS:
        return sorted_findings(result.findings), total
    ranked = severity_first(result.findings)
    ranked.sort(key=lambda f: not is_open(f))  # stable: open ones before waived ones
    return sorted_findings(ranked[:MAX_RESULTS]), total


def to_document(result: ScanResult) -> dict[str, Any]:
    """The SARIF log as plain JSON-ready data."""
    rules = rule_catalogue(result)
    index = {rule.rule_id: position for position, rule in enumerate(rules)}
    kept, total = _selected(result)
    run_properties: dict[str, Any] = {
        "command": escape_text(result.command),
        "failOn": result.fail_on.value,
        "failing": result.failing(),
        "totalResults": total,
        "truncated": len(kept) < total,
    }
    if len(kept) < total:
        run_properties["truncationNote"] = (
            f"{total - len(kept)} of {total} results omitted: GitHub code scanning accepts "
            f"at most {MAX_RESULTS} per run; the most severe open findings were kept"
        )
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "integrity",
                        "version": result.tool_version,
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule(rule) for rule in rules],
                    }
                },
                "originalUriBaseIds": {
                    "%SRCROOT%": {"description": {"text": "The root of the scanned source."}}
                },
                "columnKind": "unicodeCodePoints",
                "results": [_result(finding, index) for finding in kept],
                "properties": run_properties,
            }
        ],
    }


def render(result: ScanResult) -> str:
    """SARIF 2.1.0 JSON: sorted keys, ASCII only, byte-identical for the same input."""
    return json.dumps(to_document(result), sort_keys=True, indent=2, ensure_ascii=True) + "\n"
