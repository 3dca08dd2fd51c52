"""Scan one file's bytes with every secret rule: hyperscan finds candidate ends, `re` confirms
on a window around each, filters drop placeholders, hashes and non-secret names."""

from __future__ import annotations

import bisect
import contextlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import hyperscan
import tree_sitter

from integrity.model import Confidence, Severity, Symbol
from integrity.rules.schema import Rule
from integrity.secrets.checks import shannon_entropy
from integrity.secrets.context import (
    enclosing_function,
    in_string_literal,
    is_auth_function,
    token_ranges_for,
    token_verdict,
)
from integrity.secrets.database import (
    CompiledRule,
    DatabaseBuild,
    Judge,
    compile_regexes,
    compile_rules,
    load_database,
)
from integrity.secrets.filters import (
    PathClass,
    classify_path,
    dominated,
    name_is_not_secret,
    plausible_value,
)
from integrity.syntax.tokens import TokenRanges

_BACK = 400
_FORWARD = 1200
_LONG_LINE = 2000
_MAX_HITS = 20000
_EXAMPLE = re.compile(r"(?i)example|x{6,}|\.\.\.")
_EXAMPLE_HOST = re.compile(rb"(?i)example|\.invalid\b|\.test\b")
_PEM_END = re.compile(rb"-----END [A-Z0-9 ]*PRIVATE KEY[A-Z ]*-----")
TreeSource = tree_sitter.Tree | Callable[[], tree_sitter.Tree | None] | None
"""A parsed tree, a function that parses on first need (only files with contextual hits pay for
parsing), or None where the language has no grammar."""

COMPARED_RULES = frozenset(
    {"credential-compared-with-input", "credential-compared-with-input-reversed"}
)
"""Rule ids whose hits inside authentication functions belong to the auth-bypass rules."""


@dataclass(frozen=True, slots=True)
class SecretHit:
    """One confirmed credential: the rule, where the secret is, and the secret itself (callers
    must redact it before it leaves the process)."""

    rule: Rule
    start: int
    end: int
    start_line: int
    end_line: int
    secret: str
    name: str | None
    validated: bool | None
    severity: Severity
    confidence: Confidence
    symbol: str | None


@dataclass(frozen=True, slots=True)
class _Candidate:
    compiled: CompiledRule
    start: int
    end: int
    secret: str
    name: str | None
    compared: bool
    documented: bool


