"""Request guards: token checks for writes (and reads off loopback), body size cap, errors as one-line 4xx.

Policy (see :class:`aifootprint.server.config.ServerConfig`): writes need a valid token whenever the server is bound
to a non-loopback address (always) or when ``--require-token`` is given; reads need one when bound off loopback
unless ``--public-reads``. No CORS middleware is installed, so browsers refuse cross-origin reads.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import InputError
from .auth import bearer, check_token
from .config import ServerConfig
from .database import Database
from .service import ApiError


@dataclass(frozen=True)
class AppState:
    """What the routes need: the configuration and the database."""

    config: ServerConfig
    db: Database


def app_state(request: Request) -> AppState:
    state: AppState = request.app.state.aifootprint
    return state


def _check(request: Request, needed: bool, what: str) -> None:
    if not needed:
        return
    st = app_state(request)
    token = bearer(request.headers.get("authorization"))
    with st.db.read() as session:
        if check_token(session, token):
            return
    reason = "no token given" if token is None else "invalid or revoked token"
    raise HTTPException(status_code=401, detail=f"{what} need a token ({reason}): send 'Authorization: Bearer "
                        "<token>' (create one with `aifootprint server token create NAME`)",
                        headers={"WWW-Authenticate": "Bearer"})


def require_write(request: Request) -> None:
    _check(request, app_state(request).config.writes_need_token, "writes")


def require_read(request: Request) -> None:
    _check(request, app_state(request).config.reads_need_token, "reads")


class BodyLimit:
    """Pure ASGI middleware: a request body larger than ``max_bytes`` gets 413 (Content-Length or streamed)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for key, value in scope.get("headers", []):
            if key == b"content-length":
                try:
                    too_big = int(value) > self.max_bytes
                except ValueError:
                    too_big = True
                if too_big:
                    await self._reject(send)
                    return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:  # an HTTPException: FastAPI's body parsing passes it on (others: 400)
                    raise _TooLarge(413, f"request body too large: at most {self.max_bytes:,} bytes accepted")
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await self._reject(send)

    async def _reject(self, send: Send) -> None:
        response = JSONResponse({"detail": f"request body too large: at most {self.max_bytes:,} bytes accepted"},
                                status_code=413)
        await response({"type": "http"}, _no_receive, send)


class _TooLarge(StarletteHTTPException):
    """A streamed (chunked) body over the limit: 413 whether FastAPI's body parsing or this middleware sees it."""


async def _no_receive() -> Message:
    return {"type": "http.disconnect"}


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err.get("loc", ()) if p != "body") or "body"
        parts.append(f"{where}: {err.get('msg', 'invalid')}")
    more = len(exc.errors()) - 5
    return "; ".join(parts) + (f"; … ({more} more)" if more > 0 else "")


def install_error_handlers(app: FastAPI) -> None:
    """Every refusal is ``{"detail": "<one line>"}`` with a 4xx; an unexpected error is a bare 500 (logged)."""

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _validation_message(exc), "errors": _plain_errors(exc)}, status_code=422)

    @app.exception_handler(ApiError)
    async def _api(_request: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse({"detail": exc.message}, status_code=exc.status)

    @app.exception_handler(InputError)
    async def _input(_request: Request, exc: InputError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=422)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logging.getLogger("aifootprint.server").error("unexpected error on %s %s: %r", request.method,
                                                      request.url.path, exc)
        return JSONResponse({"detail": "internal error (logged on the server)"}, status_code=500)


def _plain_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")), "type": str(e.get("type", ""))}
            for e in exc.errors()[:20]]
