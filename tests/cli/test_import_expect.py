"""A site's ``expect`` through the command line: imported, exported as it was given, refused at
its place (exit 2, nothing stored), and bounded by the timeout the round will check it with."""

from __future__ import annotations

import json

import pytest

from ..conftest import document, group, site

#: every test here runs on SQLite and on a team's PostgreSQL (tests/conftest.py, engine)
pytestmark = pytest.mark.usefixtures("engine")

HEALTH = {
    "text": "OK",
    "absent": "degraded",
    "json": {"path": "checks.0.status", "equals": "ok"},
    "max_ms": 2000,
    "codes": [200, 204],
}
GOOD = document(
    group(
        "API",
        site("Health", "https://api.example.com/health", expect=HEALTH),
        site("Plain", "https://api.example.com/"),
        site("Fast", "https://api.example.com/ping", expect={"max_ms": 300}),
    )
)


@pytest.fixture
def write(tmp_path):
    def make(content, name="in.json") -> str:
        path = tmp_path / name
        path.write_text(json.dumps(content), encoding="utf-8")
        return str(path)

    return make


def sites_of(run) -> dict[str, dict]:
    out = json.loads(run("export").out)
    return {s["title"]: s for g in out["groups"] for s in g["sites"]}


def test_expect_is_exported_as_imported_and_only_when_set(run, write):
    assert run("import", write(GOOD)).code == 0
    sites = sites_of(run)
    assert sites["Health"]["expect"] == HEALTH
    # after the existing keys, in the contract's order
    assert list(sites["Health"]) == [
        "title",
        "url",
        "priority",
        "active",
        "down_message",
        "maintenance",
        "expect",
    ]
    assert list(sites["Health"]["expect"]) == ["text", "absent", "json", "max_ms", "codes"]
    assert "expect" not in sites["Plain"]
    assert sites["Fast"]["expect"] == {"max_ms": 300}


def test_export_import_export_with_expect_is_byte_identical(run, write, tmp_path, monkeypatch):
    assert run("import", write(GOOD)).code == 0
    first = tmp_path / "first.json"
    assert run("export", str(first)).code == 0
    monkeypatch.setenv("DJAMON_DATA_DIR", str(tmp_path / "empty"))
    monkeypatch.delenv("DJAMON_DATABASE_URL", raising=False)  # (a fresh SQLite file)
    assert run("import", str(first)).code == 0
    second = tmp_path / "second.json"
    assert run("export", str(second)).code == 0
    assert second.read_bytes() == first.read_bytes()


def test_json_values_keep_their_types(run, write):
    values = [None, False, 0, "0", 1.5, [1, "1", True], {"a": {"b": None}}]
    sites = [
        site(f"S{i}", f"https://s{i}.example/", expect={"json": {"path": "v", "equals": v}})
        for i, v in enumerate(values)
    ]
    assert run("import", write(document(group("G", *sites)))).code == 0
    got = sites_of(run)
    for i, value in enumerate(values):
        equals = got[f"S{i}"]["expect"]["json"]["equals"]
        assert equals == value and type(equals) is type(value)


def test_a_reimport_without_expect_keeps_it_and_an_empty_one_clears_it(run, write):
    assert run("import", write(GOOD)).code == 0
    again = document(group("API", site("Health", "https://api.example.com/health")))
    assert run("import", write(again)).code == 0
    assert sites_of(run)["Health"]["expect"] == HEALTH
    changed = document(
        group(
            "API",
            site("Health", "https://api.example.com/health", expect={"text": "fine"}),
            site("Fast", "https://api.example.com/ping", expect={}),
        )
    )
    assert run("import", write(changed)).code == 0
    sites = sites_of(run)
    assert sites["Health"]["expect"] == {"text": "fine"}  # replaced whole, not merged
    assert "expect" not in sites["Fast"]


