"""Which ``Host`` headers the emulator answers: a defence against DNS rebinding.

A web page on ``evil.example`` can make its name resolve to 127.0.0.1 and
then call the emulator from the browser with the public demo token: the
browser sends ``Host: evil.example:8765``. The emulator answers only a Host
that names it: ``localhost``, an IP address (which no DNS answer can
rebind), or the host name it was told to listen on (``--host``). Any other
is a 400. A request without a Host header (HTTP/1.0) is answered.

>>> served_host("localhost:8765", "127.0.0.1"), served_host("evil.example:8765", "127.0.0.1")
(True, False)
"""

from __future__ import annotations

import ipaddress

__all__ = ["served_host"]


def _name(header: str) -> str:
    """The host part of a Host header: no port, no brackets, lower case, no final dot."""
    header = header.strip().lower()
    if header.startswith("["):  # [::1]:8765
        return header[1:].partition("]")[0]
    if header.count(":") > 1:  # a bare IPv6 address, no port
        return header
    return header.partition(":")[0].rstrip(".")


def served_host(header: str | None, bound: str) -> bool:
    """Whether a request with this ``Host`` header is one for an emulator listening on ``bound``.

    >>> served_host("[::1]:80", "::"), served_host("Devbox", "devbox"), served_host(None, "x")
    (True, True, True)
    """
    if header is None:
        return True
    name = _name(header)
    if name in ("localhost", _name(bound)):
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True
