# ruff: noqa: E501 - the cases are one source file per line, kept verbatim
"""Evasion: the same backdoor written to dodge the rules. Each technique is either caught (the
test asserts rule, category, path and line) or a known miss (xfail strict, with the reason).
The table in docs/security.md mirrors this file.

Inline suppression comments (# nosec, # noqa, # integrity: ignore, // NOLINT, // gitleaks:allow)
are attacker-writable and must never silence anything. The policy or waivers changed in the same
change are covered in diff mode by tests/e2e/gitflow/test_diff.py (policy and waivers read from
BASE); test_policy_and_waiver_edit_in_the_same_change below checks it with the shipped rules.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.gitflow.conftest import find

B64 = "aW1wb3J0IG9zOyBvcy5zeXN0ZW0oJ2lkJyk="  # "import os; os.system('id')"

CASES: dict[str, tuple[str, str]] = {
    "plain": (
        "src/login.py",
        'def check_login(user, password):\n    if password == "s3cr3t-master":\n        return True\n    return db.verify(user, password)\n',
    ),
    "split-lines": (
        "src/login.py",
        'def check_login(user, password):\n    if (password\n            ==\n            "s3cr3t-master"):\n        return True\n    return db.verify(user, password)\n',
    ),
    "reversed-operands": (
        "src/login.py",
        'def check_login(user, password):\n    if "s3cr3t-master" == password:\n        return True\n    return db.verify(user, password)\n',
    ),
    "alias-var": (
        "src/login.py",
        'def check_login(user, password):\n    p = password\n    if p == "s3cr3t-master":\n        return True\n    return db.verify(user, password)\n',
    ),
    "concat-literal": (
        "src/login.py",
        'def check_login(user, password):\n    if password == "s3cr3t" + "-master":\n        return True\n    return db.verify(user, password)\n',
    ),
    "formfeed-ws": (
        "src/login.py",
        'def check_login(user, password):\n    if password\t==\x0c"s3cr3t-master":\n        return True\n    return db.verify(user, password)\n',
    ),
    "crlf": (
        "src/login.py",
        'def check_login(user, password):\r\n    if password == "s3cr3t-master":\r\n        return True\r\n    return db.verify(user, password)\r\n',
    ),
    "cr-only": (
        "src/login.py",
        'def check_login(user, password):\r    if password == "s3cr3t-master":\r        return True\r    return db.verify(user, password)\r',
    ),
    "mixed-eol": (
        "src/login.py",
        'def check_login(user, password):\r\n    x = 1\r    if password == "s3cr3t-master":\n        return True\n    return db.verify(user, password)\n',
    ),
    "test-folder": (
        "tests/test_login.py",
        'def check_login(user, password):\n    if password == "s3cr3t-master":\n        return True\n    return db.verify(user, password)\n',
    ),
    "nosec": (
        "src/login.py",
        'def check_login(user, password):\n    if password == "s3cr3t-master":  # nosec # noqa # integrity: ignore\n        return True\n    return db.verify(user, password)\n',
    ),
    "exec-b64": ("src/run.py", f'import base64\nexec(base64.b64decode("{B64}"))\n'),
    "exec-b64-alias": (
        "src/run.py",
        f'import base64 as b\nrun = exec\nrun(b.b64decode("{B64}"))\n',
    ),
    "exec-getattr-concat": (
        "src/run.py",
        f'import base64, builtins\ngetattr(builtins, "ex" + "ec")(base64.b64decode("{B64}"))\n',
    ),
    "exec-b64-split": (
        "src/run.py",
        f'import base64\nexec(\n    base64.b64decode(\n        "{B64[:10]}"\n        "{B64[10:]}"\n    )\n)\n',
    ),
    "exec-b64-test-folder": (
        "test/helpers.py",
        f'import base64\nexec(base64.b64decode("{B64}"))\n',
    ),
    "exec-b64-noqa": (
        "src/run.py",
        f'import base64\nexec(base64.b64decode("{B64}"))  # noqa: S102 # nosec B102\n',
    ),
    "c-strcmp": (
        "src/auth.c",
        'int auth_check(const char *password) {\n    if (strcmp(password, "s3cr3t-master") == 0) return 1;\n    return check_hash(password);\n}\n',
    ),
    "c-strcmp-nolint": (
        "src/auth.c",
        'int auth_check(const char *password) {\n    if (strcmp(password, "s3cr3t-master") == 0) return 1; // NOLINT\n    return check_hash(password);\n}\n',
    ),
    "c-macro": (
        "src/auth.c",
        '#define SAME(a, b) (strcmp((a), (b)) == 0)\n#define MASTER "s3cr3t-master"\nint auth_check(const char *password) {\n    if (SAME(password, MASTER)) return 1;\n    return check_hash(password);\n}\n',
    ),
    "c-system-macro": (
        "src/util.c",
        '#include <stdlib.h>\n#define RUN system\nvoid handle(const char *cmd) {\n    RUN(getenv("X_CMD"));\n}\n',
    ),
    "c-system": (
        "src/util.c",
        '#include <stdlib.h>\nvoid handle(const char *cmd) {\n    system(getenv("X_CMD"));\n}\n',
    ),
    "js-eval-atob": ("src/app.js", f'const p = "{B64}";\neval(atob(p));\n'),
    "js-eval-gitleaks-allow": (
        "src/app.js",
        f'const p = "{B64}";\neval(atob(p)); // gitleaks:allow\n',
    ),
    "js-eval-bracket": ("src/app.js", f'const p = "{B64}";\nwindow["ev" + "al"](atob(p));\n'),
    "secret-gitleaks-allow": (
        "src/cfg.py",
        'TOKEN = "ghp_' + "A1b2C3d4E5f6G7h8I9j0" + "K1l2M3n4O5p6Q7r8" + '"  # gitleaks:allow\n',
    ),
    "secret-split": ("src/cfg.py", 'TOKEN = "ghp_A1b2C3d4E5f6G7h8I9j0" + "K1l2M3n4O5p6Q7r8"\n'),
    "bidi": (
        "src/acl.py",
        'def is_admin(user):\n    access = "user"\n    if access != "none\u202e \u2066# admin\u2069 \u2066":\n        return True\n',
    ),
}


CAUGHT: dict[str, tuple[str, str, int]] = {
    "plain": ("py-auth-password-literal", "auth-bypass", 2),
    "split-lines": ("py-auth-password-literal", "auth-bypass", 2),
    "formfeed-ws": ("py-auth-password-literal", "auth-bypass", 2),
    "crlf": ("py-auth-password-literal", "auth-bypass", 2),
    "mixed-eol": ("py-auth-password-literal", "auth-bypass", 2),
    "nosec": ("py-auth-password-literal", "auth-bypass", 2),
    "exec-b64": ("py-exec-decoded-payload", "obfuscated-payload", 2),
    "exec-getattr-concat": ("assembled-dangerous-name", "obfuscated-payload", 2),
    "exec-b64-split": ("py-exec-decoded-payload", "obfuscated-payload", 2),
    "exec-b64-test-folder": ("py-exec-decoded-payload", "obfuscated-payload", 2),
    "exec-b64-noqa": ("py-exec-decoded-payload", "obfuscated-payload", 2),
    "reversed-operands": ("py-auth-password-literal", "auth-bypass", 2),
    "c-strcmp": ("c-auth-password-literal", "auth-bypass", 2),
    "c-strcmp-nolint": ("c-auth-password-literal", "auth-bypass", 2),
    "c-system": ("c-exec-untrusted-input", "hidden-exec", 3),
    "js-eval-atob": ("js-exec-decoded-payload", "obfuscated-payload", 2),
    "js-eval-gitleaks-allow": ("js-exec-decoded-payload", "obfuscated-payload", 2),
    "js-eval-bracket": ("assembled-dangerous-name", "obfuscated-payload", 2),
    "secret-gitleaks-allow": ("github-pat", "hardcoded-credential", 1),
    "secret-split": ("generic-credential-assignment", "hardcoded-credential", 1),
    "bidi": ("bidi-control-character", "trojan-source", 3),
}

MISSED: dict[str, tuple[str, int, str]] = {
    "cr-only": (
        "py-auth-password-literal",
        2,
        "CR-only line endings: caught, but lines are counted by LF so it is reported on line 1",
    ),
    "alias-var": (
        "py-auth-password-literal",
        3,
        "no data flow: the password copied to another name before the comparison is missed",
    ),
    "concat-literal": (
        "py-auth-password-literal",
        2,
        "the compared literal built by concatenation is not folded for this rule",
    ),
    "test-folder": (
        "py-auth-password-literal",
        2,
        "auth-literal rules exclude test folders (false positives in fixtures); a backdoor in "
        "tests/ is only seen if production code imports it",
    ),
    "exec-b64-alias": (
        "py-exec-decoded-payload",
        3,
        "exec reached through a local alias (run = exec) and an aliased module is missed",
    ),
    "c-macro": (
        "c-auth-password-literal",
        4,
        "the comparison and the literal hidden in macros: no preprocessing",
    ),
    "c-system-macro": (
        "c-exec-macro-alias",
        4,
        "system() renamed by a #define and fed getenv(): the macro-alias rule does not fire",
    ),
}


def _scan(run_cli: Any, tmp_path: Path, name: str) -> list[dict[str, Any]]:
    rel, text = CASES[name]
    path = tmp_path / "tree" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode())
    result = run_cli("scan", str(tmp_path / "tree"), "--format", "json", "--quiet", "-j", "1")
    assert result.code in (0, 1), result.stderr
    findings: list[dict[str, Any]] = json.loads(result.stdout)["findings"]
    return findings


def test_every_case_is_classified() -> None:
    assert set(CAUGHT) | set(MISSED) == set(CASES)
    assert not set(CAUGHT) & set(MISSED)


@pytest.mark.parametrize("name", sorted(CAUGHT))
def test_evasion_is_caught(name: str, run_cli: Any, tmp_path: Path) -> None:
    rule, category, line = CAUGHT[name]
    found = _scan(run_cli, tmp_path, name)
    hits = [f for f in found if f["rule_id"] == rule]
    assert hits, [(f["rule_id"], f["start_line"]) for f in found]
    assert {(f["category"], f["path"], f["start_line"]) for f in hits} == {
        (category, CASES[name][0], line)
    }
    assert all(f["status"] == "open" for f in hits)  # no inline comment waived anything


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=MISSED[n][2])) for n in MISSED],
)
def test_known_miss(name: str, run_cli: Any, tmp_path: Path) -> None:
    rule, line, _reason = MISSED[name]
    found = _scan(run_cli, tmp_path, name)
    assert [(f["rule_id"], f["start_line"]) for f in found if f["rule_id"] == rule] == [
        (rule, line)
    ]


def test_policy_and_waiver_edit_in_the_same_change(git_repo: Any, run_cli: Any) -> None:
    git_repo.commit({"integrity.toml": 'fail_on = "high"\n', "src/ok.py": "x = 1\n"}, "init")
    base = git_repo.git("rev-parse", "HEAD")
    rel, text = CASES["exec-b64"]
    git_repo.commit(
        {
            rel: text,
            "integrity.toml": 'fail_on = "critical"\nexclude = ["src/**"]\n',
            "baselines/waivers.toml": (
                'version = 1\n[[waiver]]\nrule = "py-exec-decoded-payload"\npath = "src/**"\n'
                f'content = "sha256:{"0" * 64}"\nreason = "fine"\nreviewer = "mallory"\n'
                "date = 2026-01-01\n"
            ),
        },
        "tidy",
    )
    result = run_cli(
        "diff", base, "HEAD", "--repo", str(git_repo.path), "--format", "json", "--quiet"
    )
    assert result.code == 1, result.stderr
    report = json.loads(result.stdout)
    hits = find(report, "py-exec-decoded-payload", rel)
    assert [(f["category"], f["start_line"], f["status"]) for f in hits] == [
        ("obfuscated-payload", 2, "open")
    ]
    changed = {f["path"] for f in find(report, "policy-changed")}
    assert {"integrity.toml", "baselines/waivers.toml"} <= changed
