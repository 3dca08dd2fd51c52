"""JSON report: keys and lists sorted, byte-identical for the same input (placeholder: the
report work replaces this with the full contract shape)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from integrity.model import ScanResult


def render(result: ScanResult) -> str:
    """The whole result as sorted JSON."""
    doc: dict[str, Any] = {
        "tool": {"name": "integrity", "version": result.tool_version},
        "source": asdict(result.source),
        "changes": [
            {"path": c.path, "kind": c.kind.value, "old_path": c.old_path} for c in result.changes
        ],
        "findings": [_finding(f) for f in result.findings],
        "summary": {"counts": result.counts(), "fail_on": result.fail_on.value},
    }
    return json.dumps(doc, sort_keys=True, indent=2, ensure_ascii=True) + "\n"


def _finding(finding: Any) -> dict[str, Any]:
    data: dict[str, Any] = asdict(finding)
    data["category"] = finding.category.value
    data["severity"] = finding.severity.value
    data["confidence"] = finding.confidence.value
    data["details"] = dict(finding.details)
    data["waiver"] = dict(finding.waiver)
    return data
