"""Lambda's concurrency calls: account settings, reserved and provisioned concurrency."""

from __future__ import annotations

import datetime as dt
from typing import Any

from emulator import limits
from emulator.services.awslambda.api_common import page, target
from emulator.services.awslambda.backend import LambdaBackend
from emulator.services.awslambda.errors import (
    InvalidParameterValueException,
    ProvisionedConcurrencyConfigNotFoundException,
    ValidationException,
)
from emulator.services.awslambda.models import Function, Provisioned
from emulator.services.base import require


def get_account_settings(backend: LambdaBackend, params: dict[str, Any]) -> dict[str, Any]:
    backend.sync_pool()
    total_code = sum(
        len(c.code) for f in backend.functions.values() for c in (f.latest, *f.versions.values())
    )
    return {
        "AccountLimit": {
            "TotalCodeSize": int(limits.value("lambda", "CodeStorage")),
            "CodeSizeUnzipped": int(limits.value("lambda", "UnzippedPackage")),
            "CodeSizeZipped": int(limits.value("lambda", "ZippedPackage")),
            "ConcurrentExecutions": backend.account_limit(),
            "UnreservedConcurrentExecutions": backend.pool.unreserved_limit(),
        },
        "AccountUsage": {"TotalCodeSize": total_code, "FunctionCount": len(backend.functions)},
    }


def _count(params: dict[str, Any], name: str) -> int:
    require(params, name)
    value = params[name]
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValidationException(
            f"1 validation error detected: Value '{value}' at '{name[0].lower() + name[1:]}' "
            "failed to satisfy constraint: Member must have value greater than or equal to 0"
        )
    return value


def put_function_concurrency(backend: LambdaBackend, params: dict[str, Any]) -> dict[str, Any]:
    function, _ = target(backend, params)
    value = _count(params, "ReservedConcurrentExecutions")
    backend.put_reserved(function, value)
    return {"ReservedConcurrentExecutions": value}


def get_function_concurrency(backend: LambdaBackend, params: dict[str, Any]) -> dict[str, Any]:
    function, _ = target(backend, params)
    if function.reserved is None:
        return {}
    return {"ReservedConcurrentExecutions": function.reserved}


def delete_function_concurrency(backend: LambdaBackend, params: dict[str, Any]) -> dict[str, Any]:
    function, _ = target(backend, params)
    backend.delete_reserved(function)
    return {}


def _stamp(when: float) -> str:
    moment = dt.datetime.fromtimestamp(when, dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S+0000")


def _provisioned_answer(backend: LambdaBackend, config: Provisioned) -> dict[str, Any]:
    allocated = backend.provisioned_ready(config)
    answer: dict[str, Any] = {
        "RequestedProvisionedConcurrentExecutions": config.requested,
        "AvailableProvisionedConcurrentExecutions": allocated,
        "AllocatedProvisionedConcurrentExecutions": allocated,
        "Status": "READY" if allocated == config.requested else "IN_PROGRESS",
        "LastModified": _stamp(config.last_modified),
    }
    return answer


def _qualifier(params: dict[str, Any]) -> str:
    require(params, "Qualifier")
    return str(params["Qualifier"])


def put_provisioned_concurrency_config(
    backend: LambdaBackend, params: dict[str, Any]
) -> dict[str, Any]:
    function, _ = target(backend, params)
    amount = _count(params, "ProvisionedConcurrentExecutions")
    if amount < 1:
        raise InvalidParameterValueException(
            "ProvisionedConcurrentExecutions must be at least 1; to remove it, call "
            "DeleteProvisionedConcurrencyConfig."
        )
    config = backend.put_provisioned(function, _qualifier(params), amount)
    return _provisioned_answer(backend, config)


def _found(function: Function, qualifier: str) -> Provisioned:
    config = function.provisioned.get(qualifier)
    if config is None:
        raise ProvisionedConcurrencyConfigNotFoundException(
            f"No Provisioned Concurrency Config found for this function: {function.name}"
        )
    return config


def get_provisioned_concurrency_config(
    backend: LambdaBackend, params: dict[str, Any]
) -> dict[str, Any]:
    function, _ = target(backend, params)
    return _provisioned_answer(backend, _found(function, _qualifier(params)))


def delete_provisioned_concurrency_config(
    backend: LambdaBackend, params: dict[str, Any]
) -> dict[str, Any]:
    function, _ = target(backend, params)
    qualifier = _qualifier(params)
    _found(function, qualifier)
    backend.delete_provisioned(function, qualifier)
    return {}


def list_provisioned_concurrency_configs(
    backend: LambdaBackend, params: dict[str, Any]
) -> dict[str, Any]:
    function, _ = target(backend, params)
    items = [
        {
            "FunctionArn": backend.arn(f"function:{function.name}:{qualifier}"),
            **_provisioned_answer(backend, config),
        }
        for qualifier, config in sorted(function.provisioned.items())
    ]
    return page(items, params, "ProvisionedConcurrencyConfigs")


OPERATIONS = {
    "GetAccountSettings": get_account_settings,
    "PutFunctionConcurrency": put_function_concurrency,
    "GetFunctionConcurrency": get_function_concurrency,
    "DeleteFunctionConcurrency": delete_function_concurrency,
    "PutProvisionedConcurrencyConfig": put_provisioned_concurrency_config,
    "GetProvisionedConcurrencyConfig": get_provisioned_concurrency_config,
    "DeleteProvisionedConcurrencyConfig": delete_provisioned_concurrency_config,
    "ListProvisionedConcurrencyConfigs": list_provisioned_concurrency_configs,
}
