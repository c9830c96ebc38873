"""Queueing search-index updates in the same transaction as the change that needs them.

Whoever changes a service calls ``queue_services`` before the request's one commit; after the commit
the index applies the queue (see ``wellbeing.directory.search.index``). A crash between the two
(``kill -9``, out of memory) leaves the rows queued: the next commit that queues anything applies
them, and so does every ``flask directory`` and ``flask search`` command before it starts
(``commands.catch_up_index``), so a re-import that finds nothing changed still repairs the index.
"""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Mapped, mapped_column

from wellbeing.database import UUID_STR, UTCDateTime, utcnow
from wellbeing.extensions import Model, db


class SearchIndexQueue(Model):
    """Services whose search document must be rewritten; queued in the commit that changes them."""

    __tablename__ = "search_index_queue"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[str] = mapped_column(UUID_STR, index=True)
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def queue_services(service_ids: Iterable[str]) -> None:
    """Mark services whose search document must be rewritten (or removed) after this commit."""
    db.session.add_all(SearchIndexQueue(service_id=service_id) for service_id in set(service_ids))
