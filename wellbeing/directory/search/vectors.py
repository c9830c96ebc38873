"""Listing embeddings: stored beside the services, made in batches, searched in memory.

When the index queue rewrites a service's document it also records the text to embed
(``sync_texts``); a row whose text changed loses its vector. ``embed_pending`` then embeds the rows
without one, a batch at a time, so an unchanged listing is never embedded twice and an import
never waits for the model: until its vector is there, a listing is found by its words. Each
process keeps the vectors as one matrix, reloaded when any row has changed.
"""

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from flask import Flask, current_app
from sqlalchemy import (
    ForeignKey,
    LargeBinary,
    String,
    Text,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, scoped_session
from whoosh.filedb.filestore import FileStorage

from wellbeing.database import UUID_STR, UTCDateTime, utcnow
from wellbeing.directory.search.embeddings import (
    DIMENSIONS,
    Embedder,
    ModelStatus,
    default_model_file,
    load_embedder,
    text_digest,
)
from wellbeing.extensions import Model, db

logger = logging.getLogger(__name__)

EMBED_BATCH = 64


class ServiceEmbedding(Model):
    """The text a service is found by meaning, and its vector once the model has embedded it."""

    __tablename__ = "service_embedding"

    service_id: Mapped[str] = mapped_column(
        UUID_STR, ForeignKey("service.id", ondelete="CASCADE"), primary_key=True
    )
    text: Mapped[str] = mapped_column(Text)
    text_digest: Mapped[str] = mapped_column(String(64))
    vector: Mapped[bytes | None] = mapped_column(LargeBinary)
    embedded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)


def model_status(
    app: Flask | None = None, threads: int | None = None
) -> tuple[ModelStatus, Embedder | None]:
    """The configured model, checked and loaded once per process (None when it cannot be used)."""
    config = (app or current_app).config
    if config["WELLBEING_EMBEDDINGS"] == "off":
        return ModelStatus(False, "turned off (WELLBEING_EMBEDDINGS=off)"), None
    path = config["WELLBEING_EMBEDDING_MODEL"] or default_model_file()
    return load_embedder(
        Path(path) if path else None, threads=threads or config["WELLBEING_MODEL_THREADS"]
    )


def search_health() -> dict[str, object]:
    """For /healthz: words always work; meaning only when the model is there and unchanged."""
    status, embedder = model_status()
    mode = current_app.config["WELLBEING_SEARCH_MODE"]
    return {"words": mode != "semantic", "meaning": embedder is not None, "model": status.detail}


def sync_texts(session: Session, texts: Mapping[str, str]) -> int:
    """Record each service's text to embed; a changed text loses its vector. Returns how many
    need embedding now."""
    if not texts:
        return 0
    digests = {service_id: text_digest(text) for service_id, text in texts.items()}
    stored = dict(
        session.execute(
            select(ServiceEmbedding.service_id, ServiceEmbedding.text_digest).where(
                ServiceEmbedding.service_id.in_(list(texts))
            )
        ).all()
    )
    changed = [sid for sid, digest in digests.items() if stored.get(sid) != digest]
    if not changed:
        return 0
    vectors_changed()
    fresh = [sid for sid in changed if sid not in stored]
    if fresh:
        session.execute(
            insert(ServiceEmbedding),
            [{"service_id": s, "text": texts[s], "text_digest": digests[s]} for s in fresh],
        )
    edited = [
        {
            "service_id": s,
            "text": texts[s],
            "text_digest": digests[s],
            "vector": None,
            "embedded_at": None,
        }
        for s in changed
        if s in stored
    ]
    if edited:  # one UPDATE by primary key, executed for every row
        session.execute(update(ServiceEmbedding), edited)
    return len(changed)


def forget(session: Session, service_ids: list[str]) -> None:
    """Drop the embeddings of services that are gone."""
    if service_ids:
        session.execute(
            delete(ServiceEmbedding).where(ServiceEmbedding.service_id.in_(service_ids))
        )
        vectors_changed()


def embedded_digests(session: Session) -> dict[str, str]:
    """The digest of the text each service has a vector for."""
    statement = select(ServiceEmbedding.service_id, ServiceEmbedding.text_digest).where(
        ServiceEmbedding.vector.is_not(None)
    )
    return {str(service_id): str(digest) for service_id, digest in session.execute(statement)}


def pending_count(session: Session | scoped_session[Any]) -> int:
    """Listings whose text has no vector yet."""
    statement = select(func.count()).where(ServiceEmbedding.vector.is_(None))
    return session.execute(statement).scalar_one()


