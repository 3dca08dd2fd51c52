"""diff_symbols / diff_constants on hand-built records (pure functions, no parsing)."""

from __future__ import annotations

from integrity.model import Constant, EntryType, FileRecord, Symbol, SymbolChangeKind
from integrity.symdiff import ConstantChange, diff_constants, diff_symbols


def rec(
    symbols: tuple[Symbol, ...] = (), constants: tuple[Constant, ...] = (), digest: str = "t1"
) -> FileRecord:
    return FileRecord(
        path="x.c",
        kind=EntryType.FILE,
        size=1,
        executable=False,
        sha256="0" * 64,
        symbols=symbols,
        constants=constants,
        token_digest=digest,
    )


def sym(name: str, digest: str, line: int = 1, kind: str = "function") -> Symbol:
    return Symbol(name, kind, line, line + 2, digest, ("crypto",) if "sign" in name else ())


def test_cosmetic_needs_equal_token_digests() -> None:
    assert diff_symbols(rec(digest="a"), rec(digest="a")) == ((), True)
    assert diff_symbols(rec(digest="a"), rec(digest="b"))[1] is False
    assert diff_symbols(rec(digest=""), rec(digest=""))[1] is True
    none = FileRecord("x", EntryType.FILE, 1, False, None)
    assert diff_symbols(none, none)[1] is False


def test_rename_keeps_kind_and_reports_old_name() -> None:
    old = rec((sym("sign_blob", "d1", 1), sym("other", "d2", 10)))
    new = rec((sym("sign_data", "d1", 1), sym("other", "d2", 10)), digest="t2")
    (change,), cosmetic = diff_symbols(old, new)
    assert not cosmetic
    assert (change.kind, change.name, change.old_name, change.sensitive) == (
        SymbolChangeKind.RENAMED,
        "sign_data",
        "sign_blob",
        ("crypto",),
    )


def test_same_digest_different_kind_is_not_a_rename() -> None:
    old = rec((sym("A", "d1", kind="class"),))
    new = rec((sym("B", "d1", kind="function"),), digest="t2")
    changes, _ = diff_symbols(old, new)
    assert sorted((c.kind.value, c.name) for c in changes) == [("added", "B"), ("removed", "A")]


def test_constant_value_change_and_index_shift() -> None:
    old = rec(constants=(Constant("f:K#0", "0x1,0x2", 3, "f"), Constant("f:K#1", "0x9", 4, "f")))
    new = rec(
        constants=(
            Constant("f:K#0", "0x7", 3, "f"),  # inserted before: shifts the others
            Constant("f:K#1", "0x1,0x2", 4, "f"),
            Constant("f:K#2", "0xa", 5, "f", "std"),
        )
    )
    assert diff_constants(old, new) == (
        ConstantChange("f:K#0", "0x1,0x2", "0x7", 3, "f", None),
        ConstantChange("f:K#1", "0x9", "0x1,0x2", 4, "f", None),
        ConstantChange("f:K#2", "", "0xa", 5, "f", "std"),
    )


def test_constant_added_and_removed() -> None:
    old = rec(constants=(Constant("a#0", "0x1", 1),))
    new = rec(constants=(Constant("b#0", "0x2", 2),))
    assert diff_constants(old, new) == (
        ConstantChange("a#0", "0x1", "", 1, None, None),
        ConstantChange("b#0", "", "0x2", 2, None, None),
    )
    assert diff_constants(old, old) == ()
