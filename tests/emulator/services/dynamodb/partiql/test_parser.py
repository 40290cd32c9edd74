"""The PartiQL front end on its own: tokens, the tree, and what a WHERE says about keys."""

from __future__ import annotations

import pytest

from emulator.services.dynamodb.errors import ValidationException
from emulator.services.dynamodb.partiql import keys, parse
from emulator.services.dynamodb.partiql.ast import (
    Between,
    Binary,
    Call,
    Delete,
    In,
    Insert,
    Is,
    Literal,
    Param,
    RemoveAction,
    Select,
    SetAction,
    TupleExpr,
    Unary,
    Update,
)
from emulator.services.dynamodb.partiql.tokens import tokenize


def _where(text: str) -> object:
    statement = parse(f'SELECT * FROM "Tbl" WHERE {text}').statement
    assert isinstance(statement, Select)
    return statement.where


def test_tokens_skip_comments_and_unescape_doubled_quotes() -> None:
    tokens = tokenize("SELECT 'it''s' -- gone\n/* also gone */ \"a\"\"b\" != 1.5e-3 <<?>>")
    assert [(t.kind, t.text) for t in tokens] == [
        ("name", "SELECT"),
        ("string", "it's"),
        ("quoted", 'a"b'),
        ("op", "<>"),
        ("number", "1.5e-3"),
        ("bag_open", "<<"),
        ("param", "?"),
        ("bag_close", ">>"),
        ("end", ""),
    ]
    assert tokens[0].keyword == "select"
    assert tokens[2].keyword is None  # a quoted name is never a keyword


@pytest.mark.parametrize("text", ["SELECT 'open", 'SELECT "open', "SELECT /* open", "SELECT #"])
def test_broken_tokens_answer_the_bare_envelope(text: str) -> None:
    with pytest.raises(ValidationException) as caught:
        tokenize(text)
    assert caught.value.message == "Statement wasn't well formed, can't be processed: "


def test_and_binds_tighter_than_or_and_not_tighter_than_and() -> None:
    where = _where("a = 1 OR NOT b = 2 AND c = 3")
    assert isinstance(where, Binary)
    assert where.op == "or"
    right = where.right
    assert isinstance(right, Binary)
    assert right.op == "and"
    assert isinstance(right.left, Unary)
    assert right.left.op == "not"


def test_predicates_parse_into_their_own_nodes() -> None:
    where = _where(
        "a NOT BETWEEN 1 AND 2 AND b NOT IN [1, ?] AND c IS NOT MISSING AND size(d) >= -2"
    )
    parts = keys.conjuncts(where)  # type: ignore[arg-type]
    between, member, missing, size = parts
    assert isinstance(between, Between)
    assert between.negated
    assert isinstance(member, In)
    assert member.negated
    assert isinstance(missing, Is)
    assert missing.negated
    assert missing.kind == "MISSING"
    assert isinstance(size, Binary)
    assert isinstance(size.left, Call)
    assert size.right == Literal({"N": "-2"}, size.right.position)  # type: ignore[union-attr]


def test_parameters_are_numbered_in_statement_order() -> None:
    parsed = parse("UPDATE Tbl SET a = ?, b = [?] WHERE k = ? AND v = ?")
    assert parsed.parameters == 4
    statement = parsed.statement
    assert isinstance(statement, Update)
    first = statement.actions[0]
    assert isinstance(first, SetAction)
    assert isinstance(first.value, Param)
    assert first.value.index == 0


def test_paths_keep_names_and_indexes_and_answer_under_their_last_name() -> None:
    statement = parse("SELECT a.b[2].c, \"x.y\", m[0][1], l['k'] FROM Tbl").statement
    assert isinstance(statement, Select)
    assert statement.projection is not None
    assert [p.elements for p in statement.projection] == [
        ("a", "b", 2, "c"),
        ("x.y",),
        ("m", 0, 1),
        ("l", "k"),
    ]
    assert [p.label for p in statement.projection] == ["c", "x.y", "m[0][1]", "k"]


def test_write_statements_parse() -> None:
    insert = parse("INSERT INTO Tbl VALUE {'k': 1, 'm': {'n': [true]}}").statement
    assert isinstance(insert, Insert)
    assert isinstance(insert.item, TupleExpr)
    update = parse(
        "update Tbl set a = a + 1 set b = 2 remove c remove d[0] where k = 1 returning modified new *"
    ).statement
    assert isinstance(update, Update)
    assert [type(a) for a in update.actions] == [SetAction, SetAction, RemoveAction, RemoveAction]
    assert update.returning == "MODIFIED NEW"
    delete = parse('DELETE FROM "Tbl" WHERE k = 1;').statement
    assert isinstance(delete, Delete)
    assert delete.returning is None


def test_the_table_and_index_come_from_the_source() -> None:
    statement = parse('SELECT * FROM "Tbl"."Idx"').statement
    assert isinstance(statement, Select)
    assert (statement.source.table, statement.source.index) == ("Tbl", "Idx")


def _keyed(where: str, key_names: tuple[str, ...] = ("pk", "sk")) -> keys.KeyedWhere:
    return keys.key_of(_where(where), key_names, {"pk": "S", "sk": "N"}, [])  # type: ignore[arg-type]


def test_a_write_takes_its_key_from_the_top_level_and() -> None:
    found = _keyed("(pk = 'a' AND 1 = sk) AND v > 2 AND NOT w = 1")
    assert found.key == {"pk": {"S": "a"}, "sk": {"N": "1"}}
    assert len(found.rest) == 2
    with pytest.raises(ValidationException, match="mandatory equality on all key attributes"):
        _keyed("pk = 'a' OR sk = 1")


def test_a_select_queries_the_partitions_its_where_fixes() -> None:
    def fixed(where: str) -> list[str] | None:
        found = keys.partitions(_where(where), "pk", [])  # type: ignore[arg-type]
        return None if found is None else [v["S"] for v in found]

    assert fixed("pk = 'a' AND x = 1") == ["a"]
    assert fixed("pk IN ['b', 'a', 'b']") == ["b", "a"]
    assert fixed("pk = 'a' OR pk = 'c'") == ["a", "c"]
    assert fixed("pk IN ['a', 'b'] AND pk = 'b'") == ["b"]
    assert fixed("pk = 'a' OR x = 1") is None  # as AWS documents: a full scan
    assert fixed("pk > 'a'") is None
    assert fixed("NOT pk = 'a'") is None


def test_the_first_sort_key_condition_narrows_a_query() -> None:
    def sort(where: str) -> tuple[str, list[str]] | None:
        found = keys.sort_condition(_where(where), "sk", "N", [])  # type: ignore[arg-type]
        return None if found is None else (found.op, [v["N"] for v in found.values])

    assert sort("pk = 'a' AND 3 < sk") == (">", ["3"])
    assert sort("pk = 'a' AND sk BETWEEN 1 AND 2") == ("BETWEEN", ["1", "2"])
    assert sort("pk = 'a' AND sk = 'x' AND sk <= 4") == ("<=", ["4"])
    assert sort("pk = 'a' AND sk BETWEEN 5 AND 1") is None
    assert sort("pk = 'a' OR sk = 1") is None
    assert sort("pk = 'a' AND begins_with(sk, 1)") is None
