"""ConditionExpression and FilterExpression rules: function use, operands and bounds."""

from __future__ import annotations

import base64

from emulator.services.dynamodb.attributes import AttributeValue
from emulator.services.dynamodb.expressions.ast import (
    Between,
    Call,
    Compare,
    Logic,
    Node,
    Not,
    Operand,
    Path,
    Test,
    Value,
)
from emulator.services.dynamodb.expressions.compare import ALL_TYPES, ORDERED, SIZED, order, type_of
from emulator.services.dynamodb.expressions.paths import display
from emulator.services.dynamodb.expressions.validate import (
    CONDITION_FUNCTIONS,
    MAX_IN_OPERANDS,
    UPDATE_FUNCTIONS,
    Checker,
    Values,
    operand_type,
)

_EVERY_TYPE = "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}"
_TYPE_NAMES = "{B,NULL,SS,BOOL,L,BS,N,NS,S,M}"


class ConditionChecker(Checker):
    """ConditionExpression and FilterExpression rules."""

    def node(self, node: Node) -> None:
        if isinstance(node, Logic):
            self.operators += len(node.items) - 1
            for item in node.items:
                self.node(item)
        elif isinstance(node, Not):
            self.operators += 1
            self.node(node.inner)
        elif isinstance(node, Test):
            if node.call.name == "size":
                self.add(self.ranks.function_use, node.leaf, _misused("size"))
            self.call(node.call, node.leaf)
        elif isinstance(node, Compare):
            self.operators += 1
            self.argument(node.left, node.leaf)
            self.argument(node.right, node.leaf)
            self.distinct(node.op, (node.left, node.right), node.leaf)
            if node.op not in ("=", "<>"):
                for side in (node.left, node.right):
                    self.typed(side, ORDERED, node.op, node.leaf)
        elif isinstance(node, Between):
            self.operators += 1
            for operand in (node.subject, node.low, node.high):
                self.argument(operand, node.leaf)
                self.typed(operand, ORDERED, "BETWEEN", node.leaf)
            self.bounds(node.low, node.high, node.leaf)
        else:
            self.operators += 1
            for operand in (node.subject, *node.options):
                self.argument(operand, node.leaf)
            # AWS counts the list after IN: up to 100 values.
            count = len(node.options)
            if count > MAX_IN_OPERANDS:
                self.add(
                    self.ranks.function,
                    node.leaf,
                    f"The IN operator is provided with too many operands; number of operands: {count}",
                )

    def argument(self, operand: Operand, leaf: int) -> None:
        """An operand of a comparison or a function: only size() may be a function there."""
        if isinstance(operand, Call):
            if operand.name != "size":
                self.add(self.ranks.function_use, leaf, _misused(operand.name))
            self.call(operand, leaf)

    def call(self, call: Call, leaf: int) -> None:
        name = call.name
        if name in UPDATE_FUNCTIONS:
            self.add(
                self.ranks.function_name,
                leaf,
                f"The function is not allowed in a condition expression; function: {name}",
            )
            return
        expected = CONDITION_FUNCTIONS.get(name)
        if expected is None:
            self.add(self.ranks.function_name, leaf, f"Invalid function name; function: {name}")
            return
        self.operators += 1
        for arg in call.args:
            self.argument(arg, leaf)
        if not self.arity(call, expected, leaf):
            return
        if expected == 2:
            self.distinct(name, call.args, leaf)
        first = call.args[0]
        if name in ("attribute_exists", "attribute_not_exists"):
            if not isinstance(first, Path):
                self.add(
                    self.ranks.function,
                    leaf,
                    f"Operator or function requires a document path; operator or function: {name}",
                )
        elif name == "begins_with":
            for arg in call.args:
                self.typed(arg, ("S", "B"), name, leaf)
        elif name == "size":
            self.typed(first, SIZED, name, leaf)
        elif name == "attribute_type":
            self.type_name(call.args[1], leaf)

    def type_name(self, operand: Operand, leaf: int) -> None:
        """attribute_type's second operand must be a string constant naming a type."""
        if isinstance(operand, Value):
            name = operand.name

            def check(values: Values) -> str | None:
                value = values.get(name)
                if value is None:
                    return None
                if type_of(value) != "S":
                    return operand_type("attribute_type", type_of(value))
                if value["S"] not in ALL_TYPES:
                    return (
                        f"Invalid attribute type name found; type: {value['S']}, "
                        f"valid types: {_TYPE_NAMES}"
                    )
                return None

            self.later(self.ranks.function, leaf, check)
        else:
            kind = "N" if isinstance(operand, Call) else _EVERY_TYPE
            self.add(self.ranks.function, leaf, operand_type("attribute_type", kind))

    def distinct(self, operator: str, operands: tuple[Operand, ...], leaf: int) -> None:
        first, second = operands[0], operands[1]
        if (
            isinstance(first, Path)
            and isinstance(second, Path)
            and first.elements == second.elements
        ):
            self.add(
                self.ranks.distinct,
                leaf,
                "The first operand must be distinct from the remaining operands for this "
                f"operator or function; operator: {operator}, first operand: {display(first.elements)}",
            )

    def bounds(self, low: Operand, high: Operand, leaf: int) -> None:
        """Two constant bounds must share a type and be in order."""
        if not (isinstance(low, Value) and isinstance(high, Value)):
            return
        names = (low.name, high.name)

        def check(values: Values) -> str | None:
            lower, upper = values.get(names[0]), values.get(names[1])
            if lower is None or upper is None:
                return None
            if type_of(lower) not in ORDERED or type_of(upper) not in ORDERED:
                return None
            shown = f"lower bound operand: {_shown(lower)}, upper bound operand: {_shown(upper)}"
            if type_of(lower) != type_of(upper):
                return f"The BETWEEN operator requires same data type for lower and upper bounds; {shown}"
            if (order(lower, upper) or 0) > 0:
                return (
                    "The BETWEEN operator requires upper bound to be greater than or equal to "
                    f"lower bound; {shown}"
                )
            return None

        self.later(self.ranks.function, leaf, check)


def _misused(name: str) -> str:
    return f"The function is not allowed to be used this way in an expression; function: {name}"


def _shown(value: AttributeValue) -> str:
    """A bound as DynamoDB quotes it in BETWEEN errors: ``AttributeValue: {N:10}``."""
    kind = type_of(value)
    inner = value[kind]
    if isinstance(inner, bytes):
        inner = base64.b64encode(inner).decode()
    return f"AttributeValue: {{{kind}:{inner}}}"
