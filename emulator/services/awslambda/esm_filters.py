"""Lambda event filtering: FilterCriteria patterns, checked and matched against records.

Lambda's filter rules use EventBridge's event-pattern syntax ("Control which events Lambda
sends to your function", https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventfiltering.html,
and "Comparison operators for use in event patterns in Amazon EventBridge",
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html):

* A pattern is a JSON object. A key holds either a nested object (the record's field must
  be an object too) or a non-empty array of rules, any of which may match ("or"); all the
  keys of an object must match ("and"). ``"$or": [pattern, pattern, ...]`` matches when any
  of its patterns does.
* Rules: a string, number, boolean or null matches an equal value (numbers by type and
  value: 300 and 300.0 differ, as AWS compares their text); ``prefix``, ``suffix``
  (each also as ``{"equals-ignore-case": ...}``), ``equals-ignore-case``, ``wildcard``,
  ``anything-but`` (a value, a list of values, or a prefix, suffix, equals-ignore-case or
  wildcard), ``numeric`` (one comparison or a range), ``exists`` and ``cidr``.
* When the record's field is an array, the rule matches if it matches any element.
* A mapping has at most five filters by default (a quota AWS raises to ten on request);
  a record that matches none of them is dropped.

Checking comes first (``compile_pattern``): a bad pattern raises ``PatternError`` naming
the dotted path and what is wrong; the API turns it into AWS's one-line message.
"""

from __future__ import annotations

import ipaddress
import json
import math
import re
from collections.abc import Callable, Sequence
from typing import Any

#: Filters per event source mapping (AWS's default quota; adjustable up to 10).
MAX_FILTERS = 5
#: Characters in one pattern (botocore lambda ``Pattern`` max 4096).
MAX_PATTERN_LENGTH = 4096

#: A compiled pattern: does this record match?
Matcher = Callable[[Any], bool]
#: A compiled rule for one field: (whether the field is present, its value) -> match.
Rule = Callable[[bool, Any], bool]

_ABSENT = object()
_LOWER = (">", ">=")
_UPPER = ("<", "<=")
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
    "=": lambda a, b: a == b,
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
}


