"""The syntax tree of a PartiQL statement: expressions, then the four statements.

Nodes keep the offset of the token that starts them, so later stages can point at the
place a problem comes from. Parameters (``?``) stay as ``Param`` nodes until a request's
``Parameters`` are bound (see ``values.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal as Choice
from typing import TypeAlias

from emulator.services.dynamodb.attributes import AttributeValue

Element: TypeAlias = str | int
"""One step of a document path: an attribute or map key, or a list index."""


@dataclass(frozen=True, slots=True)
class Path:
    """A document path such as ``a.b[2]``; the first element is always a name."""

    elements: tuple[Element, ...]
    position: int

    @property
    def top(self) -> str:
        return str(self.elements[0])

    @property
    def label(self) -> str:
        """The name a projected path comes back under: its last name and any indexes
        after it (``m.k[1]`` comes back as ``k[1]``)."""
        last = max(i for i, element in enumerate(self.elements) if isinstance(element, str))
        indexes = "".join(f"[{element}]" for element in self.elements[last + 1 :])
        return f"{self.elements[last]}{indexes}"


@dataclass(frozen=True, slots=True)
class Literal:
    """A constant written in the statement; ``value`` is None for ``MISSING``."""

    value: AttributeValue | None
    position: int


@dataclass(frozen=True, slots=True)
class Param:
    """A ``?``: the ``index``-th entry of the request's ``Parameters``."""

    index: int
    position: int


@dataclass(frozen=True, slots=True)
class ListExpr:
    """``[a, b, ...]``."""

    items: tuple[Expr, ...]
    position: int


@dataclass(frozen=True, slots=True)
class TupleExpr:
    """``{'k': v, ...}``: a map (or, after INSERT ... VALUE, the item)."""

    entries: tuple[tuple[str, Expr], ...]
    position: int


@dataclass(frozen=True, slots=True)
class BagExpr:
    """``<<a, b, ...>>``: DynamoDB stores it as a string or number set."""

    items: tuple[Expr, ...]
    position: int


@dataclass(frozen=True, slots=True)
class Call:
    """``name(args)``; ``name`` is lower case (PartiQL function names ignore case)."""

    name: str
    args: tuple[Expr, ...]
    position: int
    width: int
    """How many characters the function name takes in the statement."""


@dataclass(frozen=True, slots=True)
class Unary:
    """``NOT x`` or a sign in front of an operand."""

    op: Choice["not", "-", "+"]
    operand: Expr
    position: int


@dataclass(frozen=True, slots=True)
class Binary:
    """A comparison, ``AND``/``OR`` or arithmetic; ``op`` is lower case (``and``)."""

    op: str
    left: Expr
    right: Expr
    position: int


@dataclass(frozen=True, slots=True)
class Between:
    """``subject [NOT] BETWEEN low AND high``."""

    subject: Expr
    low: Expr
    high: Expr
    negated: bool
    position: int


@dataclass(frozen=True, slots=True)
class In:
    """``subject [NOT] IN [a, b, ...]``."""

    subject: Expr
    options: Expr
    negated: bool
    position: int


@dataclass(frozen=True, slots=True)
class Is:
    """``subject IS [NOT] MISSING`` (or NULL, or a type name), ``kind`` upper case."""

    subject: Expr
    kind: str
    negated: bool
    position: int


Expr: TypeAlias = (
    Path
    | Literal
    | Param
    | ListExpr
    | TupleExpr
    | BagExpr
    | Call
    | Unary
    | Binary
    | Between
    | In
    | Is
)
CONSTANTS = (Literal, Param, ListExpr, TupleExpr, BagExpr)
"""Nodes whose value does not depend on the item (once parameters are bound)."""

ReturnChoice: TypeAlias = Choice["ALL OLD", "ALL NEW", "MODIFIED OLD", "MODIFIED NEW"]


@dataclass(frozen=True, slots=True)
class Source:
    """``"Table"`` or ``"Table"."Index"`` after FROM, INTO or UPDATE."""

    table: str
    index: str | None
    position: int


@dataclass(frozen=True, slots=True)
class OrderKey:
    """One ``ORDER BY`` key."""

    name: str
    descending: bool


@dataclass(frozen=True, slots=True)
class Select:
    """``SELECT projection FROM source [WHERE ...] [ORDER BY ...]``; projection None is ``*``."""

    projection: tuple[Path, ...] | None
    source: Source
    where: Expr | None
    order: tuple[OrderKey, ...]


@dataclass(frozen=True, slots=True)
class Insert:
    """``INSERT INTO source VALUE {...}``."""

    source: Source
    item: TupleExpr


@dataclass(frozen=True, slots=True)
class SetAction:
    """``SET path = value``; value may be arithmetic or an update function."""

    path: Path
    value: Expr


@dataclass(frozen=True, slots=True)
class RemoveAction:
    """``REMOVE path``."""

    path: Path


@dataclass(frozen=True, slots=True)
class Update:
    """``UPDATE source SET ... REMOVE ... WHERE ... [RETURNING ...]``."""

    source: Source
    actions: tuple[SetAction | RemoveAction, ...]
    where: Expr | None
    returning: ReturnChoice | None


@dataclass(frozen=True, slots=True)
class Delete:
    """``DELETE FROM source WHERE ... [RETURNING ALL OLD *]``."""

    source: Source
    where: Expr | None
    returning: ReturnChoice | None


@dataclass(frozen=True, slots=True)
class Exists:
    """``EXISTS(SELECT ...)``: a condition check, only inside ExecuteTransaction."""

    select: Select


Statement: TypeAlias = Select | Insert | Update | Delete | Exists


def source_of(statement: Statement) -> Source:
    """The table (and index) a statement names."""
    return statement.select.source if isinstance(statement, Exists) else statement.source


@dataclass(frozen=True, slots=True)
class Parsed:
    """A parsed statement and how many ``?`` it holds."""

    statement: Statement
    parameters: int
