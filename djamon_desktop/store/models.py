"""Every table the app reads through peewee, on one deferred database that :mod:`.database` opens
(the schema_version table is read by :mod:`.database` in plain SQL).

Times are stored as whole milliseconds since the epoch (UTC) and come back as aware UTC
datetimes. The tables themselves are created by the migration steps in :mod:`.migrations`,
never from these classes, so that old steps keep meaning what they meant.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from peewee import (
    BigIntegerField,
    BinaryUUIDField,
    BlobField,
    BooleanField,
    CharField,
    CompositeKey,
    DatabaseProxy,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    SmallIntegerField,
    TextField,
)

from ..core.clock import from_ms, to_ms

#: the open database: SQLite or a team's PostgreSQL (:mod:`.engine`), set by :mod:`.database`
db = DatabaseProxy()


class UtcField(BigIntegerField):
    """An aware datetime kept as integer milliseconds since the epoch, UTC, by the one rule of
    ``core.clock`` (a naive one is refused there)."""

    def db_value(self, value):
        if value is None:
            return None
        if isinstance(value, datetime):
            return to_ms(value)
        return value

    def python_value(self, value):
        if value is None:
            return None
        return from_ms(value)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


class Setting(BaseModel):
    key = CharField(primary_key=True)
    value = TextField()  # JSON


class SiteGroup(BaseModel):
    title = CharField(max_length=40, unique=True)
    position = IntegerField()
    maintenance = TextField(default="[]")  # JSON list of {"schedule", "minutes"}


class Site(BaseModel):
    group = ForeignKeyField(SiteGroup, backref="sites", on_delete="CASCADE")
    title = CharField(max_length=40)
    url = TextField()
    active = BooleanField(default=True)
    down_message = CharField(max_length=140)
    priority = SmallIntegerField()  # 0 critical, 1 high, 2 normal, 3 low (as Djamon had)
    position = IntegerField()
    last_seen = UtcField(null=True)
    down_count = IntegerField(default=0)
    last_checked = UtcField(null=True)
    last_status_code = SmallIntegerField(null=True)
    last_error = CharField(null=True)
    last_elapsed_ms = FloatField(null=True)
    cert_expires_at = UtcField(null=True)  # the certificate's notAfter, seen by the last check
    maintenance = TextField(default="[]")  # JSON list of {"schedule", "minutes"}
    paused = BooleanField(default=False)  # paused by hand ...
    paused_until = UtcField(null=True)  # ... until then (None: until resumed)
    failing = BooleanField(default=False)  # some live vantage sees it failing (store.vantages)
    expect = TextField(null=True)  # what it expects of its answer (core.expect), JSON text
    last_detail = TextField(null=True)  # what the last failed check saw beyond its error
    # monitored from: its creation or its first check, whichever is earlier (reports)
    monitored_since = UtcField(null=True)


class Vantage(BaseModel):
    """A process that checks the sites (a desktop's app, its ``check``), by its vantage name;
    live while its last round is less than 15 minutes old (``core.outages.LIVE``)."""

    name = CharField(max_length=40, unique=True)
    last_round_at = UtcField(null=True)
    app_seen_at = UtcField(null=True)  # its app said it runs (None: no app, or it quit)


class SiteVantage(BaseModel):
    """One vantage's own strikes and last answer for one site (the site row holds the team's
    summary of these)."""

    site = ForeignKeyField(Site, on_delete="CASCADE")
    vantage = ForeignKeyField(Vantage, on_delete="CASCADE")
    down_count = IntegerField(default=0)
    last_seen = UtcField(null=True)
    last_checked = UtcField(null=True)
    last_status_code = SmallIntegerField(null=True)
    last_error = CharField(null=True)
    last_elapsed_ms = FloatField(null=True)
    last_detail = TextField(null=True)

    class Meta:
        primary_key = CompositeKey("site", "vantage")


class Check(BaseModel):
    """One check. Stored clustered by (site, time); the UUID is its identity, as in Djamon."""

    site = ForeignKeyField(Site, backref="checks", on_delete="CASCADE")
    time = UtcField()
    id = BinaryUUIDField(default=uuid.uuid4)
    status_code = SmallIntegerField(null=True)
    error = CharField(null=True)
    elapsed_ms = FloatField()
    vantage_id = IntegerField(null=True)  # which vantage checked (None: before vantages)
    detail = TextField(null=True)  # what a failed check saw beyond its error (None: nothing)

    class Meta:
        primary_key = CompositeKey("site", "time", "id")


class Outage(BaseModel):
    code = CharField(max_length=8, unique=True)
    start_time = UtcField()
    end_time = UtcField(null=True)
    seconds_down = IntegerField(null=True)
    content = TextField(default="")
    extra_information = TextField(default="")
    notification_sent = BooleanField(default=False)
    acknowledged_by = CharField(max_length=40, null=True)  # who is on it (None: nobody)
    acknowledged_at = UtcField(null=True)
    escalated_at = UtcField(null=True)  # its one reminder, queued once for the team


class OutageSite(BaseModel):
    outage = ForeignKeyField(Outage, backref="site_links", on_delete="CASCADE")
    # The site may be deleted later; the outage keeps its title as it was.
    site = ForeignKeyField(Site, null=True, on_delete="SET NULL")
    title = CharField(max_length=40)
    primary = BooleanField(default=False)
    start_time = UtcField()
    recovered_at = UtcField(null=True)  # checked up again (cleared if it fails again)
    removed_at = UtcField(null=True)  # taken out of monitoring (deleted or deactivated)
    kept_site_id = IntegerField(null=True)  # the site's id, kept when it is deleted


class OutageEvent(BaseModel):
    """One event of an outage's timeline (``store.timeline``), in the order it happened."""

    outage = ForeignKeyField(Outage, backref="events", on_delete="CASCADE")
    at = UtcField()
    event = CharField(max_length=16)
    site_id = IntegerField(null=True)  # no foreign key: a deleted site's events stay
    vantage = CharField(max_length=40, null=True)
    channel = CharField(max_length=16, null=True)
    by_name = CharField(max_length=40, null=True)
    text = TextField(null=True)
    reason = TextField(null=True)


