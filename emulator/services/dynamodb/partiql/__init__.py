"""PartiQL for DynamoDB: SELECT, INSERT, UPDATE, DELETE (and EXISTS in transactions).

Statements go tokens -> tree -> checked against the table -> run as the emulator's own
reads and writes. See README.md for the grammar and what each statement means.
"""

from __future__ import annotations

from emulator.services.dynamodb.partiql.execute import (
    Prepared,
    StatementResult,
    apply_write,
    plan_write,
    prepare,
    run,
)
from emulator.services.dynamodb.partiql.parser import parse

__all__ = [
    "Prepared",
    "StatementResult",
    "apply_write",
    "parse",
    "plan_write",
    "prepare",
    "run",
]
