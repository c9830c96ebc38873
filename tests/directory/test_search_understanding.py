"""Search that understands people: forgiving words, meaning, honest spelling, place, limits."""

import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from tests.support.oruk import BASE, get_json
from wellbeing.directory.models import Service, TaxonomyTerm
from wellbeing.directory.search import embeddings, vectors
from wellbeing.directory.search.finder import SearchResults, find_services
from wellbeing.directory.search.query import MAX_QUERY_CHARS, REQUEST_WORDS, groups
from wellbeing.directory.search.synonyms import parse_synonyms
from wellbeing.directory.search.vectors import ServiceEmbedding
from wellbeing.extensions import db

pytestmark = pytest.mark.usefixtures("seeded_directory")


def names(results: SearchResults, top: int | None = None) -> list[str]:
    return [hit.service.name for hit in results.items][:top]


def filed_under(results: SearchResults, *needs: str, top: int = 3) -> bool:
    """Whether a service in the top results is filed under one of these needs (or within)."""
    for hit in results.items[:top]:
        lineage = [a.taxonomy_term for a in hit.service.attributes]
        lineage += [term.parent for term in lineage if term.parent is not None]
        if {term.name for term in lineage} & set(needs):
            return True
    return False


LONELINESS = "Loneliness and social connection"
EVERYDAY = {
    "I feel lonely": (LONELINESS,),
    "singing for breathing problems": ("Singing",),
    "art for chronic pain": ("Mixed media arts", "Persistent pain"),
    "someone to talk to in the evening": ("Out-of-hours support", "Talking support", LONELINESS),
    "mental health support at night": ("Out-of-hours support",),
    "I'm struggling with debt": ("Money and debt",),
    "food bank": ("Food banks", "Community pantries"),
    "my wife died": ("Bereavement",),
    "depressed": ("Mental wellbeing",),
    "isolated": (LONELINESS,),
}


@pytest.mark.parametrize("text", list(EVERYDAY))
def test_everyday_phrases_find_what_they_mean(text: str) -> None:
    results = find_services(text, per_page=10)

    assert results.total > 0
    known = {t.name for t in db.session.execute(select(TaxonomyTerm)).scalars()}
    assert set(EVERYDAY[text]) <= known
    assert filed_under(results, *EVERYDAY[text]), names(results, 3)


def test_words_that_say_nothing_about_the_need_exclude_nothing(app: Flask) -> None:
    assert [g.typed for g in groups("I need someone to help with my debt problems", {})] == [
        ("debt",)
    ]
    app.config["WELLBEING_SEARCH_MODE"] = "lexical"  # the words alone: the sentence means more
    plain, padded = find_services("debt"), find_services("I need someone to help with my debt")
    assert names(plain) == names(padded) and plain.total == padded.total > 0
    assert {"i", "my", "someone", "feel", "problems", "support", "for"} <= REQUEST_WORDS


def test_synonyms_work_both_ways_unless_marked_one_way() -> None:
    lines = ["lonely: befriending, low mood", "computer -> phone"]
    both = parse_synonyms(lines, both_ways=True)
    assert both[("befriending",)] == ["lonely"]
    assert both[("low", "mood")] == ["lonely"]
    assert ("phone",) not in both
    assert parse_synonyms(lines) == {
        ("lonely",): ["befriending", "low mood"],
        ("computer",): ["phone"],
    }


def test_multi_word_synonym_keys_are_one_need(app: Flask) -> None:
    found = [
        g.typed
        for g in groups(
            "help to stop smoking and a food bank",
            {("stop", "smoking"): ["quit"], ("food", "bank"): ["pantry"]},
        )
    ]
    assert found == [("stop", "smoking"), ("food", "bank")]
    app.config["WELLBEING_SEARCH_MODE"] = "lexical"
    assert filed_under(find_services("stop smoking"), "Stop smoking")


def test_only_words_that_are_not_real_words_are_corrected() -> None:
    misspelt = find_services("lonley")
    assert (misspelt.suggestion, misspelt.corrected_from) == ("lonely", "lonley")
    assert filed_under(misspelt, LONELINESS)
    for real in ("choir", "sad", "bored"):
        results = find_services(real)
        assert results.suggestion is None and results.corrected_from is None, real


def test_spelling_correction_can_be_turned_off() -> None:
    exact = find_services("lonley", correct_spelling=False)
    assert exact.suggestion is None and exact.corrected_from is None


def test_nonsense_finds_nothing_rather_than_anything() -> None:
    results = find_services("xyzzy plugh")
    assert results.total == 0 and results.items == []


def test_a_long_query_is_cut_and_says_so() -> None:
    text = "lonely " + "and very isolated at home " * 100
    results = find_services(text)
    assert results.cut and len(results.typed_text) <= MAX_QUERY_CHARS
    assert results.total > 0
    one_word = find_services("a" * 900)
    assert one_word.cut and one_word.total == 0


