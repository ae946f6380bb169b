"""The time an e-mail alert gives, as read in the mail a real SMTP server received: local time
with UTC in brackets, said once where the two are the same."""

from __future__ import annotations

import re
import time

import pytest

from ..conftest import payments


@pytest.fixture
def zone(monkeypatch):
    """``zone(name)``: this process's local time zone is ``name`` (TZ), until the test ends."""

    def set_zone(name: str) -> None:
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield set_zone
    monkeypatch.undo()
    time.tzset()


def opening_mail(server, load, run, mail, name) -> str:
    server.switch[name] = 503
    load(payments(server, name, strikes=2, email=mail.settings()))
    run("check")
    run("check")
    [got] = mail.inbox
    return got.message.get_content()


def test_a_mail_in_utc_says_the_time_once(server, load, run, mail, name, zone):
    zone("UTC")
    body = opening_mail(server, load, run, mail, name)
    started = re.search(r"started at (.*)\.\r?\n", body)
    assert started and re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", started[1]), repr(body)


def test_a_mail_in_london_in_winter_says_the_time_once(server, load, run, mail, name, zone):
    zone("GMT0")  # London's winter: the same time as UTC, called GMT
    body = opening_mail(server, load, run, mail, name)
    started = re.search(r"started at (.*)\.\r?\n", body)
    assert started and re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT", started[1]), repr(body)


def test_a_mail_elsewhere_gives_utc_in_brackets(server, load, run, mail, name, zone):
    zone("Asia/Tokyo")  # 9 hours ahead, all year
    body = opening_mail(server, load, run, mail, name)
    started = re.search(r"started at (.*)\.\r?\n", body)
    said = started and re.fullmatch(
        r"\d{4}-\d\d-\d\d (\d\d):(\d\d:\d\d) JST \((\d\d):(\d\d:\d\d) UTC\)", started[1]
    )
    assert said, body
    assert (int(said[1]) - int(said[3])) % 24 == 9 and said[2] == said[4]
