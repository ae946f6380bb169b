"""Schema step 9, uptime reports (issue 22), as each engine says it (an
:class:`.schema_steps.EngineStep` in ``migrations.STEPS``). Apart from its new columns and its
table, it fills in what a report of the time before the step needs, from what is stored:

- when each site is monitored from (``site.monitored_since``);
- each kept hour's good answers' times (``check_hour.good_ms``), from the raw checks still
  kept, judged by the ``good_codes`` setting as it is (an hour whose raw checks were purged
  keeps none: its percentiles count without it);
- the pauses and inactive times running now (``pause_span``). When they began is not stored;
  a paused or inactive site is not checked, so its last check (``site.last_checked``) is the
  last moment it surely was monitored, and the span starts there (at the step's own time for a
  site never checked). All monitoring's pause starts at the last check of any site.
"""

from __future__ import annotations

from .schema_steps import EngineStep

#: the good codes when the setting was never stored (the default since the first release)
_DEFAULT_CODES = "'[200, 301, 304]'"
_CODES = f"coalesce((SELECT value FROM setting WHERE key = 'good_codes'), {_DEFAULT_CODES})"

#: each hour's good answers' times, whole ms (floor(elapsed + 0.5)), space-separated in the
#: order they came: SQLite (before 3.44 no ORDER BY inside an aggregate) concatenates over a
#: window ordered by time and keeps the first row of each hour; PostgreSQL orders string_agg
_GOOD_MS_SQLITE = f"""
    UPDATE check_hour SET good_ms = kept.times
      FROM (SELECT site_id, hour, times FROM (
              SELECT site_id, time / 3600000 AS hour,
                     row_number() OVER by_time AS n,
                     group_concat(CAST(elapsed_ms + 0.5 AS INTEGER), ' ') OVER by_time AS times
                FROM "check"
               WHERE error IS NULL
                 AND (status_code IS NULL
                      OR status_code IN (SELECT value FROM json_each({_CODES})))
              WINDOW by_time AS (PARTITION BY site_id, time / 3600000 ORDER BY time, id
                                 ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING))
             WHERE n = 1) AS kept
     WHERE check_hour.site_id = kept.site_id AND check_hour.hour = kept.hour"""
_GOOD_MS_POSTGRES = f"""
    UPDATE check_hour SET good_ms = kept.times
      FROM (SELECT site_id, time / 3600000 AS hour,
                   string_agg(CAST(floor(elapsed_ms + 0.5) AS BIGINT)::text, ' '
                              ORDER BY time, id) AS times
              FROM "check"
             WHERE error IS NULL
               AND (status_code IS NULL
                    OR status_code IN (SELECT CAST(code AS INTEGER)
                                         FROM json_array_elements_text(CAST({_CODES} AS json))
                                              AS code))
             GROUP BY site_id, time / 3600000) AS kept
     WHERE check_hour.site_id = kept.site_id AND check_hour.hour = kept.hour"""

#: all monitoring's pause (the ``meta`` row ``pause``: ``{"until": ms or null}``), its end as
#: each engine reads it; NULL for a row that is not what ``store.maintenance`` writes (which
#: reads such a row as no pause)
_EVERYTHING_UNTIL_SQLITE = (
    "CASE WHEN json_valid(value) THEN json_extract(value, '$.until') END",
    "CASE WHEN json_valid(value) THEN json_type(value, '$.until') IN ('null', 'integer') END",
)
_EVERYTHING_UNTIL_POSTGRES = (
    """CASE WHEN value ~ '^\\{"until": [0-9]+\\}$'
            THEN CAST(CAST(value AS json) ->> 'until' AS BIGINT) END""",
    """value ~ '^\\{"until": (null|[0-9]+)\\}$'""",
)


def _statements(
    serial: str, blob: str, now_ms: str, least: str, good_ms: str, everything: tuple[str, str]
) -> list[str]:
    """The step's statements with one engine's words: an id, a blob, the time now (ms), the
    smaller of two values, the filling of ``good_ms``, and all monitoring's pause (its end,
    and whether the row is one)."""
    until, is_pause = everything
    return [
        # when the site is monitored from: its creation or its first check (an imported one may
        # be older), whichever is earlier; a site from before this step: its first check kept
        # (raw or hour summary), else the step's own time
        "ALTER TABLE site ADD COLUMN monitored_since BIGINT",
        """UPDATE site SET monitored_since = (SELECT min(time) FROM "check"
                                              WHERE "check".site_id = site.id)""",
        # (the hour is an INTEGER: made a BIGINT before it becomes ms, or PostgreSQL overflows)
        f"""UPDATE site SET monitored_since = (SELECT CAST(min(hour) AS BIGINT) * 3600000
                                                 FROM check_hour
                                                WHERE check_hour.site_id = site.id)
            WHERE (SELECT CAST(min(hour) AS BIGINT) * 3600000 FROM check_hour
                   WHERE check_hour.site_id = site.id) < coalesce(monitored_since, {now_ms})""",
        f"UPDATE site SET monitored_since = {now_ms} WHERE monitored_since IS NULL",
        # the hour's good answers' times, whole ms, space-separated, in the order they came
        # (the report's percentiles: nearest-rank needs every time, an hour keeps them small)
        "ALTER TABLE check_hour ADD COLUMN good_ms TEXT",
        good_ms,
        # the times a site (site_id NULL: all monitoring) was paused or inactive: not monitored
        f"""CREATE TABLE pause_span (
            id {serial},
            site_id INTEGER REFERENCES site (id) ON DELETE CASCADE,
            start BIGINT NOT NULL,
            until BIGINT,
            why VARCHAR(8) NOT NULL)""",
        "CREATE INDEX pause_span_site ON pause_span (site_id, start)",
        # those running now, each from its site's last check (see the module's docstring)
        f"""INSERT INTO pause_span (site_id, start, until, why)
            SELECT id, {least}(coalesce(last_checked, {now_ms}), {now_ms}), NULL, 'inactive'
              FROM site WHERE NOT active""",
        f"""INSERT INTO pause_span (site_id, start, until, why)
            SELECT id, {least}(coalesce(last_checked, {now_ms}), {now_ms}), paused_until, 'pause'
              FROM site WHERE paused AND (paused_until IS NULL OR paused_until > {now_ms})""",
        f"""INSERT INTO pause_span (site_id, start, until, why)
            SELECT NULL,
                   coalesce({least}((SELECT max(last_checked) FROM site), {now_ms}), {now_ms}),
                   {until}, 'pause'
              FROM meta
             WHERE key = 'pause' AND {is_pause}
               AND ({until} IS NULL OR {until} > {now_ms})""",
        # a monthly report's PDF, mailed through the outbox (kind "report")
        f"ALTER TABLE alert ADD COLUMN attachment {blob}",
        "ALTER TABLE alert ADD COLUMN attachment_name VARCHAR(120)",
    ]


STEP_9 = EngineStep(
    sqlite=_statements(
        "INTEGER NOT NULL PRIMARY KEY",
        "BLOB",
        "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)",
        "min",
        _GOOD_MS_SQLITE,
        _EVERYTHING_UNTIL_SQLITE,
    ),
    postgres=_statements(
        "SERIAL PRIMARY KEY",
        "BYTEA",
        "CAST(extract(epoch FROM now()) * 1000 AS BIGINT)",
        "least",
        _GOOD_MS_POSTGRES,
        _EVERYTHING_UNTIL_POSTGRES,
    ),
)
