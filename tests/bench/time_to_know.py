"""Benchmark: time to know. A site breaks at a random moment; how long until its outage opens
(and its alert is queued), with the default settings, in work hours and out of them, before
(``retry_seconds`` 0: the schedule's rounds alone, as Djamon did) and after (20: the fast lane).
Also: how many outages 100 one-check blips open (it must be 0), and what a fast-lane round of
10 failing sites costs beside a whole round of 1,000.

The real cycle (``run_cycle``, checks, storing, the outbox) runs against a real loopback HTTP
server; only time is simulated: an injected clock jumps to each moment the app's poller would
wake at (the schedule's next round, or the fast lane's next retry, chosen by the same
``core.fastlane`` rules the poller uses, 50 ms late as its timer is) and goes on during a cycle
as real time does.

    .venv/bin/python tests/bench/time_to_know.py [--trials 200] [--blips 100] [--lane-sites 1000]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository, for tests/
from djamon_desktop import cli  # noqa: E402
from djamon_desktop.core import fastlane  # noqa: E402
from djamon_desktop.core.schedule import DEFAULT_SCHEDULE, Schedule  # noqa: E402
from djamon_desktop.cycle import run_cycle  # noqa: E402
from djamon_desktop.paths import database_path  # noqa: E402
from djamon_desktop.store import queries  # noqa: E402
from djamon_desktop.store.database import close_database, open_database  # noqa: E402
from djamon_desktop.store.models import Alert, Outage  # noqa: E402
from tests.servers import ManySitesServer, MisbehavingServer, closed_port  # noqa: E402

ZONE = ZoneInfo("Europe/London")
TIMER_LATE = timedelta(milliseconds=50)  # the poller's timer wakes this long after a due time
WEEK = timedelta(days=7)
TIMEOUT = 5  # the default timeout_seconds: a round's deadline
FIRST_MONDAY = datetime(2027, 1, 4, tzinfo=ZONE)


class SimClock:
    """Virtual time that real time moves on from while a cycle runs."""

    def __init__(self, now: datetime) -> None:
        self.jump(now)

    def jump(self, to: datetime) -> None:
        self._base, self._real = to, time.perf_counter()

    def __call__(self) -> datetime:
        return self._base + timedelta(seconds=time.perf_counter() - self._real)


def load(folder: Path, path: Path) -> None:
    """Import a file into the data folder, as ``djamon-desktop import`` does (quietly)."""
    with contextlib.redirect_stdout(io.StringIO()):
        code = cli.main(["--data-dir", str(folder), "import", str(path)])
    if code != 0:
        raise SystemExit(f"importing {path} failed")


def in_work_hours(moment: datetime) -> bool:
    """The default schedule's every-minute line: Monday to Friday, 09:00-16:59."""
    local = moment.astimezone(ZONE)
    return local.weekday() < 5 and 9 <= local.hour < 17


def break_moments(rng: random.Random, count: int, work: bool | None) -> list[datetime]:
    """One moment a week (so time only moves on), uniform over the week's work hours, over
    the rest of it, or (None) over all of it."""
    out = []
    for week in range(count):
        while True:
            moment = FIRST_MONDAY + week * WEEK + timedelta(seconds=rng.uniform(0, 7 * 86400))
            if work is None or in_work_hours(moment) == work:
                out.append(moment)
                break
    return out


class Lab:
    """A data folder with one site, Payments (/switch/NAME on the loopback server), the default
    settings but for a loopback sandbox, ``retry_seconds`` and e-mail on (to a closed port, so
    an alert is queued, tried once and kept)."""

    def __init__(self, server: MisbehavingServer, folder: Path, retry_seconds: int) -> None:
        self.server, self.name = server, f"lab-{retry_seconds}-{random.randrange(10**9)}"
        doc = {
            "format": "djamon-desktop/1",
            "settings": {
                "sandbox_urls": [server.url("/status/200")],
                "retry_seconds": retry_seconds,
                "email": {
                    "enabled": True,
                    "host": "127.0.0.1",
                    "port": closed_port(),
                    "security": "none",
                    "from": "bench@example.com",
                    "to": ["ops@example.com"],
                },
            },
            "groups": [
                {"title": "Shop", "sites": [{"title": "Payments", "url": self.url}]},
            ],
        }
        (folder / "lab.json").write_text(json.dumps(doc))
        load(folder, folder / "lab.json")
        open_database(database_path(folder))
        self.schedule = Schedule(DEFAULT_SCHEDULE, ZONE)
        self.retry_seconds = retry_seconds
        self.clock = SimClock(FIRST_MONDAY)
        self.checks = 0

    @property
    def url(self) -> str:
        return self.server.url(f"/switch/{self.name}")

    def answer(self, code: int) -> None:
        self.server.switch[self.name] = code

    def cycle(self, at: datetime, only=None):
        self.clock.jump(at)
        report = run_cycle(self.clock, only)
        self.checks += len(report.outcomes)
        return report

    def next_wake(self, now: datetime) -> tuple[datetime, tuple[int, ...] | None]:
        """Where the poller's timer would wake next, and for which sites (None: all)."""
        scheduled = self.schedule.next_after(now)
        sites = queries.list_sites(3)
        due = fastlane.lane(sites, self.retry_seconds)
        retry = fastlane.next_retry(due, scheduled, TIMEOUT)
        if retry is not None:
            return max(retry.at, now) + TIMER_LATE, retry.site_ids
        return scheduled + TIMER_LATE, None

    def recover(self, before: datetime) -> None:
        """The site up again, checked just before the next trial (any open outage closes), and
        the alerts of the last trial taken as sent (the closed port would keep them queued,
        and every later cycle would try them again)."""
        self.answer(200)
        self.cycle(before - timedelta(seconds=1))
        Alert.update(delivered_at=before).where(Alert.delivered_at.is_null()).execute()

    def trial(self, broken_at: datetime, answers: Callable[[int], int]) -> dict:
        """The site breaks at ``broken_at``; ``answers(n)`` is the code of its n-th check from
        then on. Runs the poller's rounds until an outage opens or three checks of the site
        have answered, and says when the first failing check and the outage came."""
        self.recover(broken_at)
        now, seen, first_fail = broken_at, 0, None
        while seen < 3:
            at, only = self.next_wake(now)
            self.answer(answers(seen))
            report = self.cycle(at, only)
            now = self.clock()
            if report.outcomes:
                seen += 1
                if first_fail is None and not report.outcomes[0].ok:
                    first_fail = report.started_at
            if report.outages_opened:
                [outage_id] = report.outages_opened
                opened = Outage.get_by_id(outage_id).start_time
                alert = Alert.get(Alert.outage == outage_id, Alert.event == "opened")
                return {
                    "opened": opened - broken_at,
                    "after_first_failure": opened - first_fail,
                    "alert": alert.created_at - broken_at,
                }
        return {}

    def close(self) -> None:
        close_database()