BAD = [
    ("unknown key", {"txt": "OK"}, {}, ".expect.txt", "unknown key; known keys: text, absent"),
    (
        "bad path",
        {"json": {"path": "a..b", "equals": 1}},
        {},
        ".expect.json.path",
        "'a..b' has an empty segment",
    ),
    ("max_ms 0", {"max_ms": 0}, {}, ".expect.max_ms", "0 is outside 1-5000 (milliseconds"),
    ("above the timeout", {"max_ms": 5001}, {}, ".expect.max_ms", "5001 is outside 1-5000"),
    (
        "above the document's timeout",
        {"max_ms": 9000},
        {"timeout_seconds": 2},
        ".expect.max_ms",
        "9000 is outside 1-2000",
    ),
    ("codes not a list", {"codes": 200}, {}, ".expect.codes", "must be a list of HTTP status"),
    ("not an object", ["OK"], {}, ".expect", "must be an object, not a list"),
]


@pytest.mark.parametrize(
    "expect, settings, place, message", [b[1:] for b in BAD], ids=[b[0] for b in BAD]
)
def test_a_bad_expect_is_refused_at_its_place(run, write, expect, settings, place, message):
    assert run("import", write(GOOD, "good.json")).code == 0
    before = run("export").out
    doc = document(
        group("API", site("Plain", "https://api.example.com/")),
        group(
            "More", site("A", "https://a.example/"), site("B", "https://b.example/", expect=expect)
        ),
        **settings,
    )
    path = write(doc)
    result = run("import", path)
    assert result.code == 2
    assert result.out == ""
    lines = result.err.splitlines()
    assert "nothing was imported" in lines[0]
    assert lines[1:] == [f"{path}: groups[1].sites[1]{place}: {lines[1].split(': ', 2)[2]}"]
    assert message in lines[1], lines
    assert "Traceback" not in result.err
    assert run("export").out == before


def test_a_tcp_site_with_expect_is_refused_at_expect(run, write):
    assert run("import", write(GOOD, "good.json")).code == 0
    before = run("export").out
    doc = document(group("DB", site("Postgres", "tcp://db.example:5432", expect={"max_ms": 100})))
    path = write(doc)
    result = run("import", path)
    assert result.code == 2
    lines = result.err.splitlines()
    want = f"{path}: groups[0].sites[0].expect: a tcp:// site can't have expect: nothing is read"
    assert want in lines, lines
    assert run("export").out == before


def test_max_ms_is_bounded_by_the_stored_timeout_unless_the_document_sets_one(run, write):
    assert run("import", write(document(timeout_seconds=2))).code == 0
    slow = document(group("G", site("Slow", "https://slow.example/", expect={"max_ms": 3000})))
    result = run("import", write(slow))
    assert result.code == 2
    assert "groups[0].sites[0].expect.max_ms: 3000 is outside 1-2000" in result.err
    assert "Slow" not in run("export").out
    # the same site with the document raising the timeout: both go in
    slow["settings"]["timeout_seconds"] = 3
    assert run("import", write(slow)).code == 0
    assert sites_of(run)["Slow"]["expect"] == {"max_ms": 3000}


def test_the_timeout_is_not_lowered_below_a_sites_max_ms(run, write):
    assert run("import", write(GOOD)).code == 0
    before = run("export").out
    path = write(document(timeout_seconds=1))
    result = run("import", path)
    assert result.code == 2
    lines = result.err.splitlines()
    assert lines[1:] == [
        f"{path}: settings.timeout_seconds: 1 s is below the expect.max_ms of API / Health"
        " (2000 ms); lower that first"
    ]
    assert run("export").out == before
    # lowering that max_ms in the same document lets it through
    both = document(
        group("API", site("Health", "https://api.example.com/health", expect={"max_ms": 900})),
        timeout_seconds=1,
    )
    assert run("import", write(both)).code == 0
    assert json.loads(run("export").out)["settings"]["timeout_seconds"] == 1
