"""A real PostgreSQL server for the tests (Debian's ``postgresql`` package): a cluster made with
initdb in a temporary folder, listening on a free loopback port, run by pg_ctl as an unprivileged
user when the tests run as root (PostgreSQL refuses to run as root), stopped at the end.

Each test that wants one gets a database of its own (``fresh_database``); logins use a password
over TCP (scram-sha-256), as a team's server would ask for.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

USER = "djamon"
PASSWORD = "team-secret-pw"


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(found[-1]).parent if found else None


def available() -> bool:
    return _bin_dir() is not None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PostgresServer:
    folder: Path
    port: int
    bin_dir: Path
    run_as: str | None

    @property
    def data(self) -> Path:
        return self.folder / "cluster"

    def url(self, dbname: str = "postgres", password: bool = True) -> str:
        auth = f"{USER}:{PASSWORD}" if password else USER
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{dbname}"

    def _as_owner(self, *args: str, check: bool = True, timeout: float = 60):
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self.run_as:
            entry = pwd.getpwnam(self.run_as)
            command = ["setpriv", f"--reuid={entry.pw_uid}", f"--regid={entry.pw_gid}",
                       "--clear-groups", "--", *command]  # fmt: skip
        return subprocess.run(
            command, check=check, capture_output=True, text=True, timeout=timeout, cwd=self.folder,
            env={**os.environ, "LC_ALL": "C.UTF-8", "PGTZ": "UTC"},
        )  # fmt: skip

    @classmethod
    def create(cls) -> PostgresServer:
        bin_dir = _bin_dir()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL is not installed (bash .ci/setup --test installs it)")
        folder = Path(tempfile.mkdtemp(prefix="djamon-pg-"))
        run_as = None
        if os.geteuid() == 0:
            run_as = "nobody"
            entry = pwd.getpwnam(run_as)
            os.chown(folder, entry.pw_uid, entry.pw_gid)
        folder.chmod(0o700)
        server = cls(folder, _free_port(), bin_dir, run_as)
        pwfile = folder / "pw"
        pwfile.write_text(PASSWORD + "\n")
        if run_as:
            os.chown(pwfile, pwd.getpwnam(run_as).pw_uid, pwd.getpwnam(run_as).pw_gid)
        server._as_owner(
            "initdb", "-D", str(server.data), "-U", USER, f"--pwfile={pwfile}",
            "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--no-sync",
        )  # fmt: skip
        return server

    def start(self) -> PostgresServer:
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories="
            f"{self.folder} -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
            " -c max_connections=200"
        )
        self._as_owner(
            "pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "log"),
            "-w", "-t", "60", "start",
        )  # fmt: skip
        return self

    def stop(self, mode: str = "fast") -> None:
        self._as_owner("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def remove(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    def sql(self, statement: str, dbname: str = "postgres") -> str:
        """Run one statement as the cluster's owner (psql over the private socket)."""
        done = self._as_owner(
            "psql", "-h", str(self.folder), "-p", str(self.port), "-U", USER, "-d", dbname,
            "-v", "ON_ERROR_STOP=1", "-At", "-c", statement,
        )  # fmt: skip
        return done.stdout.strip()

    def fresh_database(self, template: str = "template1") -> str:
        """A new database, empty unless copied from ``template`` (a database nobody is connected
        to); its URL (with the password)."""
        name = "t_" + uuid.uuid4().hex[:12]
        self.sql(f"CREATE DATABASE {name} TEMPLATE {template}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1].split("?")[0]
        self.sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
