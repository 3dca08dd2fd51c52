"""One file in, its structure out: symbols with digests, pinned constants, the token digest.

Parse once with tree-sitter where a grammar exists (the tree is handed back so detectors never
re-parse). A tree with ERROR nodes degrades to tokens, and says so (parser "tokens", degraded),
for its broken regions only: there the regex lexer's comments, strings and literals replace the
tree's (syntax/regions.py); everywhere else the tree's stand. Every other text file is read as
tokens (Pygments, or the fast regex lexer). Never raises: anything unexpected yields
parser="none".
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, replace
from operator import attrgetter

import tree_sitter

from integrity.model import Constant, Symbol
from integrity.syntax.classify import Tag, classify_names, classify_path
from integrity.syntax.constants import ConstantRegistry
from integrity.syntax.extract import pin, token_candidates, tree_candidates
from integrity.syntax.languages import Grammars, detect_language, has_grammar
from integrity.syntax.regions import (
    broken_nodes,
    broken_regions,
    inside,
    lex_regions,
    patch_events,
)
from integrity.syntax.specs import SPECS
from integrity.syntax.symbols import Definition, TreeScan, query_safe, scan_tree
from integrity.syntax.tokens import REGEX_MAX_BYTES, Event, digest, normalise, token_ranges

logger = logging.getLogger(__name__)

MAX_TREE_BYTES = 8 << 20
_BINARY_PROBE = 8192
_TAG_ORDER: tuple[str, ...] = tuple(tag.value for tag in Tag)
_START = attrgetter("start")
_C_OCTAL = frozenset({"c", "cpp", "perl", "php", "bash", "ruby"})


@dataclass(frozen=True, slots=True)
class Analysis:
    """The structure of one file."""

    language: str | None
    parser: str  # "tree-sitter" | "tokens" | "none"
    degraded: bool  # ERROR nodes: constants and digests of the broken regions come from tokens
    symbols: tuple[Symbol, ...]
    constants: tuple[Constant, ...]
    token_digest: str | None
    tree: tree_sitter.Tree | None  # also set when degraded (the tree then has ERROR nodes)
    over_budget: bool = False  # the parse ran over the grammar's time budget: tokens only


def _none(language: str | None) -> Analysis:
    return Analysis(language, "none", False, (), (), None, None)


def analyze(
    path: str,
    language: str | None,
    data: bytes,
    grammars: Grammars,
    *,
    sensitive_globs: tuple[str, ...] = (),
    registry: ConstantRegistry | None = None,
    digests: bool = True,
) -> Analysis:
    """Symbols, pinned constants and the normalised token digest of one file. Never raises.

    Without `digests` the token stream is not normalised: symbols carry an empty digest and
    the token digest is None (a `scan` reports findings only; nothing compares digests).
    """
    try:
        if b"\x00" in data[:_BINARY_PROBE]:
            return _none(language)
        lang = language or detect_language(path, data[:_BINARY_PROBE])
        path_tags = classify_path(path, sensitive_globs)
        if has_grammar(lang) and lang in SPECS and len(data) <= MAX_TREE_BYTES:
            assert lang is not None
            return _with_tree(path_tags, lang, data, grammars, registry, digests)
        if len(data) > REGEX_MAX_BYTES:
            return _none(lang)
        return _with_tokens(path_tags, lang, data, registry, prefer_pygments=True, digests=digests)
    except Exception:  # a hostile file must never abort a run
        logger.debug("analysis of %s failed", path, exc_info=True)
        return _none(language)


def _symbols(
    definitions: tuple[Definition, ...],
    pieces: list[bytes] | None,
    cuts: list[int],
    path_tags: tuple[str, ...],
) -> tuple[Symbol, ...]:
    """Symbols with the digest of their pieces (an empty digest when `pieces` is None)."""
    index = {position: i for i, position in enumerate(cuts)}
    out: list[Symbol] = []
    path_only = tuple(tag for tag in _TAG_ORDER if tag in path_tags)
    names = classify_names(item.name for item in definitions)
    for item, name_tags in zip(definitions, names, strict=True):
        symbol_digest = ""
        if pieces is not None:
            # the pieces of the definition but not of its name, each followed by a separator
            first, last = index[item.start] + 1, index[item.end] + 1
            name_first, name_last = index[item.name_start] + 1, index[item.name_end] + 1
            kept = pieces[first : max(first, min(last, name_first))]
            kept += pieces[max(first, name_last) : last]
            h = hashlib.sha256(b"\x1c".join(kept) + b"\x1c" if kept else b"")
            symbol_digest = h.hexdigest()[:32]
        if name_tags:
            tags = set(name_tags) | set(path_tags)
            sensitive = tuple(tag for tag in _TAG_ORDER if tag in tags)
        else:
            sensitive = path_only
        out.append(
            Symbol(
                name=item.name,
                kind=item.kind,
                start_line=item.start_line,
                end_line=item.end_line,
                digest=symbol_digest,
                sensitive=sensitive,
            )
        )
    return tuple(out)


def _cuts(definitions: tuple[Definition, ...]) -> list[int]:
    positions: set[int] = set()
    for item in definitions:
        positions.update((item.start, item.end, item.name_start, item.name_end))
    return sorted(positions)


def _with_tree(
    path_tags: tuple[str, ...],
    lang: str,
    data: bytes,
    grammars: Grammars,
    registry: ConstantRegistry | None,
    digests: bool,
) -> Analysis:
    def tokens() -> Analysis:  # the whole file read as tokens, by the regex lexer
        return _with_tokens(path_tags, lang, data, registry, prefer_pygments=False, digests=digests)

    tree, over_budget = grammars.parse_checked(lang, data)
    if tree is None:
        fallback = tokens()
        return replace(fallback, degraded=True, over_budget=True) if over_budget else fallback
    if not query_safe(tree):
        return replace(tokens(), degraded=True, tree=tree)
    scan: TreeScan | None = scan_tree(lang, tree, data, grammars)
    if scan is None:
        return tokens()
    spec = SPECS[lang]
    degraded = tree.root_node.has_error
    file_crypto = Tag.CRYPTO.value in path_tags
    lengths = registry.text_lengths() if registry is not None else frozenset()
    candidates = tree_candidates(scan, data, lang in _C_OCTAL, lengths)
    events: tuple[Event, ...] | list[Event] = scan.events
    if degraded:  # the broken regions' comments, strings and literals come from the regex lexer
        broken = broken_nodes(tree.root_node)
        regions = broken_regions(data, broken, scan.tables, scan.events) if broken else []
        regions = regions or [(0, len(data))]
        ranges = lex_regions(lang, data, regions)
        if digests:
            events = patch_events(scan.events, regions, ranges.events)
        starts = [start for start, _ in regions]
        candidates = [c for c in candidates if not inside(regions, starts, c.start)]
        candidates.extend(token_candidates(ranges, data, lengths))
        candidates.sort(key=_START)
    cuts: list[int] = []
    pieces: list[bytes] | None = None
    if digests:
        cuts = _cuts(scan.definitions)
        pieces = normalise(data, events, cuts, spec.newline_sensitive)
    symbols = _symbols(scan.definitions, pieces, cuts, path_tags)
    crypto = frozenset(i for i, s in enumerate(symbols) if Tag.CRYPTO.value in s.sensitive)
    token_digest = digest(pieces) if pieces is not None else None
    constants = pin(candidates, data, scan.definitions, crypto, file_crypto, registry)
    parser = "tokens" if degraded else "tree-sitter"
    return Analysis(lang, parser, degraded, symbols, constants, token_digest, tree)


def _with_tokens(
    path_tags: tuple[str, ...],
    lang: str | None,
    data: bytes,
    registry: ConstantRegistry | None,
    *,
    prefer_pygments: bool,
    digests: bool,
) -> Analysis:
    ranges = token_ranges(lang, data, prefer_pygments=prefer_pygments)
    lengths = registry.text_lengths() if registry is not None else frozenset()
    candidates = token_candidates(ranges, data, lengths)
    constants = pin(candidates, data, (), frozenset(), Tag.CRYPTO.value in path_tags, registry)
    token_digest = None
    if digests:
        token_digest = digest(normalise(data, ranges.events, [], newline_sensitive=True))
    return Analysis(lang, "tokens", False, (), constants, token_digest, None)
