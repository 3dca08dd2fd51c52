"""`integrity review` driven through a real pseudo-terminal, as a reviewer would use it."""

from __future__ import annotations

import contextlib
import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from integrity.review.waivers import parse_waivers

LONG = "reachable only from the operator console; input is validated"

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")


class Terminal:
    """A child process on a pseudo-terminal: expect text, send lines."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        self.master, slave = os.openpty()
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120"}
        env.pop("NO_COLOR", None)
        self.proc = subprocess.Popen(
            args,
            cwd=cwd,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.seen = b""

    def expect(self, text: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        needle = text.encode()
        while needle not in self.seen:
            left = deadline - time.monotonic()
            if left <= 0:
                self.close()
                pytest.fail(
                    f"timed out waiting for {text!r}; got:\n{self.seen.decode(errors='replace')}"
                )
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    chunk = b""
                if not chunk:
                    if needle not in self.seen:
                        pytest.fail(
                            f"child exited before {text!r}:\n{self.seen.decode(errors='replace')}"
                        )
                    break
                self.seen += chunk
        head, _, tail = self.seen.partition(needle)
        self.seen = tail
        return (head + needle).decode(errors="replace")

    def send(self, line: str) -> None:
        os.write(self.master, line.encode() + b"\r")

    def wait(self) -> int:
        try:
            return self.proc.wait(timeout=60)
        finally:
            self.close()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        with contextlib.suppress(OSError):
            os.close(self.master)

    def text(self) -> str:
        return self.seen.decode(errors="replace")


def test_review_over_a_pty(report: Path, workdir: Path) -> None:
    term = Terminal(
        [sys.executable, "-m", "integrity", "review", str(report), "--waivers", "w.toml",
         "--reviewer", "pty-user"],
        workdir,
    )  # fmt: skip
    try:
        first = term.expect("[q]uit")
        assert "[1/3] HIGH r-one" in first
        assert "\x1b[" in first  # highlighted on a terminal
        assert "\x1b]0;" not in first and "\x07" not in first  # the hostile OSC stays escaped
        assert "\\x1b]0;title\\x07" in re.sub(r"\x1b\[[0-9;]*m", "", first)
        term.send("a")
        term.expect("Reason for the waiver")
        term.send("fixture code, never deployed")
        assert "[2/3] HIGH r-two" in term.expect("[q]uit")
        term.send("s")
        assert "[3/3] CRITICAL r-crit" in term.expect("[q]uit")
        term.send("a")
        term.expect("Reason for the waiver")
        term.send("too short")
        term.expect("at least 40 characters")
        term.expect("Reason for the waiver")
        term.send(LONG)
        done = term.expect("accepted 2, rejected 0, skipped 1")
        assert "wrote w.toml (unsigned)" in done + term.expect("(unsigned)")
        code = term.wait()
    finally:
        term.close()
    assert code == 0
    waivers = parse_waivers((workdir / "w.toml").read_bytes(), "w.toml")
    assert sorted(w.reason for w in waivers) == sorted([LONG, "fixture code, never deployed"])
    assert {w.reviewer for w in waivers} == {"pty-user"}
