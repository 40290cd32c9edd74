"""Ranked validation problems: AWS reports only one, and ranks decide which.

DynamoDB checks an expression in stages (for an update: reserved words, then function
names, then repeated sections, then placeholders, then overlapping paths, then operand
types), so when an expression has several problems the learner sees the one from the
earliest stage. Each problem carries a rank tuple; the smallest rank is reported.
Within a rank, source order decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeAlias

from emulator.services.dynamodb.errors import ValidationException

Rank: TypeAlias = tuple[int, ...]


@dataclass(frozen=True, slots=True, order=True)
class Issue:
    """One problem: its rank (with a trailing sequence number) and AWS's wording."""

    rank: Rank
    message: str


@dataclass(slots=True)
class Issues:
    """Problems found while parsing and validating one expression."""

    found: list[Issue] = field(default_factory=list)
    sequence: int = 0

    def add(self, rank: Rank, message: str) -> None:
        self.found.append(Issue((*rank, self.next()), message))

    def next(self) -> int:
        """A sequence number, so equal ranks keep source order."""
        self.sequence += 1
        return self.sequence

    def mark(self) -> tuple[int, int]:
        return len(self.found), self.sequence

    def restore(self, mark: tuple[int, int]) -> None:
        """Forget problems found by a parse attempt that was abandoned."""
        del self.found[mark[0] :]


@dataclass(frozen=True, slots=True)
class Ranks:
    """Where each kind of problem stands in one grammar's checking order."""

    parens: Rank
    function_name: Rank
    function_use: Rank
    reserved: Rank
    name: Rank
    value: Rank
    section: Rank
    overlap: Rank
    conflict: Rank
    operand: Rank
    function: Rank
    count: Rank
    distinct: Rank
    leaf_based: bool = False

    def at(self, rank: Rank, leaf: int) -> Rank:
        """Condition checks after the reserved-word stage are ordered per leaf
        condition first: the first leaf with a problem wins."""
        if self.leaf_based and rank[0] == LEAF:
            return (LEAF, leaf, *rank[1:])
        return rank


LEAF = 5

CONDITION = Ranks(
    parens=(1,),
    function_name=(2,),
    function_use=(3,),
    reserved=(4,),
    name=(LEAF, 0),
    value=(LEAF, 0),
    count=(LEAF, 1),
    distinct=(LEAF, 2),
    function=(LEAF, 3),
    section=(9,),
    overlap=(9,),
    conflict=(9,),
    operand=(9,),
    leaf_based=True,
)
UPDATE = Ranks(
    parens=(0,),
    reserved=(1,),
    function_name=(2,),
    function_use=(2,),
    section=(3,),
    name=(4,),
    value=(5,),
    overlap=(6,),
    conflict=(7,),
    operand=(8,),
    count=(9,),
    distinct=(9,),
    function=(9,),
)
PROJECTION = Ranks(
    parens=(0,),
    reserved=(1,),
    name=(2,),
    overlap=(3,),
    conflict=(4,),
    function_name=(9,),
    function_use=(9,),
    value=(9,),
    section=(9,),
    operand=(9,),
    count=(9,),
    distinct=(9,),
    function=(9,),
)


def raise_first(label: str, found: list[Issue]) -> None:
    """Raise the most important problem, if there is one."""
    if found:
        raise ValidationException(f"Invalid {label}: {min(found).message}")
