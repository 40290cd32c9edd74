"""DynamoDB's expression languages as a pure engine: conditions, filters, projections
and updates, worded and behaving as DynamoDB does. See README.md for the grammars."""

from __future__ import annotations

from emulator.services.dynamodb.expressions.condition import (
    Condition,
    ConditionKind,
    parse_condition,
)
from emulator.services.dynamodb.expressions.placeholders import (
    check_expression,
    check_unused,
    validate_names,
    validate_values,
)
from emulator.services.dynamodb.expressions.projection import Projection, parse_projection
from emulator.services.dynamodb.expressions.update import Update, UpdateResult, parse_update

__all__ = [
    "Condition",
    "ConditionKind",
    "Projection",
    "Update",
    "UpdateResult",
    "check_expression",
    "check_unused",
    "parse_condition",
    "parse_projection",
    "parse_update",
    "validate_names",
    "validate_values",
]
