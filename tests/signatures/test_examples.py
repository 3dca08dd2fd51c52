"""Every example embedded in signatures/*.toml behaves as annotated (todo-* are strict xfail)."""

from __future__ import annotations

import pytest

from integrity.detectors import build_detectors
from integrity.model import Category
from integrity.rules.load import load_rules
from integrity.rules.schema import Rule
from integrity.rules.selftest import run_example
from integrity.syntax.languages import Grammars

RULESET = load_rules()
GRAMMARS = Grammars()


def _cases() -> list[object]:
    cases: list[object] = []
    for rule in RULESET.rules:
        for number, example in enumerate(rule.examples, 1):
            marks = (
                [pytest.mark.xfail(strict=True, reason="known (todo) example")]
                if example.expect.startswith("todo-")
                else []
            )
            cases.append(
                pytest.param(rule, number, id=f"{rule.id}[{number}:{example.expect}]", marks=marks)
            )
    return cases


@pytest.mark.parametrize(("rule", "number"), _cases())
def test_example(rule: Rule, number: int) -> None:
    detectors = build_detectors(RULESET.subset(frozenset({rule.id})), GRAMMARS)
    result = run_example(rule, number, detectors, GRAMMARS)
    assert result.passed, f"{result.test_id}: {result.detail}"


def test_every_rule_has_both_polarities() -> None:
    for rule in RULESET.rules:
        expects = {example.expect for example in rule.examples}
        assert {"match", "no-match"} <= expects, rule.id


def test_every_pack_category_is_covered() -> None:
    produced_elsewhere = {
        Category.INTEGRITY_VIOLATION,
        Category.UNEXPLAINED_CHANGE,
        Category.UNSAFE_INPUT,
        Category.SENSITIVE_CHANGE,
        Category.CRYPTO_CONSTANT_CHANGE,
        Category.HARDCODED_CREDENTIAL,
    }
    covered = {rule.category for rule in RULESET.rules}
    assert set(Category) - produced_elsewhere <= covered
