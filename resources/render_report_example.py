"""Render the README's example report: a month of a small agency's sites, made the way a user
makes one, then its first page as a PNG.

    .venv/bin/python resources/render_report_example.py

In a temporary data folder it imports a Djamon fixture (a check every 5 minutes through
March 2026 for 7 sites in 3 groups, 4 outages, a slow spell, a site added mid-month) and a
document giving one group a Sunday maintenance window, runs
``report --month 2026-03 --format pdf`` in London time, and renders page 1 with
``pdftoppm -png -r 80`` (poppler-utils) to resources/screenshots/report.png, which is
committed. The history is the same on every run (a seeded random); only the "Made" line
changes. ``--keep DIR`` also keeps the PDF there, to look at every page.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent
TARGET = ROOT / "screenshots" / "report.png"

START = datetime(2026, 2, 26, tzinfo=UTC)
END = datetime(2026, 4, 1, 1, tzinfo=UTC)
EVERY = timedelta(minutes=5)

#: (group, title, URL, typical time in ms, first check)
SITES = [
    ("Acme Bakery", "Online shop", "https://shop.acme-bakery.example/", 180, START),
    ("Acme Bakery", "Checkout", "https://shop.acme-bakery.example/checkout", 320, START),
    ("Acme Bakery", "Orders API", "https://api.acme-bakery.example/health", 90, START),
    ("Harbour Dental", "Website", "https://harbour-dental.example/", 240, START),
    (
        "Harbour Dental",
        "Online booking",
        "https://book.harbour-dental.example/",
        410,
        datetime(2026, 3, 12, 9, 30, tzinfo=UTC),  # added mid-month
    ),
    ("Office", "Mail server", "https://mail.office.example/", 140, START),
    ("Office", "Intranet", "https://intranet.office.example/", 60, START),
]

#: (code, its sites as (index in SITES, joined at), its end)
OUTAGES = [
    (
        "K7M2QX4D",
        [
            (0, datetime(2026, 3, 9, 14, 12, tzinfo=UTC)),
            (1, datetime(2026, 3, 9, 14, 14, tzinfo=UTC)),
        ],
        datetime(2026, 3, 9, 14, 54, tzinfo=UTC),
    ),
    (
        "P3WZ8R6T",
        [(2, datetime(2026, 3, 21, 3, 5, tzinfo=UTC))],
        datetime(2026, 3, 21, 3, 11, tzinfo=UTC),
    ),
    (
        "H9TB5N2K",
        [(3, datetime(2026, 3, 17, 10, 30, tzinfo=UTC))],
        datetime(2026, 3, 17, 10, 37, 30, tzinfo=UTC),
    ),
    (
        "M4QD7V3S",
        [(5, datetime(2026, 3, 26, 8, 0, tzinfo=UTC))],
        datetime(2026, 3, 26, 9, 20, tzinfo=UTC),
    ),
]

#: Checkout was slow for three days (a heavy promotion), the mail server for one
SLOW = {1: (datetime(2026, 3, 12, tzinfo=UTC), datetime(2026, 3, 15, tzinfo=UTC), 2.4),
        5: (datetime(2026, 3, 26, tzinfo=UTC), datetime(2026, 3, 27, tzinfo=UTC), 3.0)}  # fmt: skip


def down_at(index: int, when: datetime) -> bool:
    return any(
        site == index and joined <= when < end
        for _code, parts, end in OUTAGES
        for site, joined in parts
    )


def fixture(path: Path) -> None:
    """The history as ``manage.py dumpdata monitor`` gives it, written a line at a time."""
    rnd = random.Random(22)
    groups = list(dict.fromkeys(g for g, *_ in SITES))
    with path.open("w", encoding="utf-8") as out:
        out.write("[\n")

        def put(model: str, pk, fields: dict) -> None:
            out.write(json.dumps({"model": model, "pk": pk, "fields": fields}) + ",\n")

        for pk, title in enumerate(groups, 1):
            put("monitor.group", pk, {"title": title})
        for pk, (grp, title, url, _ms, _first) in enumerate(SITES, 1):
            put(
                "monitor.site",
                pk,
                {
                    "group": groups.index(grp) + 1,
                    "title": title,
                    "url": url,
                    "active": True,
                    "down_message": f"{title} is not answering.",
                    "last_seen": None,
                    "down_count": 0,
                    "priority": 1,
                },
            )
        n = 0
        when = START
        while when < END:
            for index, (_g, _t, _u, typical, first) in enumerate(SITES):
                if when < first:
                    continue
                slow = SLOW.get(index)
                factor = slow[2] if slow and slow[0] <= when < slow[1] else 1.0
                failed = down_at(index, when)
                fields = {
                    "site": index + 1,
                    "datetime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "status_code": 503 if failed else 200,
                    "elapsed": round(typical * factor * rnd.lognormvariate(0, 0.25), 1),
                }
                put("monitor.siteview", f"00000000-0000-4000-8000-{n:012d}", fields)
                n += 1
            when += EVERY
        for pk, (code, parts, end) in enumerate(OUTAGES, 1):
            title = SITES[parts[0][0]][1]
            put(
                "monitor.outage",
                pk,
                {
                    "code": code,
                    "start_time": parts[0][1].isoformat(),
                    "end_time": end.isoformat(),
                    "seconds_down": int((end - parts[0][1]).total_seconds()),
                    "content": f"{title} is not answering.",
                    "extra_information": "",
                    "notification_sent": True,
                },
            )
        links = [
            (pk, site, joined, number == 0)
            for pk, (_code, parts, _end) in enumerate(OUTAGES, 1)
            for number, (site, joined) in enumerate(parts)
        ]
        for number, (pk, site, joined, primary) in enumerate(links, 1):
            fields = {"outage": pk, "site": site + 1, "primary": primary}
            fields["start_time"] = joined.isoformat()
            line = json.dumps({"model": "monitor.outagesites", "pk": number, "fields": fields})
            out.write(line + (",\n" if number < len(links) else "\n"))
        out.write("]\n")


def document(path: Path) -> None:
    """The sites again, Harbour Dental with its Sunday night maintenance window."""
    groups: dict[str, dict] = {}
    for grp, title, url, _ms, _first in SITES:
        entry = groups.setdefault(grp, {"title": grp, "sites": []})
        entry["sites"].append({"title": title, "url": url})
    groups["Harbour Dental"]["maintenance"] = [{"schedule": "0 2 * * 0", "minutes": 60}]
    doc = {"format": "djamon-desktop/1", "settings": {}, "groups": list(groups.values())}
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")


def run(data: Path, *args: str) -> None:
    env = {**os.environ, "TZ": "Europe/London", "DJAMON_DATA_DIR": str(data)}
    env.pop("DJAMON_DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "djamon_desktop", *args], env=env, check=True)


def main(argv: list[str]) -> int:
    keep = Path(argv[argv.index("--keep") + 1]) if "--keep" in argv else None
    with tempfile.TemporaryDirectory(prefix="djamon-report-") as tmp:
        folder = Path(tmp)
        fixture(folder / "djamon.json")
        document(folder / "sites.json")
        data = folder / "data"
        run(data, "import", str(folder / "djamon.json"))
        run(data, "import", str(folder / "sites.json"))
        pdf = folder / "report.pdf"
        run(data, "report", "--month", "2026-03", "--format", "pdf", "--output", str(pdf))
        TARGET.parent.mkdir(exist_ok=True)
        page = folder / "page"
        subprocess.run(
            ["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(pdf), page],
            check=True,
        )
        shutil.copyfile(page.with_suffix(".png"), TARGET)
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(pdf, keep / "report.pdf")
    print(f"rendered page 1 of the example report to {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
