"""What validation shares: the walker base class and the cached, value-free Template.

Checks that need ExpressionAttributeValues (an ADD of a string, a BETWEEN whose bounds
are reversed) are kept as small functions and run when the values are bound, so a
parsed expression can be cached and reused with other values. The rules themselves live
in condition_rules.py and update_rules.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

from emulator.services.dynamodb.attributes import AttributeValue
from emulator.services.dynamodb.expressions.ast import Call, Operand, Value
from emulator.services.dynamodb.expressions.compare import type_of
from emulator.services.dynamodb.expressions.issues import Issue, Issues, Rank, Ranks, raise_first

Values: TypeAlias = Mapping[str, AttributeValue]
ValueCheck: TypeAlias = tuple[Rank, Callable[[Values], str | None]]

CONDITION_FUNCTIONS = {
    "attribute_exists": 1,
    "attribute_not_exists": 1,
    "attribute_type": 2,
    "begins_with": 2,
    "contains": 2,
    "size": 1,
}
UPDATE_FUNCTIONS = {"if_not_exists": 2, "list_append": 2}
# "Service, account, and table quotas in Amazon DynamoDB" (Expression parameters):
# at most 300 operators or functions, and an IN list of at most 100 operands (DynamoDB
# counts the left-hand operand among them).
MAX_OPERATORS = 300
MAX_IN_OPERANDS = 100


def operand_type(function: str, kind: str) -> str:
    return (
        "Incorrect operand type for operator or function; "
        f"operator or function: {function}, operand type: {kind}"
    )


class Checker:
    """Walks a tree, noting problems found now and checks to run once values are bound."""

    def __init__(self, issues: Issues, ranks: Ranks) -> None:
        self.issues = issues
        self.ranks = ranks
        self.checks: list[ValueCheck] = []
        self.operators = 0

    def add(self, rank: Rank, leaf: int, message: str) -> None:
        self.issues.add(self.ranks.at(rank, leaf), message)

    def later(self, rank: Rank, leaf: int, check: Callable[[Values], str | None]) -> None:
        self.checks.append(((*self.ranks.at(rank, leaf), self.issues.next()), check))

    def typed(self, operand: Operand, allowed: Iterable[str], function: str, leaf: int) -> None:
        """Constants (and size(), a number) must have a type the function accepts;
        values read from the item are not checked: a wrong type there is just false."""
        accepted = frozenset(allowed)
        if isinstance(operand, Value):
            name = operand.name

            def check(values: Values) -> str | None:
                value = values.get(name)
                if value is None or type_of(value) in accepted:
                    return None
                return operand_type(function, type_of(value))

            self.later(self.ranks.function, leaf, check)
        elif isinstance(operand, Call) and operand.name == "size" and "N" not in accepted:
            self.add(self.ranks.function, leaf, operand_type(function, "N"))

    def arity(self, call: Call, expected: int, leaf: int) -> bool:
        if len(call.args) == expected:
            return True
        self.add(
            self.ranks.count,
            leaf,
            "Incorrect number of operands for operator or function; "
            f"operator or function: {call.name}, number of operands: {len(call.args)}",
        )
        return False

    def finish(self) -> None:
        if self.operators > MAX_OPERATORS:
            self.issues.add(
                (0,),
                f"The expression contains too many operators; operator count: {self.operators}",
            )


@dataclass(frozen=True, slots=True)
class Template:
    """What parsing and value-free validation produced, cached per expression and names.

    Binding values runs the remaining checks and raises the first problem, if any.
    """

    label: str
    issues: tuple[Issue, ...]
    checks: tuple[ValueCheck, ...]
    value_refs: tuple[tuple[Rank, str], ...]
    value_names: frozenset[str]
    used_names: frozenset[str]

    @classmethod
    def of(cls, label: str, parser: Any, checker: Any) -> Template:
        """What a parser and its checker found, for one expression."""
        return cls(
            label,
            tuple(parser.issues.found),
            tuple(checker.checks),
            tuple(parser.value_refs),
            frozenset(name for _, name in parser.value_refs),
            frozenset(parser.used_names),
        )

    def check(self, values: Values) -> None:
        if not self.issues and not self.checks and self.value_names <= values.keys():
            return
        found = list(self.issues)
        for rank, name in self.value_refs:
            if name not in values:
                found.append(
                    Issue(
                        rank,
                        "An expression attribute value used in expression is not defined; "
                        f"attribute value: {name}",
                    )
                )
        for rank, check in self.checks:
            message = check(values)
            if message is not None:
                found.append(Issue(rank, message))
        raise_first(self.label, found)
