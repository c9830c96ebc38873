"""Checking the search index against the database (``flask search verify``)."""

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from wellbeing.directory.models import Service
from wellbeing.directory.search.documents import documents_for
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

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.extra)


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
    with Session(db.engine) as session:
        service_ids = list(session.execute(select(Service.id).order_by(Service.id)).scalars())
        for document in documents_for(session, service_ids):
            digest = indexed.pop(str(document["id"]), None)
            if digest is None:
                report.missing.append(str(document["id"]))
            elif digest != document["digest"]:
                report.stale.append(str(document["id"]))
        report.extra = sorted(indexed)
        report.queued = session.execute(select(func.count(SearchIndexQueue.id))).scalar_one()
    return report
