"""`ack`, `unack`, `note` and the global `--as`, and what `outage` shows of it (JSON, text):
real rounds against a loopback server open the outages, on SQLite and on a team's PostgreSQL.
Every refusal is exit 2 with one line, and changes nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from djamon_desktop.cycle import run_round

from ..conftest import document, group, opened, site
from ..servers import closed_port

#: every test here runs on SQLite and on a team's PostgreSQL (tests/conftest.py, engine)
pytestmark = pytest.mark.usefixtures("engine")

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _utc_and_nobody(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("DJAMON_USER", "alice")


def make_outage(server, load, data_dir, closed: bool = False) -> tuple[int, str]:
    """One outage of "Payments API" opened by a real round (``closed``: and closed by the next):
    its ID, and the name of the server's switch that makes the site fail."""
    name = uuid.uuid4().hex[:8]
    load(document(group("G", site("Payments API", server.url(f"/switch/{name}"))), strikes=1))
    with opened(data_dir):
        server.switch[name] = 500
        [outage_id] = run_round(clock=lambda: START).outages_opened
        if closed:
            server.switch[name] = 200
            run_round(clock=lambda: START + timedelta(minutes=5))
    return outage_id, name


def shown(run, key) -> dict:
    result = run("outage", str(key), "--json")
    assert result.code == 0, result.err
    return result.json()


def worked(outage: dict) -> list[tuple]:
    """The acknowledgements and notes of an outage's timeline, in order."""
    kinds = {"acknowledged", "unacknowledged", "note"}
    return [
        (e["event"], e.get("by"), e.get("text")) for e in outage["timeline"] if e["event"] in kinds
    ]


def test_ack_take_over_note_and_unack(server, load, data_dir, run):
    outage_id = make_outage(server, load, data_dir)[0]
    code = shown(run, outage_id)["code"]
    before = shown(run, outage_id)
    assert (before["acknowledged_by"], before["acknowledged_at"], before["notes"]) == (
        None,
        None,
        [],
    )

    result = run("ack", "current")  # DJAMON_USER
    assert (result.code, result.out) == (0, f"Outage {code}: acknowledged by alice.\n")
    after = shown(run, code.lower())
    assert after["acknowledged_by"] == "alice"
    acked_at = datetime.fromisoformat(after["acknowledged_at"])
    assert acked_at.tzinfo is not None and after["acknowledged_at"].endswith("+00:00")

    # someone else's: refused naming who has it, nothing changed
    result = run("--as", "bob", "ack", code)
    assert result.code == 2
    assert result.err.strip().splitlines() == [
        f"djamon-desktop: outage {code} is acknowledged by alice; use --take-over to take it over"
    ]
    assert shown(run, outage_id) == after

    # --as after the command, like --data-dir
    result = run("ack", str(outage_id), "--take-over", "--as", "bob", "--note", "DB failover")
    assert result.out == f"Outage {code}: acknowledged by bob, taken over from alice. Note added.\n"
    result = run("ack", code.lower(), "--as", "bob")  # a code in any case
    assert result.out == f"Outage {code}: already yours (bob).\n"
    assert run("note", code, "Restarted the pool", "--as", "carol").out == (
        f"Outage {code}: note added by carol.\n"
    )
    assert run("unack", "current").out == f"Outage {code}: no longer acknowledged (it was bob).\n"

    final = shown(run, outage_id)
    assert (final["acknowledged_by"], final["acknowledged_at"]) == (None, None)
    assert worked(final) == [
        ("acknowledged", "alice", None),
        ("acknowledged", "bob", None),
        ("note", "bob", "DB failover"),
        ("note", "carol", "Restarted the pool"),
        ("unacknowledged", "alice", None),
    ]
    assert [(n["by"], n["text"]) for n in final["notes"]] == [
        ("bob", "DB failover"),
        ("carol", "Restarted the pool"),
    ]
    moments = [e["at"] for e in final["timeline"]]
    assert moments == sorted(moments) and all(m.endswith("+00:00") for m in moments)
    opened_at = [e for e in final["timeline"] if e["event"] == "opened"]
    assert [e["at"] for e in opened_at] == [START.isoformat()]


