"""A fake PostgreSQL server that wants the password in clear, and a way to reach it by a name
other than loopback.

The server speaks just enough of the protocol (v3): it answers an SSLRequest with ``N`` (no TLS)
or ``S`` (then TLS with the certificate it was given), reads the StartupMessage, asks for the
password in clear (AuthenticationCleartextPassword) and writes down whatever PasswordMessage
comes, then refuses the login. What it saw is in ``events``.

A name other than loopback: ``in_namespace`` runs ``python -m tests.fakepg`` in a network and
mount namespace of its own (``unshare``) whose ``/etc/hosts`` says ``db.team.example`` is
127.0.0.1 (and, when asked, whose system certificate bundle is a test CA). There the fake
server listens and ``djamon-desktop check`` runs against it; the outcome comes back as JSON.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

NAME = "db.team.example"
SSL_REQUEST, GSS_REQUEST = 80877103, 80877104
SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"


class FakePostgres:
    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.tls = tls
        self.events: list[list] = []
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            try:
                self._one(conn)
            except (OSError, ConnectionError, struct.error) as exc:
                self.events.append(["closed", type(exc).__name__])
            finally:
                conn.close()

    def _one(self, conn: socket.socket) -> None:
        conn.settimeout(10)
        while True:
            length, code = struct.unpack("!ii", _read(conn, 8))
            if code == GSS_REQUEST:
                conn.sendall(b"N")
                continue
            if code != SSL_REQUEST:
                break
            self.events.append(["ssl_request", self.tls is not None])
            if self.tls is None:
                conn.sendall(b"N")
                continue
            conn.sendall(b"S")
            conn = self.tls.wrap_socket(conn, server_side=True)
            self.events.append(["tls", conn.version()])
        body = _read(conn, length - 8)
        words = body.split(b"\0")
        self.events.append(["startup", dict(zip(words[0::2], words[1::2], strict=False))])
        conn.sendall(b"R" + struct.pack("!ii", 8, 3))  # AuthenticationCleartextPassword
        head = conn.recv(5)
        if len(head) < 5:
            self.events.append(["closed", "before a password"])
            return
        kind, length = head[:1], struct.unpack("!i", head[1:])[0]
        payload = _read(conn, length - 4)
        if kind == b"p":
            self.events.append(["password", payload.rstrip(b"\0").decode()])
        fields = b"SFATAL\0C28P01\0Mpassword authentication failed\0\0"
        conn.sendall(b"E" + struct.pack("!i", len(fields) + 4) + fields)

    def stop(self) -> None:
        self.sock.close()


def _read(conn: socket.socket, count: int) -> bytes:
    data = b""
    while len(data) < count:
        chunk = conn.recv(count - len(data))
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    return data


def _events_text(events: list[list]) -> list[list]:
    def text(what):
        return {k.decode(): v.decode() for k, v in what.items()} if isinstance(what, dict) else what

    return [[kind, text(what)] for kind, what in events]


# -- in a namespace of its own -----------------------------------------------------------------


def namespace_problem() -> str | None:
    """Why a namespace with its own /etc/hosts can't be made here (None when it can)."""
    for tool in ("unshare", "ip", "mount"):
        if shutil.which(tool) is None:
            return f"{tool} is missing (util-linux, iproute2)"
    probe = subprocess.run(
        [*_unshare(), "sh", "-c", "ip link set lo up && mount --bind /etc/hostname /etc/hosts"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if probe.returncode != 0:
        return f"unshare --net --mount failed here: {probe.stderr.strip()[:200]}"
    return None


def _unshare() -> list[str]:
    user = [] if os.geteuid() == 0 else ["--user", "--map-root-user"]
    return ["unshare", *user, "--net", "--mount", "--"]


def in_namespace(
    url: str, data_dir: Path, cert: dict | None = None, system_ca: str | None = None
) -> dict:
    """Run ``djamon-desktop check`` on ``url`` (``{port}`` in it: the fake server's) in a
    namespace where ``db.team.example`` is 127.0.0.1; ``cert``: the fake server answers TLS
    with this certificate and key (``{"cert": PEM path, "key": PEM path}``); ``system_ca``: a
    PEM file mounted over the system's certificate bundle. Returns ``{"code", "out", "err",
    "events"}``."""
    with tempfile.TemporaryDirectory(prefix="djamon-ns-") as folder:
        hosts = Path(folder) / "hosts"
        hosts.write_text(f"127.0.0.1 localhost {NAME}\n::1 localhost\n")
        script = 'ip link set lo up && mount --bind "$1" /etc/hosts'
        if system_ca:
            script += ' && mount --bind "$2" ' + SYSTEM_BUNDLE
        script += ' && shift 2 && exec "$@"'
        job = {"url": url, "data_dir": str(data_dir), "cert": cert}
        command = [
            *_unshare(), "sh", "-c", script, "sh", str(hosts), system_ca or "",
            sys.executable, "-m", "tests.fakepg", json.dumps(job),
        ]  # fmt: skip
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=120,
            cwd=Path(__file__).resolve().parent.parent,
        )
    if done.returncode != 0:
        raise RuntimeError(f"the namespace run failed ({done.returncode}): {done.stderr}")
    return json.loads(done.stdout)


def _main(job: dict) -> None:
    tls = None
    if job["cert"]:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(job["cert"]["cert"], job["cert"]["key"])
    server = FakePostgres(tls)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
        and not k.startswith(("PG", "SSL_CERT_"))  # the system's bundle as the system has it
    }
    env["DJAMON_DATABASE_URL"] = job["url"].format(port=server.port)
    done = subprocess.run(
        [sys.executable, "-m", "djamon_desktop", "--data-dir", job["data_dir"], "check"],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    server.stop()
    out = {"code": done.returncode, "out": done.stdout, "err": done.stderr}
    print(json.dumps({**out, "events": _events_text(server.events)}))


if __name__ == "__main__":
    _main(json.loads(sys.argv[1]))
