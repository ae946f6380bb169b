"""A URL as a person types it in the site editor: a bare host is taken as https://; anything
else stays as typed (for its error to name it). An import file stays strict (the contract)."""

from __future__ import annotations

import json

import pytest

from djamon_desktop.core.urls import with_https

from ..conftest import document, group, site


@pytest.mark.parametrize(
    ("typed", "taken"),
    [
        ("example.com", "https://example.com"),
        (" example.com/health ", "https://example.com/health"),
        ("shop.example.org:8443/x?y=1#z", "https://shop.example.org:8443/x?y=1#z"),
        ("localhost:8080", "https://localhost:8080"),
        ("10.0.0.1", "https://10.0.0.1"),
        ("[::1]:8080/status", "https://[::1]:8080/status"),
        ("http://example.com", "http://example.com"),
        ("tcp://db.example.com:5432", "tcp://db.example.com:5432"),
        ("http:/example.com", "http:/example.com"),  # a typo: not guessed at
        ("example", "example"),  # no dot: not a host a person means
        ("ops@example.com", "ops@example.com"),  # an e-mail address is no site
        ("exa mple.com", "exa mple.com"),
        ("", ""),
    ],
)
def test_a_bare_host_is_taken_as_https(typed, taken):
    assert with_https(typed) == taken


def test_an_import_file_still_refuses_a_url_without_a_scheme(run, tmp_path):
    path = tmp_path / "sites.json"
    path.write_text(json.dumps(document(group("G", site("Shop", "example.com")))))
    result = run("import", str(path))
    assert result.code == 2 and "example.com" in result.err, result.err
    assert "Traceback" not in result.err
    assert "Shop" not in run("sites").out  # nothing stored