def test_a_closed_outage_keeps_its_acknowledgement_and_takes_notes(server, load, data_dir, run):
    outage_id, name = make_outage(server, load, data_dir)
    assert run("ack", str(outage_id)).code == 0
    with opened(data_dir):
        run_round(clock=lambda: START + timedelta(minutes=5))  # still failing: still open
    server.switch[name] = 200
    with opened(data_dir):
        run_round(clock=lambda: START + timedelta(minutes=10))
    outage = shown(run, outage_id)
    assert outage["end_time"] is not None and outage["acknowledged_by"] == "alice"

    result = run("ack", str(outage_id), "--as", "bob", "--take-over")
    assert result.code == 2
    assert result.err.strip() == (
        f"djamon-desktop: outage {outage['code']} is closed; a closed outage can't be "
        "acknowledged (a note can still be added)"
    )
    assert run("unack", str(outage_id)).code == 2
    assert shown(run, outage_id) == outage

    assert run("note", str(outage_id), "Cause: an expired certificate").code == 0
    assert [n["text"] for n in shown(run, outage_id)["notes"]] == ["Cause: an expired certificate"]
    closed = [e["event"] for e in shown(run, outage_id)["timeline"]]
    assert closed[-1] == "note" and "closed" in closed


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (("note", "{id}", "x" * 1001), {}, "note: a note is at most 1,000 characters; this one"),
        (
            ("note", "{id}", "line\nbreak"),
            {},
            "note: holds a line break (U+000A) at character 5",
        ),
        (
            ("ack", "{id}", "--note", "right\u202eto left"),
            {},
            "note: holds a bidirectional control (U+202E) at character 6",
        ),
        (("note", "{id}", "  "), {}, "note: a note needs some text"),
        (("ack", "{id}", "--as", ""), {}, "--as '': use 1 to 40 characters on one line"),
        (("--as", "a\x07b", "note", "{id}", "hi"), {}, "--as 'a\\x07b': holds a control"),
        (("ack", "{id}"), {"DJAMON_USER": "x" * 41}, "DJAMON_USER 'xxxx"),
        (("ack", "999"), {}, "outage '999': no outage has this ID"),
        (("note", "ZZZZ9999", "hi"), {}, "outage 'ZZZZ9999': no outage has this code"),
        (("ack",), {}, "the following arguments are required: OUTAGE"),
        (("note", "{id}"), {}, "the following arguments are required: TEXT"),
        (("outage", "{id}", "--json", "--markdown"), {}, "not allowed with argument"),
    ],
)
def test_bad_input_is_exit_2_one_line_and_changes_nothing(
    server, load, data_dir, run, monkeypatch, args, env, message
):
    outage_id = make_outage(server, load, data_dir)[0]
    before = shown(run, outage_id)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = run(*(arg.replace("{id}", str(outage_id)) for arg in args))
    assert result.code == 2, result
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.err
    assert "Traceback" not in result.err and result.out == ""
    assert shown(run, outage_id) == before


def test_ack_current_with_nothing_open_is_exit_2(server, load, data_dir, run):
    make_outage(server, load, data_dir, closed=True)
    for args in (("ack", "current"), ("unack", "current"), ("note", "current", "hi")):
        result = run(*args)
        assert (result.code, result.err.strip()) == (
            2,
            "djamon-desktop: outage 'current': no outage is open",
        )
    assert run("outage", "current").out.strip() == "No outage is open."


def test_unack_of_an_outage_nobody_is_on_is_exit_2(server, load, data_dir, run):
    outage_id = make_outage(server, load, data_dir)[0]
    result = run("unack", str(outage_id))
    assert result.code == 2 and "is not acknowledged by anyone" in result.err


def test_the_outage_text_says_who_is_on_it_and_shows_the_timeline(server, load, data_dir, run):
    outage_id = make_outage(server, load, data_dir)[0]
    assert run("ack", str(outage_id), "--note", "looking at <the> DB").code == 0
    text = run("outage", str(outage_id)).out
    acked_at = datetime.fromisoformat(shown(run, outage_id)["acknowledged_at"])
    assert f"On it:    alice since {acked_at:%Y-%m-%d %H:%M:%S}\n" in text
    timeline = text.split("Timeline:\n", 1)[1].splitlines()
    # the first failed check that led to it, then the opening, at the same instant
    assert timeline[0].startswith("  09:00:00  failed") and "Payments API" in timeline[0]
    assert timeline[1].startswith("  09:00:00  opened") and "Payments API" in timeline[1]
    day = acked_at.strftime("%Y-%m-%d %H:%M:%S")  # a later day than the outage's first
    assert f"  {day}  acknowledged    by alice" in timeline
    assert f"  {day}  note            by alice: looking at <the> DB" in timeline


def test_a_note_from_another_desktop_with_a_forbidden_character_stays_on_its_line(
    server, load, data_dir, run
):
    """Stored by an older version or written into the team database by hand: shown, one line."""
    outage_id = make_outage(server, load, data_dir)[0]
    with opened(data_dir):
        from djamon_desktop.store import timeline

        timeline.add(outage_id, START, "note", by="eve", text="two\nlines")
    text = run("outage", str(outage_id)).out
    assert "by eve: two\ufffdlines" in text


def test_the_database_unreachable_is_exit_4(run, monkeypatch, engine):
    if engine == "sqlite":
        pytest.skip("a team database only")
    url = f"postgresql://djamon:secret@127.0.0.1:{closed_port()}/nowhere"
    monkeypatch.setenv("DJAMON_DATABASE_URL", url)
    for args in (("ack", "current"), ("unack", "1"), ("note", "1", "hi")):
        result = run(*args)
        assert result.code == 4, result
        assert result.err.count("\n") == 1 and "can't be reached" in result.err
        assert "secret" not in result.err


def test_with_no_as_and_no_djamon_user_the_login_name_signs(
    server, load, data_dir, run, monkeypatch
):
    import getpass

    monkeypatch.delenv("DJAMON_USER")
    outage_id = make_outage(server, load, data_dir)[0]
    result = run("ack", str(outage_id))
    assert result.code == 0 and result.out.endswith(f"acknowledged by {getpass.getuser()}.\n")
    assert shown(run, outage_id)["acknowledged_by"] == getpass.getuser()


def test_a_take_over_says_whom_from_in_the_text_timeline(server, load, data_dir, run):
    outage_id = make_outage(server, load, data_dir)[0]
    assert run("--as", "bob", "ack", str(outage_id)).code == 0
    assert run("--as", "alice", "ack", str(outage_id), "--take-over").code == 0
    text = run("outage", str(outage_id)).out
    acks = [
        line.split("  acknowledged  ", 1)[1].strip()
        for line in text.splitlines()
        if "  acknowledged  " in line
    ]
    assert acks == ["by bob", "by alice (taken over from bob)"]
    draft = run("outage", str(outage_id), "--markdown").out
    assert "**acknowledged** by alice (taken over from bob)" in draft
