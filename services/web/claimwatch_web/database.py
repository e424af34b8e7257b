"""Where the read model lives and how it gets its schema.

SQLite (a file under the data dir) in the embedded default, PostgreSQL in docker-compose and
Kubernetes; the same Alembic migrations bring either to the current schema at start-up, so a
new database is simply empty and the consumer rebuilds it from the topics.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event

from claimwatch.settings import Settings

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_FILE = "web.sqlite3"


def database_url(settings: Settings) -> str:
    """The configured URL; ``postgresql://`` means the psycopg 3 driver this package ships."""
    url = settings.web_database_url
    if not url:
        return f"sqlite:///{(settings.data_dir / SQLITE_FILE).resolve()}"
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain) :]
    return url


def make_engine(url: str) -> Engine:
    """An engine; SQLite gets WAL (pages read while the consumer writes) and a busy timeout."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: object) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def migrate(engine: Engine) -> None:
    """Bring the database to the newest schema (idempotent)."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