def embed_pending(embedder: Embedder, progress: Callable[[int], None] | None = None) -> int:
    """Embed the listings that have no vector, a batch at a time, until none is left; returns
    how many were done."""
    done = 0
    while True:
        with Session(db.engine) as session:
            rows = session.execute(
                select(
                    ServiceEmbedding.service_id, ServiceEmbedding.text, ServiceEmbedding.text_digest
                )
                .where(ServiceEmbedding.vector.is_(None))
                .order_by(ServiceEmbedding.service_id)
                .limit(EMBED_BATCH)
            ).all()
            if not rows:
                return done
            vectors = embedder.embed([text for _, text, _ in rows])
            now = utcnow()
            for (service_id, _, digest), vector in zip(rows, vectors, strict=True):
                # Only if the text is still the one embedded: a newer text waits for its turn.
                session.execute(
                    update(ServiceEmbedding)
                    .where(
                        ServiceEmbedding.service_id == service_id,
                        ServiceEmbedding.text_digest == digest,
                    )
                    .values(vector=vector.tobytes(), embedded_at=now)
                )
            session.commit()
        vectors_changed()
        done += len(rows)
        if progress is not None:
            progress(len(rows))


@dataclass
class Matrix:
    """Every stored vector, one row per service."""

    version: datetime | None
    ids: list[str]
    vectors: np.ndarray

    @cached_property
    def rows(self) -> dict[str, int]:
        """service id -> its row."""
        return {service_id: row for row, service_id in enumerate(self.ids)}


_matrices: dict[str, Matrix] = {}
_checked: dict[str, float] = {}  # when each database's vectors were last looked for changes
_matrix_lock = threading.Lock()
RECHECK_S = 2.0  # how stale another process's new vectors may be here (found by words till then)


def _version(session: Session | scoped_session[Any]) -> datetime | None:
    # The newest vector's time (an index look-up): a change anywhere makes a newer one.
    return session.execute(select(func.max(ServiceEmbedding.embedded_at))).scalar_one()


def app_key() -> str:
    """What per-process caches of this app's data are kept under: its database and index (a test
    suite runs many apps in one process)."""
    return f"{db.engine.url}|{current_app.config['WELLBEING_INDEX_DIR']}"


def vectors_changed() -> None:
    """This process changed the vectors: the next search reloads them."""
    _checked.clear()


def matrix() -> Matrix:
    """This database's vectors, reloaded when a newer one appears (checked every RECHECK_S, and
    at once after this process embedded or removed some)."""
    key = app_key()
    cached = _matrices.get(key)
    now = time.monotonic()
    if cached is not None and now - _checked.get(key, -RECHECK_S) < RECHECK_S:
        return cached
    version = _version(db.session)
    _checked[key] = now
    if cached is not None and cached.version == version:
        return cached
    with _matrix_lock:
        rows = db.session.execute(
            select(ServiceEmbedding.service_id, ServiceEmbedding.vector)
            .where(ServiceEmbedding.vector.is_not(None))
            .order_by(ServiceEmbedding.service_id)
        ).all()
        vectors = np.frombuffer(b"".join(vector or b"" for _, vector in rows), dtype=np.float32)
        ids = [service_id for service_id, _ in rows]
        loaded = Matrix(version, ids, vectors.reshape(-1, DIMENSIONS))
        _matrices[key] = loaded
    return loaded


def nearest(query: np.ndarray, limit: int, floor: float) -> list[tuple[str, float]]:
    """Services whose listing means most nearly what the query means: (id, cosine), best first."""
    stored = matrix()
    if not stored.ids:
        return []
    scores = stored.vectors @ query
    take = min(limit, len(scores))
    best = np.argpartition(-scores, take - 1)[:take]
    best = best[np.argsort(-scores[best])]
    return [(stored.ids[i], float(scores[i])) for i in best if scores[i] >= floor]


def similarities(query: np.ndarray, service_ids: list[str]) -> dict[str, float]:
    """The query's cosine with each of these services' listings (those that have a vector)."""
    stored = matrix()
    rows = stored.rows
    wanted = [(sid, rows[sid]) for sid in service_ids if sid in rows]
    if not wanted:
        return {}
    scores = stored.vectors[[row for _, row in wanted]] @ query
    return {sid: float(score) for (sid, _), score in zip(wanted, scores, strict=True)}


_embedding = threading.Lock()  # one embedding run at a time in this process


def _embed_all(app: Flask) -> int:
    """Embed whatever is waiting, unless another process on this machine is already at it."""
    with app.app_context():
        _status, embedder = model_status(app)
        if embedder is None:
            return 0
        storage = FileStorage(app.config["WELLBEING_INDEX_DIR"])
        lock = storage.lock("EMBED")
        if not lock.acquire(blocking=False):
            return 0  # the holder looks again when it is done
        try:
            return embed_pending(embedder)
        finally:
            lock.release()


def _embed_in_background(app: Flask) -> None:
    if not _embedding.acquire(blocking=False):
        return  # this process is already embedding: it loops until nothing waits
    try:
        _embed_all(app)
    except Exception:
        logger.exception("Embedding listings failed; they stay found by their words")
    finally:
        _embedding.release()


def embed_after_update(app: Flask) -> None:
    """Embed the listings that changed: in a background thread (``background``), now
    (``inline``: tests), or not at all (``off``)."""
    mode = app.config["WELLBEING_EMBEDDINGS"]
    if mode == "inline":
        _embed_all(app)
    elif mode == "background":
        threading.Thread(target=_embed_in_background, args=(app,), daemon=True).start()
