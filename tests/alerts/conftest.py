from __future__ import annotations

import pytest

from ..mail import PASSWORD, MailServer
from ..xapi import CREDENTIALS, XApi


@pytest.fixture
def ca_file(ca, tmp_path):
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture
def mail(ca, ca_file, monkeypatch, keyring):
    """A STARTTLS + AUTH SMTP server the program trusts (SSL_CERT_FILE) with the password set."""
    monkeypatch.setenv("SSL_CERT_FILE", ca_file)
    keyring("smtp_password", PASSWORD)
    server = MailServer(ca).start()
    yield server
    server.stop()


@pytest.fixture
def xapi(ca, ca_file, monkeypatch, keyring):
    """The X API stand-in, reached through HTTPS_PROXY, with the four credentials set."""
    api = XApi(ca).start()
    monkeypatch.setenv("HTTPS_PROXY", api.proxy.url)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", ca_file)
    for name, value in CREDENTIALS.items():
        keyring(name, value)
    yield api
    api.stop()
