"""UPDATE's SET and REMOVE, translated into the emulator's own UpdateExpression.

Every name becomes a ``#n`` placeholder and every constant a ``:v`` placeholder, so no
attribute name can clash with a reserved word and no value needs quoting; the update
engine then does what UpdateItem does (paths, arithmetic, ``list_append``,
``if_not_exists``, sets), with the same checks and the same messages.
``set_add(a, <<...>>)`` and ``set_delete(a, <<...>>)`` become ``ADD`` and ``DELETE``.
"""

from __future__ import annotations

from collections.abc import Sequence

from emulator.services.dynamodb.attributes import AttributeValue
from emulator.services.dynamodb.errors import ValidationException
from emulator.services.dynamodb.expressions import Update, parse_update
from emulator.services.dynamodb.partiql.ast import (
    Binary,
    Call,
    Expr,
    Is,
    Path,
    RemoveAction,
    SetAction,
    Unary,
)
from emulator.services.dynamodb.partiql.conditions import unrecognized
from emulator.services.dynamodb.partiql.values import MISSING_COMPARED, constant, is_constant

_PREFIX = "Invalid UpdateExpression: "
_SET_FUNCTIONS = {"set_add": "ADD", "set_delete": "DELETE"}


class _Translation:
    def __init__(self, text: str, parameters: Sequence[AttributeValue]) -> None:
        self.text = text
        self.parameters = parameters
        self.names: dict[str, str] = {}
        self.values: dict[str, AttributeValue] = {}
        self.clauses: dict[str, list[str]] = {"SET": [], "REMOVE": [], "ADD": [], "DELETE": []}

    def path(self, path: Path) -> str:
        parts: list[str] = []
        for element in path.elements:
            if isinstance(element, int):
                parts[-1] += f"[{element}]"
                continue
            placeholder = self.names.setdefault(element, f"#n{len(self.names)}")
            parts.append(placeholder)
        return ".".join(parts)

    def constant(self, expr: Expr) -> str:
        value = constant(expr, self.parameters)
        if value is None:
            raise ValidationException(MISSING_COMPARED)
        placeholder = f":v{len(self.values)}"
        self.values[placeholder] = value
        return placeholder

    def action(self, action: SetAction | RemoveAction) -> None:
        if isinstance(action, RemoveAction):
            self.clauses["REMOVE"].append(self.path(action.path))
            return
        value = action.value
        if isinstance(value, Call) and value.name in _SET_FUNCTIONS:
            self._set_function(action.path, value)
            return
        self.clauses["SET"].append(f"{self.path(action.path)} = {self.operand(value, True)}")

    def _set_function(self, target: Path, call: Call) -> None:
        label = call.name.upper()
        if len(call.args) != 2:
            raise ValidationException(f"{label} must have exactly two arguments")
        first, second = call.args
        if not isinstance(first, Path) or first.elements != target.elements:
            line = self.text.count("\n", 0, call.position) + 1
            column = call.position - (self.text.rfind("\n", 0, call.position) + 1) + 1
            raise ValidationException(
                f"The first argument to {label} must equal the assignment value "
                f"at {line}:{column}:{call.width}"
            )
        if not is_constant(second):
            raise ValidationException(
                f"The second argument to {label} must be a value with type SET"
            )
        clause = _SET_FUNCTIONS[call.name]
        self.clauses[clause].append(f"{self.path(target)} {self.constant(second)}")

    def operand(self, expr: Expr, top: bool = False) -> str:
        """A SET value: arithmetic only at the top, functions and operands anywhere."""
        if is_constant(expr):
            return self.constant(expr)
        if isinstance(expr, Path):
            return self.path(expr)
        if isinstance(expr, Binary) and expr.op in ("+", "-") and top:
            return f"{self.operand(expr.left)} {expr.op} {self.operand(expr.right)}"
        if isinstance(expr, Call) and expr.name in ("list_append", "if_not_exists"):
            args = ", ".join(self.operand(arg) for arg in expr.args)
            return f"{expr.name}({args})"
        if isinstance(expr, Call):
            raise unrecognized(expr.name)
        if isinstance(expr, Is):
            raise ValidationException("IS operator is not supported in update expressions")
        op = expr.op if isinstance(expr, Binary | Unary) else type(expr).__name__
        raise ValidationException(
            f"Unsupported operator in Update Expression. Operator: {op.upper()}"
        )

    def expression(self) -> str:
        return " ".join(
            f"{keyword} {', '.join(parts)}" for keyword, parts in self.clauses.items() if parts
        )


def translate(
    text: str, actions: Sequence[SetAction | RemoveAction], parameters: Sequence[AttributeValue]
) -> Update:
    """The update an UPDATE statement's actions make, checked by the update engine.

    Args:
        text: the statement, for the line and column some messages name.
        actions: the SET and REMOVE actions in statement order.
        parameters: the request's Parameters.
    """
    translation = _Translation(text, parameters)
    for action in actions:
        translation.action(action)
    try:
        names = {placeholder: name for name, placeholder in translation.names.items()}
        return parse_update(translation.expression(), names, translation.values)
    except ValidationException as error:
        # The learner wrote PartiQL, not an UpdateExpression: drop that parameter's name.
        message = error.message.removeprefix(_PREFIX)
        raise ValidationException(message) from None
