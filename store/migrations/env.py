"""Alembic environment: runs on the connection `store.migrate` hands over in `config.attributes`."""

from __future__ import annotations

from alembic import context

from store.models import SQLModel

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=False,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
