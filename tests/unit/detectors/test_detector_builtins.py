"""Coded detectors (builtin:<name>) run through the real rule stanzas of signatures/."""

from __future__ import annotations

import pytest

from integrity.detectors import build_detectors
from integrity.detectors.assembled import fold
from integrity.detectors.base import Detector, FileView
from integrity.detectors.build_programs import find_checks
from integrity.detectors.confusables import confusable_reason
from integrity.detectors.opaque import classify
from integrity.model import Finding, Severity
from integrity.rules.load import load_rules
from integrity.rules.selftest import findings_for
from integrity.syntax.languages import Grammars, guess_language

RULES = load_rules()
GRAMMARS = Grammars()


def _detectors(rule_id: str) -> tuple[Detector, ...]:
    return build_detectors(RULES.subset(frozenset({rule_id})), GRAMMARS)


def _scan(rule_id: str, path: str, data: bytes | str) -> list[Finding]:
    raw = data.encode() if isinstance(data, str) else data
    language = guess_language(path, raw[:64])
    tree = GRAMMARS.parse(language, raw) if language else None
    view = FileView(path=path, language=language, after=raw, tree=tree)
    return sorted(findings_for(view, _detectors(rule_id)), key=Finding.sort_key)


@pytest.mark.parametrize(
    ("path", "code", "name", "line"),
    [
        ("a.py", 'x = 1\nf = getattr(mod, "ex" + "ec")\n', "exec", 2),
        ("a.py", 'n = "lave"[::-1]\n', "eval", 1),
        ("a.py", 'n = "".join(["sy", "st", "em"])\n', "system", 1),
        ("a.js", 'const n = ["ev", "al"].join("");\n', "eval", 1),
        ("a.js", 'const n = "\\x65v" + "al";\n', "eval", 1),
        ("a.php", '<?php\n$f = strrev("metsys");\n', "system", 2),
        ("a.php", "<?php\n$f = chr(101).chr(118).chr(97).chr(108);\n", "eval", 2),
        ("a.rb", 'm = "ev" + "al"\n', "eval", 1),
    ],
)
def test_assembled_names(path: str, code: str, name: str, line: int) -> None:
    (finding,) = _scan("assembled-dangerous-name", path, code)
    assert finding.start_line == line
    assert name in finding.message


def test_assembled_names_ignore_ordinary_concatenation() -> None:
    code = 'a = "ex" + "port"\nb = "/usr/" + "bin"\nc = "eval"\nd = prefix + "al"\n'
    assert _scan("assembled-dangerous-name", "a.py", code) == []


def test_fold_is_none_for_plain_literals() -> None:
    tree = GRAMMARS.parse("python", b'x = "eval"\n')
    assert tree is not None
    assert fold(tree.root_node) is None


def test_confusable_reason() -> None:
    assert "CYRILLIC" in (confusable_reason("p\u0430ssword", "") or "")
    assert "MIXES" not in (confusable_reason("\u0430dmin", "") or "MIXES")
    assert "'ace'" in (confusable_reason("\u0430\u0441\u0435", "ace = 1") or "")
    assert confusable_reason("\u0430\u0441\u0435", "nothing else") is None
    assert confusable_reason("caf\u00e9", "") is None
    assert confusable_reason("\u03b1\u03b2", "") is None


def test_confusable_identifier_finding_escapes_name() -> None:
    code = "user = load()\nif us\u0435r.ok:\n    pass\n"
    (finding,) = _scan("confusable-identifier", "a.py", code)
    assert finding.start_line == 2
    assert "us\\u0435r" in finding.message


def test_bidi_and_invisible_characters() -> None:
    bidi = _scan("bidi-control-character", "a.c", "int a; /* \u202e } */\n")
    assert [f.start_line for f in bidi] == [1]
    invisible = _scan("invisible-character-in-code", "a.js", "let a = 1;\nlet is\u200badmin = 2;\n")
    assert [f.start_line for f in invisible] == [2]


XZ_LANDLOCK = """option(ENABLE_SANDBOX "sandbox" ON)
check_c_source_compiles("
    #include <linux/landlock.h>
    #include <sys/syscall.h>
.
    void my_sandbox(void) { (void)SYS_landlock_create_ruleset; }
    int main(void) { return 0; }
    "
    HAVE_LINUX_LANDLOCK)
"""


def test_feature_check_reports_xz_landlock_sabotage() -> None:
    (finding,) = _scan("feature-check-does-not-compile", "CMakeLists.txt", XZ_LANDLOCK)
    assert (finding.start_line, finding.end_line) == (2, 8)
    assert dict(finding.details)["problem"].endswith("(program line 4: unexpected '.')")


def test_feature_check_reads_calls_spelled_with_long_s() -> None:
    """CMake matches command names case-insensitively, and so does re's IGNORECASE, which
    folds U+017F (long s) to "s": the sabotaged check is reported under that spelling too."""
    spelled = XZ_LANDLOCK.replace("check_c_source_compiles", "check_c_\u017fource_compiles")
    assert "source_" not in spelled.lower()
    (finding,) = _scan("feature-check-does-not-compile", "CMakeLists.txt", spelled)
    assert (finding.start_line, finding.end_line) == (2, 8)


def test_feature_check_extracts_programs() -> None:
    (cmake,) = find_checks(XZ_LANDLOCK)
    assert cmake.language == "c" and "#include <linux/landlock.h>" in cmake.program
    autoconf = (
        "AC_LANG_PUSH([C++])\n"
        "AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[#include <vector>]], [[std::vector<int> v;]])])\n"
    )
    (check,) = find_checks(autoconf)
    assert check.language == "cpp"
    assert "int\nmain (void)" in check.program and "std::vector<int> v;" in check.program


def test_feature_check_ignores_deliberate_failures() -> None:
    code = """AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[]], [[
#ifdef _REENTRANT
  int dummy = 1;
#else
  force compilation error
#endif
]])], [ok=yes])
AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[#include <x.h>]], [[char b[10]; (void)b;]])], [ok=yes])
"""
    assert _scan("feature-check-does-not-compile", "configure.ac", code) == []


def test_opaque_classify() -> None:
    assert classify("tests/files/a.xz", b"\xfd7zXZ\x00\x00") == "binary"
    assert classify("lib/x.o", b"\x7fELF\x02\x01") == "executable: ELF executable or object"
    assert classify("doc/logo.png", b"\x89PNG\x00\x00") is None
    assert classify("src/a.c", b"int main(void) { return 0; }\n" * 100) is None
    noise = bytes(1 + (i * 7919 + 13) % 255 for i in range(4096))
    assert (classify("tests/blob.dat", noise) or "").startswith("high-entropy")


def test_opaque_executable_is_raised_one_level() -> None:
    (finding,) = _scan("opaque-binary-file", "src/helper.o", b"\x7fELF\x02\x01\x01\x00" * 8)
    assert finding.severity == Severity.HIGH
    assert (finding.start_line, finding.path) == (1, "src/helper.o")
