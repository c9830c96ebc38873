"""The Whoosh search index of services: open it, keep it in step with the database, search it.

The database is the source of truth. Whoever changes a service queues it
(``indexing.queue_services``) in the same transaction; after the commit, ``apply_pending`` lets
whichever process holds Whoosh's single writer lock rewrite the queued documents, so several
gunicorn workers never wait on each other or lose an update.
"""

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context
from sqlalchemy import delete, event, select
from sqlalchemy.orm import Session
from whoosh import fields, writing
from whoosh.analysis import StandardAnalyzer, StemmingAnalyzer
from whoosh.filedb.filestore import FileStorage
from whoosh.index import FileIndex, LockError
from whoosh.searching import Searcher

from wellbeing.directory.models import Service
from wellbeing.directory.search import vectors
from wellbeing.directory.search.documents import MEANING, documents_for
from wellbeing.directory.search.queue import SearchIndexQueue
from wellbeing.extensions import db

logger = logging.getLogger(__name__)

# Change the version when the schema changes: the new index starts empty until `search reindex`.
INDEX_NAME = "services_v2"  # v2: descriptions keep no word positions
QUEUE_BATCH = 1000
OPEN_ATTEMPTS = 10
REBUILD_LOCK_TIMEOUT = 120.0
PENDING = "wellbeing_search_pending"

STEMMED = StemmingAnalyzer()


def build_schema() -> fields.Schema:
    """Words to match (stemmed English) plus the facts that filters narrow on."""
    return fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        name=fields.TEXT(analyzer=STEMMED, field_boost=3.0),
        terms=fields.TEXT(analyzer=STEMMED, field_boost=2.0),
        body=fields.TEXT(analyzer=STEMMED, phrase=False),  # description, organisation, places
        spelling=fields.TEXT(analyzer=StandardAnalyzer(), phrase=False),  # real words to suggest
        name_sort=fields.COLUMN(),
        status=fields.ID,
        term_ids=fields.KEYWORD,
        taxonomy_ids=fields.KEYWORD,
        areas=fields.KEYWORD,  # the service's areas and the wider ones holding them
        service_areas=fields.KEYWORD,  # the service's own areas only
        organization_id=fields.ID,
        free=fields.BOOLEAN,
        wheelchair=fields.BOOLEAN,
        self_referral=fields.BOOLEAN,
        min_age=fields.NUMERIC(int, shift_step=8),
        max_age=fields.NUMERIC(int, shift_step=8),
        last_modified=fields.DATETIME,
        lat=fields.NUMERIC(int, shift_step=8),  # hundredths of a degree: see search_documents.grid
        lon=fields.NUMERIC(int, shift_step=8),
        points=fields.COLUMN(),
        opening=fields.KEYWORD,
        digest=fields.COLUMN(),
    )


def index_dir() -> Path:
    return Path(current_app.config["WELLBEING_INDEX_DIR"])


def _open(storage: FileStorage) -> FileIndex:
    for _ in range(OPEN_ATTEMPTS - 1):
        try:
            return storage.open_index(INDEX_NAME)
        except FileNotFoundError:
            # Another process committed and removed the generation we were about to read.
            time.sleep(0.02)
    return storage.open_index(INDEX_NAME)


def _exists(storage: FileStorage) -> bool:
    # Not storage.index_exists(): it opens the index, which can race with another's commit.
    return any(name.startswith(f"_{INDEX_NAME}_") and name.endswith(".toc") for name in storage)


def open_index() -> FileIndex:
    """This app's index, created empty the first time it is needed."""
    storage = FileStorage(str(index_dir()))
    storage.create()  # makes the folder if missing
    if _exists(storage):
        return _open(storage)
    lock = storage.lock("CREATE")
    lock.acquire(blocking=True)  # two processes must not both create it
    try:
        if not _exists(storage):
            storage.create_index(build_schema(), indexname=INDEX_NAME)
        return _open(storage)
    finally:
        lock.release()


_local = threading.local()
MAX_CACHED_SEARCHERS = 4


@contextmanager
def searcher() -> Iterator[Searcher]:
    """A searcher on the latest committed index, reused within this thread while it is current."""
    cache: OrderedDict[str, tuple[FileIndex, Searcher]] = _local.__dict__.setdefault(
        "searchers", OrderedDict()
    )
    key = str(index_dir())
    ix, current = cache.pop(key, (None, None))
    if ix is None or current is None:
        ix = open_index()
        current = ix.searcher()
    elif ix.latest_generation() != current.reader().generation():
        # Not Searcher.refresh(): reusing readers can bring back segments merged away since.
        current.close()
        current = ix.searcher()
    cache[key] = (ix, current)
    while len(cache) > MAX_CACHED_SEARCHERS:
        cache.popitem(last=False)[1][1].close()
    yield current


