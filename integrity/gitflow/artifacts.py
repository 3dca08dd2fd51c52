"""Pure: what kind of file a release archive holds beyond its git tag (autotools output, ...)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import PurePosixPath


class Artifact(StrEnum):
    """Classes of files that release tooling adds to a tarball."""

    AUTOTOOLS = "generated autotools output"
    M4_MACRO = "vendored m4 macro"
    TRANSLATION = "translation"
    GENERATED_DOC = "generated documentation"
    SOURCE = "source file"


_AUTOTOOLS_NAMES = frozenset(
    {
        "configure",
        "aclocal.m4",
        "config.h.in",
        "config.h.in~",
        "config.guess",
        "config.sub",
        "config.rpath",
        "install-sh",
        "ltmain.sh",
        "depcomp",
        "missing",
        "compile",
        "test-driver",
        "ar-lib",
        "mkinstalldirs",
        "ylwrap",
        "py-compile",
        "stamp-h.in",
        "ABOUT-NLS",
        "Makefile.in.in",
        "Rules-quot",
        "remove-potcdate.sin",
        "quot.sed",
        "boldquot.sed",
        "insert-header.sin",
        "en@quot.header",
        "en@boldquot.header",
    }
)
_AUTOTOOLS_DIRS = frozenset({"build-aux", "autotools", "config"})
_TRANSLATION_SUFFIXES = (".gmo", ".po", ".pot", ".mo")
_DOC_DIRS = frozenset({"doc", "docs", "man", "api"})
_DOC_SUFFIXES = (".html", ".htm", ".css", ".info", ".pdf", ".txt", ".png", ".svg", ".js", ".ps")
_DOC_NAMES = frozenset({"ChangeLog", "INSTALL", "NEWS", "THANKS", "AUTHORS"})


def classify_artifact(path: str) -> Artifact:
    """The class of a file present in a release archive but not in the tag (or different)."""
    pure = PurePosixPath(path)
    name = pure.name
    dirs = set(pure.parts[:-1])
    if name.endswith(".m4") and name != "aclocal.m4":
        return Artifact.M4_MACRO
    if (
        name in _AUTOTOOLS_NAMES
        or name == "Makefile.in"
        or (name.endswith(".in") and (name.startswith("Makefile") or name.endswith(".h.in")))
    ):
        return Artifact.AUTOTOOLS
    if dirs & _AUTOTOOLS_DIRS and "." not in name:
        return Artifact.AUTOTOOLS
    if name.endswith(_TRANSLATION_SUFFIXES) or name in {"LINGUAS", "POTFILES"}:
        return Artifact.TRANSLATION
    if name in _DOC_NAMES:
        return Artifact.GENERATED_DOC
    if dirs & _DOC_DIRS and (name.endswith(_DOC_SUFFIXES) or _is_man_page(name)):
        return Artifact.GENERATED_DOC
    return Artifact.SOURCE


def _is_man_page(name: str) -> bool:
    suffix = PurePosixPath(name).suffix
    return len(suffix) == 2 and suffix[1].isdigit()
