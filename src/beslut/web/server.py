"""Starting the app: the socket, the printed address, the password rule, uvicorn.

The socket is bound here (not by uvicorn) so that ``--port 0`` works: the address printed is the
one actually bound, which the browser tests read to find the server.
"""

from __future__ import annotations

import socket
import webbrowser
from collections.abc import Callable
from pathlib import Path

from beslut.errors import UserError
from beslut.web.security import Guard, is_loopback

PASSWORD_ENV = "BESLUT_LOSENORD"


def password_from(env: dict[str, str], password_file: Path | None) -> str | None:
    """Return the password from ``--lösenordsfil`` or BESLUT_LOSENORD, if any."""
    if password_file is not None:
        try:
            text = password_file.read_text("utf-8").strip()
        except OSError as exc:
            raise UserError(
                f"{password_file}: lösenordsfilen kan inte läsas ({exc.strerror})."
            ) from None
        if not text:
            raise UserError(f"{password_file}: lösenordsfilen är tom. Skriv lösenordet i den.")
        return text
    value = env.get(PASSWORD_ENV, "").strip()
    return value or None


def guard_for(host: str, password: str | None) -> Guard:
    """Decide the security settings for listening on ``host``."""
    if is_loopback(host):
        hosts = frozenset({"127.0.0.1", "localhost", "::1", host.strip("[]")})
        return Guard(password=password, allowed_hosts=hosts)
    if password is None:
        raise UserError(
            f"beslut serve --värd {host}: andra datorer kan då nå appen, så den kräver ett "
            f"lösenord. Sätt miljövariabeln {PASSWORD_ENV} eller ange --lösenordsfil FIL och "
            "starta igen. Utan --värd svarar appen bara på den här datorn."
        )
    if len(password) < 12:
        raise UserError(
            f"Lösenordet är för kort ({len(password)} tecken). Använd minst 12 tecken när "
            "appen nås från andra datorer."
        )
    return Guard(password=password, allowed_hosts=None)


def bind(host: str, port: int) -> socket.socket:
    """Bind the listening socket, with a Swedish message when the port is taken."""
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise UserError(
            f"Kan inte lyssna på {host}:{port} ({exc.strerror}). Porten används kanske redan; "
            "välj en annan med --port."
        ) from None
    sock.listen(128)
    return sock


def address(sock: socket.socket) -> str:
    """Return the http address a browser should open for ``sock``."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve(
    root: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    password: str | None = None,
    open_browser: bool = False,
    echo: Callable[[str], None] = print,
) -> None:
    """Run the app until interrupted."""
    import uvicorn

    from beslut.web.app import create_app

    guard = guard_for(host, password)
    sock = bind(host, port)
    url = address(sock)
    app = create_app(root, guard)
    echo(f"beslut serve: {url}  (arbetsyta {root}; avsluta med Ctrl-C)")
    if open_browser:
        webbrowser.open(url)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
