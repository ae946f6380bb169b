"""The command line on a team's PostgreSQL that fails: the server stopped, stopped in the middle
of a round, restarting, silent, refusing the login; bad URLs; the password found where libpq
finds it, else in the keyring. Exit 4 with one line (password as ***) and nothing half stored;
exit 2 for a URL that can't be used, with nothing made."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time

import psycopg2
import pytest

from ..conftest import payments
from ..postgres import PASSWORD, USER
from ..processes import wait_until


@pytest.fixture
def pg(pg_server):
    """The suite's server, which a test may stop: running again at the test's end."""
    yield pg_server
    if not accepting(pg_server.port):
        pg_server.start()


@pytest.fixture
def team_env(team_url, monkeypatch):
    monkeypatch.setenv("DJAMON_DATABASE_URL", team_url)
    return team_url


def accepting(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def count(url: str, table: str) -> int:
    with psycopg2.connect(url) as conn, conn.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{table}"')
        return cursor.fetchone()[0]


def one_line_unreachable(result, url_shown: str) -> str:
    """The error of an exit 4: one line naming the database, its password as ***."""
    assert result.code == 4, (result.code, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith(f"djamon-desktop: database {url_shown} can't be reached: ")
    assert PASSWORD not in result.err + result.out
    return lines[0]


def shown(url: str) -> str:
    return url.replace(f":{PASSWORD}@", ":***@")


def nothing_secret_in(data_dir, *secrets: str) -> None:
    for path in data_dir.rglob("*"):
        if path.is_file():
            text = path.read_bytes()
            for secret in secrets:
                assert secret.encode() not in text, path


# -- the server away ----------------------------------------------------------------------------


def test_check_exits_4_and_records_nothing_while_the_server_is_stopped(
    pg, team_env, load, run, server, name, data_dir
):
    load(payments(server, name))
    pg.stop()
    try:
        for command in (["check"], ["sites"], ["outages"], ["purge"]):
            one_line_unreachable(run(*command), shown(team_env))
    finally:
        pg.start()
    assert count(team_env, "check") == 0
    assert run("check").code == 0  # and carries on once it is back
    assert count(team_env, "check") == 2
    nothing_secret_in(data_dir, PASSWORD)


STALL = """
CREATE FUNCTION stall() RETURNS trigger LANGUAGE plpgsql AS
  $$ BEGIN PERFORM pg_sleep(60); RETURN NEW; END $$;
