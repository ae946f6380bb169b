"""Name lookups against a resolver that never answers, and /etc/hosts, through the real system
resolver (glibc's getaddrinfo): ``check`` runs in a mount namespace of its own (``unshare -m``)
where /etc/resolv.conf names a loopback DNS server that swallows every query and /etc/hosts is
the test's. That needs root; elsewhere these tests are skipped, saying why."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..conftest import document, group, site
from ..servers import SilentResolver


def _why_not() -> str | None:
    if not sys.platform.startswith("linux"):
        return "needs Linux mount namespaces"
    if os.geteuid() != 0:
        return "needs root, to bind a DNS server on port 53 and mount over /etc/resolv.conf"
    if shutil.which("unshare") is None:
        return "needs unshare (util-linux)"
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if probe.returncode != 0:
        return f"unshare -m is not allowed here: {probe.stderr.decode().strip()}"
    return None


pytestmark = pytest.mark.skipif(_why_not() is not None, reason=_why_not() or "")

HUNG_LOOKUP_SECONDS = 30  # how long glibc waits for the silent resolver


@pytest.fixture
def resolver():
    r = SilentResolver().start()
    yield r
    r.stop()


def check_isolated(tmp_path: Path, resolver: SilentResolver, hosts: str) -> tuple[dict, float]:
    """``check --json`` in its own process with the silent resolver and these /etc/hosts lines;
    returns the report and the process's whole wall time (start-up and exit included)."""
    resolv_conf = tmp_path / "resolv.conf"
    resolv_conf.write_text(
        f"nameserver {resolver.address}\noptions timeout:{HUNG_LOOKUP_SECONDS} attempts:1\n"
    )
    hosts_file = tmp_path / "hosts"
    hosts_file.write_text(hosts)
    script = (
        'mount --bind "$1" /etc/resolv.conf && mount --bind "$2" /etc/hosts && shift 2 && exec "$@"'
    )
    started = time.monotonic()
    proc = subprocess.run(
        ["unshare", "-m", "sh", "-c", script, "sh", str(resolv_conf), str(hosts_file)]
        + [sys.executable, "-m", "djamon_desktop", "check", "--json"],
        capture_output=True,
        text=True,
        timeout=HUNG_LOOKUP_SECONDS * 2,
    )
    took = time.monotonic() - started
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout), took


def test_names_that_never_resolve_delay_no_other_check(server, load, tmp_path, resolver, name):
    timeout = 2
    lost = [f"lost{n}-{name}.djamon-test.example" for n in range(20)]
    load(
        document(
            group(
                "G",
                *(
                    site(f"Lost {n}", f"http://{host}:{server.port}/")
                    for n, host in enumerate(lost)
                ),
                site("Local", f"http://localhost:{server.port}/status/200"),  # looked up last
            ),
            timeout_seconds=timeout,
        )
    )
    report, took = check_isolated(tmp_path, resolver, "127.0.0.1 localhost\n")
    results = {r["title"]: r for r in report["results"]}
    local = results.pop("Local")
    assert (local["status_code"], local["error"]) == (200, None)
    # its own answer, not held up until the hung lookups' 2 s deadline: slack for load
    assert local["elapsed_ms"] < 1000
    assert {r["error"] for r in results.values()} == {"timeout"} and len(results) == 20
    # the round ended at its deadline and the process exited while 20 lookups still hang
    assert took < timeout + 2.0, took
    assert set(lost) <= set(resolver.names)  # every name really went to the silent resolver


def test_an_international_host_is_looked_up_in_idna_form(server, load, tmp_path, resolver):
    load(
        document(
            group("G", site("Books", f"http://Bücher.example:{server.port}/status/200")),
            timeout_seconds=2,
        )
    )
    before = len(server.seen)
    report, _ = check_isolated(tmp_path, resolver, "127.0.0.1 xn--bcher-kva.example\n")
    [result] = report["results"]
    assert (result["status_code"], result["error"]) == (200, None)
    assert server.seen[before].headers["host"] == f"xn--bcher-kva.example:{server.port}"
    assert resolver.names == []  # found in /etc/hosts under its IDNA name
