"""Whether a host, as written, is this machine.

Judged by the text alone, never by what a name resolves to: a name that resolves to 127.0.0.1
today (through /etc/hosts, a DNS answer or a search domain) may resolve elsewhere tomorrow, so
only ``localhost``, a literal address in 127.0.0.0/8, the literal ``::1`` (any spelling of it,
with or without brackets) and a Unix socket (a path: libpq takes a host that starts with ``/``
as the folder of its socket) count as loopback."""

from __future__ import annotations

import ipaddress


def is_loopback(host: str) -> bool:
    """True for ``localhost``, 127.0.0.0/8 and ``::1`` literals and a Unix socket path."""
    text = host.strip()
    if text.startswith("/"):
        return True
    if text.lower() == "localhost":
        return True
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return False
    if address.version == 4:
        return address in ipaddress.ip_network("127.0.0.0/8")
    return address == ipaddress.IPv6Address("::1")