def test_meaning_finds_services_that_share_no_word_with_the_query() -> None:
    results = find_services("my partner hits me what do I do")
    assert results.semantic
    assert filed_under(results, "Domestic abuse and safety")


def test_with_a_postcode_good_matches_nearby_come_first() -> None:
    near_gloucester = find_services("lonely", postcode="GL1 2HT", per_page=5)
    assert filed_under(near_gloucester, LONELINESS, top=1)
    first = near_gloucester.items[0]
    assert first.distance_m is None or first.distance_m < 40_000  # not one in Glasgow
    nearest = find_services("lonely", postcode="GL1 2HT", sort="distance", per_page=50)
    distances = [h.distance_m for h in nearest.items if h.distance_m is not None]
    assert distances == sorted(distances)


def test_several_words_within_a_distance_and_with_filters() -> None:
    # The filters are stepped through with the words: their terms must not be taken for words.
    results = find_services(
        "health walks by the river", postcode="GL5 1HE", radius_m=30_000, per_page=50
    )
    assert results.total > 0
    assert all(hit.distance_m is None or hit.distance_m <= 30_000 for hit in results.items)
    assert "Stroud Valleys Health Walks" in names(results, 3)


def test_the_oruk_api_ranks_as_the_directory_does(client: FlaskClient) -> None:
    for text in ("I feel lonely", "singing for breathing problems"):
        page = get_json(client, f"{BASE}/services?search={text}&per_page=5")
        assert [s["name"] for s in page["contents"]] == names(find_services(text, per_page=5))


def test_listings_are_embedded_once_and_again_only_when_their_text_changes() -> None:
    service = (
        db.session.execute(select(Service).where(Service.name.like("Singing%"))).scalars().first()
    )
    row = db.session.get(ServiceEmbedding, service.id)
    assert row is not None and row.vector is not None and len(row.vector) == 384 * 4
    embedded_at = row.embedded_at

    from wellbeing.directory.search.queue import queue_services

    queue_services([service.id])  # the same text: nothing to embed
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(ServiceEmbedding, service.id).embedded_at == embedded_at

    service.description = "A choir for people with lung conditions, on Mondays."
    queue_services([service.id])
    db.session.commit()
    db.session.expire_all()
    changed = db.session.get(ServiceEmbedding, service.id)
    assert changed.vector is not None and changed.embedded_at > embedded_at
    assert "Mondays" in changed.text


def test_verify_reports_listings_without_an_embedding(runner: FlaskCliRunner) -> None:
    assert runner.invoke(args=["search", "verify"]).exit_code == 0
    first = db.session.execute(select(ServiceEmbedding).limit(1)).scalar_one()
    first.vector, first.embedded_at = None, None
    db.session.commit()

    result = runner.invoke(args=["search", "verify"])

    assert result.exit_code != 0
    assert "Listings without an embedding: 1" in result.output
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    assert runner.invoke(args=["search", "verify"]).exit_code == 0


@pytest.mark.parametrize("problem", ["missing", "changed"])
def test_without_the_model_search_works_by_words_and_says_so(
    app: Flask, client: FlaskClient, runner: FlaskCliRunner, tmp_path: Path, problem: str
) -> None:
    model = tmp_path / "model.onnx"
    if problem == "changed":
        source = embeddings.default_model_file()
        assert source is not None
        shutil.copyfile(source, model)
        with model.open("r+b") as handle:
            handle.seek(1000)
            handle.write(b"\x00\x01\x02")
    app.config["WELLBEING_EMBEDDING_MODEL"] = str(model)

    health = client.get("/healthz").json["search"]
    assert health["words"] is True and health["meaning"] is False
    assert ("missing" if problem == "missing" else "SHA-256") in health["model"]
    results = find_services("singing")
    assert not results.semantic and results.total > 0
    assert "Singing for Breath, Springburn" in names(results, 3)
    result = runner.invoke(args=["search", "verify"])
    assert "Meaning-based search: OFF" in result.output and result.exit_code != 0


def test_the_model_files_are_the_ones_we_checked() -> None:
    status = embeddings.check_files(embeddings.default_model_file())
    assert status.ready, status.detail
    vectors_ready, embedder = vectors.model_status()
    assert vectors_ready.ready and embedder is not None
    lonely, befriending, debt = embedder.embed(
        ["I feel lonely", "Befriending: weekly visits for isolated people", "Debt advice"]
    )
    assert float(lonely @ befriending) > float(lonely @ debt) + 0.1


def test_the_page_says_which_words_it_searched_and_offers_what_was_typed(
    client: FlaskClient,
) -> None:
    body = client.get("/directory?q=lonley").get_data(as_text=True)
    assert "Showing results for <strong>lonely</strong>" in body
    assert "spelling=exact" in body and "Search instead for lonley" in body

    exact = client.get("/directory?q=lonley&spelling=exact").get_data(as_text=True)
    assert "Showing results for" not in exact
    assert "No services match your search" in exact
    assert "/refer" in exact  # the link-worker route
