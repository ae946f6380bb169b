"""How a team database is protected on the way: TLS with the server's certificate verified,
and the password given only through SCRAM, for every host other than loopback.

"Loopback" is judged by the host as written (in the URL, its ``host``/``hostaddr`` parameters,
else ``PGHOST``/``PGHOSTADDR``): ``localhost``, a 127.0.0.0/8 or ``::1`` literal, or a Unix
socket (a path, or no host at all). Any other name is not loopback, whatever it resolves to. For
such a host libpq is given, each unless the URL's own parameters set it:

- ``sslmode=verify-full``: TLS, and the certificate must be valid for the host name;
- ``sslrootcert``: the system's certificate authorities, as the file Python's ``ssl`` finds
  (``/etc/ssl/certs/ca-certificates.crt`` on Debian; ``SSL_CERT_FILE`` when set). Not libpq's
  ``system``: the psycopg2-binary wheel carries its own OpenSSL, whose built-in folder for them
  is the one it was built in (``/host/tmp/libpq.build``), empty on every machine, so ``system``
  would refuse every server. ``system`` is given only when no such file exists (libpq 16+);
- ``require_auth=scram-sha-256`` (libpq 16+): libpq refuses a server that asks for the password
  in clear or as MD5, or asks for none. An older libpq does not know it; ``channel_binding=
  require`` (libpq 13+) is given instead, which refuses all but SCRAM too (bound to the TLS
  connection, so servers whose certificates are signed with Ed25519 can't be used).

A URL whose own ``sslmode`` is ``disable`` has chosen: nothing is added (the Team tab says that
the password and data travel unencrypted). Another ``sslmode`` of its own (``require``,
``prefer``...) keeps the SCRAM rule; ``verify-ca`` and ``verify-full`` keep the system's
authorities unless ``sslrootcert`` is given (how a self-signed server is used).

What psycopg2 is given besides a URL (:func:`connect_params`) is decided here: the TLS rules
above, a connect timeout and keepalives.

Loads psycopg2 (to read the URL as libpq does): only a team URL's code calls it.
"""

from __future__ import annotations

import os
import ssl

from ..core.loopback import is_loopback
from .team_url import CONNECT_TIMEOUT_S, check_url, url_params

VERIFYING = ("verify-ca", "verify-full")
SCRAM = "scram-sha-256"


def is_loopback_host(host: str) -> bool:
    """Whether one host as written (one entry of a ``host`` list) is this machine: none at all
    is libpq's Unix socket, the rest as every loopback judgement of the program has it."""
    return not host or is_loopback(host)


def all_loopback(params: dict[str, str]) -> bool:
    """Whether every host and host address libpq is given (``params``: the URL as libpq reads
    it) is loopback."""
    hosts = params.get("host") or os.environ.get("PGHOST", "")
    addresses = params.get("hostaddr") or os.environ.get("PGHOSTADDR", "")
    names = hosts.split(",") + [a for a in addresses.split(",") if a]
    return all(is_loopback_host(name.strip()) for name in names)


def libpq_version() -> int:
    from psycopg2.extensions import libpq_version

    return libpq_version()


def system_roots(libpq: int | None = None) -> str:
    """The system's certificate authorities as libpq's ``sslrootcert`` (see the module)."""
    paths = ssl.get_default_verify_paths()
    for candidate in (paths.cafile, paths.openssl_cafile):
        if candidate and os.path.isfile(candidate):
            return candidate
    if (libpq_version() if libpq is None else libpq) >= 160000:
        return "system"
    return paths.openssl_cafile  # missing: libpq says so when it connects


def protection_params(params: dict[str, str], libpq: int | None = None) -> dict[str, str]:
    """What libpq is given for the URL read as ``params`` (see the module): nothing for
    loopback, nothing when its own ``sslmode`` is ``disable``, else the TLS and SCRAM rules
    less what it sets itself. ``libpq``: the library's version (the loaded one's when None)."""
    if all_loopback(params):
        return {}
    extra: dict[str, str] = {}
    mode = params.get("sslmode")
    if mode is None:
        mode = extra["sslmode"] = "verify-full"
    if mode == "disable":
        return extra
    libpq = libpq_version() if libpq is None else libpq
    if mode in VERIFYING and "sslrootcert" not in params:
        extra["sslrootcert"] = system_roots(libpq)
    if "require_auth" not in params:
        if libpq >= 160000:
            extra["require_auth"] = SCRAM
        elif "channel_binding" not in params:
            extra["channel_binding"] = "require"
    return extra


def connect_params(url: str) -> dict:
    """What psycopg2 is given besides the URL: a connect timeout unless the URL sets one,
    keepalives so a server that vanished mid-round is noticed rather than waited on forever,
    and, for a host other than loopback, TLS with the certificate verified and the password
    only through SCRAM (:func:`protection_params`)."""
    params = url_params(url)
    extra: dict = protection_params(params)
    if "connect_timeout" not in params:
        extra["connect_timeout"] = CONNECT_TIMEOUT_S
    if "tcp_user_timeout" not in params:
        extra["tcp_user_timeout"] = CONNECT_TIMEOUT_S * 1000
    if "keepalives_idle" not in params:
        extra.update(keepalives=1, keepalives_idle=10, keepalives_interval=5, keepalives_count=2)
    if "application_name" not in params:
        extra["application_name"] = "djamon-desktop"
    return extra


def protection(url: str) -> str:
    """What protects the connection to ``url``, in words (the Team tab shows it under the URL);
    empty when there is nothing to say (no URL, or one :func:`.team_url.check_url` refuses)."""
    try:
        from psycopg2.extensions import parse_dsn

        params = parse_dsn(check_url(url))
    except Exception:
        return ""
    if all_loopback(params):
        return "Loopback: no TLS needed (the connection stays on this machine)."
    given = {**params, **protection_params(params)}
    mode = given["sslmode"]
    auth = given.get("require_auth", "")
    if given.get("channel_binding") == "require" and not auth:
        auth = SCRAM
    scram = auth == SCRAM
    password = "password only via SCRAM" if scram else _auth_words(auth)
    if mode == "disable":
        if scram:
            return "sslmode=disable: data travel unencrypted (the password only via SCRAM)."
        return "sslmode=disable: the password and data travel unencrypted."
    if mode in ("allow", "prefer"):
        return (
            f"sslmode={mode}: TLS only when the server offers it, its certificate not checked: "
            f"data may travel unencrypted; {password}."
        )
    if mode == "require":
        return (
            "sslmode=require: TLS, but the server's certificate is not checked (whoever "
            f"answers for the host is trusted); {password}."
        )
    roots = given.get("sslrootcert", "")
    by = (
        "the system's authorities"
        if roots == "system" or roots == system_roots()
        else f"the authorities in {roots}"
    )
    what = "verified" if mode == "verify-full" else "checked (not its host name)"
    return f"TLS, certificate {what} against {by}; {password}."


def _auth_words(auth: str) -> str:
    if not auth:
        return "the password as the server asks (even in clear)"
    return f"password as require_auth={auth} allows"
