"""Alembic environment: runs on the connection ``database.migrate`` hands it (never reads a URL
from a file, so the one setting ``CLAIMWATCH_WEB_DATABASE_URL`` decides where)."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from claimwatch_web.schema import Base

connection: Connection | None = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through claimwatch_web.database.migrate(engine)")
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying
)
with context.begin_transaction():
    context.run_migrations()
