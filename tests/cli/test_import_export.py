"""Import is all or nothing with every problem named by its place; export round-trips."""

from __future__ import annotations

import json

import pytest

from ..conftest import document, group, site

#: every test here runs on SQLite and on a team's PostgreSQL (tests/conftest.py, engine)
pytestmark = pytest.mark.usefixtures("engine")

GOOD = document(
    group(
        "Production",
        site(
            "Database",
            "https://example.com/health/db",
            priority="critical",
            down_message="There is a problem with the website.",
        ),
        site("Files", "http://files.example.com:8080/", active=False),
    ),
    group("Shop", site("Front page", "https://shop.example.com/?x=1", priority="low")),
    schedule=["*/2 * * * *"],
    strikes=4,
    email={"enabled": True, "host": "smtp.example.com", "to": ["ops@example.com"]},
)


@pytest.fixture
def write(tmp_path):
    def make(content, name="in.json") -> str:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        elif isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_text(json.dumps(content), encoding="utf-8")
        return str(path)

    return make


def test_import_then_export_gives_the_values(run, write):
    assert run("import", write(GOOD)).code == 0
    out = json.loads(run("export").out)
    assert out["format"] == "djamon-desktop/1"
    assert out["settings"]["schedule"] == ["*/2 * * * *"]
    assert out["settings"]["strikes"] == 4
    assert out["settings"]["timeout_seconds"] == 5  # a default, since the file left it out
    assert out["settings"]["email"] == {
        "enabled": True,
        "host": "smtp.example.com",
        "port": 587,
        "security": "starttls",
        "username": "",
        "from": "",
        "to": ["ops@example.com"],
    }
    assert [g["title"] for g in out["groups"]] == ["Production", "Shop"]
    files = out["groups"][0]["sites"][1]
    assert files == {
        "title": "Files",
        "url": "http://files.example.com:8080/",
        "priority": "normal",
        "active": False,
        "down_message": "There is a problem with the website.",
        "maintenance": [],
    }


def test_export_import_export_is_byte_identical(run, write, tmp_path, monkeypatch):
    assert run("import", write(GOOD)).code == 0
    first = tmp_path / "first.json"
    assert run("export", str(first)).code == 0
    monkeypatch.setenv("DJAMON_DATA_DIR", str(tmp_path / "empty"))
    assert run("import", str(first)).code == 0
    second = run("export").out.encode()
    assert first.read_bytes() == second


def test_unicode_survives_the_round_trip(run, write, tmp_path, monkeypatch):
    doc = document(
        group(
            "Produção", site("Café ☕", "https://exemple.fr/", down_message="Ça ne va pas — 払い")
        )
    )
    assert run("import", write(doc)).code == 0
    text = run("export").out
    assert "Café ☕" in text and "Ça ne va pas — 払い" in text


def test_import_matches_and_updates_without_deleting(run, write):
    assert run("import", write(GOOD)).code == 0
    update = document(
        group(
            "Production",
            site("Database", "https://example.com/v2/db"),
            site("Cache", "https://example.com/cache"),
        ),
    )
    result = run("import", write(update, "update.json"))
    assert result.code == 0
    assert "1 new site, 1 updated" in result.out
    out = json.loads(run("export").out)
    prod = {s["title"]: s for s in out["groups"][0]["sites"]}
    assert list(prod) == ["Database", "Files", "Cache"]
    assert prod["Database"]["url"] == "https://example.com/v2/db"
    assert prod["Database"]["priority"] == "critical"  # left out: kept
    assert out["settings"]["strikes"] == 4
    assert [g["title"] for g in out["groups"]] == ["Production", "Shop"]


def test_nested_settings_merge_key_by_key(run, write):
    assert run("import", write(GOOD)).code == 0
    assert run("import", write(document(email={"port": 465, "security": "ssl"}))).code == 0
    email = json.loads(run("export").out)["settings"]["email"]
    assert (email["host"], email["port"], email["security"]) == ("smtp.example.com", 465, "ssl")