class Recheck(BaseModel):
    """A recheck of one site asked of every live app vantage (``recheck SITE``)."""

    site = ForeignKeyField(Site, on_delete="CASCADE")
    asked_at = UtcField()
    asked_by = CharField(max_length=40)
    vantages = TextField(default="[]")  # JSON: the live app vantages asked


class RecheckAnswer(BaseModel):
    recheck = ForeignKeyField(Recheck, backref="answers", on_delete="CASCADE")
    vantage = CharField(max_length=40)
    ok = BooleanField()
    status_code = SmallIntegerField(null=True)
    error = CharField(null=True)
    elapsed_ms = FloatField(null=True)
    answered_at = UtcField()

    class Meta:
        primary_key = CompositeKey("recheck", "vantage")


class PauseSpan(BaseModel):
    """A time a site (``site`` None: all monitoring) was not monitored: paused by hand
    (``why`` "pause") or inactive ("inactive"); ``until`` None while it lasts."""

    site = ForeignKeyField(Site, null=True, on_delete="CASCADE")
    start = UtcField()
    until = UtcField(null=True)
    why = CharField(max_length=8)


class Alert(BaseModel):
    kind = CharField(max_length=8, default="outage")  # outage | cert | report
    outage = ForeignKeyField(Outage, backref="alerts", on_delete="CASCADE", null=True)
    site = ForeignKeyField(Site, null=True, on_delete="CASCADE")  # kind cert: whose certificate
    cert_expires_at = UtcField(null=True)  # kind cert: the expiry it warns of
    event = CharField(max_length=8)  # opened | closed | cert
    channel = CharField(max_length=16)  # email | twitter | apprise (alerts.sender.SENDERS)
    target = CharField(max_length=64, default="")  # apprise: a fingerprint of the URL
    subject = TextField()
    body = TextField()
    created_at = UtcField()
    attempts = IntegerField(default=0)
    last_attempt_at = UtcField(null=True)
    last_error = TextField(null=True)
    claimed_until = UtcField(null=True)  # a sender is at it until then
    delivered_at = UtcField(null=True)
    held_until = UtcField(null=True)  # quiet hours: held in the outbox until then
    attachment = BlobField(null=True)  # kind report: the PDF
    attachment_name = CharField(max_length=120, null=True)
