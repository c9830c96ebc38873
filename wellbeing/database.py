"""Declarative base, constraint naming convention and shared column helpers."""

import sqlite3
import uuid
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import Connection, DateTime, Engine, Enum, MetaData, String, TypeDecorator, event
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite drops the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given: use datetime.now(UTC)")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def enum_type(enum: type[StrEnum], name: str, length: int = 20) -> Enum:
    """A ``StrEnum`` column stored as its values in a VARCHAR with a CHECK named ``name``.

    Not a native PostgreSQL enum, so that the schema (and its migrations) are the same on SQLite,
    and adding a value is a change of one CHECK constraint.
    """
    return Enum(
        enum,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=length,
        values_callable=lambda members: [member.value for member in members],
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def new_uuid() -> str:
    """A new random UUID as a string: the id format of Open Referral UK."""
    return str(uuid.uuid4())


class TimestampMixin:
    """``created_at``/``updated_at`` columns maintained by SQLAlchemy."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


UUID_STR = String(36)


# pysqlite opens a transaction only before INSERT/UPDATE/DELETE, and never before SAVEPOINT, so a
# savepoint at the start of a transaction would commit on release. We keep its behaviour (reads
# outside a write transaction see the latest data, as PostgreSQL's READ COMMITTED does) but open
# the transaction ourselves, before savepoints too.
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    """SQLite needs foreign keys switched on, and WAL so several workers read while one writes."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None  # we say BEGIN, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def _begin_if_idle(dbapi_connection: object) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection) and not dbapi_connection.in_transaction:
        dbapi_connection.execute("BEGIN")


@event.listens_for(Engine, "before_cursor_execute")
def _sqlite_begin_before_write(
    connection: Connection, _cursor: object, statement: str, *_args: object
) -> None:
    if connection.dialect.name == "sqlite" and statement.lstrip().upper().startswith(_WRITES):
        _begin_if_idle(connection.connection.dbapi_connection)


@event.listens_for(Engine, "savepoint")
def _sqlite_begin_before_savepoint(connection: Connection, _name: str) -> None:
    if connection.dialect.name == "sqlite":
        _begin_if_idle(connection.connection.dbapi_connection)
