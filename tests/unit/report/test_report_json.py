"""json.py and jsonload.py: deterministic output, the contract shape, and an exact round trip."""

from __future__ import annotations

import json
import random
from dataclasses import replace

import pytest

from integrity.errors import InvalidInputError
from integrity.model import ScanResult, Severity
from integrity.report import json as json_report
from integrity.report.common import sorted_changes, sorted_findings
from integrity.report.jsonload import load_report


def _shuffled(result: ScanResult, seed: int) -> ScanResult:
    rng = random.Random(seed)
    findings = list(result.findings)
    changes = list(result.changes)
    rng.shuffle(findings)
    rng.shuffle(changes)
    rules = list(result.rules)
    rng.shuffle(rules)
    return replace(result, findings=tuple(findings), changes=tuple(changes), rules=tuple(rules))


def test_render_is_byte_identical(sample: ScanResult) -> None:
    first = json_report.render(sample)
    assert first == json_report.render(sample)
    for seed in range(5):
        assert json_report.render(_shuffled(sample, seed)) == first


def test_shape_and_sorting(sample: ScanResult) -> None:
    text = json_report.render(sample)
    assert text.isascii()
    doc = json.loads(text)
    assert list(doc) == ["changes", "findings", "source", "summary", "tool"]
    assert doc["tool"]["name"] == "integrity"
    assert doc["tool"]["version"] == "0.0.0-test"
    assert [r["id"] for r in doc["tool"]["rules"]] == sorted(
        {
            "bidi-override",
            "build-flag-removed",
            "c-magic-password-compare",
            "file-added",
            "github-token",
            "js-inline-script",
            "opaque-binary-added",
            "unused-rule",
        }
    )
    paths = [f["path"] for f in doc["findings"]]
    assert paths == sorted(paths)
    assert [c["path"] for c in doc["changes"]] == sorted(c["path"] for c in doc["changes"])
    assert doc["source"]["baseline"]["ref"] == "v1.2"


def test_changes_carry_records_and_symbols(sample: ScanResult) -> None:
    doc = json.loads(json_report.render(sample))
    by_path = {c["path"]: c for c in doc["changes"]}
    renamed = by_path["lib/util_new.py"]
    assert renamed["kind"] == "renamed"
    assert renamed["old_path"] == "lib/util.py"
    assert renamed["old"]["sha256"] == renamed["new"]["sha256"] == "c" * 64
    mode = by_path["scripts/build.sh"]
    assert (mode["old"]["executable"], mode["new"]["executable"]) == (False, True)
    login = by_path["src/auth/login.c"]
    assert [(s["kind"], s["name"], s["old_name"]) for s in login["symbols"]] == [
        ("modified", "check_password", None),
        ("added", "debug_login", None),
        ("renamed", "verify_user", "check_user"),
    ]
    assert by_path["README.md"]["cosmetic"] is True
    assert by_path["docs/old.md"]["new"] is None


def test_findings_carry_every_field(sample: ScanResult) -> None:
    doc = json.loads(json_report.render(sample))
    waived = next(f for f in doc["findings"] if f["rule_id"] == "build-flag-removed")
    assert set(waived) == {
        "rule_id",
        "category",
        "severity",
        "confidence",
        "message",
        "path",
        "start_line",
        "end_line",
        "symbol",
        "change",
        "fingerprint",
        "snippet",
        "details",
        "status",
        "waiver",
    }
    assert waived["status"] == "waived"
    assert waived["waiver"][0] == ["reviewer", "alice@example.org"]
    critical = next(f for f in doc["findings"] if f["severity"] == "critical")
    assert [pair[0] for pair in critical["details"]] == ["before", "after", "cwe"]


def test_summary(sample: ScanResult) -> None:
    summary = json.loads(json_report.render(sample))["summary"]
    assert summary["counts"] == {"critical": 1, "high": 2, "medium": 1, "low": 1, "info": 1}
    assert summary["waived"] == 1
    assert summary["open"] == 6
    assert summary["total"] == 7
    assert summary["fail_on"] == "high"
    assert summary["failing"] is True
    assert summary["stats"] == {
        "files": 12,
        "bytes": 34567,
        "parsed": 9,
        "skipped": ["vendor/big.bin"],
    }
    passing = replace(sample, fail_on=Severity.CRITICAL, findings=sample.findings[1:])
    assert json.loads(json_report.render(passing))["summary"]["failing"] is False


def test_surrogate_path_round_trips_as_escape(sample: ScanResult) -> None:
    text = json_report.render(sample)
    assert '"bin/caf\\udce9.bin"' in text
    loaded = load_report(text)
    assert "bin/caf\udce9.bin" in {f.path for f in loaded.findings}


def test_round_trip(sample: ScanResult) -> None:
    text = json_report.render(sample)
    loaded = load_report(text)
    assert json_report.render(loaded) == text
    assert list(loaded.findings) == sorted_findings(sample.findings)
    assert loaded.command == sample.command
    assert loaded.source == sample.source
    assert loaded.baseline_source == sample.baseline_source
    assert loaded.stats == sample.stats
    assert loaded.fail_on == sample.fail_on
    original = sorted_changes(sample.changes)
    assert [(c.path, c.kind, c.old_path, c.cosmetic) for c in loaded.changes] == [
        (c.path, c.kind, c.old_path, c.cosmetic) for c in original
    ]
    assert [c.new for c in loaded.changes] == [c.new for c in original]


def test_round_trip_without_baseline(sample: ScanResult) -> None:
    bare = replace(sample, baseline_source=None, changes=(), findings=(), rules=())
    text = json_report.render(bare)
    assert load_report(text) == bare


def _doc(sample: ScanResult) -> dict[str, object]:
    data: dict[str, object] = json.loads(json_report.render(sample))
    return data


@pytest.mark.parametrize(
    ("mutate", "fragment"),
    [
        (lambda d: d.pop("tool"), "tool: expected an object"),
        (lambda d: d["tool"].update(name="other"), "tool.name"),
        (lambda d: d["tool"].update(report_schema=99), "tool.report_schema"),
        (lambda d: d["tool"].update(report_schema=True), "tool.report_schema"),
        (lambda d: d["findings"][0].update(severity="fatal"), "findings[0].severity"),
        (lambda d: d["findings"][1].pop("path"), "findings[1].path"),
        (lambda d: d["findings"][0].update(start_line=-1), "findings[0].start_line"),
        (lambda d: d["findings"][0].update(details=[["a"]]), "findings[0].details[0]"),
        (lambda d: d["changes"][0].update(kind="moved"), "changes[0].kind"),
        (lambda d: d["changes"][0]["new"].update(size="big"), "changes[0].new.size"),
        (lambda d: d.update(findings={}), "findings: expected a list"),
        (lambda d: d["summary"].update(fail_on="never"), "summary.fail_on"),
        (lambda d: d["summary"]["stats"].update(skipped=[1]), "summary.stats.skipped"),
    ],
)
def test_malformed_documents_raise_one_line_errors(
    sample: ScanResult, mutate: object, fragment: str
) -> None:
    doc = _doc(sample)
    assert callable(mutate)
    mutate(doc)
    with pytest.raises(InvalidInputError) as caught:
        load_report(json.dumps(doc))
    message = caught.value.diagnostics()
    assert fragment in message
    assert "\n" not in message
    assert caught.value.exit_code == 3


@pytest.mark.parametrize("text", ["", "{", "[]", "null", "42", '"x"', "[" * 100_000])
def test_not_a_report(text: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        load_report(text)
    assert "\n" not in caught.value.diagnostics()