BAD_FILES = [
    ("not json", b'{"format": "djamon-desktop/1",\n  "groups": [}', ["line 2, column 14"]),
    ("empty file", b"", ["line 1, column 1"]),
    ("not utf-8", b'{"format": "\xff"}', ["not UTF-8"]),
    ("not an object", b'"hello"', ["must hold a JSON object"]),
    ("no format", {"groups": []}, ["format: is missing"]),
    ("wrong format", {"format": "djamon/2"}, ['format: "djamon/2" is not supported']),
    ("unknown top key", {**document(), "sitez": []}, ["sitez: unknown key"]),
    (
        "unknown site key",
        document(group("G", site("A", "http://a/", colour="red"))),
        ["groups[0].sites[0].colour: unknown key"],
    ),
    (
        "ftp url",
        document(group("G", site("A", "http://a/"), site("B", "http://b/"), site("C", "ftp://c/"))),
        ["groups[0].sites[2].url: 'ftp://c/' is not an http or https URL"],
    ),
    (
        "url without host",
        document(group("G", site("A", "https:///x"))),
        ["groups[0].sites[0].url: 'https:///x' has no host name"],
    ),
    (
        "long title",
        document(group("G", site("A" * 41, "http://a/"))),
        ["groups[0].sites[0].title: is 41 characters long"],
    ),
    ("long group title", document(group("G" * 41)), ["groups[0].title: is 41 characters long"]),
    (
        "long down message",
        document(group("G", site("A", "http://a/", down_message="x" * 141))),
        ["groups[0].sites[0].down_message: is 141 characters long"],
    ),
    (
        "bad priority",
        document(group("G", site("A", "http://a/", priority="urgent"))),
        ['groups[0].sites[0].priority: "urgent" is not a priority'],
    ),
    (
        "bad crontab",
        document(schedule=["*/1 9-16 * * 1-5", "61 * * * *"]),
        ["settings.schedule[1]: '61 * * * *': bad minute"],
    ),
    (
        "good code out of range",
        document(good_codes=[200, 99, 600]),
        ["settings.good_codes[1]: 99 is below 100", "settings.good_codes[2]: 600 is above 599"],
    ),
    ("strikes zero", document(strikes=0), ["settings.strikes: 0 is below 1"]),
    ("strikes as text", document(strikes="3"), ["settings.strikes: must be a whole number"]),
    ("bool as number", document(strikes=True), ["settings.strikes: must be a whole number"]),
    (
        "bad recipient",
        document(email={"to": ["ops@example.com", "not-an-address"]}),
        ["settings.email.to[1]: 'not-an-address' is not an e-mail address"],
    ),
    (
        "email on without recipient",
        document(email={"enabled": True, "to": []}),
        ["settings.email.to: e-mail is enabled but there is no recipient"],
    ),
    ("bad security", document(email={"security": "tls"}), ['settings.email.security: "tls"']),
    (
        "missing url and title",
        document(group("G", {"priority": "low"})),
        ["groups[0].sites[0].title: is missing", "groups[0].sites[0].url: is missing"],
    ),
    (
        "group without title",
        {"format": "djamon-desktop/1", "groups": [{"sites": []}]},
        ["groups[0].title: is missing"],
    ),
    (
        "duplicate site",
        document(group("G", site("A", "http://a/"), site("A", "http://b/"))),
        ["groups[0].sites[1].title: 'A' is already used by groups[0].sites[0]"],
    ),
    (
        "sites not a list",
        document({"title": "G", "sites": {}}),
        ["groups[0].sites: must be a list"],
    ),
    ("timeout zero", document(timeout_seconds=0), ["settings.timeout_seconds: 0 is out of range"]),
    (
        "sandbox not a url",
        document(sandbox_urls=["www.google.com"]),
        ["settings.sandbox_urls[0]: 'www.google.com' is not an http or https URL"],
    ),
    (
        "host IDNA can't write",
        document(group("G", site("A", "http://a/"), site("Snow", "http://☃.example/"))),
        ["groups[0].sites[1].url: 'http://☃.example/': the host name can't be written in IDNA"],
    ),
    (
        "bad URL with a password",
        document(sandbox_urls=["http://ops:hunter2@☃.例え/", "http://ops:hunter2@h:99999/"]),
        [
            "settings.sandbox_urls[0]: 'http://ops:***@☃.例え/': the host name can't be",
            "settings.sandbox_urls[1]: 'http://ops:***@h:99999/' is not a valid URL",
        ],
    ),
    (
        "NUL characters",  # a team's PostgreSQL can't store them: refused on every engine
        document(group("G\0", site("A\0", "http://a/", down_message="\0"))),
        [
            "groups[0].title: holds a NUL character (U+0000) at character 2",
            "groups[0].sites[0].title: holds a NUL character",
            "groups[0].sites[0].down_message: holds a NUL character",
        ],
    ),
    (
        "control and bidirectional characters",  # forged log lines, broken mail headers
        document(
            group(
                "Ops\u202e",
                site("Pay\r\nX-Evil: 1", "http://a/", down_message="tab\there"),
                site("C1\x85", "http://b/\u2066x", down_message="ok \u2069"),
            )
        ),
        [
            "groups[0].title: holds a bidirectional control (U+202E) at character 4",
            "groups[0].sites[0].title: holds a carriage return (U+000D) at character 4",
            "groups[0].sites[0].down_message: holds a tab (U+0009)",
            "groups[0].sites[1].title: holds a control character (U+0085)",
            "groups[0].sites[1].url: 'http://b/\\u2066x' contains spaces, control or bidi",
            "groups[0].sites[1].down_message: holds a bidirectional control (U+2069)",
        ],
    ),
    (
        "active as string",
        document(group("G", site("A", "http://a/", active="yes"))),
        ["groups[0].sites[0].active: must be true or false"],
    ),
]