def seconds(values: list[timedelta]) -> tuple[float, float, float]:
    s = sorted(v.total_seconds() for v in values)
    p95 = s[min(len(s) - 1, round(0.95 * (len(s) - 1)))]
    return statistics.median(s), p95, s[-1]


def words(total: float) -> str:
    minutes, rest = divmod(round(total), 60)
    return f"{minutes} min {rest:02d} s" if minutes else f"{rest} s"


def time_to_know(server: MisbehavingServer, trials: int, blips: int, seed: int) -> None:
    print(
        f"Time to know: a site breaks at a random moment ({trials} trials a row); default "
        "settings (strikes 3, the default schedule), a loopback server, the real cycle."
    )
    print(f"{'':40}{'break -> outage (and alert)':>36}{'1st failed check -> outage':>36}")
    print(f"{'':40}" + f"{'median':>12}{'p95':>12}{'max':>12}" * 2)
    for work in (True, False):
        for retry in (0, 20):
            rng = random.Random(seed)
            with tempfile.TemporaryDirectory() as folder:
                lab = Lab(server, Path(folder), retry)
                try:
                    results = [
                        lab.trial(moment, lambda n: 500)
                        for moment in break_moments(rng, trials, work)
                    ]
                finally:
                    lab.close()
            assert all(r["alert"] == r["opened"] for r in results)  # queued with it
            when = "work hours" if work else "out of hours"
            label = f"{when}, retry_seconds {retry}" + (" (before)" if not retry else " (after)")
            med, p95, top = seconds([r["opened"] for r in results])
            fmed, fp95, ftop = seconds([r["after_first_failure"] for r in results])
            cells = (med, p95, top, fmed, fp95, ftop)
            print(f"{label:40}" + "".join(f"{words(c):>12}" for c in cells))

    print(f"\nBlips: {blips} one-check failures (the site fails its first check, then answers)")
    for retry in (0, 20):
        rng = random.Random(seed + 1)
        with tempfile.TemporaryDirectory() as folder:
            lab = Lab(server, Path(folder), retry)
            try:
                opened = sum(
                    bool(lab.trial(moment, lambda n: 500 if n == 0 else 200))
                    for moment in break_moments(rng, blips, None)
                )
                total = Outage.select().count()
            finally:
                lab.close()
        print(f"  retry_seconds {retry:2d}: {opened} outages opened ({total} in the database)")


def lane_cost(count: int, failing: int) -> None:
    """A fast-lane round of the failing sites beside a whole round of ``count`` sites."""
    many = ManySitesServer().start()
    bad = MisbehavingServer().start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            sites = [
                {"title": f"site {n}", "url": f"{many.base}/s/{random.randint(20, 300)}"}
                for n in range(count - failing)
            ] + [{"title": f"failing {n}", "url": bad.url("/status/500")} for n in range(failing)]
            doc = {
                "format": "djamon-desktop/1",
                "settings": {"sandbox_urls": [f"{many.base}/s/20"]},
                "groups": [{"title": "Bench", "sites": sites}],
            }
            path = Path(folder) / "many.json"
            path.write_text(json.dumps(doc))
            load(Path(folder), path)
            open_database(database_path(Path(folder)))
            try:
                walls = {"whole round": [], "fast-lane round": []}
                for _ in range(3):
                    started = time.perf_counter()
                    run_cycle()
                    walls["whole round"].append(time.perf_counter() - started)
                    lane = fastlane.lane(queries.list_sites(3), 20)
                    started = time.perf_counter()
                    report = run_cycle(only=list(lane))
                    walls["fast-lane round"].append(time.perf_counter() - started)
                    assert len(report.outcomes) == failing
            finally:
                close_database()
    finally:
        many.stop()
        bad.stop()
    print(f"\n{count:,} sites, {failing} failing (in-process cycles, the slowest site 300 ms):")
    for label, values in walls.items():
        print(f"  {label:16} {statistics.median(values) * 1000:7.0f} ms (median of 3)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--blips", type=int, default=100)
    parser.add_argument("--lane-sites", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2013)
    args = parser.parse_args()
    server = MisbehavingServer().start()
    try:
        time_to_know(server, args.trials, args.blips, args.seed)
    finally:
        server.stop()
    if args.lane_sites:
        lane_cost(args.lane_sites, 10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
