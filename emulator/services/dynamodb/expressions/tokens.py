"""Expression tokens: one compiled pattern per grammar, and AWS's syntax-error wording."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, TypeAlias

from emulator.services.dynamodb.errors import ValidationException

Mode: TypeAlias = Literal["condition", "update", "projection"]

NAME = "name"  # a bare attribute name, keyword or function name
ATTR = "attr"  # an ExpressionAttributeNames placeholder, "#n"
VALUE = "value"  # an ExpressionAttributeValues placeholder, ":v"
NUMBER = "number"  # digits; valid only inside a list index
OP = "op"  # comparators and arithmetic
PUNCT = "punct"  # ( ) [ ] , .
BAD = "bad"  # any other character
END = "end"

COMPARATORS = frozenset(("=", "<>", "<", "<=", ">", ">="))

_BODY = (
    r"\s*(?:(?P<op><=|>=|<>|[=<>+\-])|(?P<punct>[()\[\],.])"
    r"|(?P<value>:[A-Za-z0-9_]+)|(?P<attr>\#[A-Za-z0-9_]+)|(?P<number>[0-9]+)"
    r"|(?P<name>{start}[A-Za-z0-9_]*)|(?P<bad>\S))"
)
# DynamoDB lets update and projection names start with "_", but not condition paths:
# there "_x" reads as a stray "_" followed by "x".
_PATTERNS = {
    "condition": re.compile(_BODY.format(start="[A-Za-z]"), re.DOTALL),
    "update": re.compile(_BODY.format(start="[A-Za-z_]"), re.DOTALL),
    "projection": re.compile(_BODY.format(start="[A-Za-z_]"), re.DOTALL),
}


@dataclass(frozen=True, slots=True)
class Token:
    """One lexical unit and where it sits in the expression (character offsets)."""

    kind: str
    text: str
    start: int
    end: int

    def is_word(self, word: str) -> bool:
        """Whether this is the keyword ``word``, in any letter case."""
        return self.kind == NAME and self.text.upper() == word


def tokenize(expression: str, mode: Mode) -> list[Token]:
    """Split an expression into tokens, ending with an ``<EOF>`` token."""
    pattern = _PATTERNS[mode]
    tokens: list[Token] = []
    position, length = 0, len(expression)
    while position < length:
        match = pattern.match(expression, position)
        if match is None:  # only whitespace is left
            break
        kind = match.lastgroup or BAD
        tokens.append(Token(kind, match.group(kind), match.start(kind), match.end()))
        position = match.end()
    tokens.append(Token(END, "<EOF>", length, length))
    return tokens


def syntax_error(
    label: str, expression: str, tokens: list[Token], index: int
) -> ValidationException:
    """AWS's syntax error: the token reading stopped at, and the text from the token
    before it to the token after it."""
    token = tokens[index]
    start = tokens[index - 1].start if index > 0 else token.start
    end = tokens[index + 1].end if index + 1 < len(tokens) else token.end
    near = expression[start:end]
    return ValidationException(
        f'Invalid {label}: Syntax error; token: "{token.text}", near: "{near}"'
    )
