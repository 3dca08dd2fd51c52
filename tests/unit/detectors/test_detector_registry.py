"""The kinds registry and the selftest harness as the CLI uses them."""

from __future__ import annotations

from pathlib import Path

import pytest

from integrity.detectors import KINDS, build_detectors
from integrity.errors import SignatureError
from integrity.rules.load import load_rules
from integrity.rules.selftest import (
    format_results,
    format_rule_list,
    results_ok,
    run_examples,
)
from integrity.syntax.languages import Grammars

RULE = """schema = 1
[[rule]]
id = "demo-eval"
kind = "KIND"
languages = ["python"]
category = "hidden-exec"
severity = "high"
confidence = "medium"
message = "eval"
pattern = 'eval\\('
  [[rule.example]]
  expect = "match"
  line = 2
  code = '''x = 1
eval(y)'''
  [[rule.example]]
  expect = "no-match"
  code = "evaluate(y)"
  [[rule.example]]
  expect = "todo-no-match"
  code = "# eval(y) in a comment"
"""


def _folder(tmp_path: Path, kind: str = "regex", extra: str = "") -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "demo.toml").write_text(RULE.replace("KIND", kind) + extra, encoding="utf-8")
    return folder


def test_every_kind_in_the_signatures_has_a_detector() -> None:
    kinds = {rule.kind for rule in load_rules().rules} - {"secret"}
    assert kinds <= set(KINDS)


def test_unknown_builtin_is_a_signature_error(tmp_path: Path) -> None:
    ruleset = load_rules(_folder(tmp_path, kind="builtin:nope"))
    with pytest.raises(SignatureError, match=r"rules/demo.toml: rule demo-eval: no detector"):
        build_detectors(ruleset, Grammars())


def test_run_examples_results_and_report(tmp_path: Path) -> None:
    results = run_examples(load_rules(_folder(tmp_path)))
    assert [(r.test_id, r.passed, r.ok) for r in results] == [
        ("demo-eval[1:match]", True, True),
        ("demo-eval[2:no-match]", True, True),
        ("demo-eval[3:todo-no-match]", False, True),
    ]
    text, ok = format_results(results)
    assert ok and results_ok(results)
    assert text == "3 examples in 1 rules: 2 passed, 1 known (todo), 0 failed\n"


def test_failing_and_fixed_todo_examples_are_reported(tmp_path: Path) -> None:
    extra = """  [[rule.example]]
  expect = "match"
  line = 1
  code = "x = 1"
  [[rule.example]]
  expect = "todo-match"
  code = "eval(z)"
"""
    results = run_examples(load_rules(_folder(tmp_path, extra=extra)))
    text, ok = format_results(results)
    assert not ok
    assert "FAIL demo-eval[4:match]: not reported" in text
    assert "FAIL demo-eval[5:todo-match]: now passes: update the annotation" in text


def test_format_rule_list(tmp_path: Path) -> None:
    ruleset = load_rules(_folder(tmp_path))
    lines = format_rule_list(ruleset).splitlines()
    assert lines[0].split() == ["ID", "KIND", "CATEGORY", "SEVERITY", "CONFIDENCE", "LANGUAGES"]
    assert lines[1].split() == ["demo-eval", "regex", "hidden-exec", "high", "medium", "python"]
    assert lines[2].startswith("1 rules from 1 files (sha256:")
