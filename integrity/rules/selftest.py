"""Run every rule's embedded examples: used by pytest and by `integrity rules test [DIR]`.

`match` must report (on `line` when given), `no-match` must stay silent; `todo-match` and
`todo-no-match` are known misses and false alarms: they are expected to still fail, and an example
that starts passing is reported so its annotation gets updated (strict xfail).

This module runs the detectors, so it is the one module of `rules/` that imports `detectors/`
(which itself imports only `rules.load` and `rules.schema`): `build` defaults to
`integrity.detectors.build_detectors` and is a parameter so tests can pass another.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from integrity.detectors import build_detectors
from integrity.detectors.base import Detector, FileView, changed_lines
from integrity.model import Finding
from integrity.rules.load import RuleSet
from integrity.rules.schema import Example, Rule
from integrity.syntax.languages import EXTENSIONS, FILENAMES, Grammars, guess_language

Build = Callable[[RuleSet, Grammars], tuple[Detector, ...]]

_DEFAULT_NAMES = {language: name for name, language in reversed(FILENAMES.items())}


@dataclass(frozen=True, slots=True)
class ExampleResult:
    """The outcome of one example. `ok` is what the harness reports (todo-* inverted)."""

    rule_id: str
    number: int
    expect: str
    passed: bool
    ok: bool
    detail: str
    lines: tuple[int, ...] = ()

    @property
    def test_id(self) -> str:
        """pytest-style id, e.g. "py-exec-decoded-payload[2:no-match]"."""
        return f"{self.rule_id}[{self.number}:{self.expect}]"


def example_path(example: Example, rule: Rule) -> tuple[str, str | None]:
    """The (path, language) an example is scanned as."""
    language = example.language
    if language is None and example.path:
        language = guess_language(example.path)
    if language is None and rule.languages:
        language = rule.languages[0]
    if example.path:
        return example.path, language
    if language in _DEFAULT_NAMES:
        return _DEFAULT_NAMES[language], language
    for extension, name in EXTENSIONS.items():
        if name == language:
            return "example" + extension, language
    return "example.txt", language


def example_view(example: Example, rule: Rule, grammars: Grammars) -> FileView:
    """The FileView the engine would build for an example."""
    path, language = example_path(example, rule)
    after = (example.code if example.code is not None else example.after or "").encode()
    if example.code is None and example.after is None:
        after_bytes: bytes | None = None
    else:
        after_bytes = after
    before = example.before.encode() if example.before is not None else None
    if before is None:
        change, added = ("added" if example.code is None else "unchanged"), None
    elif after_bytes is None:
        change, added = "removed", frozenset[int]()
    else:
        change, added = "modified", added_lines(example.before or "", example.after or "")
    tree = grammars.parse(language, after_bytes) if language and after_bytes is not None else None
    before_tree = grammars.parse(language, before) if language and before is not None else None
    return FileView(
        path=path,
        language=language,
        after=after_bytes,
        before=before,
        change=change,
        added_lines=added,
        tree=tree,
        before_tree=before_tree,
    )


def added_lines(before: str, after: str) -> frozenset[int]:
    """1-based lines of `after` that are new or changed relative to `before`."""
    return changed_lines(before.encode("utf-8"), after.encode("utf-8"))


def findings_for(view: FileView, detectors: Iterable[Detector]) -> list[Finding]:
    """What the engine would keep: detectors that want the view, findings in diff scope."""
    found: list[Finding] = []
    for detector in detectors:
        if detector.wants(view):
            found.extend(
                f for f in detector.detect(view) if view.in_scope(f.start_line, f.end_line)
            )
    return found


def run_example(
    rule: Rule, number: int, detectors: Sequence[Detector], grammars: Grammars
) -> ExampleResult:
    """Run example `number` (1-based) of a rule through that rule's detectors."""
    example = rule.examples[number - 1]
    view = example_view(example, rule, grammars)
    found = [f for f in findings_for(view, detectors) if f.rule_id == rule.id]
    lines = tuple(sorted({f.start_line for f in found}))
    base = example.expect.removeprefix("todo-")
    if base == "match":
        hit = [
            f for f in found if example.line is None or f.start_line <= example.line <= f.end_line
        ]
        passed = bool(hit)
        detail = "reported" if passed else _missed(example.line, lines)
    else:
        passed = not found
        detail = "silent" if passed else f"reported on line(s) {_join(lines)}: {found[0].message}"
    todo = example.expect.startswith("todo-")
    if todo:
        detail = ("now passes: update the annotation (" + detail + ")") if passed else "known"
    return ExampleResult(rule.id, number, example.expect, passed, passed != todo, detail, lines)


def _missed(line: int | None, lines: tuple[int, ...]) -> str:
    if not lines:
        return "not reported"
    return f"expected on line {line}, reported on line(s) {_join(lines)}"


def _join(lines: Sequence[int]) -> str:
    return ", ".join(str(n) for n in lines)


def run_examples(ruleset: RuleSet, build: Build = build_detectors) -> list[ExampleResult]:
    """Every example of every rule, in rule order."""
    grammars = Grammars()
    results: list[ExampleResult] = []
    for rule in ruleset.rules:
        detectors = build(ruleset.subset(frozenset({rule.id})), grammars)
        results.extend(
            run_example(rule, number, detectors, grammars)
            for number in range(1, len(rule.examples) + 1)
        )
    return results


def results_ok(results: Sequence[ExampleResult]) -> bool:
    """True when every example behaved as annotated."""
    return all(result.ok for result in results)


def format_results(results: Sequence[ExampleResult]) -> tuple[str, bool]:
    """A text report (one line per failing example, then a summary line) and whether all passed."""
    lines = [f"FAIL {r.test_id}: {r.detail}" for r in results if not r.ok]
    todo = sum(1 for r in results if r.expect.startswith("todo-") and r.ok)
    rules = len({r.rule_id for r in results})
    failed = sum(1 for r in results if not r.ok)
    lines.append(
        f"{len(results)} examples in {rules} rules: {len(results) - failed - todo} passed, "
        f"{todo} known (todo), {failed} failed"
    )
    return "\n".join(lines) + "\n", failed == 0


def format_rule_list(ruleset: RuleSet) -> str:
    """One line per rule: id, kind, category, severity, confidence, languages, message."""
    rows = [("ID", "KIND", "CATEGORY", "SEVERITY", "CONFIDENCE", "LANGUAGES")]
    for rule in sorted(ruleset.rules, key=lambda r: r.id):
        languages = ",".join(rule.languages) or "*"
        rows.append(
            (
                rule.id,
                rule.kind,
                rule.category.value,
                rule.severity.value,
                rule.confidence.value,
                languages,
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    out = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
        + "  "
        + row[-1]
        for row in rows
    ]
    out.append(f"{len(ruleset.rules)} rules from {len(ruleset.files)} files ({ruleset.digest})")
    return "\n".join(out) + "\n"
