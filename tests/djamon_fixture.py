"""A Djamon fixture of any size, written straight to a file (a million checks is about 190 MB):
the shape ``manage.py dumpdata monitor`` gives, groups and sites first, then the site views
(checks), then the outages and their sites. Used by the suite's bounded-memory test and by
``tests/bench/fixture_import.py``."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

START = datetime(2013, 6, 1, tzinfo=UTC)


def write_fixture(
    path: Path, checks: int, sites: int = 100, groups: int = 10, url: str = ""
) -> Path:
    """``checks`` site views spread over ``sites`` sites (a check a minute each, in time order,
    every 17th one failed), with one outage; returns ``path``. ``url``: every site's URL (by
    default each its own on example.com)."""

    def line(obj: dict) -> str:
        return json.dumps(obj, separators=(", ", ": "))

    with path.open("w", encoding="utf-8") as out:
        out.write("[\n")
        for g in range(1, groups + 1):
            out.write(line({"model": "monitor.group", "pk": g, "fields": {"title": f"Group {g}"}}))
            out.write(",\n")
        for s in range(1, sites + 1):
            fields = {
                "group": (s - 1) % groups + 1,
                "title": f"Site {s}",
                "url": url or f"https://site{s}.example.com/health",
                "active": True,
                "down_message": "There is a problem with the website.",
                "last_seen": None,
                "down_count": 0,
                "priority": s % 4,
            }
            out.write(line({"model": "monitor.site", "pk": s, "fields": fields}) + ",\n")
        ids = uuid.UUID(int=0x1D7A_0000_0000_4000_8000_0000_0000_0000).int
        for n in range(checks):
            when = START + timedelta(minutes=n // sites)
            failed = n % 17 == 0
            fields = {
                "site": n % sites + 1,
                "datetime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "status_code": 503 if failed else 200,
                "elapsed": round(80 + (n * 7919) % 400 / 3, 1),
            }
            pk = str(uuid.UUID(int=ids + n))
            out.write(line({"model": "monitor.siteview", "pk": pk, "fields": fields}) + ",\n")
        outage = {
            "code": "K3X9QF2A",
            "start_time": "2013-06-01T08:00:00Z",
            "end_time": "2013-06-01T09:03:05Z",
            "seconds_down": 3785,
            "content": "Site 1 is down.",
            "extra_information": "",
            "notification_sent": True,
        }
        out.write(line({"model": "monitor.outage", "pk": 1, "fields": outage}) + ",\n")
        link = {"outage": 1, "site": 1, "primary": True, "start_time": "2013-06-01T08:00:00Z"}
        out.write(line({"model": "monitor.outagesites", "pk": 1, "fields": link}) + "\n]\n")
    return path


if __name__ == "__main__":  # python -m tests.djamon_fixture FILE CHECKS
    import sys

    write_fixture(Path(sys.argv[1]), int(sys.argv[2]))
