"""PartiQL tokens: names, quoted names, strings, numbers, ``?``, operators, punctuation.

The keyword list is PartiQL's (SQL-92's reserved words plus PartiQL's own), which is
why ``WHERE pad = 'x'`` fails on DynamoDB while ``WHERE "pad" = 'x'`` runs: a keyword
can only be used as a name in double quotes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

from emulator.services.dynamodb.partiql.errors import malformed

Kind: TypeAlias = Literal[
    "name", "quoted", "string", "number", "param", "op", "punct", "bag_open", "bag_close", "end"
]

_SQL92 = """
absolute action add all allocate alter and any are as asc assertion at authorization avg
begin between bit bit_length by cascade cascaded case cast catalog char character
character_length char_length check close coalesce collate collation column commit connect
connection constraint constraints continue convert corresponding count create cross current
current_date current_time current_timestamp current_user cursor date deallocate dec decimal
declare default deferrable deferred delete desc describe descriptor diagnostics disconnect
distinct domain double drop else end end-exec escape except exception exec execute exists
external extract date_add date_diff false fetch first float for foreign found from full get
global go goto grant group having identity immediate in indicator initially inner input
insensitive insert int integer intersect interval into is isolation join key language last
left level like local lower match max min module names national natural nchar next no not
null nullif numeric octet_length of on only open option or order outer output overlaps pad
partial position precision prepare preserve primary prior privileges procedure public read
real references relative restrict revoke right rollback rows schema scroll section select
session session_user set size smallint some space sql sqlcode sqlerror sqlstate substring sum
system_user table temporary then time timestamp to transaction translate translation trim
true union unique unknown update upper usage user using value values varchar varying view
when whenever where with work write zone
"""
_PARTIQL = """
can_cast can_lossless_cast missing pivot unpivot limit offset tuple remove index let
integer2 int2 integer4 int4 integer8 int8 bigint conflict do nothing returning modified new
old bool boolean string symbol clob blob struct list sexp bag
"""
KEYWORDS = frozenset(_SQL92.split()) | frozenset(_PARTIQL.split())

_OPERATORS = ("<>", "!=", "<=", ">=", "||", "=", "<", ">", "+", "-", "*", "/", "%")
_PUNCTUATION = "()[]{},.:;"


@dataclass(frozen=True, slots=True)
class Token:
    """One lexical unit: its kind, its text (unescaped for quoted forms) and its offset."""

    kind: Kind
    text: str
    position: int

    @property
    def keyword(self) -> str | None:
        """The lower-case keyword this bare name is, or None."""
        if self.kind != "name":
            return None
        lowered = self.text.lower()
        return lowered if lowered in KEYWORDS else None

    def is_word(self, *words: str) -> bool:
        """Whether this is a bare name spelling one of ``words`` (any case)."""
        return self.kind == "name" and self.text.lower() in words


def tokenize(text: str) -> list[Token]:
    """Split a statement into tokens, ending with an ``end`` token.

    Raises:
        ValidationException: for an unterminated quote or a character PartiQL does not
            know, with the bare envelope AWS answers such statements with.
    """
    tokens: list[Token] = []
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char.isspace():
            index += 1
        elif text.startswith("--", index):
            newline = text.find("\n", index)
            index = length if newline < 0 else newline + 1
        elif text.startswith("/*", index):
            close = text.find("*/", index + 2)
            if close < 0:
                raise malformed("")
            index = close + 2
        elif char in "'\"":
            value, index_after = _quoted(text, index)
            tokens.append(Token("string" if char == "'" else "quoted", value, index))
            index = index_after
        elif char.isalpha() or char == "_":
            end = index + 1
            while end < length and (text[end].isalnum() or text[end] in "_$"):
                end += 1
            tokens.append(Token("name", text[index:end], index))
            index = end
        elif char.isdigit() or (char == "." and index + 1 < length and text[index + 1].isdigit()):
            end = _number_end(text, index)
            tokens.append(Token("number", text[index:end], index))
            index = end
        elif char == "?":
            tokens.append(Token("param", "?", index))
            index += 1
        elif text.startswith("<<", index):
            tokens.append(Token("bag_open", "<<", index))
            index += 2
        elif text.startswith(">>", index):
            tokens.append(Token("bag_close", ">>", index))
            index += 2
        else:
            operator = next((op for op in _OPERATORS if text.startswith(op, index)), None)
            if operator is not None:
                tokens.append(Token("op", "<>" if operator == "!=" else operator, index))
                index += len(operator)
            elif char in _PUNCTUATION:
                tokens.append(Token("punct", char, index))
                index += 1
            else:
                raise malformed("")
    tokens.append(Token("end", "", length))
    return tokens


def _quoted(text: str, start: int) -> tuple[str, int]:
    """A quoted string or name from ``start``; a doubled quote stands for one."""
    quote = text[start]
    parts: list[str] = []
    index = start + 1
    while True:
        close = text.find(quote, index)
        if close < 0:
            raise malformed("")
        parts.append(text[index:close])
        if text.startswith(quote * 2, close):
            parts.append(quote)
            index = close + 2
            continue
        return "".join(parts), close + 1


def _number_end(text: str, index: int) -> int:
    length = len(text)
    end = index
    while end < length and text[end].isdigit():
        end += 1
    if end < length and text[end] == "." and (end + 1 >= length or text[end + 1] != "."):
        end += 1
        while end < length and text[end].isdigit():
            end += 1
    if end < length and text[end] in "eE":
        mark = end + 1
        if mark < length and text[mark] in "+-":
            mark += 1
        if mark < length and text[mark].isdigit():
            end = mark
            while end < length and text[end].isdigit():
                end += 1
    return end
