"""The HTTP port, opened before anything else starts: a busy or forbidden address stops the
process at once, naming the address (`callcenter` exits 5), before the AMI login and before
`serving` is logged. Imports no web framework (the command line catches its error)."""

from __future__ import annotations

import socket

AddressInfo = tuple[socket.AddressFamily, socket.SocketKind, int, str,
                    tuple[str, int] | tuple[str, int, int, int] | tuple[int, bytes]]


class HttpPortUnavailable(Exception):
    """The configured HTTP address cannot be opened: in use, not this machine's, unknown."""


def open_http_sockets(host: str, port: int) -> list[socket.socket]:
    """Bound sockets for every address `host` names, as asyncio's `create_server` binds them
    (uvicorn listens on them); HttpPortUnavailable naming `host:port` if any cannot be bound."""
    opened: list[socket.socket] = []
    try:
        for info in _addresses(host, port):
            opened.append(_bound(info))
    except OSError as exc:
        for sock in opened:
            sock.close()
        raise HttpPortUnavailable(f"cannot open the HTTP port {host}:{port}: "
                                  f"{exc.strerror or exc}") from exc
    return opened


def _addresses(host: str, port: int) -> list[AddressInfo]:
    found = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM,
                               flags=socket.AI_PASSIVE)
    return list(dict.fromkeys(found))  # the same address twice would fail to bind


def _bound(info: AddressInfo) -> socket.socket:
    family, kind, proto, _, address = info
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:  # one socket per family, as asyncio does
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    return sock
