"""What import refuses before it stores anything: a file that is no regular file or larger than
1 GiB, a key given twice, a number beyond its field's range however many digits, a file that
does not fit in memory; and what export says of the passwords in site URLs."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ..conftest import document, group, site

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SITE_VIEW = {
    "model": "monitor.siteview",
    "pk": "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d",
    "fields": {"site": 11, "datetime": "2013-06-03T10:13:00Z", "status_code": 200},
}


def refused(result, *lines: str) -> None:
    """Exit 2, each line in what it said, no traceback."""
    assert result.code == 2, (result.code, result.err)
    for line in lines:
        assert line in result.err, result.err
    assert "Traceback" not in result.err


# -- what kind of file ---------------------------------------------------------------------------


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(run_process, tmp_path):
    fifo = tmp_path / "in.json"
    os.mkfifo(fifo)
    result = run_process("--data-dir", str(tmp_path / "data"), "import", str(fifo))
    refused(result, f"import: {fifo}: it is a named pipe (FIFO), not a regular file")
    assert result.err.count("\n") == 1


def test_a_link_to_a_device_is_refused(run, tmp_path):
    link = tmp_path / "zero.json"
    link.symlink_to("/dev/zero")
    refused(run("import", str(link)), f"import: {link}: it is a device, not a regular file")
    assert run("sites", "--json").json() == []


def test_a_folder_is_refused(run, tmp_path):
    refused(run("import", str(tmp_path)), f"import: {tmp_path}: it is a folder, not a regular")


def test_a_file_over_1_gib_is_refused_unread(run, tmp_path):
    big = tmp_path / "big.json"
    with big.open("wb") as out:  # sparse: no disk taken
        out.truncate((1 << 30) + 1)
    refused(run("import", str(big)), f"import: {big}: it is 1.0 GiB; at most 1 GiB is imported")


def test_a_pipe_swapped_in_after_the_look_is_refused(tmp_path, monkeypatch):
    """The file is judged by what was opened: a FIFO put in its place between the look and
    the open is refused, and opening it does not wait for a writer."""
    from djamon_desktop.core import import_file

    path = tmp_path / "in.json"
    path.write_text("{}")
    real_open = os.open

    def swap_then_open(name, flags, *args):
        os.unlink(name)
        os.mkfifo(name)
        return real_open(name, flags, *args)

    monkeypatch.setattr(import_file.os, "open", swap_then_open)
    done: list = []
    worker = threading.Thread(target=lambda: done.append(_refusal(import_file, path)))
    worker.start()
    worker.join(10)
    assert done == ["it is a named pipe (FIFO), not a regular file; only a file is imported"]


def _refusal(module, path) -> str:
    try:
        module.open_import(str(path))
    except module.Unreadable as exc:
        return exc.reason
    return "not refused"


# -- keys given twice ----------------------------------------------------------------------------


def test_a_key_given_twice_in_a_document_is_refused_by_its_place(run, tmp_path):
    text = json.dumps(document(group("G", site("A", "http://a.example/"))))
    text = text.replace('"url": "http://a.example/"', '"url": "http://a.example/", "url": "x"')
    text = text.replace('"format"', '"groups": [], "format"', 1)
    path = tmp_path / "twice.json"
    path.write_text(text)
    refused(
        run("import", str(path)),
        'the top-level object: the key "groups" is given twice',
        'groups[0].sites[0]: the key "url" is given twice',
    )
    assert run("sites", "--json").json() == []


def test_a_key_given_twice_in_a_fixture_names_the_object(run, tmp_path):
    text = (FIXTURES / "djamon_minimal.json").read_text()
    text = text.replace('"title": "Home"', '"title": "Home", "title": "Away"')
    path = tmp_path / "twice.json"
    path.write_text(text)
    refused(run("import", str(path)), '[1] monitor.site pk=11: fields: the key "title" is given')
    assert run("sites", "--json").json() == []


# -- numbers out of range, however long ----------------------------------------------------------

HUGE = "9" * 5000


@pytest.mark.parametrize(
    "setting, line",
    [
        ('"strikes": ' + HUGE, "settings.strikes: a 5,000-digit number is above 1000"),
        ('"strikes": -' + HUGE, "settings.strikes: a negative 5,000-digit number is below 1"),
        ('"timeout_seconds": ' + HUGE, "settings.timeout_seconds: a 5,000-digit number is out"),
        ('"good_codes": [' + HUGE + "]", "settings.good_codes[0]: a 5,000-digit number is above"),
        ('"email": {"port": ' + HUGE + "}", "settings.email.port: a 5,000-digit number is above"),
    ],
)
def test_a_setting_of_5000_digits_is_refused_by_its_place(run, tmp_path, setting, line):
    path = tmp_path / "long.json"
    path.write_text('{"format": "djamon-desktop/1", "settings": {' + setting + "}}")
    refused(run("import", str(path)), line)


@pytest.mark.parametrize(
    "model_fields, line",
    [
        (
            ("monitor.site", {"group": 7, "title": "X", "url": "http://x/", "down_count": "N"}),
            "[2] monitor.site pk=3: fields.down_count: a 5,000-digit number is out of range",
        ),
        (
            ("monitor.site", {"group": 7, "title": "X", "url": "http://x/", "priority": "N"}),
            "[2] monitor.site pk=3: fields.priority: a 5,000-digit number is not 0, 1, 2 or 3",
        ),
        (
            ("monitor.siteview", {**SITE_VIEW["fields"], "status_code": "N"}),
            "fields.status_code: a 5,000-digit number is out of range (-2147483648 to",
        ),
        (
            ("monitor.siteview", {**SITE_VIEW["fields"], "elapsed": "N"}),
            "fields.elapsed: a 5,000-digit number is out of range (0 to 2147483647)",
        ),
        (
            ("monitor.siteview", {**SITE_VIEW["fields"], "elapsed": -1}),
            "fields.elapsed: -1 is out of range (0 to 2147483647)",
        ),
        (
            (
                "monitor.outage",
                {"code": "K3X9", "start_time": "2013-06-03T10:13:00Z", "seconds_down": "N"},
            ),
            "[2] monitor.outage pk=3: fields.seconds_down: a 5,000-digit number is out of range",
        ),
    ],
)
def test_a_fixture_number_of_5000_digits_is_refused_by_its_place(run, tmp_path, model_fields, line):
    model, fields = model_fields
    pk = SITE_VIEW["pk"] if model == "monitor.siteview" else 3
    obj = json.dumps({"model": model, "pk": pk, "fields": fields}).replace('"N"', HUGE)
    minimal = (FIXTURES / "djamon_minimal.json").read_text().rstrip().removesuffix("]")
    path = tmp_path / "long.json"
    path.write_text(minimal + ",\n" + obj + "]")
    refused(run("import", str(path)), line)
    assert run("sites", "--json").json() == []


# -- memory --------------------------------------------------------------------------------------


def test_a_file_that_does_not_fit_in_memory_is_exit_2(tmp_path):
    """With the process's address space limited, a 300 MB document can't be read whole: one
    line, exit 2, never exit 70."""
    path = tmp_path / "large.json"
    with path.open("w") as out:
        out.write('{"format": "djamon-desktop/1", "settings": {"email": {"host": "')
        out.write("x" * (300 << 20))
        out.write('"}}}')
    limit = 700 << 20

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "djamon_desktop",
            "--data-dir",
            str(tmp_path / "d"),
            "import",
            str(path),
        ],
        capture_output=True,
        text=True,
        preexec_fn=limited,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr == (
        f"djamon-desktop: import: {path}: it does not fit in this computer's memory;"
        " nothing was imported\n"
    )


# -- export and the passwords in URLs ------------------------------------------------------------


def test_export_warns_once_of_passwords_in_urls_and_never_shows_them(run, load, tmp_path):
    load(document(group("G", site("A", "http://a.example/"))))
    result = run("export")
    assert result.code == 0 and result.err == ""
    load(
        document(
            group(
                "G",
                site("B", "https://bob:s3cret-pw@b.example/"),
                site("C", "https://carol:pa%3Ass@c.example/x"),
                site("D", "https://dave@d.example/"),  # a user name alone: no password
            )
        )
    )
    for args in (("export",), ("export", str(tmp_path / "out.json"))):
        result = run(*args)
        assert result.code == 0
        assert result.err == (
            "export: warning: the URLs of 2 sites hold a password (user:password@), and the"
            " export holds them as written: keep the file private\n"
        )
        line = result.err
        assert "s3cret" not in line and "pa%3Ass" not in line
    written = json.loads((tmp_path / "out.json").read_text())
    assert written["groups"][0]["sites"][1]["url"] == "https://bob:s3cret-pw@b.example/"