def column(searcher: Searcher, name: str, translate: bool = False) -> Any:
    """A column reader of this searcher, made once: each one first reads an offset for every
    document (milliseconds at 10,000 listings), and searchers are reused while current."""
    cache: dict[tuple[str, bool], Any] = searcher.__dict__.setdefault("_wellbeing_columns", {})
    key = (name, translate)
    if key not in cache:
        cache[key] = searcher.reader().column_reader(name, translate=translate)
    return cache[key]


def write_documents(writer: writing.IndexWriter, session: Session, ids: Sequence[str]) -> None:
    """Rewrite the documents of these services from the database; remove those that are gone.

    The texts to embed go to ``service_embedding`` in the same session (the caller commits).
    """
    texts = {}
    for document in documents_for(session, ids):
        texts[str(document["id"])] = str(document.pop(MEANING))
        writer.update_document(**document)
    gone = sorted(set(ids) - set(texts))
    for service_id in gone:
        writer.delete_by_term("id", service_id)
    vectors.sync_texts(session, texts)
    vectors.forget(session, gone)


def _delete_queue_rows(session: Session, row_ids: Sequence[int]) -> None:
    # End the read first: SQLite refuses to turn a read begun before another's commit into a write.
    session.commit()
    for start in range(0, len(row_ids), QUEUE_BATCH):
        chunk = row_ids[start : start + QUEUE_BATCH]
        session.execute(delete(SearchIndexQueue).where(SearchIndexQueue.id.in_(chunk)))
    session.commit()


def _queued_rows(session: Session, limit: int | None = None) -> list[tuple[int, str]]:
    statement = select(SearchIndexQueue.id, SearchIndexQueue.service_id)
    rows = session.execute(statement.order_by(SearchIndexQueue.id).limit(limit))
    return [(row_id, service_id) for row_id, service_id in rows]


def _apply_batch(writer: writing.IndexWriter) -> int:
    """Rewrite up to a batch of queued services, then forget their rows; returns how many."""
    # A session begun after taking the lock: on SQLite its snapshot then holds every change
    # that an earlier holder indexed, so nothing is rewritten from older data.
    with Session(db.engine) as session:
        try:
            rows = _queued_rows(session, QUEUE_BATCH)
            service_ids = sorted({service_id for _, service_id in rows})
            write_documents(writer, session, service_ids)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        _delete_queue_rows(session, [row_id for row_id, _ in rows])
    return len(service_ids)


def apply_pending() -> int:
    """Apply every queued update if this process gets the writer lock; returns services rewritten.

    A process that does not get the lock leaves its rows to the holder, which looks at the queue
    again after each time it lets go of the lock, so no row is stranded.
    """
    ix = open_index()
    applied = 0
    while True:
        with Session(db.engine) as session:
            if not _queued_rows(session, 1):
                return applied
        try:
            writer = ix.writer()  # no waiting: the holder will see our rows
        except LockError:
            return applied
        applied += _apply_batch(writer)


def rebuild(progress: Callable[[int], None] | None = None) -> int:
    """Rebuild the whole index from the database; returns the number of services indexed."""
    ix = open_index()
    writer = ix.writer(timeout=REBUILD_LOCK_TIMEOUT)
    with Session(db.engine) as session:
        try:
            # Queue rows read before the services are covered by this rebuild; later ones stay.
            queued = [row_id for row_id, _ in _queued_rows(session)]
            ids = list(session.execute(select(Service.id).order_by(Service.id)).scalars())
            texts = {}
            for document in documents_for(session, ids):
                texts[str(document["id"])] = str(document.pop(MEANING))
                writer.add_document(**document)
                if progress is not None:
                    progress(1)
            vectors.sync_texts(session, texts)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(mergetype=writing.CLEAR)
        _delete_queue_rows(session, queued)
    apply_pending()
    return len(ids)


def _note_queued(session: Session, _flush_context: object, _instances: object) -> None:
    if any(isinstance(obj, SearchIndexQueue) for obj in session.new):
        session.info[PENDING] = True


def _apply_after_commit(session: Session) -> None:
    if not session.info.pop(PENDING, False) or not has_app_context():
        return
    try:
        apply_pending()
    except Exception:  # the commit stands; the rows stay queued for the next writer or reindex
        logger.exception("Search index update failed; the changes stay queued")
        return
    vectors.embed_after_update(current_app._get_current_object())  # type: ignore[attr-defined]


def _forget_queued(session: Session, *_args: object) -> None:
    session.info.pop(PENDING, None)


def init_app(app: Flask) -> None:
    """Update the index after every commit that queued services for it."""
    for name, listener in (
        ("before_flush", _note_queued),
        ("after_commit", _apply_after_commit),
        ("after_soft_rollback", _forget_queued),
    ):
        if not event.contains(db.session, name, listener):
            event.listen(db.session, name, listener)
