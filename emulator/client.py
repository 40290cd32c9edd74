"""A boto3-shaped client over the emulator's API modules, in process."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

from emulator.errors import ClientError, ServiceError, UnknownOperationException

if TYPE_CHECKING:
    from emulator.cloud import Cloud
    from emulator.services.base import Operation

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def snake_case(operation: str) -> str:
    """``PutItem`` -> ``put_item``, the way boto3 names methods."""
    return _CAMEL.sub("_", operation).lower()


class _Exceptions:
    """``client.exceptions.ResourceNotFoundException``, as boto3 offers, built on demand."""

    def __init__(self) -> None:
        self._classes: dict[str, type[ClientError]] = {}

    def from_code(self, code: str) -> type[ClientError]:
        if code not in self._classes:
            self._classes[code] = type(code, (ClientError,), {})
        return self._classes[code]

    def __getattr__(self, code: str) -> type[ClientError]:
        if code.startswith("_"):
            raise AttributeError(code)
        return self.from_code(code)


class Meta:
    def __init__(self, service_name: str, region_name: str, endpoint_url: str | None) -> None:
        self.service_name = service_name
        self.region_name = region_name
        self.endpoint_url = endpoint_url


class Client:
    """Operations as snake_case methods taking AWS parameter names, answering AWS dicts.

    Errors raise ``ClientError`` subclasses named after the AWS error code, so both
    ``except ClientError`` and ``except client.exceptions.ResourceNotFoundException`` work.
    """

    def __init__(self, cloud: Cloud, service_name: str, region: str) -> None:
        self._cloud = cloud
        self._service_name = service_name
        self._region = region
        self._api = cloud.api(service_name)
        self._methods = {snake_case(op): op for op in self._api}
        self.exceptions = _Exceptions()
        self.meta = Meta(service_name, region, None)

    def __getattr__(self, name: str) -> Any:
        operation = self._methods.get(name)
        if operation is None:
            raise AttributeError(
                f"'{self._service_name}' client has no operation '{name}'; "
                f"the emulator supports: {', '.join(sorted(self._methods))}"
            )

        def call(**params: Any) -> dict[str, Any]:
            return self.call(operation, params)

        call.__name__ = name
        return call

    def can_paginate(self, name: str) -> bool:
        return False

    def call(self, operation: str, params: dict[str, Any]) -> dict[str, Any]:
        """Run ``operation`` with ``params``; the same path the wire gateway takes."""
        try:
            response = self._cloud.dispatch(self._service_name, self._region, operation, params)
        except ServiceError as err:
            raise self.exceptions.from_code(err.code)(
                err.to_response(operation), operation
            ) from None
        response.setdefault("ResponseMetadata", {})
        response["ResponseMetadata"].setdefault(
            "RequestId", str(uuid.UUID(int=self._cloud.next_id()))
        )
        response["ResponseMetadata"].setdefault("HTTPStatusCode", 200)
        return response


def lookup(api: dict[str, Operation], operation: str, service: str) -> Operation:
    handler = api.get(operation)
    if handler is None:
        raise UnknownOperationException(
            f"{service} operation {operation} is not supported by the emulator"
        )
    return handler
