"""The sandbox's HTTP server: aiohttp.web app, routing, authentication, content checks.

Request pipeline (each step answers and stops when it fails)::

    path not /instances/{id}/token/{token}/{endpoint}, or unknown endpoint -> 404
    method not accepted by the endpoint                                   -> 405
    injected latency, then injected fault (error status, 429, drop)
    wrong instance id or token                                             -> 401
    Client-Token missing / wrong (when the sandbox has one)                -> 400
    POST/PUT without Content-Type: application/json                        -> 415
    body not JSON                                                          -> 400
    body breaks the endpoint's contract                                    -> 400
    accepted: recorded, answered 200 (or dropped after accepting)

Status codes Z-API does not document are the sandbox's choice and listed in
docs/sandbox.md. The instance token never reaches a log: aiohttp's access log is
off and records keep endpoint names, not URLs.

A client that hangs up mid-request (a cancelled send, a client timeout) is normal
traffic, not an error, and logs no traceback. If it hangs up before the sandbox
read the body (e.g. during injected latency), the request is recorded with
``status=None`` and nothing is accepted; if after, the handler still runs (aiohttp
does not cancel it) and the message is accepted with ``response_delivered=False``.
Errors inside the sandbox itself still log a traceback and answer 500.
"""

from __future__ import annotations

import hmac
import inspect
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import attrs
from aiohttp import web

from .faults import FaultInjector, FaultKind
from .instance import Reply, SandboxInstance, allowed_methods
from .media_store import MEDIA_PREFIX, MediaStore
from .records import MessageLog, RecordedHeaders, RecordedRequest

__all__ = ["Credentials", "SandboxServer"]

log = logging.getLogger("zapi_async.sandbox")

#: Largest request body accepted (Base64 images are big), in bytes.
MAX_BODY_BYTES = 16 * 1024 * 1024
#: Seconds in-flight requests get to finish when the sandbox stops.
SHUTDOWN_TIMEOUT = 0.5
#: Status for a wrong instance id or token.
UNAUTHORIZED = 401
#: Status for a missing or wrong Client-Token (Z-API answers these as 400).
CLIENT_TOKEN_STATUS = 400
_UNROUTED = "<unrouted>"
#: What :meth:`SandboxServer._process` returns when the client hung up mid-request.
_CLIENT_GONE = Reply(499, {"error": "client closed the request"})


