"""The alerts a round writes in its transaction: an outage's opening or closing, with its sites
as they are stored now, and the warnings of the certificates it saw about to expire."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from peewee import JOIN

from ..core.certs import CertFacts, expiring
from ..core.clock import to_ms
from ..core.outages import PRIORITY_NAMES, AlertText, OutageFacts, SiteLine
from . import outbox
from .engine import marks
from .models import Outage, OutageSite, Site, SiteGroup, db

#: writes the alerts of an outage opened or closed, or of a certificate about to expire
#: (``AlertPolicy.texts``); [] queues none
Render = Callable[[OutageFacts | CertFacts], Sequence[AlertText]]


def certs_due(results, stored, warning_days: int, when: datetime) -> dict[int, datetime]:
    """The certificates (by site) this round saw expire within ``warning_days``."""
    return {
        site_id: result.cert_expires_at
        for site_id, result in results.items()
        if site_id in stored and expiring(result.cert_expires_at, warning_days, when)
    }


def queue_cert_warnings(rows, stored: dict[int, int], warning_days: int, render: Render) -> None:
    """Queue one warning a certificate (site and expiry) that this round saw expire within
    ``warning_days``; one already queued for it is kept (the outbox's UNIQUE), so each
    certificate is warned of once, and a renewed one afresh. Not a strike, not an outage."""
    due = certs_due(rows.results, stored, warning_days, rows.when)
    if not due:
        return
    warned = outbox.cert_channels(list(due))

    def written(site_id: int, title: str, url: str, group: str) -> list[AlertText]:
        return list(render(CertFacts(site_id, title, group, url, due[site_id], rows.when)))

    # what render writes for (the same channels for every site), from the first site due
    first = next(iter(due))
    channels = {text.channel for text in written(first, *_site_words([first])[first])}
    # a site already warned of on every channel writes nothing: a round of 1,000 sites behind
    # one expiring certificate renders and writes no alert again and again
    need = [i for i in due if not channels <= warned.get((i, to_ms(due[i])), set())]
    if not need:
        return
    warnings = []
    for site_id, words in _site_words(need).items():
        have = warned.get((site_id, to_ms(due[site_id])), set())
        todo = [text for text in written(site_id, *words) if text.channel not in have]
        if todo:
            warnings.append((site_id, due[site_id], todo))
    outbox.queue_certs(warnings, rows.when)


def _site_words(site_ids: list[int]) -> dict[int, tuple[str, str, str]]:
    """Each site's title, URL and group title, as a warning names them."""
    cursor = db.execute_sql(
        "SELECT site.id, site.title, site.url, site_group.title FROM site"
        " JOIN site_group ON site_group.id = site.group_id"
        f" WHERE site.id IN ({marks(len(site_ids))})",
        site_ids,
    )
    return {site_id: (title, url, group) for site_id, title, url, group in cursor}


def queue_outage_alerts(outage: Outage, event: str, when: datetime, render: Render) -> None:
    facts = OutageFacts(
        event=event,
        code=outage.code,
        start_time=outage.start_time,
        end_time=outage.end_time,
        seconds_down=outage.seconds_down,
        sites=tuple(_site_lines(outage)),
    )
    outbox.queue(outage.id, event, when, render(facts))


def _answer(site: Site | None) -> str:
    if site is None or site.last_checked is None:
        return "not checked"
    if site.last_error in ("content", "slow") and site.last_detail:
        return f"{site.last_error}: {site.last_detail}"  # what the answer lacked, or its time
    if site.last_error:
        return site.last_error
    if site.last_status_code is None:
        return "connected"  # a tcp:// site whose port opened
    return f"HTTP {site.last_status_code}"


def _left(link: OutageSite) -> str:
    """How the site left the outage, as its row is marked now (``round_events``): one checked
    up again and taken out of monitoring after that did recover."""
    if link.recovered_at is not None:
        return "recovered"
    return "removed" if link.removed_at is not None else ""


def _last_answer(site: Site | None, left: str) -> str:
    """The site's last answer, never pretending: a deleted site's checks went with it, and one
    taken out of monitoring was not checked since."""
    if site is None:
        return "unknown: the site was deleted"
    if left != "removed":
        return _answer(site)
    if site.last_checked is None:
        return "none: taken out of monitoring before any check"
    return f"{_answer(site)}, then taken out of monitoring"


def _site_lines(outage: Outage) -> list[SiteLine]:
    """The outage's sites as an alert lists them (primary first), as stored now."""
    links = (
        OutageSite.select(OutageSite, Site, SiteGroup)
        .join(Site, join_type=JOIN.LEFT_OUTER)
        .join(SiteGroup, join_type=JOIN.LEFT_OUTER)
        .where(OutageSite.outage == outage)
        .order_by(OutageSite.primary.desc(), OutageSite.start_time, OutageSite.id)
    )
    out = []
    for link in links:
        site = link.site if link.site_id is not None else None
        left = _left(link)
        out.append(
            SiteLine(
                title=link.title,
                group=site.group.title if site else "-",
                url=site.url if site else "-",
                priority=PRIORITY_NAMES[site.priority] if site else "-",
                down_message=site.down_message if site else "",
                last_answer=_last_answer(site, left),
                primary=bool(link.primary),
                left=left,
            )
        )
    return out
