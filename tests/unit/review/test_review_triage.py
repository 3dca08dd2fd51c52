"""The triage loop over a scripted prompter, and escaping of hostile snippets."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from integrity.model import Severity
from integrity.review.decisions import Verdict
from integrity.review.triage import describe, triage

Maker = Callable[..., Any]


class Script:
    """A prompter answering from a list and recording what was shown."""

    def __init__(self, answers: list[str]) -> None:
        self.answers = answers
        self.shown: list[str] = []

    def show(self, text: str) -> None:
        self.shown.append(text)

    def choose(self, prompt: str, choices: Sequence[str]) -> str:
        answer = self.answers.pop(0)
        assert answer in choices
        return answer

    def ask(self, prompt: str) -> str:
        return self.answers.pop(0)


def test_triage_decisions_and_quit(finding: Maker, result: Maker) -> None:
    scanned = result(*(finding(line=i, rule=f"r{i}") for i in range(1, 5)))
    script = Script(["a", "because", "r", "s", "q"])
    decisions, quit_early = triage(scanned.findings, script, color=False)
    assert quit_early
    assert [(d.fingerprint, d.verdict, d.reason) for d in decisions] == [
        (scanned.findings[0].fingerprint, Verdict.ACCEPT, "because"),
        (scanned.findings[1].fingerprint, Verdict.REJECT, ""),
        (scanned.findings[2].fingerprint, Verdict.SKIP, ""),
    ]
    assert script.shown[0].startswith("[1/4] HIGH r1 (hidden-exec)")


def test_critical_reprompts_for_long_reason(finding: Maker, result: Maker) -> None:
    scanned = result(finding(severity=Severity.CRITICAL))
    long_reason = "x" * 45
    script = Script(["a", "short", long_reason])
    decisions, _ = triage(scanned.findings, script, color=False)
    assert decisions[0].reason == long_reason
    assert any("at least 40 characters" in text for text in script.shown)


def test_hostile_text_is_escaped_even_in_colour(finding: Maker, result: Maker) -> None:
    hostile = finding(
        path="evil\x1b[2J.py",
        snippet='x = "\x1b]0;pwned\x07" # \u202e reversed\r\n',
        symbol="f\x1b[31m",
    )
    for color in (False, True):
        text = describe(result(hostile).findings[0], 1, 1, color)
        assert "\x1b]" not in text and "\x07" not in text and "\u202e" not in text
        assert "\r" not in text
        assert "evil\\x1b[2J.py" in text
        if not color:
            assert "\x1b" not in text
