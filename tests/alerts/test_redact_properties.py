"""No stored secret shows in an error or a log line that quotes it: ``secrets.redact`` over
random values in a real keyring (keyrings.alt's file keyring), as the alerts' delivery errors
and ``alert-test`` pass their reasons through it. A secret is made of capital letters, digits
and punctuation; the messages around it are lower case, so a capital letter left in what is
shown is a piece of a secret."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from djamon_desktop import secrets

secret = st.text(
    st.sampled_from("ABCDEFGHKLMNPQRSTUVWXYZ0123456789@/:?#&=%+!$,;'\"\\"), min_size=1, max_size=20
).filter(lambda s: re.search("[A-Z]", s) is not None)
apprise_line = st.builds(
    lambda scheme, token: f"{scheme}://{token}",
    st.sampled_from(["slack", "tgram", "json", "ntfys"]),
    secret.filter(lambda s: len(s) >= 8 and "\n" not in s),
)
words = st.text(st.sampled_from("abcdefghij :,.'\"()[]\n"), max_size=20)


def no_capital(text: str) -> None:
    assert re.search("[A-Z]", text) is None, text


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(secret, st.lists(apprise_line, min_size=1, max_size=3), words, words, st.data())
def test_a_message_quoting_a_stored_secret_shows_none_of_it(
    keyring, smtp, lines, before, after, data
):
    keyring("smtp_password", smtp)
    keyring("apprise_urls", "\n".join(["# alerts", *lines, ""]))
    line = data.draw(st.sampled_from(lines))
    for quoted in (smtp, line, "\n".join(lines)):
        no_capital(secrets.redact(f"{before}{quoted}{after}"))
    assert secrets.redact(before + after) == before + after  # nothing else is touched