def _same(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


@attrs.frozen
class Credentials:
    """What a request must present: instance id, token and (if set) the Client-Token.

    The token and Client-Token are left out of the repr.
    """

    instance_id: str
    token: str = attrs.field(repr=False)
    client_token: str | None = attrs.field(default=None, repr=False)


class SandboxServer:
    """The aiohttp side of the sandbox: routing, authentication, faults, answers."""

    def __init__(
        self,
        *,
        credentials: Credentials,
        instance: SandboxInstance,
        faults: FaultInjector,
        log: MessageLog,
        clock: Callable[[], float],
        sleep: Callable[[float], Awaitable[Any]],
    ) -> None:
        self.credentials = credentials
        self.instance = instance
        self.faults = faults
        self.log = log
        self._clock = clock
        self._sleep = sleep
        self._runner: web.AppRunner | None = None
        self.base_url: str | None = None
        #: Files served under ``/_media/`` (the media of received-message webhooks).
        self.media = MediaStore()

    @property
    def running(self) -> bool:
        """Whether the server is listening."""
        return self._runner is not None

    async def start(self, host: str, port: int) -> str:
        """Listen on ``host:port`` (port 0: a free one); return the base URL."""
        if self._runner is not None:
            raise RuntimeError("the sandbox is already running")
        app = web.Application(client_max_size=MAX_BODY_BYTES)
        app.router.add_route("*", "/instances/{instance}/token/{token}/{endpoint:.+}", self._serve)
        app.router.add_get(MEDIA_PREFIX + "{media_id}", self.media.serve)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        options: dict[str, Any] = {"access_log": None}
        if "shutdown_timeout" in inspect.signature(web.BaseRunner.__init__).parameters:
            options["shutdown_timeout"] = SHUTDOWN_TIMEOUT
        runner = web.AppRunner(app, **options)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        bound_host, bound_port = runner.addresses[0][:2]
        self.base_url = f"http://{bound_host}:{bound_port}"
        return self.base_url

    async def close(self) -> None:
        """Stop listening (in-flight requests get :data:`SHUTDOWN_TIMEOUT` seconds)."""
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def _not_found(self, request: web.Request) -> web.StreamResponse:
        body = {"error": "Not Found", "message": "expected /instances/{id}/token/{token}/..."}
        return await self._respond(request, _UNROUTED, Reply(404, body))

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        endpoint = request.match_info["endpoint"]
        operations = allowed_methods(endpoint)
        if operations is None:
            body = {"error": "Not Found", "message": f"unknown endpoint {endpoint!r}"}
            return await self._respond(request, _UNROUTED, Reply(404, body))
        operation = operations.get(request.method)
        if operation is None:
            allowed = ", ".join(sorted(operations))
            body = {"error": "Method Not Allowed", "message": f"{endpoint} accepts {allowed}"}
            return await self._respond(request, endpoint, Reply(405, body), allow=allowed)
        decision = self.faults.decide(endpoint)
        if decision.latency > 0:
            await self._sleep(decision.latency)
        fault = decision.fault
        if fault is not None and fault.kind is FaultKind.DROP_BEFORE:
            return self._drop(request, endpoint, fault.kind.value)
        if fault is not None and fault.kind in (FaultKind.ERROR, FaultKind.RATE_LIMIT):
            headers: dict[str, str] = {}
            if fault.retry_after is not None:
                headers["Retry-After"] = f"{fault.retry_after:g}"
            reply = Reply(fault.status, fault.response_body())
            return await self._respond(
                request, endpoint, reply, fault=fault.kind.value, headers=headers
            )
        reply = await self._process(request, endpoint, operation)
        if reply is _CLIENT_GONE:
            # A client cancelling a send is normal, not a sandbox error: no traceback.
            log.debug("client went away during %s %s", request.method, endpoint)
            self._note(request, endpoint, None, None)
            return web.Response(status=reply.status)  # never written: nobody listens
        if fault is not None:  # DROP_AFTER: processed (maybe accepted), then silence
            if reply.record is not None:
                reply.record.response_delivered = False
            return self._drop(request, endpoint, fault.kind.value)
        return await self._respond(request, endpoint, reply)

    async def _process(self, request: web.Request, endpoint: str, operation: str) -> Reply:
        denied = self._authenticate(request)
        if denied is not None:
            return denied
        body: Any = None
        if request.method in ("POST", "PUT"):
            if request.content_type != "application/json":
                return Reply(
                    415,
                    {
                        "error": "Unsupported Media Type",
                        "message": "send the body as JSON with Content-Type: application/json",
                    },
                )
            try:
                raw = await request.read()
            except ConnectionError:  # the client hung up (e.g. a cancelled send)
                return _CLIENT_GONE
            if raw.strip() or operation == "send":
                try:
                    body = json.loads(raw)
                except ValueError as exc:
                    return Reply(400, {"error": f"malformed JSON body: {exc}"})
        headers = RecordedHeaders(request.headers)
        try:
            return self.instance.handle(
                operation, endpoint, body=body, query=request.query, headers=headers
            )
        except Exception:
            log.exception("sandbox bug while handling %s", endpoint)
            return Reply(500, {"error": "sandbox internal error"})

    def _authenticate(self, request: web.Request) -> Reply | None:
        credentials = self.credentials
        if request.match_info["instance"] != credentials.instance_id:
            return Reply(UNAUTHORIZED, {"error": "Instance not found"})
        if not _same(request.match_info["token"], credentials.token):
            return Reply(UNAUTHORIZED, {"error": "Invalid instance token"})
        if credentials.client_token is not None:
            given = request.headers.get("Client-Token")
            if given is None:
                return Reply(CLIENT_TOKEN_STATUS, {"error": "null not allowed"})
            if not _same(given, credentials.client_token):
                return Reply(CLIENT_TOKEN_STATUS, {"error": "Client-Token not allowed"})
        return None

    def _note(
        self, request: web.Request, endpoint: str, status: int | None, fault: str | None
    ) -> None:
        entry = RecordedRequest(request.method, endpoint, status, fault, self._clock())
        self.log.requests.append(entry)
        self.log.touch()

    def _drop(self, request: web.Request, endpoint: str, fault: str) -> web.StreamResponse:
        self._note(request, endpoint, None, fault)
        if request.transport is not None:
            request.transport.close()
        return web.Response(status=500)  # never written: the transport is closed

    async def _respond(
        self,
        request: web.Request,
        endpoint: str,
        reply: Reply,
        *,
        fault: str | None = None,
        headers: dict[str, str] | None = None,
        allow: str | None = None,
    ) -> web.StreamResponse:
        self._note(request, endpoint, reply.status, fault)
        if reply.status == 204:  # No Content: read-message, delete-message
            response = web.Response(status=204, headers=headers)
        elif isinstance(reply.body, bytes):  # GET qr-code answers a PNG image
            response = web.Response(
                body=reply.body, status=reply.status, headers=headers, content_type="image/png"
            )
        else:
            response = web.json_response(reply.body, status=reply.status, headers=headers)
        if allow is not None:
            response.headers["Allow"] = allow
        transport = request.transport
        delivered = transport is not None and not transport.is_closing()
        if delivered:
            try:
                await response.prepare(request)
                await response.write_eof()
            except ConnectionError:
                delivered = False
        if not delivered and reply.record is not None:
            reply.record.response_delivered = False
        return response
