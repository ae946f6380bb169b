"""Whether a host, as written, is this machine.

Judged by the text alone, never by what a name resolves to: a name that resolves to 127.0.0.1
today (through /etc/hosts, a DNS answer or a search domain) may resolve elsewhere tomorrow, so
only ``localhost``, a literal address in 127.0.0.0/8, the literal ``::1`` (any spelling of it,
with or without brackets) and a Unix socket (a path: libpq takes a host that starts with ``/``
as the folder of its socket) count as loopback."""

from __future__ import annotations

import ipaddress


def is_loopback(host: str) -> bool:
    """True for ``localhost``, 127.0.0.0/8 and ``::1`` literals (a zone index aside) and a
    Unix socket (a path, or an abstract one: ``@name``). An IPv4-mapped ``::ffff:127.0.0.1`` is
    neither literal: not loopback (the safe side: TLS asked for, a plain login refused)."""
    text = host.strip()
    if text.startswith(("/", "@")):
        return True
    if text.lower() == "localhost":
        return True
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    try:
        address = ipaddress.ip_address(text.partition("%")[0])
    except ValueError:
        return False
    return address.is_loopback
