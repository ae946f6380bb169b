"""A team database on a host other than loopback is reached over TLS with its certificate
verified against the system's authorities, and the password goes only through SCRAM, unless the
URL's own parameters say otherwise; loopback is left as it was.

For real: ``djamon-desktop check`` runs in a network and mount namespace of its own where
``db.team.example`` (a name, not loopback) is 127.0.0.1, against a fake PostgreSQL server that
asks for the password in clear and writes down whatever it is sent (tests/fakepg.py)."""

from __future__ import annotations

import pytest
import trustme

from djamon_desktop.store import team_tls
from djamon_desktop.store.team_tls import connect_params

from ..fakepg import NAME, SYSTEM_BUNDLE, in_namespace, namespace_problem

PASSWORD = "s3cret-Pw"
REMOTE = f"postgresql://anna:{PASSWORD}@{NAME}:{{port}}/team"
SHOWN = f"postgresql://anna:***@{NAME}:"


@pytest.fixture(scope="module")
def namespace():
    problem = namespace_problem()
    if problem:
        pytest.skip(f"no network namespace with its own /etc/hosts: {problem}")


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    """A CA and the fake server's certificate for db.team.example, as PEM files."""
    folder = tmp_path_factory.mktemp("tls")
    ca = trustme.CA()
    ca.cert_pem.write_to_path(str(folder / "ca.pem"))
    ca.issue_cert(NAME).private_key_and_cert_chain_pem.write_to_path(str(folder / "leaf.pem"))
    leaf = str(folder / "leaf.pem")
    return {"ca": str(folder / "ca.pem"), "server": {"cert": leaf, "key": leaf}}


def refused(result: dict, reason: str) -> str:
    """Exit 4, one line naming the database with its password as ***, the password never sent."""
    assert result["code"] == 4, result
    lines = result["err"].strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"djamon-desktop: database {SHOWN}"), lines
    assert reason in lines[0], lines[0]
    assert PASSWORD not in result["err"] + result["out"]
    assert not [e for e in result["events"] if e[0] == "password"], result["events"]
    return lines[0]


def test_a_server_without_tls_never_gets_the_password(namespace, tmp_path):
    result = in_namespace(REMOTE, tmp_path / "data")
    refused(result, "SSL")
    assert result["events"][0] == ["ssl_request", False]  # asked for TLS, and nothing more


def test_a_server_whose_certificate_is_not_trusted_is_refused_at_the_handshake(
    namespace, tmp_path, certs
):
    """The fake server's CA is in no system bundle: the handshake fails, nothing is sent."""
    result = in_namespace(REMOTE, tmp_path / "data", cert=certs["server"])
    refused(result, "certificate verify failed")
    assert not [e for e in result["events"] if e[0] == "startup"]


def test_a_verified_server_asking_for_the_password_in_clear_is_refused(namespace, tmp_path, certs):
    """With the test CA as the system's bundle the certificate is verified (TLS is made and the
    startup message sent over it), and libpq refuses the cleartext request (require_auth)."""
    result = in_namespace(REMOTE, tmp_path / "data", cert=certs["server"], system_ca=certs["ca"])
    line = refused(result, 'requirement "scram-sha-256" failed')
    assert "cleartext" in line
    kinds = [e[0] for e in result["events"]]
    assert kinds[:3] == ["ssl_request", "tls", "startup"], result["events"]


def test_a_self_signed_server_is_used_through_sslrootcert_in_the_url(namespace, tmp_path, certs):
    """``?sslrootcert=ca.pem``: that CA instead of the system's; verify-full and SCRAM stay."""
    url = REMOTE + f"?sslrootcert={certs['ca']}"
    result = in_namespace(url, tmp_path / "data", cert=certs["server"])
    refused(result, 'requirement "scram-sha-256" failed')
    assert [e[0] for e in result["events"]][:2] == ["ssl_request", "tls"]


