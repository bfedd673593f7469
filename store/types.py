"""Column types shared by every table.

`UTCDateTime` exists because the SQL contract promises the same instants on both
databases: ISO 8601 text with an explicit offset on SQLite (`2024-06-19T08:30:00+00:00`,
which sorts and compares correctly as text) and `timestamptz` on PostgreSQL. SQLAlchemy's
own `DateTime` on SQLite writes `2024-06-19 08:30:00.000000` without an offset, which
breaks that promise, so the type is defined here once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect


class NaiveDatetimeError(ValueError):
    """A datetime without a timezone reached the store: its instant is unknown."""


def as_utc(value: datetime) -> datetime:
    """Return `value` in UTC, refusing naive datetimes (their instant is ambiguous)."""
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise NaiveDatetimeError(f"naive datetime {value!r}: give it a timezone")
    return value.astimezone(UTC)


def iso_utc(value: datetime) -> str:
    """The contract's text form of an instant: seconds precision, `+00:00` offset."""
    return as_utc(value).replace(microsecond=0).isoformat()


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """An aware UTC instant: ISO 8601 text on SQLite, `timestamptz` elsewhere."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.String(25))
        return dialect.type_descriptor(sa.DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return iso_utc(value)
        return as_utc(value).replace(microsecond=0)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            parsed = datetime.fromisoformat(value)
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        assert isinstance(value, datetime)
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    """Now, aware, in UTC, at the store's precision."""
    return datetime.now(UTC).replace(microsecond=0)
