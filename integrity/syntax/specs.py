"""Per-language tree-sitter query text: one query per language captures, in a single C-side pass,
definitions (`sym.<kind>`), qualifying scopes (`scope`), comments, string-like leaves kept verbatim,
number literals, initialiser tables, (Python) indentation blocks and the literals that are the
whole value of an assignment or declaration.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LanguageSpec:
    """How symbols and literals look in one grammar."""

    query: str
    separator: str = "."
    newline_sensitive: bool = False
    blocks: bool = False  # emit structure markers at `block` captures (indentation languages)


_C_COMMON = """
(comment) @comment
[(string_literal) (char_literal) (system_lib_string)] @string
(number_literal) @number
(initializer_list) @table
(preproc_def name: (identifier) value: (preproc_arg)) @define
"""

_C = (
    _C_COMMON
    + """
(function_definition) @sym.function
(struct_specifier name: (_) body: (_)) @sym.struct
(union_specifier name: (_) body: (_)) @sym.struct
"""
)

_CPP = (
    _C_COMMON
    + """
(raw_string_literal) @string
(function_definition) @sym.function
(class_specifier name: (_) body: (_)) @sym.class
(struct_specifier name: (_) body: (_)) @sym.struct
(union_specifier name: (_) body: (_)) @sym.struct
(namespace_definition name: (_)) @scope
"""
)

_PYTHON = """
(comment) @comment
(string) @string
(integer) @number
[(list) (tuple) (set)] @table
(block) @block
(function_definition) @sym.function
(class_definition) @sym.class
"""

_JS_COMMON = """
(comment) @comment
[(string) (template_string) (regex)] @string
(number) @number
(array) @table
(function_declaration) @sym.function
(generator_function_declaration) @sym.function
(method_definition) @sym.function
(variable_declarator name: (identifier)
  value: [(arrow_function) (function_expression)]) @sym.function
(class_declaration) @sym.class
"""

_TS = (
    _JS_COMMON
    + """
(abstract_class_declaration) @sym.class
(interface_declaration) @sym.interface
(enum_declaration) @sym.enum
(internal_module name: (_)) @scope
"""
)

_GO = """
(comment) @comment
[(interpreted_string_literal) (raw_string_literal) (rune_literal)] @string
(int_literal) @number
(literal_value) @table
(function_declaration) @sym.function
(method_declaration) @sym.function
(type_spec name: (_) type: (struct_type)) @sym.struct
(type_spec name: (_) type: (interface_type)) @sym.interface
"""

_JAVA = """
[(line_comment) (block_comment)] @comment
[(string_literal) (character_literal)] @string
[(hex_integer_literal) (decimal_integer_literal) (octal_integer_literal)
 (binary_integer_literal)] @number
(array_initializer) @table
(method_declaration) @sym.function
(constructor_declaration) @sym.function
(class_declaration) @sym.class
(record_declaration) @sym.class
(interface_declaration) @sym.interface
(enum_declaration) @sym.enum
"""

_PHP = """
(comment) @comment
[(string) (encapsed_string) (heredoc) (nowdoc)] @string
(integer) @number
(array_creation_expression) @table
(function_definition) @sym.function
(method_declaration) @sym.function
(class_declaration) @sym.class
(interface_declaration) @sym.interface
(trait_declaration) @sym.trait
(enum_declaration) @sym.enum
(namespace_definition name: (_)) @scope
"""

_RUBY = """
(comment) @comment
[(string) (heredoc_body) (regex) (character) (subshell)] @string
(integer) @number
(array) @table
(method) @sym.function
(singleton_method) @sym.function
(class) @sym.class
(module) @scope
"""

_RUST = """
[(line_comment) (block_comment)] @comment
[(string_literal) (raw_string_literal) (char_literal)] @string
(integer_literal) @number
(array_expression) @table
(function_item) @sym.function
(struct_item) @sym.struct
(enum_item) @sym.enum
(trait_item) @sym.trait
(mod_item body: (_)) @scope
(impl_item) @scope
"""

_BASH = """
(comment) @comment
[(string) (raw_string) (ansi_c_string) (heredoc_body)] @string
(number) @number
(array) @table
(function_definition) @sym.function
"""

_CSHARP = """
(comment) @comment
[(string_literal) (verbatim_string_literal) (raw_string_literal)
 (interpolated_string_expression) (character_literal)] @string
(integer_literal) @number
(initializer_expression) @table
(method_declaration) @sym.function
(constructor_declaration) @sym.function
(local_function_statement) @sym.function
(class_declaration) @sym.class
(record_declaration) @sym.class
(struct_declaration) @sym.struct
(interface_declaration) @sym.interface
(enum_declaration) @sym.enum
(namespace_declaration) @scope
(file_scoped_namespace_declaration) @scope
"""

_CMAKE = """
[(line_comment) (bracket_comment)] @comment
[(quoted_argument) (bracket_argument)] @string
(function_def) @sym.function
(macro_def) @sym.function
"""

# Literals whose parent makes them the whole value of an assignment or declaration (names.py
# _DIRECT_PARENTS, as captures: asking a node for its parent walks down from the root). Only
# parent/child pairs the grammar allows: a query with an impossible pair does not compile.
_DIRECT: dict[str, str] = {
    "c": """
(assignment_expression [(char_literal) (number_literal) (string_literal)] @direct)
(enumerator [(char_literal) (number_literal) (string_literal)] @direct)
(init_declarator [(char_literal) (initializer_list) (number_literal) (string_literal)] @direct)
(initializer_pair [
  (char_literal) (initializer_list) (number_literal) (string_literal)
] @direct)
""",
    "cpp": """
