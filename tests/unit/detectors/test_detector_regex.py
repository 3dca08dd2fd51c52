"""The generic regex detector and the literal-change (before/after) detector."""

from __future__ import annotations

from pathlib import Path

from integrity.detectors import build_detectors
from integrity.detectors.base import Detector, FileView
from integrity.detectors.regex import MAX_PER_FILE, shannon_entropy
from integrity.model import Finding
from integrity.rules.load import load_rules
from integrity.rules.selftest import added_lines, findings_for
from integrity.syntax.languages import Grammars, guess_language

REGEX_RULE = """
[[rule]]
id = "t-blob"
kind = "regex"
languages = ["python"]
category = "obfuscated-payload"
severity = "low"
confidence = "low"
message = "blob {payload}"
keywords = ["blob"]
entropy = 3.0
pattern = '''blob = "(?P<payload>[A-Za-z0-9]+)"'''
exclude_paths = ["vendor/**"]
"""

FLAG_RULE = """
[[rule]]
id = "t-flag-removed"
kind = "literal-change"
languages = ["make"]
category = "build-sabotage"
severity = "high"
confidence = "medium"
message = "removed {removed}"
pattern = '''-fstack-protector(?:-strong)?'''
"""

NAMES_RULE = """
[[rule]]
id = "t-rounds"
kind = "literal-change"
category = "crypto-constant-change"
severity = "high"
confidence = "medium"
message = "{name}: {old} -> {new}"
names = '''(?i)rounds'''
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


def test_regex_reports_line_and_named_group_with_entropy_filter(tmp_path: Path) -> None:
    detectors = _detectors(tmp_path, REGEX_RULE)
    code = 'x = 1\nblob = "aaaaaaaaaaaa"\nblob = "Zq8rT2mX9pLk"\n'
    (finding,) = _run(detectors, _view("m.py", code))
    assert (finding.start_line, finding.message) == (3, "blob Zq8rT2mX9pLk")
    assert _run(detectors, _view("vendor/m.py", code)) == []


def test_regex_keyword_prefilter_and_cap(tmp_path: Path) -> None:
    detectors = _detectors(tmp_path, REGEX_RULE)
    assert _run(detectors, _view("m.py", "x = 'no match here'\n")) == []
    many = "".join(f'blob = "Zq8rT2mX9pLk{i}"\n' for i in range(MAX_PER_FILE + 10))
    assert len(_run(detectors, _view("m.py", many))) == MAX_PER_FILE


def test_shannon_entropy() -> None:
    assert shannon_entropy("") == 0.0
    assert shannon_entropy("aaaa") == 0.0
    assert shannon_entropy("abcd") == 2.0
    assert shannon_entropy(bytes(range(256))) == 8.0


def test_literal_change_reports_removed_flag_on_the_changed_line(tmp_path: Path) -> None:
    detectors = _detectors(tmp_path, FLAG_RULE)
    before = "all:\n\tcc x.c\nCFLAGS += -O2 -fstack-protector-strong\nLIBS = -lm\n"
    after = "all:\n\tcc x.c\nCFLAGS += -O2\nLIBS = -lm\n"
    (finding,) = _run(detectors, _view("Makefile", after, before))
    assert (finding.start_line, finding.message) == (3, "removed -fstack-protector-strong")
    assert dict(finding.details)["before_line"] == "3"
    assert _run(detectors, _view("Makefile", before, before)) == []
    assert _run(detectors, _view("Makefile", after)) == []  # snapshot: nothing to compare


def test_literal_change_names_mode(tmp_path: Path) -> None:
    detectors = _detectors(tmp_path, NAMES_RULE)
    before = "KEY_SIZE = 32\nROUNDS = 10\n"
    (finding,) = _run(detectors, _view("c.py", "KEY_SIZE = 32\nROUNDS = 1\n", before))
    assert (finding.start_line, finding.message) == (2, "ROUNDS: 10 -> 1")
