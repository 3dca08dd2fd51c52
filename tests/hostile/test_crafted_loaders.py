"""Baselines and waiver files crafted to exploit the loaders: deep JSON, huge numbers, duplicate
keys, `..` paths, NaN/Infinity/1e400, very long strings and wrong types at every level. Each is
refused with exit 3 (or loads, for harmless variants): never a traceback, hang or exit 4."""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from integrity.baseline.store import load_baseline_bytes
from integrity.errors import ExitCode, IntegrityError
from integrity.review.waivers import parse_waivers

VALID: dict[str, Any] = {
    "schema_version": 1,
    "header": {
        "tool_version": "0.1.0",
        "rules_digest": "sha256:" + "0" * 64,
        "created": "2026-01-01T00:00:00Z",
        "source": {"kind": "directory", "location": "tree"},
    },
    "files": [
        {
            "path": "src/a.py",
            "type": "file",
            "size": 3,
            "executable": False,
            "sha256": "a" * 64,
            "language": "python",
            "symbols": [{"name": "f", "kind": "function", "lines": [1, 2], "digest": "d" * 32}],
            "constants": [{"key": "K", "value": "1", "line": 1}],
        }
    ],
}

WRONG = [None, True, -1, 2**80, 1.5, float("nan"), "", "x" * 100_000, [], {}, [[[]]], {"a": {}}]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    out = copy.deepcopy(doc)
    node = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


def _load(data: bytes) -> int:
    try:
        load_baseline_bytes(data, "crafted.json", None)
    except IntegrityError as exc:
        return int(exc.exit_code)
    return 0


def test_the_valid_document_loads() -> None:
    assert _load(json.dumps(VALID).encode()) == 0


def test_wrong_types_at_every_level_exit_3_or_load() -> None:
    cases = 0
    for path in _paths(VALID):
        for value in WRONG:
            data = json.dumps(_set(VALID, path, value), allow_nan=True).encode()
            assert _load(data) in (0, ExitCode.INVALID_INPUT), (path, repr(value)[:40])
            cases += 1
    assert cases > 300


@pytest.mark.parametrize(
    "label, data",
    [
        ("deep-array", b"[" * 200_000 + b"]" * 200_000),
        ("deep-object", b'{"a":' * 100_000 + b"1" + b"}" * 100_000),
        ("huge-int", b'{"schema_version": 1' + b"0" * 50_000 + b"}"),
        ("1e400", b'{"schema_version": 1e400}'),
        ("nan", b'{"schema_version": NaN, "files": [Infinity, -Infinity]}'),
        ("duplicate-keys", b'{"schema_version": 1, "schema_version": 1}'),
        ("bom", b"\xef\xbb\xbf" + json.dumps(VALID).encode()),
        ("utf16", json.dumps(VALID).encode("utf-16")),
        ("lone-surrogate", b'{"schema_version": 1, "header": "\\ud800"}'),
        ("nul", b'{"schema_version": 1,\x00}'),
        ("empty", b""),
        ("top-level-list", b"[1]"),
    ],
)
def test_crafted_documents_exit_3(label: str, data: bytes) -> None:
    started = time.monotonic()
    assert _load(data) == ExitCode.INVALID_INPUT, label
    assert time.monotonic() - started < 5, label


@pytest.mark.parametrize(
    "path",
    ["../etc/passwd", "a/../../b", "/etc/passwd", "..", "a/..", "", "a\x00b", "./../x"],
)
def test_escaping_paths_in_content_records_are_refused(path: str) -> None:
    doc = _set(VALID, ("files", 0, "path"), path)
    assert _load(json.dumps(doc).encode()) == ExitCode.INVALID_INPUT, path


@pytest.mark.parametrize(
    "lines",
    [[], [1], ["a", "b"], [1, 2, 3], [-1, 2], None, "12", {"0": 1}],
)
def test_malformed_symbol_lines_exit_3(lines: Any) -> None:
    doc = _set(VALID, ("files", 0, "symbols", 0, "lines"), lines)
    assert _load(json.dumps(doc).encode()) == ExitCode.INVALID_INPUT, lines


WAIVER = """version = 1
[[waiver]]
fingerprint = "0123456789abcdef0123"
reason = "accepted"
reviewer = "alice"
date = 2026-11-20
"""


@pytest.mark.parametrize(
    "label, text",
    [
        ("nan-version", "version = nan\n"),
        ("inf-version", "version = inf\n"),
        ("huge-version", "version = 1" + "0" * 5000 + "\n"),
        ("float-1e400", "version = 1e400\n"),
        ("dup-key", WAIVER + 'reason = "again"\n'),
        ("deep-array", "version = " + "[" * 50_000 + "]" * 50_000 + "\n"),
        ("deep-inline", "x = " + "{a = " * 5_000 + "1" + "}" * 5_000 + "\n"),
        ("path-dotdot", WAIVER.replace('fingerprint = "0123456789abcdef0123"', 'path = "../x"')),
        ("long-reason", WAIVER.replace('"accepted"', '"' + "a" * 1_000_000 + '"')),
        ("wrong-date", WAIVER.replace("2026-11-20", '"yesterday"')),
        ("date-time", WAIVER.replace("2026-11-20", "2026-11-20T10:00:00Z")),
        ("scope-table", WAIVER + "scope = {a = 1}\n"),
        ("waiver-not-array", 'version = 1\nwaiver = "x"\n'),
        ("waiver-of-ints", "version = 1\nwaiver = [1, 2]\n"),
        ("fingerprint-int", WAIVER.replace('"0123456789abcdef0123"', "123")),
        ("not-utf8", "version = 1\n# \udcff\n"),
    ],
)
def test_crafted_waiver_files_load_or_exit_3(label: str, text: str) -> None:
    data = text.encode("utf-8", "surrogateescape")
    started = time.monotonic()
    try:
        parse_waivers(data, "crafted.toml")
    except IntegrityError as exc:
        assert exc.exit_code == ExitCode.INVALID_INPUT, label
    assert time.monotonic() - started < 5, label


def test_crafted_baseline_through_the_cli_exits_3_with_one_line(
    tmp_path: Path, run_cli: Any
) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.py").write_text("x = 1\n")
    for label, data in {
        "deep": b"[" * 100_000,
        "lines": json.dumps(_set(VALID, ("files", 0, "symbols", 0, "lines"), [])).encode(),
        "nan": b'{"schema_version": 1, "header": NaN, "files": []}',
    }.items():
        baseline = tmp_path / f"{label}.json"
        baseline.write_bytes(data)
        result = run_cli("verify", str(tree), "--baseline", str(baseline), "--quiet")
        assert result.code == 3, (label, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, label
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "text",
    [
        "max_file_size = 1" + "0" * 5000 + "\n",
        "exclude = " + "[" * 50_000 + "]" * 50_000 + "\n",
        "x = " + "{a = " * 5_000 + "1" + "}" * 5_000 + "\n",
        "parse_timeout = nan\n",
        "parse_timeout = inf\n",
        "max_file_size = 1e400\n",
        "[limits]\nmax_ratio = -1\n",
        "[limits]\nratio_min_size = 0\n",
    ],
)
def test_crafted_policy_and_rule_files_exit_3(text: str) -> None:
    from integrity.config import parse_policy
    from integrity.rules.load import parse_file

    for load in (
        lambda d: parse_policy(d, "integrity.toml", pyproject=False),
        lambda d: parse_file(d, "rules.toml"),
    ):
        with pytest.raises(IntegrityError) as caught:
            load(text.encode())
        assert caught.value.exit_code == ExitCode.INVALID_INPUT