(assignment_expression [
  (char_literal) (initializer_list) (number_literal) (raw_string_literal) (string_literal)
] @direct)
(enumerator [(char_literal) (number_literal) (raw_string_literal) (string_literal)] @direct)
(field_declaration [
  (char_literal) (initializer_list) (number_literal) (raw_string_literal) (string_literal)
  (system_lib_string)
] @direct)
(init_declarator [
  (char_literal) (initializer_list) (number_literal) (raw_string_literal) (string_literal)
] @direct)
(initializer_pair [
  (char_literal) (initializer_list) (number_literal) (raw_string_literal) (string_literal)
] @direct)
""",
    "python": """
(assignment [(integer) (list) (set) (string) (tuple)] @direct)
(augmented_assignment [(integer) (list) (set) (string) (tuple)] @direct)
(expression_list [(integer) (list) (set) (string) (tuple)] @direct)
(keyword_argument [(integer) (list) (set) (string) (tuple)] @direct)
(pair [(integer) (list) (set) (string) (tuple)] @direct)
""",
    "javascript": """
(assignment_expression [(array) (number) (regex) (string) (template_string)] @direct)
(pair [(array) (number) (regex) (string) (template_string)] @direct)
(variable_declarator [(array) (number) (regex) (string) (template_string)] @direct)
""",
    "typescript": """
(assignment_expression [(array) (number) (regex) (string) (template_string)] @direct)
(pair [(array) (number) (regex) (string) (template_string)] @direct)
(variable_declarator [(array) (number) (regex) (string) (template_string)] @direct)
""",
    "tsx": """
(assignment_expression [(array) (number) (regex) (string) (template_string)] @direct)
(pair [(array) (number) (regex) (string) (template_string)] @direct)
(variable_declarator [(array) (number) (regex) (string) (template_string)] @direct)
""",
    "go": """
(expression_list [
  (int_literal) (interpreted_string_literal) (raw_string_literal) (rune_literal)
] @direct)
(field_declaration [(interpreted_string_literal) (raw_string_literal)] @direct)
""",
    "java": """
(assignment_expression [
  (binary_integer_literal) (character_literal) (decimal_integer_literal) (hex_integer_literal)
  (octal_integer_literal) (string_literal)
] @direct)
(variable_declarator [
  (array_initializer) (binary_integer_literal) (character_literal) (decimal_integer_literal)
  (hex_integer_literal) (octal_integer_literal) (string_literal)
] @direct)
""",
    "php": """
(assignment_expression [
  (array_creation_expression) (encapsed_string) (heredoc) (integer) (nowdoc) (string)
] @direct)
(const_element [
  (array_creation_expression) (encapsed_string) (heredoc) (integer) (nowdoc) (string)
] @direct)
(pair [
  (array_creation_expression) (encapsed_string) (heredoc) (integer) (nowdoc) (string)
] @direct)
""",
    "ruby": """
(assignment [(array) (character) (heredoc_body) (integer) (regex) (string) (subshell)] @direct)
(pair [(array) (character) (heredoc_body) (integer) (regex) (string) (subshell)] @direct)
""",
    "rust": """
(assignment_expression [
  (array_expression) (char_literal) (integer_literal) (raw_string_literal) (string_literal)
] @direct)
(const_item [
  (array_expression) (char_literal) (integer_literal) (raw_string_literal) (string_literal)
] @direct)
(let_declaration [
  (array_expression) (char_literal) (integer_literal) (raw_string_literal) (string_literal)
] @direct)
(static_item [
  (array_expression) (char_literal) (integer_literal) (raw_string_literal) (string_literal)
] @direct)
""",
    "bash": """
(variable_assignment [(ansi_c_string) (array) (number) (raw_string) (string)] @direct)
""",
    "csharp": """
(assignment_expression [
  (character_literal) (initializer_expression) (integer_literal)
  (interpolated_string_expression) (raw_string_literal) (string_literal)
  (verbatim_string_literal)
] @direct)
(property_declaration [
  (character_literal) (initializer_expression) (integer_literal)
  (interpolated_string_expression) (raw_string_literal) (string_literal)
  (verbatim_string_literal)
] @direct)
(variable_declarator [
  (character_literal) (initializer_expression) (integer_literal)
  (interpolated_string_expression) (raw_string_literal) (string_literal)
  (verbatim_string_literal)
] @direct)
""",
}

_SPECS: dict[str, LanguageSpec] = {
    "c": LanguageSpec(_C, separator="::"),
    "cpp": LanguageSpec(_CPP, separator="::"),
    "python": LanguageSpec(_PYTHON, blocks=True),
    "javascript": LanguageSpec(_JS_COMMON, newline_sensitive=True),
    "typescript": LanguageSpec(_TS, newline_sensitive=True),
    "tsx": LanguageSpec(_TS, newline_sensitive=True),
    "go": LanguageSpec(_GO, newline_sensitive=True),
    "java": LanguageSpec(_JAVA),
    "php": LanguageSpec(_PHP, separator="::"),
    "ruby": LanguageSpec(_RUBY, separator="::", newline_sensitive=True),
    "rust": LanguageSpec(_RUST, separator="::"),
    "bash": LanguageSpec(_BASH, newline_sensitive=True),
    "csharp": LanguageSpec(_CSHARP),
    "cmake": LanguageSpec(_CMAKE, newline_sensitive=True),
}
SPECS: dict[str, LanguageSpec] = {
    name: LanguageSpec(
        spec.query + _DIRECT.get(name, ""),
        spec.separator,
        spec.newline_sensitive,
        spec.blocks,
    )
    for name, spec in _SPECS.items()
}
