"""What `rnk status` reports: every source's schedule and health, and the daemons' liveness."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from store.daemons import daemons
from store.types import UTCDateTime, utcnow

SOURCES_SQL = sa.text(
    """
SELECT s.name AS source,
       s.enabled,
       r.started_at AS last_run_at,
       r.status AS last_status,
       r.n_new AS last_new,
       f.next_poll_at,
       COALESCE(f.interval_seconds, s.interval_seconds) AS interval_seconds,
       f.consecutive_failures AS failures,
       f.failing,
       (SELECT COUNT(*) FROM article a WHERE a.source_id = s.id AND a.fetched_at >= :since) AS articles_24h,
       f.last_error
FROM source s
LEFT JOIN feed_state f ON f.source_id = s.id
LEFT JOIN ingest_run r ON r.id = (SELECT MAX(r2.id) FROM ingest_run r2 WHERE r2.source_id = s.id)
ORDER BY s.name
"""
).bindparams(sa.bindparam("since", type_=UTCDateTime()))


def read_status(engine: Engine) -> dict[str, Any]:
    now = utcnow()
    with engine.connect() as connection:
        rows = connection.execute(SOURCES_SQL, {"since": now - timedelta(hours=24)}).mappings().all()
    sources = []
    for row in rows:
        item = dict(row)
        item["enabled"] = bool(item["enabled"])
        item["failing"] = bool(item["failing"])
        for key in ("last_run_at", "next_poll_at"):
            value = item[key]
            item[key] = value.isoformat() if hasattr(value, "isoformat") else value
        sources.append(item)
    return {
        "now": now.isoformat(timespec="seconds"),
        "daemons": [
            {
                "id": d.id,
                "host": d.host,
                "pid": d.pid,
                "started_at": d.started_at.isoformat(timespec="seconds"),
                "heartbeat_at": d.heartbeat_at.isoformat(timespec="seconds"),
                "alive": d.alive,
            }
            for d in daemons(engine, now)
        ],
        "sources": sources,
    }