CREATE TRIGGER stall BEFORE INSERT ON outage FOR EACH ROW EXECUTE FUNCTION stall();
"""


def test_the_server_stopped_mid_round_leaves_nothing_of_the_round(
    pg, team_env, load, run, server, name
):
    """The round's transaction has stored its checks and strikes and is opening the outage
    (held there by a trigger) when the server stops: none of it is kept."""
    load(payments(server, name, strikes=1))
    server.switch[name] = 500
    database = team_env.rsplit("/", 1)[1]
    pg.sql(STALL, database)
    proc = subprocess.Popen(
        [sys.executable, "-m", "djamon_desktop", "check"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until(
            lambda: (
                pg.sql("SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'PgSleep'") == "1"
            ),
            30,
            "the round reaching the outage",
        )
        assert count(team_env, "check") == 0  # (not committed yet: another connection's view)
        pg.stop()
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
        pg.start()
    line = one_line_unreachable(
        type("R", (), {"code": proc.returncode, "out": out, "err": err}), shown(team_env)
    )
    assert "terminat" in line or "closed the connection" in line
    for table in ("check", "check_hour", "outage", "alert"):
        assert count(team_env, table) == 0, table
    assert {s["title"]: s["down_count"] for s in run("sites", "--json").json()} == {
        "Payments": 0,
        "Blog": 0,
    }
    pg.sql("DROP TRIGGER stall ON outage", database)
    assert run("check").code == 1
    assert count(team_env, "outage") == 1


def test_checks_while_the_server_restarts_exit_0_or_4_and_store_whole_rounds(
    pg, team_env, load, run, server, name, capsys
):
    load(payments(server, name))
    restarted = threading.Event()

    def restart() -> None:
        try:
            for _ in range(3):
                time.sleep(0.3)
                pg.stop()
                time.sleep(0.2)
                pg.start()
        finally:
            restarted.set()

    restarter = threading.Thread(target=restart)
    restarter.start()
    results = []
    while not restarted.is_set():
        results.append(run("check"))
    restarter.join()
    codes = [r.code for r in results]
    with capsys.disabled():
        print(f"checks during three restarts: {codes.count(0)} stored, {codes.count(4)} exit 4")
    assert set(codes) <= {0, 4}, [(r.code, r.err) for r in results if r.code not in (0, 4)]
    assert 4 in codes and 0 in codes, codes
    for result in results:
        if result.code == 4:
            one_line_unreachable(result, shown(team_env))
    stored = count(team_env, "check")
    assert stored % 2 == 0  # each round whole or not at all
    assert stored >= 2 * codes.count(0)
    assert run("check").code == 0


def test_a_server_that_never_answers_is_given_up_on_after_10_s(run_process, tmp_path):
    silent = socket.socket()  # the kernel takes the connection; nobody ever answers on it
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    url = f"postgresql://{USER}:{PASSWORD}@127.0.0.1:{silent.getsockname()[1]}/team"
    try:
        started = time.monotonic()
        result = run_process("check", env={"DJAMON_DATABASE_URL": url})
        took = time.monotonic() - started
    finally:
        silent.close()
    line = one_line_unreachable(result, shown(url))
    assert "timeout expired" in line
    # its 10 s connect timeout, waited out once: the upper bound is slack for a loaded machine
    assert 9.5 <= took < 20, took


# -- the login ---------------------------------------------------------------------------------


def test_a_wrong_password_is_exit_4_and_never_written_anywhere(team_url, run, data_dir):
    wrong = "not-the-Pw-4711"
    url = team_url.replace(f":{PASSWORD}@", f":{wrong}@")
    result = run("--database", url, "sites")
    line = one_line_unreachable(result, shown(team_url))
    assert "password authentication failed" in line
    assert wrong not in result.err + result.out
    nothing_secret_in(data_dir, wrong)


def test_the_keyrings_password_is_used_and_a_wrong_one_never_shown(
    team_url, run, keyring, data_dir
):
    url = team_url.replace(f":{PASSWORD}@", "@")
    keyring("database_password", PASSWORD)
    assert run("--database", url, "check").code == 0
    keyring("database_password", "wrong-in-keyring-77")
    result = run("--database", url, "check")
    assert "password authentication failed" in one_line_unreachable(result, url)
    nothing_secret_in(data_dir, "wrong-in-keyring-77", PASSWORD)


def test_no_password_anywhere_is_exit_4_saying_where_it_looked(team_url, run):
    url = team_url.replace(f":{PASSWORD}@", "@")
    line = one_line_unreachable(run("--database", url, "sites"), url)
    assert "asks for a password and none was found" in line


def test_pgpassword_is_used(team_url, run, monkeypatch):
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    assert run("--database", team_url.replace(f":{PASSWORD}@", "@"), "sites").code == 0


def test_a_pgpass_file_in_home_is_used(team_url, run, monkeypatch, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    url = team_url.replace(f":{PASSWORD}@", "@")
    port, database = url.rsplit(":", 1)[1].split("/")
    pgpass = home / ".pgpass"
    pgpass.write_text(f"127.0.0.1:{port}:{database}:{USER}:{PASSWORD}\n")
    pgpass.chmod(0o600)
    monkeypatch.setenv("HOME", str(home))
    assert run("--database", url, "sites").code == 0


# -- bad URLs --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("mysql://x", "use postgresql://USER@HOST:PORT/DBNAME"),
        ("postgresql://127.0.0.1:notaport/db", "notaport"),
        ("postgresql://127.0.0.1:5432", "name the database"),
        ("postgresql://127.0.0.1:5432/db?nosuchoption=1", "nosuchoption"),
    ],
)
def test_a_bad_url_is_exit_2_with_the_reason_and_nothing_made(
    url, reason, run, data_dir, tmp_path, monkeypatch
):
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    for given in (("--database", url, "check"), ("check",)):
        if given == ("check",):
            monkeypatch.setenv("DJAMON_DATABASE_URL", url)
        result = run(*given)
        assert result.code == 2, (given, result.err)
        lines = result.err.strip().splitlines()
        assert len(lines) == 1 and reason in lines[0], result.err
        assert lines[0].startswith("djamon-desktop: database URL ")
    assert list(here.iterdir()) == []
    assert not [p for p in data_dir.rglob("*") if "sqlite" in p.name or p.suffix == ".db"]
    assert os.environ["DJAMON_DATABASE_URL"] == url


def test_an_error_a_library_prints_during_a_command_goes_to_the_log(capsys, caplog):
    # psycopg2 prints (sys.excepthook) an error that cuts a COPY off, beside raising it: the
    # user sees the command's one line, the log keeps the rest
    from djamon_desktop.cli import _printed_errors_logged

    outside = sys.excepthook
    with _printed_errors_logged():
        try:
            raise SystemError("decode returned a result with an exception set")
        except SystemError as exc:
            sys.excepthook(type(exc), exc, exc.__traceback__)
    assert sys.excepthook is outside
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""
    [record] = [r for r in caplog.records if r.exc_info]
    assert record.exc_info[0] is SystemError
