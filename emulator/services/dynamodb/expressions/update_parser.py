"""Recursive-descent parser for UpdateExpression: SET, REMOVE, ADD and DELETE clauses."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from emulator.services.dynamodb.errors import ValidationException
from emulator.services.dynamodb.expressions.ast import Action, ActionKind, Arith, Operand
from emulator.services.dynamodb.expressions.issues import UPDATE
from emulator.services.dynamodb.expressions.parser import Parser
from emulator.services.dynamodb.expressions.tokens import END, NAME, OP, VALUE

SECTIONS: tuple[ActionKind, ...] = ("SET", "REMOVE", "ADD", "DELETE")


class UpdateParser(Parser):
    """UpdateExpression: see README.md for the grammar."""

    keywords: ClassVar[frozenset[str]] = frozenset(SECTIONS)

    def __init__(self, label: str, expression: str, names: Mapping[str, str]) -> None:
        super().__init__(label, expression, names, "update", UPDATE)

    def parse(self) -> list[Action]:
        actions: list[Action] = []
        seen: set[str] = set()
        while True:
            token = self.peek()
            word = token.text.upper() if token.kind == NAME else ""
            if word not in SECTIONS:
                self.fail()
            self.take()
            if word in seen:
                self.issues.add(
                    self.ranks.section,
                    f'The "{word}" section can only be used once in an update expression;',
                )
            seen.add(word)
            actions.append(self.action(word))  # type: ignore[arg-type]
            while self.peek().text == ",":
                self.take()
                actions.append(self.action(word))  # type: ignore[arg-type]
            if self.peek().kind == END:
                return actions

    def action(self, kind: ActionKind) -> Action:
        path = self.path()
        if kind == "SET":
            self.expect("=")
            return Action(kind, path, self.set_value())
        if kind == "REMOVE":
            return Action(kind, path, None)
        if self.peek().kind != VALUE:
            self.fail()
        return Action(kind, path, self.value())

    def set_value(self) -> Operand:
        if self.peek().text == "(":
            # "(" opens either the whole value, "(a + :b)", or its first operand, "(a) + :b".
            mark = self.mark()
            try:
                self.take()
                inner = self.arith()
                self.expect(")")
                if self.at_action_end():
                    return inner
            except ValidationException:
                pass
            self.restore(mark)
        return self.arith()

    def arith(self) -> Operand:
        left = self.operand()
        token = self.peek()
        if token.kind == OP and token.text in ("+", "-"):
            self.take()
            return Arith(token.text, left, self.operand())  # type: ignore[arg-type]
        return left

    def operand(self) -> Operand:
        """Update operands take at most one pair of parentheses."""
        if self.peek().text == "(":
            self.take()
            inner = self.bare_operand()
            self.expect(")")
            return inner
        return self.bare_operand()

    def at_action_end(self) -> bool:
        token = self.peek()
        return token.text == "," or token.kind == END or token.text.upper() in SECTIONS