class SecretEngine:
    """The compiled rule set for one run (hyperscan database held here, not module-global)."""

    def __init__(
        self,
        rules: Sequence[Rule],
        database: bytes | None = None,
        prebuilt: DatabaseBuild | None = None,
    ) -> None:
        if database is None:
            self._rules, self._database = compile_rules(rules, prebuilt)
        else:
            self._rules, self._database = compile_regexes(rules), load_database(database)

    def __reduce__(self) -> tuple[type[SecretEngine], tuple[tuple[Rule, ...], bytes | None]]:
        """Pickles as the rules plus the serialized database: workers skip the compile."""
        blob = hyperscan.dumpb(self._database) if self._rules else None
        return (SecretEngine, (self.rules, blob))

    @property
    def rules(self) -> tuple[Rule, ...]:
        """The rules this engine runs, in database order."""
        return tuple(c.rule for c in self._rules)

    def scan(
        self,
        path: str,
        data: bytes,
        tree: TreeSource = None,
        symbols: Sequence[Symbol] = (),
        language: str | None = None,
    ) -> tuple[SecretHit, ...]:
        """Every credential in `data`, best rule per span, in file order."""
        if not self._rules or not data:
            return ()
        ends = self._candidate_ends(data)
        if not ends:
            return ()
        path_class = classify_path(path, data)
        candidates = [
            cand
            for index, offsets in ends.items()
            if self._rules[index].in_scope(path)
            and not (
                self._rules[index].contextual
                and path_class in (PathClass.LOCKFILE, PathClass.GENERATED)
            )
            for cand in self._confirm(self._rules[index], data, offsets)
        ]
        if callable(tree) and any(c.compiled.contextual for c in candidates):
            tree = tree()
        parsed = tree if isinstance(tree, tree_sitter.Tree) else None
        tokens = _Tokens(language, data) if parsed is None else None
        newlines = [m.start() for m in re.finditer(b"\n", data)]
        hits: list[SecretHit] = []
        starts: list[int] = []  # taken spans are disjoint: sorted starts and their ends suffice
        ends_of: list[int] = []
        order = sorted(candidates, key=lambda c: (c.compiled.contextual, c.start - c.end, c.start))
        for cand in order:
            at = bisect.bisect_right(starts, cand.start)
            if (at and ends_of[at - 1] > cand.start) or (
                at < len(starts) and starts[at] < cand.end
            ):
                continue
            hit = self._judge(cand, data, (parsed, tokens, language), symbols, newlines, path_class)
            if hit is not None:
                starts.insert(at, cand.start)
                ends_of.insert(at, cand.end)
                hits.append(hit)
        return tuple(sorted(hits, key=lambda h: (h.start, h.rule.id)))

    def _candidate_ends(self, data: bytes) -> dict[int, list[int]]:
        ends: dict[int, list[int]] = {}
        count = [0]

        def on_match(rule_index: int, _start: int, end: int, _flags: int, _ctx: object) -> bool:
            ends.setdefault(rule_index, []).append(end)
            count[0] += 1
            return count[0] > _MAX_HITS

        # a pathological file stops the scan: keep the first _MAX_HITS candidates, bounded work
        with contextlib.suppress(hyperscan.ScanTerminated):
            self._database.scan(data, match_event_handler=on_match)
        return ends

    def _confirm(self, compiled: CompiledRule, data: bytes, ends: list[int]) -> list[_Candidate]:
        windows: list[tuple[int, int]] = []
        for end in sorted(set(ends)):
            # bounded look-around: a newline-free megabyte must not make this quadratic
            floor = max(0, end - _BACK - _LONG_LINE)
            lo = max(data.rfind(b"\n", floor, max(floor, end - _BACK)) + 1, floor)
            nl = data.find(b"\n", end, end + _FORWARD)
            hi = min(len(data), end + _FORWARD) if nl < 0 else nl
            if windows and lo <= windows[-1][1]:
                windows[-1] = (windows[-1][0], max(hi, windows[-1][1]))
            else:
                windows.append((lo, hi))
        found: dict[tuple[int, int], _Candidate] = {}
        for lo, hi in windows:
            for match in compiled.regex.finditer(data, lo, hi):
                start, end = match.span(compiled.group)
                if start < 0 or end <= start:
                    continue
                name = match.group("name") if compiled.judge is Judge.NAMED else None
                between = data[match.end("name") : start] if name is not None else b""
                before = (
                    data[max(lo, match.start() - 60) : match.start("name")]
                    if name is not None
                    else b""
                )
                documented = compiled.contextual and (
                    _EXAMPLE_HOST.search(match.group(0)) is not None
                    or (
                        between.strip().startswith((b":", b"':", b'":'))
                        and b"?" in before.split(b"\n")[-1]
                    )
                )
                found[(start, end)] = _Candidate(
                    compiled=compiled,
                    start=start,
                    end=end,
                    secret=data[start:end].decode("utf-8", "surrogateescape"),
                    name=None if name is None else name.decode("utf-8", "surrogateescape"),
                    compared=compiled.rule.id in COMPARED_RULES
                    or b"==" in between
                    or b"!=" in between,
                    documented=documented,
                )
        return list(found.values())

    def _judge(
        self,
        cand: _Candidate,
        data: bytes,
        syntax: tuple[tree_sitter.Tree | None, _Tokens | None, str | None],
        symbols: Sequence[Symbol],
        newlines: list[int],
        path_class: PathClass,
    ) -> SecretHit | None:
        rule = cand.compiled.rule
        secret, end = cand.secret, cand.end
        entropy_floor = rule.entropy if rule.entropy is not None else 3.0
        if cand.documented:
            return None
        if cand.compiled.contextual:
            tree, tokens, language = syntax
            whole = cand.compiled.judge is Judge.NAMED
            name = cand.name if cand.compiled.judge is Judge.NAMED else "password"
            # the checks are pure: the cheap name tests first, lexing a file only when needed
            if name_is_not_secret(name or "") or not plausible_value(
                name or "", secret, entropy_floor
            ):
                return None
            if tree is not None and not in_string_literal(tree, cand.start, cand.end, whole=whole):
                return None
            ranges = tokens.ranges() if tokens is not None else None
            if ranges is not None and not token_verdict(
                ranges, language, cand.start, literal=whole
            ):
                return None
        elif (
            _EXAMPLE.search(secret)
            or dominated(secret)
            or (rule.entropy is not None and shannon_entropy(secret) < rule.entropy)
        ):
            return None
        if rule.checksum == "pem-body":
            closing = _PEM_END.search(data, cand.end, cand.end + 20000)
            end = closing.end() if closing else min(len(data), cand.end + 200)
            secret = data[cand.start : end].decode("utf-8", "surrogateescape")
        validated = None if cand.compiled.validator is None else cand.compiled.validator(secret)
        if validated is False and cand.compiled.required:
            return None
        start_line = bisect.bisect_right(newlines, cand.start - 1) + 1
        end_line = bisect.bisect_right(newlines, max(cand.start, end - 1) - 1) + 1
        symbol = _enclosing(symbols, start_line) or (
            enclosing_function(syntax[0], cand.start) if syntax[0] else None
        )
        if cand.compared and is_auth_function(symbol):
            return None
        severity, confidence = rule.severity, rule.confidence
        if rule.checksum == "pem-body" and "ENCRYPTED" in secret[:300]:
            severity = Severity.MEDIUM if severity.at_least(Severity.MEDIUM) else severity
        if validated is True:
            confidence = Confidence.HIGH
        elif validated is False:
            severity, confidence = Severity.LOW, Confidence.LOW
        if path_class is PathClass.TEST:
            # fixtures: lower, never silence; values judged by context drop further than formats
            severity = severity.lowered(2 if cand.compiled.contextual else 1)
            confidence = Confidence.LOW if confidence is not Confidence.HIGH else Confidence.MEDIUM
        return SecretHit(
            rule=rule,
            start=cand.start,
            end=end,
            start_line=start_line,
            end_line=end_line,
            secret=secret,
            name=cand.name,
            validated=validated,
            severity=severity,
            confidence=confidence,
            symbol=symbol,
        )


class _Tokens:
    """Comment and string ranges of a file with no parse tree, lexed on first need (only a
    candidate that passes every cheaper test pays for lexing the file)."""

    def __init__(self, language: str | None, data: bytes) -> None:
        self._language = language
        self._data = data
        self._ranges: TokenRanges | None = None
        self._done = False

    def ranges(self) -> TokenRanges | None:
        if not self._done:
            self._ranges, self._done = token_ranges_for(self._language, self._data), True
        return self._ranges


def _enclosing(symbols: Sequence[Symbol], line: int) -> str | None:
    inner = [s for s in symbols if s.start_line <= line <= s.end_line]
    return min(inner, key=lambda s: s.end_line - s.start_line).name if inner else None
