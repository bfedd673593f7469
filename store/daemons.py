"""Daemon processes as rows: registered at start, a heartbeat while alive, stopped at exit.

`rnk status` calls a daemon alive when its heartbeat is younger than three heartbeat periods
and it has not stopped; a daemon killed with -9 stops beating and is reported dead.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from store.models import DaemonProcess
from store.types import as_utc, utcnow

DAEMON: sa.Table = DaemonProcess.__table__  # type: ignore[attr-defined]
MISSED_BEATS = 3


@dataclass(frozen=True)
class DaemonInfo:
    id: int
    host: str
    pid: int
    started_at: datetime
    heartbeat_at: datetime
    alive: bool


def register(engine: Engine, heartbeat_seconds: float, sources_file: str | None) -> int:
    now = utcnow()
    with engine.begin() as connection:
        return int(
            connection.execute(
                DAEMON.insert().values(
                    host=socket.gethostname(),
                    pid=os.getpid(),
                    sources_file=sources_file,
                    started_at=now,
                    heartbeat_at=now,
                    heartbeat_seconds=heartbeat_seconds,
                )
            ).inserted_primary_key[0]  # type: ignore[index]
        )


def beat(engine: Engine, daemon_id: int) -> None:
    with engine.begin() as connection:
        connection.execute(DAEMON.update().where(DAEMON.c.id == daemon_id).values(heartbeat_at=utcnow()))


def stopped(engine: Engine, daemon_id: int) -> None:
    with engine.begin() as connection:
        connection.execute(DAEMON.update().where(DAEMON.c.id == daemon_id).values(stopped_at=utcnow()))


def daemons(engine: Engine, now: datetime | None = None) -> list[DaemonInfo]:
    """Daemons that have not stopped, newest first, each with whether it still beats."""
    now = now or utcnow()
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(DAEMON).where(DAEMON.c.stopped_at.is_(None)).order_by(DAEMON.c.id.desc())
        ).all()
    found = []
    for row in rows:
        beat_at = as_utc(row.heartbeat_at)
        alive = now - beat_at <= timedelta(seconds=MISSED_BEATS * row.heartbeat_seconds)
        found.append(DaemonInfo(row.id, row.host, row.pid, as_utc(row.started_at), beat_at, alive))
    return found
