"""Syntax: language detection, tree-sitter parsing, symbols, literals and constants."""