@pytest.mark.parametrize(
    "content, expected", [b[1:] for b in BAD_FILES], ids=[b[0] for b in BAD_FILES]
)
def test_bad_file_is_refused_whole(run, write, content, expected):
    assert run("import", write(GOOD, "good.json")).code == 0
    before = run("export").out
    sites_before = run("sites", "--json").out
    path = write(content)
    result = run("import", path)
    assert result.code == 2
    assert result.out == ""
    lines = result.err.splitlines()
    assert "nothing was imported" in lines[0]
    for line in expected:
        assert any(line in got for got in lines), (line, lines)
    assert all(got.startswith(path) for got in lines[1:])
    assert "Traceback" not in result.err and "hunter2" not in result.err
    assert run("export").out == before
    assert run("sites", "--json").out == sites_before


def test_every_problem_is_listed_not_just_the_first(run, write):
    doc = document(
        group("G", site("A", "ftp://a/"), site("B" * 50, "http://b/", priority="meh")),
        strikes=0,
    )
    result = run("import", write(doc))
    assert result.code == 2
    assert len(result.err.splitlines()) == 1 + 4


def test_missing_file(run, tmp_path):
    result = run("import", str(tmp_path / "nope.json"))
    assert result.code == 2
    assert result.err.strip().endswith("can't read it: No such file or directory")


def test_import_from_stdin(run_process, server):
    doc = document(group("G", site("A", server.url("/"))))
    assert run_process("import", "-", stdin=json.dumps(doc)).code == 0
    assert json.loads(run_process("sites", "--json").out)[0]["title"] == "A"


def test_export_to_a_folder_that_does_not_exist(run, tmp_path):
    result = run("export", str(tmp_path / "no" / "such" / "out.json"))
    assert result.code == 2
    assert "can't write it" in result.err


def test_international_urls_and_credentials_are_kept_as_given(run, write):
    url = "https://ops:hunter2@Bücher.example/café?q=é"
    doc = document(group("G", site("Books", url)), sandbox_urls=["http://例え.テスト/"])
    result = run("import", write(doc))
    assert result.code == 0, result.err
    exported = json.loads(run("export").out)
    assert exported["groups"][0]["sites"][0]["url"] == url  # export keeps it as given
    assert exported["settings"]["sandbox_urls"] == ["http://例え.テスト/"]
    assert run("sites", "--json").json()[0]["url"] == "https://ops:***@Bücher.example/café?q=é"
