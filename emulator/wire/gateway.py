"""The HTTP server: routes each request to its protocol and the cloud's dispatch."""

from __future__ import annotations

import logging
import re
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING

from emulator.errors import ServiceError
from emulator.wire import protocols, restxml
from emulator.wire.models import signing_names

if TYPE_CHECKING:
    from emulator.cloud import Cloud

log = logging.getLogger(__name__)

_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/([^/]+)/([^/]+)/aws4_request")


class InternalFailure(ServiceError):
    code = "InternalFailure"
    status = 500


class Gateway:
    """AWS's wire protocols on 127.0.0.1, for boto3, the aws CLI and handlers' SDKs.

    Args:
        cloud: the cloud whose services answer.
        port: 0 picks a free port; ``serverlings serve`` passes a fixed one.
    """

    def __init__(self, cloud: Cloud, port: int = 0) -> None:
        self.cloud = cloud
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}"

    def start(self) -> None:
        # A short poll keeps stop() quick: grading forks start and stop a gateway each.
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.02},
            name="serverlings-gateway",
            daemon=True,
        )
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def handle(self, request: protocols.Request) -> protocols.Response:
        """Answer one request; every failure becomes an AWS-shaped error response."""
        if request.headers.get("smithy-protocol") == "rpc-v2-cbor":
            return protocols.cbor_refusal()
        service, region = self._route(request)
        is_json = "x-amz-target" in request.headers
        # rest-xml (S3) errors are XML documents, and a HEAD answer carries none.
        xml_method = (
            request.method
            if service is not None and not is_json and restxml.serves(service)
            else None
        )
        try:
            if is_json:
                call = protocols.decode_json(request)
            elif service is None:
                raise protocols.SerializationException(
                    "cannot tell which service this request is for: sign it with SigV4 "
                    "(any credentials) so its credential scope names the service"
                )
            elif xml_method is not None:
                call = restxml.decode(service, request, self.cloud.api(service))
            else:
                call = protocols.decode_rest(service, request)
            result = self.cloud.dispatch(
                call.service, region or self.cloud.region, call.operation.name, call.params
            )
            if is_json:
                return protocols.encode_json(call, result)
            if xml_method is not None:
                return restxml.encode(call, result, xml_method)
            return protocols.encode_rest(call, result)
        except ServiceError as error:
            return self._error(error, service, is_json, xml_method)
        except Exception as exc:
            log.error("gateway failure: %s", traceback.format_exc())
            failure = InternalFailure(f"the emulator failed on this request (our bug): {exc!r}")
            return self._error(failure, service, is_json, xml_method)

    @staticmethod
    def _error(
        error: ServiceError, service: str | None, is_json: bool, xml_method: str | None = None
    ) -> protocols.Response:
        if xml_method is not None:
            return restxml.error(error, xml_method)
        if is_json:
            return protocols.json_error(error, service)
        return protocols.rest_error(error)

    @staticmethod
    def _route(request: protocols.Request) -> tuple[str | None, str | None]:
        match = _SCOPE.search(request.headers.get("authorization", ""))
        if match is None:
            return None, None
        region, signing = match.groups()
        return signing_names().get(signing), region


def _handler_for(gateway: Gateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True
        server_version = "serverlings"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            request = protocols.Request(
                self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body
            )
            response = gateway.handle(request)
            request_id = f"{gateway.cloud.next_id():08d}-0000-4000-8000-000000000000"
            self.send_response(response.status)
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.send_header("x-amzn-RequestId", request_id)
            # A HEAD answer may state the length of what a GET would send.
            if "Content-Length" not in response.headers:
                self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if response.body and self.command != "HEAD":
                self.wfile.write(response.body)

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _serve

        def log_message(self, format: str, *args: object) -> None:
            log.debug("gateway: " + format, *args)

    return Handler
