"""The generic query detector and the predicates evaluated with re2."""

from __future__ import annotations

from pathlib import Path

from integrity.detectors import build_detectors
from integrity.detectors.base import Detector, FileView
from integrity.model import Category, Finding, Severity
from integrity.rules.load import load_rules
from integrity.rules.selftest import added_lines, findings_for
from integrity.syntax.languages import Grammars, guess_language

INSIDE_RULE = """
[[rule]]
id = "t-compare"
kind = "query"
languages = ["c"]
category = "auth-bypass"
severity = "high"
confidence = "medium"
message = "{a} compared in {fn}"
query = '''
((call_expression function: (identifier) @fn
   arguments: (argument_list (identifier) @a (string_literal))) @call
 (#match? @fn "^strcmp$")
 (#inside? @call "(?i)auth"))
'''
report = "call"
"""

CONDITION_RULE = """
[[rule]]
id = "t-assign"
kind = "query"
languages = ["c"]
category = "auth-bypass"
severity = "critical"
confidence = "high"
message = "assignment to {lhs}"
query = '''((assignment_expression left: (_) @lhs) @assign (#in-condition? @assign))'''
report = "assign"
"""

SOURCE = """int parse(const char *k) { return strcmp(k, "opt"); }
int do_auth(const char *pw)
{
    return strcmp(pw, "master") == 0;
}
"""

EXAMPLES = """
  [[rule.example]]
  expect = "match"
  code = "x"
  [[rule.example]]
  expect = "no-match"
  code = "y"
"""


def _detectors(tmp_path: Path, body: str) -> tuple[Detector, ...]:
    folder = tmp_path / "sig"
    folder.mkdir(exist_ok=True)
    (folder / "t.toml").write_text("schema = 1\n" + body + EXAMPLES, encoding="utf-8")
    return build_detectors(load_rules(folder), Grammars())


def _view(path: str, after: bytes | str, before: str | None = None) -> FileView:
    data = after.encode() if isinstance(after, str) else after
    language = guess_language(path, data[:64])
    return FileView(
        path=path,
        language=language,
        after=data,
        before=before.encode() if before is not None else None,
        change="modified" if before is not None else "unchanged",
        added_lines=added_lines(before, data.decode()) if before is not None else None,
        tree=Grammars().parse(language, data) if language else None,
    )


def _run(detectors: tuple[Detector, ...], view: FileView) -> list[Finding]:
    return sorted(findings_for(view, detectors), key=Finding.sort_key)


def test_inside_predicate_limits_to_named_functions(tmp_path: Path) -> None:
    detectors = _detectors(tmp_path, INSIDE_RULE)
    (finding,) = _run(detectors, _view("src/auth.c", SOURCE))
    assert (finding.rule_id, finding.start_line, finding.end_line) == ("t-compare", 4, 4)
    assert finding.symbol == "do_auth"
    assert finding.message == "pw compared in strcmp"
    assert finding.snippet == 'return strcmp(pw, "master") == 0;'
    assert (finding.category, finding.severity) == (Category.AUTH_BYPASS, Severity.HIGH)
    assert finding.fingerprint == ""


def test_in_condition_predicate(tmp_path: Path) -> None:
    detectors = _detectors(tmp_path, CONDITION_RULE)
    code = "void f(void) {\n  x = 1;\n  if (a && (uid = 0)) g();\n  while (y) { z = 2; }\n}\n"
    findings = _run(detectors, _view("a.c", code))
    assert [(f.start_line, f.message) for f in findings] == [(3, "assignment to uid")]


def test_query_rule_skips_other_languages_and_unparsed_views(tmp_path: Path) -> None:
    (detector,) = _detectors(tmp_path, INSIDE_RULE)
    assert not detector.wants(_view("x.py", "strcmp(pw, 'x')"))
    assert not detector.wants(_view("notes.txt", SOURCE))


def test_invalid_utf8_does_not_break_predicates(tmp_path: Path) -> None:
    detectors = _detectors(tmp_path, INSIDE_RULE)
    data = b'int auth(char *pw) { return strcmp(pw, "\xff\xfe") == 0; }\n'
    (finding,) = _run(detectors, _view("a.c", data))
    assert finding.start_line == 1


FUNCTION_TEXT_RULE = """
[[rule]]
id = "t-fn-text"
kind = "query"
languages = ["python"]
category = "hidden-exec"
severity = "high"
confidence = "medium"
message = "eval in a request handler"
query = '''((call function: (identifier) @fn) @call (#eq? @fn "eval")
 (#in-function-matching? @call "request\\\\.(args|form)"))'''
report = "call"
"""


def test_in_function_matching_predicate(tmp_path: Path) -> None:
    detectors = _detectors(tmp_path, FUNCTION_TEXT_RULE)
    code = (
        "def handler(request):\n    q = request.args['q']\n    return eval(q)\n"
        "def calc(expr):\n    return eval(expr)\n"
    )
    findings = _run(detectors, _view("app.py", code))
    assert [(f.start_line, f.symbol) for f in findings] == [(3, "handler")]
