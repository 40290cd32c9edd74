"""UpdateExpression rules: functions, operand types and overlapping paths."""

from __future__ import annotations

from emulator.services.dynamodb.expressions.ast import Action, Arith, Call, Operand, Path, Value
from emulator.services.dynamodb.expressions.compare import LONG_NAMES, type_of
from emulator.services.dynamodb.expressions.paths import clash_message, clashes
from emulator.services.dynamodb.expressions.validate import (
    CONDITION_FUNCTIONS,
    UPDATE_FUNCTIONS,
    Checker,
    Values,
)

_ADD_TYPES = frozenset(("N", "SS", "NS", "BS"))
_DELETE_TYPES = frozenset(("SS", "NS", "BS"))


class UpdateChecker(Checker):
    """UpdateExpression rules."""

    def actions(self, actions: list[Action]) -> None:
        for action in actions:
            if action.kind == "SET" and action.value is not None:
                self.set_operand(action.value)
            elif isinstance(action.value, Value):
                self.add_delete(action.kind, action.value.name)
        overlap, conflict = clashes([action.path.elements for action in actions])
        if overlap is not None:
            self.add(self.ranks.overlap, 0, clash_message("overlap", overlap))
        if conflict is not None:
            self.add(self.ranks.conflict, 0, clash_message("conflict", conflict))

    def add_delete(self, kind: str, name: str) -> None:
        allowed = _ADD_TYPES if kind == "ADD" else _DELETE_TYPES

        def check(values: Values) -> str | None:
            value = values.get(name)
            if value is None or type_of(value) in allowed:
                return None
            return (
                "Incorrect operand type for operator or function; "
                f"operator: {kind}, operand type: {LONG_NAMES[type_of(value)]}, "
                f"typeSet: ALLOWED_FOR_{kind}_OPERAND"
            )

        self.later(self.ranks.operand, 0, check)

    def set_operand(self, operand: Operand) -> None:
        if isinstance(operand, Arith):
            self.operators += 1
            for side in (operand.left, operand.right):
                self.set_operand(side)
                self.typed(side, ("N",), operand.op, 0)
        elif isinstance(operand, Call):
            self.call(operand)

    def call(self, call: Call) -> None:
        name = call.name
        if name in CONDITION_FUNCTIONS:
            self.add(
                self.ranks.function_use,
                0,
                f"The function is not allowed in an update expression; function: {name}",
            )
            return
        if name not in UPDATE_FUNCTIONS:
            self.add(self.ranks.function_name, 0, f"Invalid function name; function: {name}")
            return
        self.operators += 1
        for arg in call.args:
            if name == "list_append" and isinstance(arg, Call) and arg.name == "list_append":
                self.add(
                    self.ranks.function_use,
                    0,
                    "The function is not allowed to be used this way in an expression; "
                    "function: list_append",
                )
                return
            self.set_operand(arg)
        if not self.arity(call, 2, 0):
            return
        if name == "if_not_exists":
            if not isinstance(call.args[0], Path):
                self.add(
                    self.ranks.function,
                    0,
                    f"Operator or function requires a document path; operator or function: {name}",
                )
        else:
            for arg in call.args:
                self.typed(arg, ("L",), name, 0)
