"""The array scorer gives every document Whoosh's own BM25F score, over a multi-segment index
with deleted documents, for the queries residents' words become."""

import numpy as np
import pytest
from flask import Flask
from whoosh import query as q

from wellbeing.directory.models import Service
from wellbeing.directory.search import scoring
from wellbeing.directory.search.index import searcher
from wellbeing.directory.search.query import text_query
from wellbeing.directory.search.queue import queue_services
from wellbeing.directory.search.synonyms import current_synonyms
from wellbeing.extensions import db

pytestmark = pytest.mark.usefixtures("seeded_directory")

TEXTS = [
    "singing",
    "I feel lonely and want to meet people",
    "help with money worries and debt",
    "gentle exercise for older people",
    "art for chronic pain",
    "food bank",
    "someone to talk to in the evening",
]


def whoosh_scores(index, query: q.Query) -> dict[int, float]:
    """Every match and its score, from Whoosh's matcher stepped through one document at a time
    (not the top-N collector, which may skip parts of an OR it expects not to matter)."""
    matcher = query.matcher(index, index.context())
    found = {}
    while matcher.is_active():
        found[matcher.id()] = matcher.score()
        matcher.next()
    return found


def edit_a_few_services() -> None:
    """Later commits add segments and mark the old copies of the edited documents deleted."""
    services = db.session.execute(db.select(Service).limit(5)).scalars().all()
    for service in services:
        service.description = f"{service.description} A singing circle for lonely people."
    queue_services(s.id for s in services)
    db.session.commit()


@pytest.mark.parametrize("text", TEXTS)
def test_scores_are_whooshs_for_every_document(app: Flask, text: str) -> None:
    edit_a_few_services()
    with searcher() as index:
        assert len(index.reader().leaf_readers()) > 1 or index.reader().has_deletions()
        text_q = text_query(index.reader(), text, current_synonyms())
        assert text_q is not None
        for part in [text_q.query, *(group_q for _, group_q in text_q.groups)]:
            expected = whoosh_scores(index, part)
            found = scoring.score(index, part)
            live = found.matched & scoring.alive(index)
            assert set(np.flatnonzero(live).tolist()) == set(expected), str(part)
            for docnum, value in expected.items():
                assert found.values[docnum] == pytest.approx(value, rel=1e-9), str(part)


def test_top_keeps_the_best_eligible_in_order_ties_by_document_number() -> None:
    values = np.array([1.0, 5.0, 3.0, 5.0, 0.5, 4.0])
    eligible = np.array([True, True, True, True, True, False])
    assert scoring.top(values, eligible, 3).tolist() == [1, 3, 2]
    assert scoring.top(values, eligible, 10).tolist() == [1, 3, 2, 0, 4]
    assert scoring.top(values, np.zeros(6, dtype=bool), 3).tolist() == []
