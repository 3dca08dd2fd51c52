"""builtin:opaque-binary: binary or high-entropy files where source is expected.

Binary means NUL bytes in the first 8 KiB; high entropy means more than 7.2 bits per byte over
at least 1 KiB (compressed or encrypted data). Media and font files are expected to be binary and
are skipped. Executable or object code (ELF, PE, Mach-O, Java class, compiled Python) is raised
one severity level: it can run, and nobody can review it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import replace

from integrity.detectors.base import FileView
from integrity.detectors.common import Scope, make_finding
from integrity.detectors.regex import shannon_entropy
from integrity.model import Finding
from integrity.rules.schema import Rule
from integrity.syntax.languages import path_suffix

HEAD = 8192
SAMPLE = 1 << 20
MIN_ENTROPY_SIZE = 1024
ENTROPY_THRESHOLD = 7.2

MEDIA_SUFFIXES: frozenset[str] = frozenset(
    {
        ".png", ".jpg", ".jpeg", ".gif", ".ico", ".icns", ".bmp", ".webp", ".tif", ".tiff",
        ".svgz", ".psd", ".xcf", ".woff", ".woff2", ".ttf", ".otf", ".eot", ".pdf", ".mp3",
        ".mp4", ".m4a", ".wav", ".ogg", ".oga", ".flac", ".avi", ".mov", ".webm", ".mkv",
        ".ps", ".eps", ".dvi", ".cur", ".ani", ".mo", ".gmo",
    }
)  # fmt: skip
_EXECUTABLE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x7fELF", "ELF executable or object"),
    (b"MZ", "PE/DOS executable"),
    (b"\xfe\xed\xfa\xce", "Mach-O executable"),
    (b"\xfe\xed\xfa\xcf", "Mach-O executable"),
    (b"\xce\xfa\xed\xfe", "Mach-O executable"),
    (b"\xcf\xfa\xed\xfe", "Mach-O executable"),
    (b"\xca\xfe\xba\xbe", "Java class or Mach-O universal binary"),
    (b"!<arch>\n", "static library archive"),
    (b"\x00asm", "WebAssembly module"),
)
_COMPILED_SUFFIXES = frozenset({".pyc", ".pyo", ".o", ".obj", ".so", ".dll", ".dylib", ".exe"})


def classify(path: str, data: bytes) -> str | None:
    """What makes the content opaque ("executable: ...", "binary", "high-entropy"), or None."""
    suffix = path_suffix(path.lower())
    if suffix in MEDIA_SUFFIXES:
        return None
    nul = b"\x00" in data[:HEAD]
    for magic, what in _EXECUTABLE_MAGIC:
        if data.startswith(magic) and (magic != b"MZ" or nul):
            return "executable: " + what
    if suffix in _COMPILED_SUFFIXES and nul:
        return "executable: compiled code"
    if nul:
        return "binary"
    sample = data[:SAMPLE]
    if len(data) >= MIN_ENTROPY_SIZE and not sample.isascii() and _may_exceed(sample):
        entropy = shannon_entropy(sample)
        if entropy > ENTROPY_THRESHOLD:
            return f"high-entropy ({entropy:.2f} bits/byte)"
    return None


_HIGH_BYTES = bytes(range(128, 256))
_BOUND_MARGIN = 0.01


def _may_exceed(sample: bytes) -> bool:
    """False when the sample's entropy surely stays under ENTROPY_THRESHOLD (so the exact
    count can be skipped): with a share p of bytes >= 0x80, entropy is at most
    H(p) + 7 bits (which half a byte is in, then at most 7 bits within either half), and
    mostly-ASCII text with a few UTF-8 letters stays far below 7.2."""
    high = len(sample) - len(sample.translate(None, _HIGH_BYTES))
    share = high / len(sample)
    if share <= 0.0 or share >= 1.0:
        return share > 0.0
    split = -share * math.log2(share) - (1 - share) * math.log2(1 - share)
    return split + 7.0 > ENTROPY_THRESHOLD - _BOUND_MARGIN


class OpaqueBinaryDetector:
    """One finding per opaque file, on line 1."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self._scope = Scope.of(rule)

    @property
    def rule_id(self) -> str:
        """The id of the rule this detector implements."""
        return self.rule.id

    def wants(self, view: FileView) -> bool:
        """Any file with content, in scope by path."""
        return view.after is not None and self._scope.accepts(view)

    def detect(self, view: FileView) -> Iterator[Finding]:
        """Classify the content; executables are raised one level."""
        if not view.after:
            return
        kind = classify(view.path, view.after)
        if kind is None:
            return
        finding = make_finding(
            self.rule,
            view,
            1,
            1,
            f"<{kind}, {len(view.after)} bytes>",
            captures={"kind": kind, "size": str(len(view.after))},
            details=(("kind", kind), ("size", str(len(view.after)))),
        )
        if kind.startswith("executable"):
            finding = replace(finding, severity=finding.severity.raised())
        yield finding
