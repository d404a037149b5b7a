"""Python nested too deep for a parser: found by a token scan, before any parser sees it.

CPython's ``ast`` refuses deep nesting with an exception, but libcst's native parser
overflows the C stack and kills the process (2,000 nested parentheses, a 5,000-term
``+`` chain), which no ``except`` can catch. ``too_deep_for_reference`` reads the tokens
(pure Python, no recursion) and says when a file must not reach libcst.

``top_level_statements`` splits a file into its top-level statements, so that a file
with one statement too deep to read loses that statement only (``extract.py`` blanks it
and reads the rest).
"""

from __future__ import annotations

import io
import tokenize

# libcst 1.9.0 parses 1,000 nested parentheses and a 3,000-term chain and crashes at 2,000
# and 5,000 (measured); CPython's own tokenizer stops at 200 nested brackets.
MAX_BRACKET_DEPTH = 200
MAX_CHAIN_TOKENS = 1_000  # operators, trailers and prefix keywords in one logical line
_OPENERS = frozenset("([{")
_CLOSERS = frozenset(")]}")
_SEPARATORS = frozenset({",", ":", ";", "=", "->"})
_DEEPENING_WORDS = frozenset({"not", "lambda", "await", "and", "or", "if", "else", "in", "is"})
_CONTINUATIONS = frozenset({"else", "elif", "except", "finally"})


def too_deep_for_reference(text: str) -> tuple[int, str] | None:
    """(line, reason) when ``text`` nests deeper than libcst can parse safely, or cannot be
    tokenized (then nobody can say how deep it is); None when it is safe."""
    depth = chain = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            kind, word = token.type, token.string
            if kind == tokenize.NEWLINE:
                chain = 0
            elif kind == tokenize.OP:
                if word in _OPENERS:
                    depth += 1
                    chain += 1
                    if depth > MAX_BRACKET_DEPTH:
                        return token.start[0], f"brackets nested more than {MAX_BRACKET_DEPTH} deep"
                elif word in _CLOSERS:
                    depth -= 1
                elif word not in _SEPARATORS:
                    chain += 1
            elif kind == tokenize.NAME and word in _DEEPENING_WORDS:
                chain += 1
            if chain > MAX_CHAIN_TOKENS:
                return token.start[0], f"an expression of more than {MAX_CHAIN_TOKENS:,} operators"
    except (tokenize.TokenError, SyntaxError):  # IndentationError is a SyntaxError
        return _too_deep_raw(text)  # the tokens before the error were checked; count the rest coarsely
    return None


_RAW_OPERATORS = str.maketrans("", "", "".join(chr(c) for c in range(128) if chr(c) not in "([{)]}+-*/%.&|^~<>@"))


def _too_deep_raw(text: str) -> tuple[int, str] | None:
    """The same limits, counted on characters (brackets and operators inside strings count
    too, so this errs towards 'too deep'): for text the tokenizer gives up on."""
    depth = 0
    for number, line in enumerate(text.splitlines(), start=1):
        marks = line.translate(_RAW_OPERATORS)
        if len(marks) - sum(map(marks.count, _CLOSERS)) > MAX_CHAIN_TOKENS:
            return number, f"an expression of more than {MAX_CHAIN_TOKENS:,} operators"
        for mark in marks:
            if mark in _OPENERS:
                depth += 1
                if depth > MAX_BRACKET_DEPTH:
                    return number, f"brackets nested more than {MAX_BRACKET_DEPTH} deep"
            elif mark in _CLOSERS:
                depth -= 1
    return None


def top_level_statements(text: str) -> list[tuple[int, int]] | None:
    """The (first, last) line of each top-level statement, decorators and ``else``/``except``
    clauses with their statement; None when ``text`` cannot be tokenized."""
    spans: list[tuple[int, int]] = []
    indent = 0
    at_line_start = True
    joins_previous = False  # the statement before was a decorator
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            kind = token.type
            if kind == tokenize.INDENT:
                indent += 1
            elif kind == tokenize.DEDENT:
                indent -= 1
            elif kind in (tokenize.NL, tokenize.COMMENT, tokenize.ENDMARKER):
                pass
            elif kind == tokenize.NEWLINE:
                at_line_start = True
            elif at_line_start:
                at_line_start = False
                row = token.start[0]
                if indent == 0 and not joins_previous and token.string not in _CONTINUATIONS or not spans:
                    spans.append((row, row))
                joins_previous = indent == 0 and token.string == "@"
            if spans and kind not in (tokenize.DEDENT, tokenize.ENDMARKER, tokenize.NL, tokenize.COMMENT):
                spans[-1] = (spans[-1][0], max(spans[-1][1], token.end[0]))
    except (tokenize.TokenError, SyntaxError):
        return None
    return spans


def blank_lines(lines: list[str], first: int, last: int) -> None:
    """Blank lines ``first``..``last`` (1-based; each ends with its line break) in place,
    keeping the line breaks: every other line keeps its number."""
    for number in range(first - 1, min(last, len(lines))):
        line = lines[number]
        lines[number] = line[len(line.rstrip("\r\n")):]
