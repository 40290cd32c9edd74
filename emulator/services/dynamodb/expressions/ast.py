"""The syntax trees the parsers build: operands, conditions and update actions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, TypeAlias

Element: TypeAlias = str | int
"""One step of a document path: a map key (or top-level name) or a list index."""


@dataclass(frozen=True, slots=True, eq=False)
class Path:
    """A document path such as ``a.b[2].c``, placeholders already resolved."""

    elements: tuple[Element, ...]


@dataclass(frozen=True, slots=True, eq=False)
class Value:
    """A reference to ExpressionAttributeValues, bound when the expression is used."""

    name: str


@dataclass(frozen=True, slots=True, eq=False)
class Call:
    """A function call: ``size(a)``, ``if_not_exists(a, :v)``, ``begins_with(a, :p)``."""

    name: str
    args: tuple[Operand, ...]


@dataclass(frozen=True, slots=True, eq=False)
class Arith:
    """``left + right`` or ``left - right`` in a SET action."""

    op: Literal["+", "-"]
    left: Operand
    right: Operand


Operand: TypeAlias = Path | Value | Call | Arith


@dataclass(frozen=True, slots=True, eq=False)
class Compare:
    """``left op right`` with one of = <> < <= > >=."""

    op: str
    left: Operand
    right: Operand
    leaf: int


@dataclass(frozen=True, slots=True, eq=False)
class Between:
    """``subject BETWEEN low AND high``."""

    subject: Operand
    low: Operand
    high: Operand
    leaf: int


@dataclass(frozen=True, slots=True, eq=False)
class In:
    """``subject IN (option, ...)``."""

    subject: Operand
    options: tuple[Operand, ...]
    leaf: int


@dataclass(frozen=True, slots=True, eq=False)
class Test:
    """A function used as a whole condition: ``attribute_exists(a)``."""

    call: Call
    leaf: int


@dataclass(frozen=True, slots=True, eq=False)
class Not:
    """``NOT inner``."""

    inner: Node


@dataclass(frozen=True, slots=True, eq=False)
class Logic:
    """``a AND b AND ...`` or ``a OR b OR ...``."""

    op: Literal["AND", "OR"]
    items: tuple[Node, ...]


Node: TypeAlias = Compare | Between | In | Test | Not | Logic

ActionKind: TypeAlias = Literal["SET", "REMOVE", "ADD", "DELETE"]


@dataclass(frozen=True, slots=True, eq=False)
class Action:
    """One update action; ``value`` is None for REMOVE."""

    kind: ActionKind
    path: Path
    value: Operand | None
