"""Configured sources as the store sees them, and their upkeep in the `source` table."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import select

from store.db import session_scope
from store.models import FeedState, Source
from store.types import utcnow


@dataclass(frozen=True)
class SourceSpec:
    """One `[[source]]` of the sources file, validated."""

    name: str
    kind: str
    url: str
    language: str | None = None
    interval_seconds: int = 1800
    enabled: bool = True


def sync_sources(engine: Engine, specs: list[SourceSpec]) -> dict[str, int]:
    """Insert or update the given sources by name; return name -> id.

    Sources missing from `specs` are left alone: a crawl of one file must not disable
    what another file configured.
    """
    ids: dict[str, int] = {}
    with session_scope(engine) as session:
        existing = {
            source.name: source
            for source in session.exec(select(Source).where(Source.name.in_([s.name for s in specs])))  # type: ignore[attr-defined]
        }
        for spec in specs:
            row = existing.get(spec.name)
            if row is None:
                row = Source(name=spec.name, kind=spec.kind, url=spec.url)
                session.add(row)
            changed = (row.kind, row.url, row.language, row.interval_seconds, row.enabled) != (
                spec.kind,
                spec.url,
                spec.language,
                spec.interval_seconds,
                spec.enabled,
            )
            if changed:
                row.kind, row.url, row.language = spec.kind, spec.url, spec.language
                row.interval_seconds, row.enabled = spec.interval_seconds, spec.enabled
                row.updated_at = utcnow()
            session.flush()
            assert row.id is not None
            ids[spec.name] = row.id
            if session.get(FeedState, row.id) is None:
                session.add(FeedState(source_id=row.id))
    return ids


def load_feed_state(engine: Engine, source_id: int) -> FeedState:
    with session_scope(engine) as session:
        state = session.get(FeedState, source_id)
        return state if state is not None else FeedState(source_id=source_id)


def disable_sources(engine: Engine, names: list[str]) -> None:
    """Mark sources no longer in the daemon's sources file as disabled (their rows, runs and
    articles stay: history is never deleted)."""
    with session_scope(engine) as session:
        for source in session.exec(select(Source).where(Source.name.in_(names))):  # type: ignore[attr-defined]
            source.enabled = False
            source.updated_at = utcnow()
            session.add(source)
