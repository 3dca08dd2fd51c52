"""The signature loader: one invalid file per problem, with its exact message (gitleaks style)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from integrity.commands.common import CommonOptions
from integrity.commands.context import run_context
from integrity.config import Policy
from integrity.errors import ExitCode, SignatureError
from integrity.model import Category, Severity
from integrity.rules.load import default_signatures_dir, load_rules

INVALID = Path(__file__).resolve().parents[2] / "data" / "signatures" / "invalid"

CASES = [
    ("bad-toml.toml", "invalid TOML: Expected ']]' at the end of an array declaration"),
    ("no-schema.toml", "'schema = 1' is required"),
    ("bad-id.toml", "rule Bad_ID: id must be kebab-case"),
    ("unknown-kind.toml", "rule r1: unknown kind 'magic'"),
    ("unknown-category.toml", "rule r1: unknown category 'mystery' (known: hardcoded-credential"),
    ("unknown-severity.toml", "rule r1: unknown severity 'severe' (known: info, low"),
    ("unknown-confidence.toml", "rule r1: unknown confidence 'certain' (known: low, medium, high)"),
    ("unknown-language.toml", "rule r1: no grammar for language 'cobol' (known: bash, c,"),
    ("query-compile.toml", "rule r1: query does not compile for python: Invalid node type"),
    ("report-capture.toml", "rule r1: report 'y' names no capture of the query"),
    ("regex-lookahead.toml", "rule r1: pattern does not compile: invalid perl operator: (?="),
    ("predicate-regex.toml", "rule r1: query does not compile for python: predicate re2-match?"),
    ("no-no-match.toml", "rule r1: needs at least one example with expect = 'no-match'"),
    ("no-match-example.toml", "rule r1: needs at least one example with expect = 'match'"),
    ("unknown-key.toml", "rule r1: unknown key 'colour'"),
    ("duplicate-id.toml", "rule r1: duplicate id (also in signatures/duplicate-id.toml)"),
    ("missing-message.toml", "rule r1: missing 'message'"),
    ("bad-expect.toml", "rule r1: example 1: unknown expect 'maybe'"),
]


def _folder_with(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / "signatures"
    folder.mkdir()
    shutil.copy(INVALID / name, folder / name)
    return folder


@pytest.mark.parametrize(("name", "expected"), CASES, ids=[c[0] for c in CASES])
def test_invalid_file_names_file_rule_and_problem(tmp_path: Path, name: str, expected: str) -> None:
    with pytest.raises(SignatureError) as caught:
        load_rules(_folder_with(tmp_path, name))
    assert str(caught.value).startswith(f"signatures/{name}: {expected}")
    assert caught.value.exit_code == ExitCode.INVALID_INPUT


def test_every_invalid_file_has_a_case() -> None:
    assert {p.name for p in INVALID.glob("*.toml")} == {name for name, _ in CASES}


def test_valid_folder_loads_typed_rules_and_digest(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "a.toml").write_text(
        """schema = 1
[[rule]]
id = "demo-eval"
kind = "query"
languages = ["python"]
category = "hidden-exec"
severity = "high"
confidence = "medium"
message = "call of {fn}"
query = '((call function: (identifier) @fn) @call (#match? @fn "^ev"))'
report = "call"
  [[rule.example]]
  expect = "match"
  line = 1
  code = "eval(x)"
  [[rule.example]]
  expect = "no-match"
  code = "print(x)"
""",
        encoding="utf-8",
    )
    ruleset = load_rules(folder)
    (rule,) = ruleset.rules
    assert (rule.id, rule.category, rule.severity) == (
        "demo-eval",
        Category.HIDDEN_EXEC,
        Severity.HIGH,
    )
    assert rule.source_file == "rules/a.toml"
    assert rule.examples[0].line == 1
    assert ruleset.queries["python"].owners == ("demo-eval",)
    assert ruleset.files == ("a.toml",)
    first = ruleset.digest
    (folder / "a.toml").write_text((folder / "a.toml").read_text() + "\n", encoding="utf-8")
    assert load_rules(folder).digest != first
    assert first.startswith("sha256:") and len(first) == 71


def test_empty_folder_is_an_empty_ruleset(tmp_path: Path) -> None:
    ruleset = load_rules(tmp_path)
    assert ruleset.rules == ()
    assert ruleset.digest.startswith("sha256:")


def test_missing_folder_is_invalid_input(tmp_path: Path) -> None:
    with pytest.raises(SignatureError, match="not a directory"):
        load_rules(tmp_path / "absent")


def test_default_dir_is_the_repository_signatures() -> None:
    assert default_signatures_dir().name in ("signatures", "_signatures")


def test_combined_queries_attribute_each_pattern_to_its_rule(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    folder.mkdir()
    stanza = """
[[rule]]
id = "ID"
kind = "query"
languages = ["python", "javascript"]
category = "hidden-exec"
severity = "high"
confidence = "medium"
message = "m"
query = '''((identifier) @x (#eq? @x "a")) ((identifier) @x (#eq? @x "b"))'''
report = "x"
  [[rule.example]]
  expect = "match"
  code = "a"
  [[rule.example]]
  expect = "no-match"
  code = "c"
"""
    text = "schema = 1\n" + stanza.replace("ID", "first") + stanza.replace("ID", "second")
    (folder / "two.toml").write_text(text, encoding="utf-8")
    ruleset = load_rules(folder)
    assert sorted(ruleset.queries) == ["javascript", "python"]
    assert ruleset.queries["python"].owners == ("first", "first", "second", "second")


def test_lazy_queries_compile_per_language_on_first_use() -> None:
    rules = load_rules(checked=True)
    assert rules.queries, "the shipped signatures hold query rules"
    assert not any(query.built for query in rules.queries.values())
    c_query = rules.queries["c"]
    assert c_query.query.pattern_count == len(c_query.owners) > 0
    assert [lang for lang, query in rules.queries.items() if query.built] == ["c"]
    eager = load_rules()
    assert all(query.built for query in eager.queries.values())
    assert eager.queries["c"].owners == c_query.owners


def test_checked_rules_skip_only_the_regex_recompile(tmp_path: Path) -> None:
    # the shipped signatures load the same either way (load_rules() above compiles them all)
    assert load_rules(checked=True).rules == load_rules().rules
    folder = _folder_with(tmp_path, "regex-lookahead.toml")
    with pytest.raises(SignatureError, match="pattern does not compile"):
        load_rules(folder)
    assert [rule.id for rule in load_rules(folder, checked=True).rules] == ["r1"]
    # schema problems are still reported for checked rules
    (tmp_path / "other").mkdir()
    bad = _folder_with(tmp_path / "other", "unknown-kind.toml")
    with pytest.raises(SignatureError, match="unknown kind"):
        load_rules(bad, checked=True)


def test_a_run_with_a_rules_folder_checks_its_regexes(tmp_path: Path) -> None:
    folder = _folder_with(tmp_path, "regex-lookahead.toml")
    options = CommonOptions("text", None, None, None, None, 1, True, no_cache=True)
    with pytest.raises(SignatureError, match="pattern does not compile"):
        run_context(options, Policy(), folder)


def test_a_rules_folder_with_a_bad_query_fails_at_load_in_a_run(tmp_path: Path) -> None:
    folder = _folder_with(tmp_path, "query-compile.toml")
    options = CommonOptions("text", None, None, None, None, 1, True, no_cache=True)
    with pytest.raises(SignatureError, match="query does not compile for python"):
        run_context(options, Policy(), folder)
