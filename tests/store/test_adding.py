"""A group or site is added one way (``store.adding``), whoever adds it: the editors, an import
of the app's own format, a Djamon fixture. Each new one goes after the last one of its list,
and a site that names no priority, state or down message gets the same defaults from each."""

from __future__ import annotations

import json

from djamon_desktop.core import config
from djamon_desktop.store import editing, queries, repo
from djamon_desktop.store.models import Site, SiteGroup

from ..djamon_fixture import write_fixture


def _document(groups: list[dict]) -> bytes:
    return json.dumps({"format": config.FORMAT, "groups": groups}).encode()


def _order() -> list[tuple[str, str]]:
    return [(s.group, s.title) for s in queries.list_sites(3)]


def test_the_editors_an_import_and_a_fixture_each_add_after_the_last(store, tmp_path):
    editing.save_site("A", {"title": "a1", "url": "http://127.0.0.1:9/a1"})
    repo.import_data(
        _document(
            [
                {"title": "A", "sites": [{"title": "a2", "url": "http://127.0.0.1:9/a2"}]},
                {"title": "B", "sites": [{"title": "b1", "url": "http://127.0.0.1:9/b1"}]},
            ]
        )
    )
    fixture = write_fixture(tmp_path / "fixture.json", checks=0, sites=2, groups=1)
    repo.import_data(fixture.read_bytes())
    editing.save_site("A", {"title": "a3", "url": "http://127.0.0.1:9/a3"})
    editing.save_site("B", {"title": "b2", "url": "http://127.0.0.1:9/b2"})
    editing.save_group("C")
    editing.save_site("C", {"title": "c1", "url": "http://127.0.0.1:9/c1"})

    assert _order() == [
        ("A", "a1"),
        ("A", "a2"),
        ("A", "a3"),
        ("B", "b1"),
        ("B", "b2"),
        ("Group 1", "Site 1"),
        ("Group 1", "Site 2"),
        ("C", "c1"),
    ]
    groups = list(SiteGroup.select().order_by(SiteGroup.position).tuples())
    assert [position for _id, _title, position, _m in groups] == [1, 2, 3, 4]
    positions = {s.title: s.position for s in Site.select()}
    assert positions == {
        "a1": 1, "a2": 2, "a3": 3, "b1": 1, "b2": 2, "Site 1": 1, "Site 2": 2, "c1": 1
    }  # fmt: skip


def test_a_site_that_names_nothing_gets_the_same_defaults_by_hand_and_by_import(store):
    editing.save_site("A", {"title": "by hand", "url": "http://127.0.0.1:9/1"})
    repo.import_data(
        _document([{"title": "A", "sites": [{"title": "imported", "url": "http://127.0.0.1:9/2"}]}])
    )
    hand, imported = queries.list_sites(3)
    for site in (hand, imported):
        assert site.priority == config.DEFAULT_PRIORITY == "normal"
        assert site.active is True
        assert site.down_message == config.DEFAULT_DOWN_MESSAGE
        assert site.maintenance == ()
