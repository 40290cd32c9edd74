"""The aws CLI's shorthand syntax (``Key=value,Nested={A=1}``) and examples per option."""

from __future__ import annotations

import json
import shlex
import string
from typing import Any

#: Examples shown with a mistake, where one made up from the shape would mislead: real
#: names and values, as learners would type them. Other options get one from their shape.
EXAMPLES: dict[tuple[str, str], Any] = {
    ("cloudwatch", "--dimensions"): [{"Name": "FunctionName", "Value": "orders"}],
    ("cloudwatch", "--metric-data"): [{"MetricName": "Orders", "Value": 1.0, "Unit": "Count"}],
    ("dynamodb", "--attribute-definitions"): [{"AttributeName": "id", "AttributeType": "S"}],
    ("dynamodb", "--exclusive-start-key"): {"id": {"S": "a1"}},
    ("dynamodb", "--expression-attribute-names"): {"#n": "name"},
    ("dynamodb", "--expression-attribute-values"): {":v": {"S": "a1"}},
    ("dynamodb", "--item"): {"id": {"S": "a1"}, "total": {"N": "42"}},
    ("dynamodb", "--key"): {"id": {"S": "a1"}},
    ("dynamodb", "--key-schema"): [{"AttributeName": "id", "KeyType": "HASH"}],
    ("dynamodb", "--provisioned-throughput"): {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
    ("lambda", "--dead-letter-config"): {"TargetArn": "arn:aws:sqs:us-east-1:123456789012:dlq"},
    ("lambda", "--destination-config"): {
        "OnFailure": {"Destination": "arn:aws:sqs:us-east-1:123456789012:failed"}
    },
    ("lambda", "--environment"): {"Variables": {"TABLE": "orders", "STAGE": "dev"}},
    ("lambda", "--ephemeral-storage"): {"Size": 1024},
    ("lambda", "--routing-config"): {"AdditionalVersionWeights": {"2": 0.1}},
    ("lambda", "--tags"): {"team": "orders"},
    ("logs", "--log-events"): [{"timestamp": 1767225600000, "message": "order placed"}],
    ("sqs", "--attributes"): {"VisibilityTimeout": "60", "DelaySeconds": "5"},
    ("sqs", "--message-attributes"): {"color": {"DataType": "String", "StringValue": "blue"}},
    ("sqs", "--tags"): {"team": "orders"},
}

_COMPLEX = ("structure", "list", "map")
#: Characters of a shorthand key, as the aws CLI (v2) allows them.
_KEY_CHARS = frozenset(string.ascii_letters + string.digits + "-_.#/:")


class ShorthandError(Exception):
    """Shorthand that cannot be read; ``index`` is where reading stopped."""

    def __init__(self, message: str, text: str, index: int) -> None:
        super().__init__(message)
        self.text = text
        self.index = index

    def pointer(self) -> str:
        """The text with a caret under the place of the mistake."""
        return f"    {self.text}\n    {' ' * self.index}^"


class Shorthand:
    """Reads the aws CLI's shorthand into dicts, lists and strings (types come later).

    ``Key=value,Key2=a,b`` (a bare comma list is a list), ``Key={Inner=1,Other=x}``,
    ``Key=[a,b]``, values in single or double quotes, and ``\\,`` for a literal comma.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.at = 0

    def document(self) -> dict[str, Any]:
        """The whole text: ``pair ("," pair)*``."""
        result: dict[str, Any] = {}
        while True:
            self._pair(result, nested=False)
            self._space()
            if self._done():
                return result
            self._expect(",")

    def _pair(self, into: dict[str, Any], nested: bool) -> None:
        self._space()
        start = self.at
        while not self._done() and self.text[self.at] in _KEY_CHARS:
            self.at += 1
        key = self.text[start : self.at]
        if not key:
            raise self._error("expected a key (Key=value)")
        self._space()
        if self._done():
            raise self._error(f"expected Key=value, but '{key}' has no '='")
        if self._peek() != "=":
            raise self._error(f"expected '=' after '{key}', found '{self._peek()}'")
        self.at += 1
        self._space()
        if key in into:
            raise ShorthandError(
                f"the key '{key}' comes twice (a ',' where a space was meant?)", self.text, start
            )
        into[key] = self._item() if nested else self._csv()

    def _csv(self) -> Any:
        """A top-level value: an item, or ``a,b,c`` when no ``Key=`` follows a comma."""
        if self._peek() in ("[", "{"):
            return self._item()
        values = [self._word(",]}")]
        while self._peek() == "," and not self._pair_follows():
            self.at += 1
            self._space()
            values.append(self._word(",="))
            if self._peek() == "=":
                raise self._error("expected ',' or the end; '=' only follows a key")
        return values[0] if len(values) == 1 else values

    def _pair_follows(self) -> bool:
        """Whether the text after the comma here is ``Key=``: the next pair, not a list item."""
        at = self.at + 1
        while at < len(self.text) and self.text[at] in string.whitespace:
            at += 1
        start = at
        while at < len(self.text) and self.text[at] in _KEY_CHARS:
            at += 1
        while at < len(self.text) and self.text[at] in string.whitespace:
            at += 1
        return at > start and at < len(self.text) and self.text[at] == "="

    def _item(self) -> Any:
        if self._peek() == "[":
            return self._list()
        if self._peek() == "{":
            return self._braces()
        return self._word(",]}")

    def _list(self) -> list[Any]:
        self.at += 1
        items: list[Any] = []
        self._space()
        while self._peek() != "]":
            if self._done():
                raise self._error(_unclosed("]", "the list", True))
            items.append(self._item())
            self._space()
            if self._peek() == ",":
                self.at += 1
                self._space()
            elif self._peek() != "]":
                raise self._error(_unclosed("]", "the list", self._done()))
        self.at += 1
        return items

    def _braces(self) -> dict[str, Any]:
        self.at += 1
        result: dict[str, Any] = {}
        self._space()
        while self._peek() != "}":
            if self._done():
                raise self._error(_unclosed("}", "the braces", True))
            self._pair(result, nested=True)
            self._space()
            if self._peek() == ",":
                self.at += 1
                self._space()
            elif self._peek() != "}":
                raise self._error(_unclosed("}", "the braces", self._done()))
        self.at += 1
        return result

    def _word(self, stops: str) -> str:
        if self._peek() in ("'", '"'):
            return self._quoted()
        chars: list[str] = []
        while not self._done():
            char = self.text[self.at]
            if char == "\\" and self.text[self.at + 1 : self.at + 2] == ",":
                chars.append(",")
                self.at += 2
                continue
            if char in stops:
                break
            chars.append(char)
            self.at += 1
        return "".join(chars).rstrip()

    def _quoted(self) -> str:
        quote, start = self.text[self.at], self.at
        self.at += 1
        chars: list[str] = []
        while not self._done():
            char = self.text[self.at]
            if char == "\\" and self.text[self.at + 1 : self.at + 2] in (quote, "\\"):
                chars.append(self.text[self.at + 1])
                self.at += 2
                continue
            self.at += 1
            if char == quote:
                return "".join(chars)
            chars.append(char)
        raise ShorthandError(f"this {quote} is never closed", self.text, start)

    def _expect(self, char: str) -> None:
        if self._peek() != char:
            found = "the end" if self._done() else f"'{self._peek()}'"
            raise self._error(f"expected '{char}', found {found}")
        self.at += 1

    def _space(self) -> None:
        while not self._done() and self.text[self.at] in string.whitespace:
            self.at += 1

    def _peek(self) -> str:
        return self.text[self.at] if self.at < len(self.text) else ""

    def _done(self) -> bool:
        return self.at >= len(self.text)

    def _error(self, message: str) -> ShorthandError:
        return ShorthandError(message, self.text, self.at)


def _unclosed(closer: str, what: str, at_end: bool) -> str:
    return f"expected '{closer}' to close {what}" if at_end else f"expected ',' or '{closer}'"


# -- examples ---------------------------------------------------------------------------------
def examples(service: str, option: str, shape: Any) -> str:
    """Two lines showing ``option`` written right: in shorthand and in JSON."""
    sample = example(service, option, shape)
    lines = [
        f"  for example: {option} {shorthand(sample, shape)}",
        f"  or as JSON:  {option} {shlex.quote(json.dumps(sample))}",
    ]
    return "\n".join(lines)


def example(service: str, option: str, shape: Any) -> Any:
    """A correct value for ``option``: a hand-picked one, or one made from its shape."""
    return EXAMPLES.get((service, option)) or _sample(shape, 0)


def _sample(shape: Any, depth: int) -> Any:
    kind = shape.type_name
    if kind == "structure":
        if depth > 3:
            return {}
        # Required members, or else one member: optional ones are often alternatives.
        names = (
            list(shape.required_members)
            or [n for n, m in shape.members.items() if m.type_name != "blob"][:1]
        )
        return {n: _sample(shape.members[n], depth + 1) for n in names}
    if kind == "map":
        enum = getattr(shape.key, "enum", None) or []
        keys = [k for k in enum if k != "All"][:2] or ["key1", "key2"]
        return {k: _sample(shape.value, depth + 1) for k in keys}
    if kind == "list":
        if shape.member.type_name in _COMPLEX:
            return [_sample(shape.member, depth + 1)]
        if getattr(shape.member, "enum", None):
            return list(shape.member.enum[:2])
        return [_sample(shape.member, depth + 1) + str(n) for n in (1, 2)]
    if getattr(shape, "enum", None):
        return shape.enum[0]
    if kind in ("integer", "long"):
        return int(shape.metadata.get("min", 1))
    if kind in ("float", "double"):
        return 0.5
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return "2026-01-01T00:00:00Z"
    return "value"


def shorthand(sample: Any, shape: Any) -> str:
    """A value as the words a learner types after its option, in shorthand."""
    items = sample if shape.type_name == "list" else [sample]
    words = [render(item, top=True) for item in items]
    return " ".join(shlex.quote(w) if any(c in w for c in " '\"") else w for w in words)


def render(sample: Any, top: bool) -> str:
    """One value in shorthand; ``top`` for the outermost level, which has no braces."""
    if isinstance(sample, dict):
        pairs = []
        for key, item in sample.items():
            plain_list = isinstance(item, list) and not any(
                isinstance(i, dict | list) for i in item
            )
            text = (
                ",".join(render(i, top=False) for i in item)
                if top and plain_list
                else render(item, top=False)
            )
            pairs.append(f"{key}={text}")
        return ",".join(pairs) if top else "{" + ",".join(pairs) + "}"
    if isinstance(sample, list):
        return "[" + ",".join(render(i, top=False) for i in sample) + "]"
    if isinstance(sample, bool):
        return "true" if sample else "false"
    return str(sample)


# -- files and answers ------------------------------------------------------------------------