def test_sslmode_disable_in_the_url_is_the_person_s_choice(namespace, tmp_path):
    """Written in the URL, ``sslmode=disable`` is kept: the password reaches the server in
    clear (what the Team tab warns of); the login refused is still exit 4 with no password."""
    result = in_namespace(REMOTE + "?sslmode=disable", tmp_path / "data")
    assert ["password", PASSWORD] in result["events"]
    assert not [e for e in result["events"] if e[0] == "ssl_request"]
    assert result["code"] == 4 and "password authentication failed" in result["err"]
    assert PASSWORD not in result["err"]


def test_loopback_is_left_as_it_was(namespace, tmp_path):
    """127.0.0.1 is this machine: no TLS asked for (libpq's own ``prefer``), the password as the
    server asks."""
    url = f"postgresql://anna:{PASSWORD}@127.0.0.1:{{port}}/team"
    result = in_namespace(url, tmp_path / "data")
    assert ["password", PASSWORD] in result["events"]
    assert result["code"] == 4 and PASSWORD not in result["err"]


def test_check_on_the_real_loopback_server_is_unchanged(team_url, run):
    """The suite's PostgreSQL (127.0.0.1, no TLS, SCRAM) is given no TLS parameter and works."""
    given = connect_params(team_url)
    assert not {"sslmode", "sslrootcert", "require_auth", "channel_binding"} & set(given)
    assert run("--database", team_url, "check").code == 0


@pytest.mark.parametrize(
    ("url", "given"),
    [
        ("postgresql://a@db.example/t", {"sslmode": "verify-full", "sslrootcert": "ROOTS",
                                         "require_auth": "scram-sha-256"}),
        ("postgresql://a@localhost/t", {}),
        ("postgresql://a@127.8.9.10:5/t", {}),
        ("postgresql://a@[::1]/t", {}),
        ("postgresql:///t?host=/run/postgresql", {}),
        ("postgresql:///t", {}),
        ("postgresql://a@localhost/t?hostaddr=10.1.2.3", {"sslmode": "verify-full",
                                                          "sslrootcert": "ROOTS",
                                                          "require_auth": "scram-sha-256"}),
        ("postgresql://a@localhost,db.example/t", {"sslmode": "verify-full",
                                                   "sslrootcert": "ROOTS",
                                                   "require_auth": "scram-sha-256"}),
        ("postgresql://a@localhost.example/t?sslmode=disable", {}),
        ("postgresql://a@db.example/t?sslmode=require", {"require_auth": "scram-sha-256"}),
        ("postgresql://a@db.example/t?sslrootcert=/ca.pem",
         {"sslmode": "verify-full", "require_auth": "scram-sha-256"}),
        ("postgresql://a@db.example/t?sslmode=verify-ca&require_auth=md5",
         {"sslrootcert": "ROOTS"}),
    ],
)  # fmt: skip
def test_what_libpq_is_given(url, given):
    from psycopg2.extensions import parse_dsn

    roots = team_tls.system_roots()
    expected = {k: roots if v == "ROOTS" else v for k, v in given.items()}
    assert team_tls.protection_params(parse_dsn(url)) == expected
    for key, value in expected.items():
        assert connect_params(url)[key] == value


def test_the_system_s_authorities_are_the_bundle_file_python_finds():
    """Not libpq's ``system``: the psycopg2-binary wheel's OpenSSL looks in its build folder."""
    assert team_tls.system_roots() == SYSTEM_BUNDLE or team_tls.system_roots().endswith(".pem")


def test_an_older_libpq_refuses_all_but_scram_with_channel_binding(namespace, tmp_path, certs):
    """A libpq before 16 does not know require_auth: channel_binding=require is given instead
    (only SCRAM, bound to the TLS connection); with this libpq, shown to refuse a cleartext
    request as well."""
    assert team_tls.protection_params({"host": "db.example"}, libpq=150004) == {
        "sslmode": "verify-full",
        "sslrootcert": team_tls.system_roots(),
        "channel_binding": "require",
    }
    url = REMOTE + "?require_auth=password,scram-sha-256&channel_binding=require"
    result = in_namespace(url, tmp_path / "data", cert=certs["server"], system_ca=certs["ca"])
    refused(result, "channel binding")