class PatternError(ValueError):
    """A filter pattern that is not valid.

    Attributes:
        path: where, as dotted keys (``dynamodb.NewImage.status.S[0]``), or "" for the top.
        reason: what is wrong, in plain words.
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}" if path else reason)
        self.path = path
        self.reason = reason


# -- checking and compiling -------------------------------------------------------------
def compile_pattern(text: Any) -> Matcher:
    """A pattern's JSON text -> a function telling whether a record matches it.

    Raises:
        PatternError: the text is not JSON, or not a valid pattern.
    """
    if not isinstance(text, str):
        raise PatternError("", "a pattern is a JSON text")
    if len(text) > MAX_PATTERN_LENGTH:
        raise PatternError("", f"a pattern is at most {MAX_PATTERN_LENGTH} characters")
    try:
        pattern = json.loads(text)
    except ValueError as error:
        raise PatternError("", f"not valid JSON ({error})") from None
    return _object(pattern, "")


def compile_filters(patterns: Sequence[str]) -> Matcher:
    """The filters of a mapping: a record passes if it matches any (all pass when none)."""
    matchers = [compile_pattern(text) for text in patterns]
    if not matchers:
        return lambda record: True
    return lambda record: any(match(record) for match in matchers)


def _object(pattern: Any, path: str) -> Matcher:
    if not isinstance(pattern, dict):
        raise PatternError(path, "a pattern is a JSON object")
    if not pattern:
        raise PatternError(path, "a pattern needs at least one field")
    fields: list[tuple[str, Any]] = []
    alternatives: list[list[Matcher]] = []
    for key, value in pattern.items():
        where = f"{path}.{key}" if path else key
        if key == "$or":
            alternatives.append(_alternatives(value, where))
        elif isinstance(value, dict):
            fields.append((key, _object(value, where)))
        elif isinstance(value, list):
            fields.append((key, _rules(value, where)))
        else:
            raise PatternError(where, "a field takes a list of rules or a nested pattern")

    def match(record: Any) -> bool:
        for key, check in fields:
            value = record.get(key, _ABSENT) if isinstance(record, dict) else _ABSENT
            if isinstance(check, _Leaf):
                if not check(value is not _ABSENT, value):
                    return False
            elif not check(value if isinstance(value, dict) else {}):
                return False
        return all(any(option(record) for option in options) for options in alternatives)

    return match


def _alternatives(value: Any, path: str) -> list[Matcher]:
    if not isinstance(value, list) or len(value) < 2:
        raise PatternError(path, "$or takes a list of at least two patterns")
    return [_object(option, f"{path}[{i}]") for i, option in enumerate(value)]


class _Leaf:
    """The rules of one field: any of them may match."""

    __slots__ = ("rules",)

    def __init__(self, rules: list[Rule]) -> None:
        self.rules = rules

    def __call__(self, present: bool, value: Any) -> bool:
        return any(rule(present, value) for rule in self.rules)


def _rules(values: list[Any], path: str) -> _Leaf:
    if not values:
        raise PatternError(path, "a list of rules cannot be empty")
    return _Leaf([_rule(value, f"{path}[{i}]") for i, value in enumerate(values)])


def _each(test: Callable[[Any], bool]) -> Rule:
    """A rule on present values: an array matches when any element does; objects never."""

    def rule(present: bool, value: Any) -> bool:
        if not present or isinstance(value, dict):
            return False
        if isinstance(value, list):
            return any(test(item) for item in value if not isinstance(item, dict | list))
        return test(value)

    return rule


def _rule(value: Any, path: str) -> Rule:
    if value is None or isinstance(value, str | bool | int | float):
        return _each(_equals(value))
    if not isinstance(value, dict) or len(value) != 1:
        raise PatternError(path, "a rule is a value or an object with one operator")
    ((operator, argument),) = value.items()
    where = f"{path}.{operator}"
    if operator == "exists":
        if not isinstance(argument, bool):
            raise PatternError(where, "exists takes true or false")
        return _exists(argument)
    if operator == "anything-but":
        test = _anything_but(argument, where)
        return _each(lambda item: not test(item))
    builders: dict[str, Callable[[Any, str], Callable[[Any], bool]]] = {
        "prefix": _prefix,
        "suffix": _suffix,
        "equals-ignore-case": _ignore_case,
        "wildcard": _wildcard,
        "numeric": _numeric,
        "cidr": _cidr,
    }
    builder = builders.get(operator)
    if builder is None:
        raise PatternError(where, f"unknown operator {operator!r}")
    return _each(builder(argument, where))


def _exists(wanted: bool) -> Rule:
    def rule(present: bool, value: Any) -> bool:
        # Exists looks at leaves only: a field holding an object is neither.
        if isinstance(value, dict):
            return False
        return present is wanted

    return rule


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _equals(expected: Any) -> Callable[[Any], bool]:
    if expected is None:
        return lambda item: item is None
    kind = type(expected)
    return lambda item: type(item) is kind and item == expected


def _text(argument: Any, path: str) -> str:
    if not isinstance(argument, str):
        raise PatternError(path, "takes a string")
    return argument


def _folded(argument: Any, path: str) -> tuple[str, bool]:
    """A prefix or suffix argument: (text, ignore case)."""
    if isinstance(argument, dict):
        if list(argument) != ["equals-ignore-case"]:
            raise PatternError(path, "takes a string or {'equals-ignore-case': string}")
        return _text(argument["equals-ignore-case"], f"{path}.equals-ignore-case"), True
    return _text(argument, path), False


def _prefix(argument: Any, path: str) -> Callable[[Any], bool]:
    text, fold = _folded(argument, path)
    if fold:
        low = text.casefold()
        return lambda item: isinstance(item, str) and item.casefold().startswith(low)
    return lambda item: isinstance(item, str) and item.startswith(text)


def _suffix(argument: Any, path: str) -> Callable[[Any], bool]:
    text, fold = _folded(argument, path)
    if fold:
        low = text.casefold()
        return lambda item: isinstance(item, str) and item.casefold().endswith(low)
    return lambda item: isinstance(item, str) and item.endswith(text)


def _ignore_case(argument: Any, path: str) -> Callable[[Any], bool]:
    low = _text(argument, path).casefold()
    return lambda item: isinstance(item, str) and item.casefold() == low


def _wildcard(argument: Any, path: str) -> Callable[[Any], bool]:
    text = _text(argument, path)
    if "**" in text:
        raise PatternError(path, "a wildcard cannot hold two * in a row")
    parts: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and text[index + 1] in "*\\":
            parts.append(re.escape(text[index + 1]))
            index += 2
            continue
        parts.append(".*" if char == "*" else re.escape(char))
        index += 1
    compiled = re.compile("".join(parts), re.DOTALL)
    return lambda item: isinstance(item, str) and compiled.fullmatch(item) is not None


def _numeric(argument: Any, path: str) -> Callable[[Any], bool]:
    if not isinstance(argument, list) or len(argument) not in (2, 4):
        raise PatternError(path, "numeric takes [operator, number] or a range of two")
    checks: list[tuple[str, float]] = []
    for i in range(0, len(argument), 2):
        operator, bound = argument[i], argument[i + 1]
        if operator not in _COMPARE:
            raise PatternError(f"{path}[{i}]", f"unknown comparison {operator!r}")
        if not _is_number(bound) or not math.isfinite(bound):
            raise PatternError(f"{path}[{i + 1}]", "a numeric bound is a number")
        checks.append((operator, float(bound)))
    if len(checks) == 2:
        (low_op, low), (high_op, high) = checks
        if low_op not in _LOWER or high_op not in _UPPER or low >= high:
            raise PatternError(path, "a range is a lower bound (> or >=) then a higher (< or <=)")

    def test(item: Any) -> bool:
        return _is_number(item) and all(_COMPARE[op](float(item), bound) for op, bound in checks)

    return test


def _cidr(argument: Any, path: str) -> Callable[[Any], bool]:
    try:
        network = ipaddress.ip_network(_text(argument, path), strict=False)
    except ValueError:
        raise PatternError(path, f"{argument!r} is not a CIDR block") from None

    def test(item: Any) -> bool:
        if not isinstance(item, str):
            return False
        try:
            return ipaddress.ip_address(item) in network
        except ValueError:
            return False

    return test


def _anything_but(argument: Any, path: str) -> Callable[[Any], bool]:
    """What anything-but excludes: a test that is true for the excluded values."""
    if isinstance(argument, dict):
        if len(argument) != 1:
            raise PatternError(path, "anything-but takes one operator")
        ((operator, inner),) = argument.items()
        where = f"{path}.{operator}"
        if operator == "prefix":
            return _prefix(_text(inner, where), where)
        if operator == "suffix":
            return _suffix(_text(inner, where), where)
        if operator in ("equals-ignore-case", "wildcard"):
            build = _ignore_case if operator == "equals-ignore-case" else _wildcard
            options = inner if isinstance(inner, list) else [inner]
            if not options:
                raise PatternError(where, "takes a string or a non-empty list of strings")
            tests = [build(option, f"{where}[{i}]") for i, option in enumerate(options)]
            return lambda item: any(test(item) for test in tests)
        raise PatternError(where, f"anything-but cannot take {operator!r}")
    values = argument if isinstance(argument, list) else [argument]
    if not values:
        raise PatternError(path, "anything-but takes a value or a non-empty list of values")
    for i, value in enumerate(values):
        if not (isinstance(value, str) or _is_number(value)):
            raise PatternError(f"{path}[{i}]", "anything-but lists strings or numbers")
    tests = [_equals(value) for value in values]
    return lambda item: any(test(item) for test in tests)
