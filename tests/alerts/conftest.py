from __future__ import annotations

import pytest

from ..xapi import CREDENTIALS, XApi


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
