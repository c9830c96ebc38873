"""Checking the search index against the database (``flask search verify``)."""

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wellbeing.directory.models import Service
from wellbeing.directory.search import vectors
from wellbeing.directory.search.documents import MEANING, documents_for
from wellbeing.directory.search.embeddings import ModelStatus, text_digest
from wellbeing.directory.search.index import open_index
from wellbeing.directory.search.queue import SearchIndexQueue
from wellbeing.extensions import db


@dataclass
class IndexReport:
    """Differences between the database and the index."""

    missing: list[str] = field(default_factory=list)  # in the database, not in the index
    stale: list[str] = field(default_factory=list)  # indexed from an older version
    extra: list[str] = field(default_factory=list)  # in the index, gone from the database
    queued: int = 0
    unembedded: list[str] = field(default_factory=list)  # no vector for the current text yet
    model: ModelStatus = field(default_factory=lambda: ModelStatus(False, "not checked"))
    model_off: bool = False  # turned off on purpose (WELLBEING_EMBEDDINGS=off)

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.extra)

    @property
    def meaning_ready(self) -> bool:
        """Meaning-based search works for every listing (or is turned off on purpose)."""
        return self.model_off or (self.model.ready and not self.unembedded)


def verify_index() -> IndexReport:
    """Compare every service's current document with the one in the index."""
    report = IndexReport()
    with open_index().searcher() as searcher:
        reader = searcher.reader()
        indexed = {}
        if reader.doc_count_all():  # an empty index has no columns to read
            ids, digests = (
                reader.column_reader("id", translate=True),
                reader.column_reader("digest"),
            )
            indexed = {ids[docnum]: digests[docnum] for docnum in reader.all_doc_ids()}
    report.model, _embedder = vectors.model_status()
    report.model_off = current_app.config["WELLBEING_EMBEDDINGS"] == "off"
    with Session(db.engine) as session:
        service_ids = list(session.execute(select(Service.id).order_by(Service.id)).scalars())
        embedded = vectors.embedded_digests(session)
        for document in documents_for(session, service_ids):
            if embedded.get(str(document["id"])) != text_digest(str(document[MEANING])):
                report.unembedded.append(str(document["id"]))
            digest = indexed.pop(str(document["id"]), None)
            if digest is None:
                report.missing.append(str(document["id"]))
            elif digest != document["digest"]:
                report.stale.append(str(document["id"]))
        report.extra = sorted(indexed)
        report.queued = session.execute(select(func.count(SearchIndexQueue.id))).scalar_one()
    return report
