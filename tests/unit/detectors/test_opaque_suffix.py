"""opaque.path_suffix answers as PurePosixPath(path).suffix."""

from __future__ import annotations

from pathlib import PurePosixPath

from hypothesis import given, settings
from hypothesis import strategies as st

from integrity.detectors.opaque import classify
from integrity.syntax.languages import path_suffix


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="ab./_-", max_size=16))
def test_path_suffix_matches_pathlib(path: str) -> None:
    assert path_suffix(path) == PurePosixPath(path).suffix


def test_path_suffix_examples() -> None:
    assert path_suffix("docs/logo.png") == ".png"
    assert path_suffix("a/.hidden") == ""
    assert path_suffix("a/b.tar.gz") == ".gz"
    assert path_suffix("a/b./") == ""
    assert path_suffix("a/x.o/.") == ".o"
    assert classify("img/x.PNG".lower(), b"\x00" * 10) is None  # media: expected binary
    assert classify("lib/x.o", b"\x00" * 10) == "executable: compiled code"
