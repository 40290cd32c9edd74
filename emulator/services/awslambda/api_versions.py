"""Lambda's versions and aliases: PublishVersion, ListVersionsByFunction, the alias calls."""

from __future__ import annotations

import re
from typing import Any

from emulator.services.awslambda.api_common import configuration, page, target
from emulator.services.awslambda.backend import LambdaBackend
from emulator.services.awslambda.errors import (
    InvalidParameterValueException,
    PreconditionFailedException,
    ResourceNotFoundException,
    ValidationException,
)
from emulator.services.awslambda.models import Alias, Function
from emulator.services.base import require

_ALIAS = re.compile(r"^(?!^[0-9]+$)([a-zA-Z0-9-_]+)$")


def publish_version(backend: LambdaBackend, params: dict[str, Any]) -> dict[str, Any]:
    function, _ = target(backend, params)
    latest = function.latest
    if params.get("CodeSha256") and params["CodeSha256"] != latest.code_sha256:
        raise InvalidParameterValueException(
            f"CodeSHA256 ({params['CodeSha256']}) is different from current CodeSHA256 in "
            f"$LATEST ({latest.code_sha256}). Please try again with the CodeSHA256 in $LATEST."
        )
    if params.get("RevisionId") and params["RevisionId"] != latest.revision:
        raise PreconditionFailedException(
            "The Revision Id provided does not match the latest Revision Id. "
            "Call the GetFunction/GetAlias API to retrieve the latest Revision Id"
        )
    version = backend.publish(function, params.get("Description"))
    return configuration(backend, function.name, version)


def list_versions_by_function(backend: LambdaBackend, params: dict[str, Any]) -> dict[str, Any]:
    function, _ = target(backend, params)
    configs = [function.latest, *(function.versions[v] for v in sorted(function.versions, key=int))]
    return page([configuration(backend, function.name, c) for c in configs], params, "Versions")


def _alias_answer(backend: LambdaBackend, function: Function, alias: Alias) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "AliasArn": backend.arn(f"function:{function.name}:{alias.name}"),
        "Name": alias.name,
        "FunctionVersion": alias.version,
        "Description": alias.description,
        "RevisionId": alias.revision,
    }
    if alias.weights:
        answer["RoutingConfig"] = {"AdditionalVersionWeights": dict(alias.weights)}
    return answer


def _weights(params: dict[str, Any], main: str) -> dict[str, float]:
    routing = params.get("RoutingConfig") or {}
    weights = dict(routing.get("AdditionalVersionWeights") or {})
    if len(weights) > 1:
        raise ValidationException(
            "1 validation error detected: Value at 'routingConfig.additionalVersionWeights' "
            "failed to satisfy constraint: Member must have length less than or equal to 1"
        )
    for version, weight in weights.items():
        if not isinstance(weight, int | float) or not 0.0 <= weight <= 1.0:
            raise ValidationException(
                f"1 validation error detected: Value '{weight}' at "
                "'routingConfig.additionalVersionWeights' failed to satisfy constraint: "
                "Map value must satisfy constraint: [Member must have value less than or equal "
                "to 1.0, Member must have value greater than or equal to 0.0]"
            )
        if version == main:
            raise InvalidParameterValueException(
                f"Invalid function version {version}. Function version {version} is already "
                "included in routing configuration."
            )
    return {str(v): float(w) for v, w in weights.items()}


def _alias_name(params: dict[str, Any]) -> str:
    require(params, "Name")
    name = params["Name"]
    if not isinstance(name, str) or not _ALIAS.match(name) or len(name) > 128:
        raise ValidationException(
            f"1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)"
        )
    return name


def create_alias(backend: LambdaBackend, params: dict[str, Any]) -> dict[str, Any]:
    function, _ = target(backend, params)
    require(params, "FunctionVersion")
    name = _alias_name(params)
    alias = Alias(
        name=name,
        version=str(params["FunctionVersion"]),
        description=params.get("Description", ""),
        weights=_weights(params, str(params["FunctionVersion"])),
    )
    return _alias_answer(backend, function, backend.put_alias(function, alias, create=True))


def _alias(backend: LambdaBackend, function: Function, name: str) -> Alias:
    alias = function.aliases.get(name)
    if alias is None:
        raise ResourceNotFoundException(
            f"Cannot find alias arn: {backend.arn(f'function:{function.name}:{name}')}"
        )
    return alias


def get_alias(backend: LambdaBackend, params: dict[str, Any]) -> dict[str, Any]:
    function, _ = target(backend, params)
    return _alias_answer(backend, function, _alias(backend, function, _alias_name(params)))


def update_alias(backend: LambdaBackend, params: dict[str, Any]) -> dict[str, Any]:
    function, _ = target(backend, params)
    current = _alias(backend, function, _alias_name(params))
    if params.get("RevisionId") and params["RevisionId"] != current.revision:
        raise PreconditionFailedException(
            "The Revision Id provided does not match the latest Revision Id. "
            "Call the GetFunction/GetAlias API to retrieve the latest Revision Id"
        )
    version = str(params.get("FunctionVersion") or current.version)
    alias = Alias(
        name=current.name,
        version=version,
        description=params.get("Description", current.description),
        weights=_weights(params, version) if "RoutingConfig" in params else dict(current.weights),
    )
    return _alias_answer(backend, function, backend.put_alias(function, alias, create=False))


def delete_alias(backend: LambdaBackend, params: dict[str, Any]) -> dict[str, Any]:
    function, _ = target(backend, params)
    backend.delete_alias(function, _alias_name(params))
    return {}


def list_aliases(backend: LambdaBackend, params: dict[str, Any]) -> dict[str, Any]:
    function, _ = target(backend, params)
    wanted = params.get("FunctionVersion")
    aliases = [
        _alias_answer(backend, function, a)
        for _, a in sorted(function.aliases.items())
        if wanted is None or a.version == wanted
    ]
    return page(aliases, params, "Aliases")


OPERATIONS = {
    "PublishVersion": publish_version,
    "ListVersionsByFunction": list_versions_by_function,
    "CreateAlias": create_alias,
    "GetAlias": get_alias,
    "UpdateAlias": update_alias,
    "DeleteAlias": delete_alias,
    "ListAliases": list_aliases,
}
