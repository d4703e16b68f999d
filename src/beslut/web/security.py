"""What keeps the browser app safe: allowed hosts, a password off loopback, CSRF, headers.

One pure ASGI middleware does all of it, in this order: the Host header must name this server
(stops DNS rebinding), a password is asked for when the app listens beyond loopback (HTTP Basic,
so every browser can send it without a login page of our own), every state-changing request
carries the app's CSRF token (header ``X-CSRF-Token``, query parameter or form field ``csrf``),
and every response gets headers that forbid framing by others, inline scripts and sniffing.
Written by hand instead of Starlette's separate middlewares because the CSRF check must read a
form body and hand it on unchanged, which Starlette's ``BaseHTTPMiddleware`` cannot promise.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import ipaddress
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
TOKEN_HEADER = b"x-csrf-token"
TOKEN_FIELD = "csrf"
FORM_BODY_LIMIT = 4 * 1024 * 1024
"""A form without files is at most this large (a long case body is well under 1 MB)."""
UPLOAD_LIMIT = 60 * 1024 * 1024
"""The largest request at all: an attachment upload. beslut's own attachment limit is below it,
so an attachment that is too large gets the check's located message, not this refusal."""

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'self'; frame-src 'self'; frame-ancestors 'self'; base-uri 'none'; "
    "form-action 'self'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
]


def is_loopback(host: str) -> bool:
    """Return True for 127.0.0.0/8, ::1 and ``localhost``."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Guard:
    """The app's security settings, decided once at start."""

    password: str | None = None
    allowed_hosts: frozenset[str] | None = frozenset({"127.0.0.1", "localhost", "::1"})
    """Host names the Host header may carry; None allows any (only with a password)."""
    csrf_token: str = field(default_factory=lambda: secrets.token_urlsafe(32))

    def host_allowed(self, host_header: str) -> bool:
        if self.allowed_hosts is None:
            return True
        host = host_header.rsplit(":", 1)[0] if not host_header.endswith("]") else host_header
        if host.startswith("["):
            host = host[1 : host.index("]")] if "]" in host else host
        return host in self.allowed_hosts

    def password_ok(self, authorization: str) -> bool:
        if self.password is None:
            return True
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False
        _, _, given = decoded.partition(":")
        return hmac.compare_digest(given.encode(), self.password.encode())

    def token_ok(self, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(given.encode(), self.csrf_token.encode())


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return bytes(value).decode("latin-1")
    return ""


async def _refuse(send: Send, status: int, title: str, text: str, extra: list[Any]) -> None:
    body = (
        '<!doctype html><html lang="sv"><head><meta charset="utf-8">'
        f"<title>{title} – beslut</title></head><body><main><h1>{title}</h1>"
        f"<p>{text}</p></main></body></html>"
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *HEADERS,
                *extra,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class GuardMiddleware:
    """Applies a :class:`Guard` to every HTTP request (see the module docstring)."""

    def __init__(self, app: ASGIApp, guard: Guard) -> None:
        self.app = app
        self.guard = guard

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        guard = self.guard
        if not guard.host_allowed(_header(scope, b"host")):
            await _refuse(
                send, 400, "Fel adress",
                "Servern svarar bara på den adress den startades med. Öppna adressen som "
                "”beslut serve” skrev ut.", [],
            )  # fmt: skip
            return
        if not guard.password_ok(_header(scope, b"authorization")):
            await _refuse(
                send, 401, "Lösenord krävs",
                "Den här beslut-servern kräver lösenord. Ange lösenordet som administratören "
                "satte i BESLUT_LOSENORD (användarnamnet spelar ingen roll).",
                [(b"www-authenticate", b'Basic realm="beslut", charset="UTF-8"')],
            )  # fmt: skip
            return
        length = _header(scope, b"content-length")
        if length.isdigit() and int(length) > UPLOAD_LIMIT:
            await _refuse(
                send, 413, "För stor fil",
                f"Det du skickade är större än {UPLOAD_LIMIT // (1024 * 1024)} MB. Dela upp "
                "bilagan eller minska den (till exempel lägre bildupplösning) och försök igen.",
                [],
            )  # fmt: skip
            return
        if scope["method"] not in SAFE_METHODS:
            origin = _header(scope, b"origin")
            if origin and origin != "null" and urlsplit(origin).netloc != _header(scope, b"host"):
                await self._csrf_refused(send)
                return
            given: str | None = _header(scope, TOKEN_HEADER) or None
            if given is None:
                query = parse_qs(bytes(scope.get("query_string", b"")).decode("latin-1"))
                given = next(iter(query.get(TOKEN_FIELD, [])), None)
            content_type = _header(scope, b"content-type").split(";")[0].strip().lower()
            if given is None and content_type == "application/x-www-form-urlencoded":
                body, receive = await _buffer(receive, FORM_BODY_LIMIT)
                if body is None:
                    await _refuse(send, 413, "För stort formulär", "Formuläret är för stort.", [])
                    return
                form = parse_qs(body.decode("utf-8", "replace"))
                given = next(iter(form.get(TOKEN_FIELD, [])), None)
            if not guard.token_ok(given):
                await self._csrf_refused(send)
                return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {bytes(k).lower() for k, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *(h for h in HEADERS if h[0] not in present),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    @staticmethod
    async def _csrf_refused(send: Send) -> None:
        await _refuse(
            send, 403, "Begäran stoppades",
            "Begäran saknade sidans säkerhetskod (skydd mot CSRF) eller kom från en annan "
            "webbplats. Ladda om sidan i beslut och försök igen.", [],
        )  # fmt: skip


async def _buffer(receive: Receive, limit: int) -> tuple[bytes | None, Receive]:
    """Read the whole request body (at most ``limit`` bytes) and replay it to the app."""
    chunks: list[bytes] = []
    size = 0
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = bytes(message.get("body", b""))
        size += len(chunk)
        if size > limit:
            return None, receive
        chunks.append(chunk)
        more = bool(message.get("more_body", False))
    body = b"".join(chunks)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay
