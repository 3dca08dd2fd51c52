"""Shared helpers for the syntax tests (not a conftest: plain functions)."""

from __future__ import annotations

import hashlib

from integrity.model import EntryType, FileRecord
from integrity.syntax.analyze import Analysis, analyze
from integrity.syntax.constants import ConstantRegistry
from integrity.syntax.languages import Grammars


def record(
    path: str,
    language: str | None,
    source: str | bytes,
    registry: ConstantRegistry | None = None,
) -> tuple[FileRecord, Analysis]:
    """Analyse a snippet and wrap it in the FileRecord a baseline would hold."""
    data = source.encode() if isinstance(source, str) else source
    result = analyze(path, language, data, Grammars(), registry=registry)
    rec = FileRecord(
        path=path,
        kind=EntryType.FILE,
        size=len(data),
        executable=False,
        sha256=hashlib.sha256(data).hexdigest(),
        language=result.language,
        symbols=result.symbols,
        constants=result.constants,
        parser=result.parser,
        token_digest=result.token_digest,
    )
    return rec, result
