"""What `fangkong serve` settles before it starts uvicorn: that its port is free (so it never announces an address
it will not serve), and how it stands behind an HTTPS proxy (issue 17)."""

from __future__ import annotations

import errno
import os
import secrets
import socket
from typing import Any

from fangkong.errors import InvalidInput
from fangkong.web import csrf


def ensure_port_free(host: str, port: int) -> None:
    """Bind `host:port` for a moment, as uvicorn will, and give it back; a port another process holds (or one this
    user may not open) is refused here, naming the port, before anything is announced. (Another process could
    still take it in the instant between: uvicorn then fails on its own, which is rare and still not silent.)"""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise InvalidInput(
            "--host", f"{host!r} is not an address this machine can listen on ({exc.strerror})"
        ) from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds: a closing socket is no obstacle
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise InvalidInput(
                    "--port",
                    f"port {port} on {host} is already in use by another program; stop it or pick another --port",
                ) from None
            raise InvalidInput("--port", f"cannot listen on {host}:{port} ({exc.strerror})") from None


def server_settings(*, behind_https_proxy: bool, forwarded_allow_ips: str) -> dict[str, Any]:
    """uvicorn's options for the proxy question, and the environment every worker process reads.

    Behind an HTTPS proxy (`--behind-https-proxy`): the console's cookies are `Secure` (FANGKONG_SECURE_COOKIES),
    and the proxy's `X-Forwarded-Proto`/`X-Forwarded-For` are believed — from `forwarded_allow_ips` only, the
    proxy's own address. Otherwise no forwarded header is believed, from anyone (uvicorn would by default trust
    them from 127.0.0.1), and a cookie is `Secure` only on a request that really came over HTTPS.

    The workers also share one CSRF secret (web/csrf.py): a form one worker rendered is posted to any."""
    os.environ.setdefault(csrf.SECRET_ENV, secrets.token_hex(32))
    if behind_https_proxy:
        os.environ[csrf.SECURE_ENV] = "1"
        return {"proxy_headers": True, "forwarded_allow_ips": forwarded_allow_ips}
    return {"proxy_headers": False}
