"""find_services on the seed directory: words, synonyms, spelling, every filter, distance, pages."""

from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import select

from wellbeing.directory.geo import PostcodeError
from wellbeing.directory.models import Area, Organization, Service, Taxonomy, TaxonomyTerm
from wellbeing.directory.search.finder import SearchResults, ServiceFilters, find_services
from wellbeing.directory.search.queue import queue_services
from wellbeing.extensions import db

pytestmark = pytest.mark.usefixtures("seeded_directory")

ACTIVE_SERVICES = 63  # 67 in the seed data, less one inactive, one defunct, two closed for now
CAVERN = "Support at the Cavern"
CHELTENHAM_SINGING = "Singing for Lung Health, Cheltenham"


def names(results: SearchResults) -> list[str]:
    return [hit.service.name for hit in results.items]


def found(**filters: object) -> set[str]:
    """Names of every service (all pages) that passes the filters."""
    return set(names(find_services(filters=ServiceFilters(**filters), per_page=500)))


def _has_premises(name: str) -> bool:
    service = db.session.execute(select(Service).where(Service.name == name)).scalar_one()
    return bool(service.service_at_locations)


def area_slug(name: str) -> str:
    return db.session.execute(select(Area.slug).where(Area.name == name)).scalar_one()


def test_no_words_and_no_postcode_lists_every_active_service_by_name() -> None:
    results = find_services(per_page=500)

    assert results.total == ACTIVE_SERVICES
    assert names(results) == sorted(names(results), key=str.lower)
    assert all(hit.service.status == "active" for hit in results.items)
    assert all(hit.distance_m is None and hit.highlight is None for hit in results.items)


def test_word_forms_match_singers_finds_singing_groups() -> None:
    results = find_services("singers")

    assert {CHELTENHAM_SINGING, "Singing for Breath, Springburn"} <= set(names(results))
    assert results.suggestion is None


def test_name_matches_rank_first() -> None:
    assert set(names(find_services("singing"))[:2]) == {
        CHELTENHAM_SINGING,
        "Singing for Breath, Springburn",
    }


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("lonely", {"Tewkesbury Befriending", "Friendly Voices Telephone Befriending"}),
        ("breathing", {CHELTENHAM_SINGING}),
        ("low mood", {"Wellbeing Peer Mentoring"}),
    ],
)
def test_synonyms_widen_the_search(typed: str, expected: set[str]) -> None:
    assert expected <= set(names(find_services(typed, per_page=100)))


def test_a_misspelt_word_gets_a_suggestion_and_its_results() -> None:
    results = find_services("singng")

    assert results.suggestion == "singing"
    assert CHELTENHAM_SINGING in names(results)


def test_words_found_nowhere_give_no_results_and_no_suggestion() -> None:
    results = find_services("xylophonist zzzq")
    assert (results.total, results.suggestion) == (0, None)


def test_matches_are_highlighted_and_the_rest_is_escaped(app: Flask) -> None:
    organisation = Organization(name="Community Trust")
    service = Service(
        name="Harbourside Voices",
        description="Bring <b>nothing</b> & come along: our choir sings every week.",
        organization=organisation,
    )
    db.session.add(service)
    db.session.flush()
    queue_services([service.id])
    db.session.commit()

    # Singing groups may rank beside it ("choir" and "singing" are synonyms): find it by name.
    hits = {hit.service.name: hit for hit in find_services("choir", per_page=5).items}
    hit = hits["Harbourside Voices"]

    assert "our <mark>choir</mark>" in hit.highlight
    assert "&lt;b&gt;nothing&lt;/b&gt; &amp; come" in hit.highlight
    assert "<b>" not in hit.highlight


def test_services_not_active_are_left_out_unless_asked_for() -> None:
    assert find_services("Tetbury").total == 0
    assert "Cheltenham Men's Shed" not in names(find_services("shed"))

    every = ServiceFilters(statuses=("active", "inactive", "defunct", "temporarily closed"))
    assert names(find_services("Tetbury", filters=every)) == ["Tetbury Tuesday Lunch Club"]
    closed = found(statuses=("temporarily closed",))
    assert closed == {"Cheltenham Men's Shed", "Southside Seated Exercise"}


def test_a_parent_term_matches_services_tagged_with_its_children() -> None:
    parent = db.session.execute(
        select(TaxonomyTerm).where(TaxonomyTerm.name == "Loneliness and social connection")
    ).scalar_one()
    child_ids = {child.id for child in parent.children}
    active = db.session.execute(select(Service).where(Service.status == "active")).scalars()
    expected = {
        s.name
        for s in active
        if any(t.id == parent.id or t.id in child_ids for t in s.taxonomy_terms)
    }

    assert found(taxonomy_term_ids=[parent.id]) == expected
    assert "Tewkesbury Befriending" in expected
    for child_id in child_ids:  # each child alone finds some of them, and nothing else
        assert found(taxonomy_term_ids=[child_id]) < expected


def test_taxonomy_filter() -> None:
    taxonomy_id = db.session.execute(select(Taxonomy.id)).scalar_one()
    assert len(found(taxonomy_id=taxonomy_id)) == ACTIVE_SERVICES
    assert found(taxonomy_id="no-such-taxonomy") == set()


@pytest.mark.parametrize(
    ("now", "open_now"),
    [
        (datetime(2026, 3, 4, 22, 30, tzinfo=UTC), {CAVERN}),  # GMT: 22:30 in London
        (datetime(2026, 3, 4, 23, 30, tzinfo=UTC), set()),
        (datetime(2026, 7, 1, 21, 30, tzinfo=UTC), {CAVERN}),  # BST: 22:30 in London
        (datetime(2026, 7, 1, 22, 30, tzinfo=UTC), set()),  # 23:30 in London
    ],
)
def test_open_now_uses_london_time(now: datetime, open_now: set[str]) -> None:
    results = find_services(filters=ServiceFilters(open_now=True), now=now)
    assert set(names(results)) == open_now


def test_open_on_a_weekday_in_a_period() -> None:
    thursday_evening = found(open_on=3, period="evening")

    assert {"We Can Move: Move and Groove, Hesters Way", "Money Worries Drop-in, Barton"} <= (
        thursday_evening
    )
    assert "Volunteering Advice, Tewkesbury" not in thursday_evening  # Thursday mornings
    assert "Cheltenham Bereavement Support Group" not in thursday_evening  # Wednesday evenings


def test_open_on_a_weekday_and_in_a_period_of_any_day() -> None:
    sunday = found(open_on=6)
    assert {"Stroud Valleys Health Walks", CAVERN} <= sunday
    assert "Pittville Park Saturday 5k" not in sunday

    mornings = found(period="morning")
    assert "Pittville Park Saturday 5k" in mornings
    assert CAVERN not in mornings


def test_evenings_and_weekends() -> None:
    evenings = found(evenings=True)
    assert {CAVERN, "Cheltenham Bereavement Support Group", "Gloucester Young Carers Club"} <= (
        evenings
    )
    assert CHELTENHAM_SINGING not in evenings
    assert "Stepping Stones Employment Support" not in evenings  # closes at 5pm sharp

    weekends = found(weekends=True)
    assert {"Pittville Park Saturday 5k", "Stroud Valleys Health Walks"} <= weekends
    assert CHELTENHAM_SINGING not in weekends


def test_free_only() -> None:
    free = found(free_only=True)

    assert {CAVERN, "We Can Move: Strength and Balance, Barton"} <= free  # a free option counts
    assert "We Can Move: Move and Groove, Hesters Way" not in free
    assert CHELTENHAM_SINGING not in free  # pay what you can


def test_age_accepted() -> None:
    ten = found(age=10)
    assert {"Gloucester Young Carers Club", "Pittville Park Saturday 5k"} <= ten
    assert CAVERN not in ten
    assert "Forest Young People's Wellbeing Group" not in ten  # from 11

    seventy = found(age=70)
    assert "Tewkesbury Befriending" in seventy
    assert "Gloucester Young Carers Club" not in seventy


def test_wheelchair_and_self_referral() -> None:
    step_free = found(wheelchair=True)
    assert CAVERN in step_free
    assert "Cheltenham Bereavement Support Group" not in step_free
    assert "Friendly Voices Telephone Befriending" not in step_free  # no premises

    assert CAVERN in found(self_referral=True)
    assert found(self_referral=False) == {
        "Wellbeing Peer Mentoring",
        "Painted Threads: Mixed-Media Arts for Persistent Pain",
        "Green Prescription Gardening, Stroud",
    }


def test_area_includes_narrower_areas_and_services_for_wider_ones() -> None:
    gloucester = found(area=area_slug("Gloucester"))
    assert {CAVERN, "Friendly Voices Telephone Befriending"} <= gloucester  # countywide serves it
    assert CHELTENHAM_SINGING not in gloucester
    assert "Easterhouse Shed" not in gloucester

    county = found(area=area_slug("Gloucestershire (countywide)"))
    assert {CAVERN, CHELTENHAM_SINGING} <= county
    assert "Easterhouse Shed" not in county
    assert found(area="nowhere") == set()


def test_organisation_and_modified_after() -> None:
    cavern = db.session.execute(select(Service).where(Service.name == CAVERN)).scalar_one()
    expected = {s.name for s in cavern.organization.services if s.status == "active"}
    assert found(organization_id=cavern.organization_id) == expected

    cutoff = datetime(2026, 2, 1, 12, 0, tzinfo=UTC)
    recent = set(
        db.session.execute(
            select(Service.name).where(Service.last_modified > cutoff, Service.status == "active")
        ).scalars()
    )
    assert found(modified_after=cutoff) == recent
    assert CAVERN in recent


def test_a_postcode_sorts_by_distance_and_shows_it() -> None:
    results = find_services(postcode="gl12ht", per_page=500)

    with_premises = {name for name in found() if _has_premises(name)}
    assert with_premises <= set(names(results))  # every active service with premises, however far
    assert "Clydeside Telephone Befriending" not in names(results)  # a phone line for Glasgow
    assert results.origin is not None and results.origin.postcode == "GL1 2HT"
    first = results.items[0]
    assert first.service.name == CAVERN
    assert first.distance_m is not None and first.distance_m < 50
    assert first.nearest_location is not None and first.nearest_location.name == "The Cavern"
    distances = [hit.distance_m for hit in results.items]
    measured = [d for d in distances if d is not None]
    assert measured == sorted(measured)
    assert distances[len(measured) :] == [None] * (len(distances) - len(measured))  # no premises


def test_a_radius_cuts_off_what_is_further() -> None:
    everything = find_services(postcode="GL1 2HT", per_page=500).items
    measured = [hit.distance_m for hit in everything if hit.distance_m is not None]
    inside = next(n for n in range(6, len(measured)) if measured[n - 1] < measured[n])
    radius = (measured[inside - 1] + measured[inside]) / 2

    results = find_services(postcode="GL1 2HT", radius_m=radius, per_page=500)

    located = [hit for hit in results.items if hit.distance_m is not None]
    assert [hit.service.name for hit in located] == [
        hit.service.name for hit in everything[:inside]
    ]
    assert all(hit.distance_m <= radius for hit in located)
    # What else is found has no premises: phone and online services run for Gloucester's areas.
    assert all(not hit.service.service_at_locations for hit in results.items[inside:])


def test_phone_services_are_found_where_they_are_run() -> None:
    """A telephone befriending line has no premises, so no distance: its areas decide."""
    near_gloucester = names(find_services("befriending", postcode="GL1 2HT", radius_m=16_000))
    assert "Friendly Voices Telephone Befriending" in near_gloucester  # Gloucestershire-wide
    assert "Clydeside Telephone Befriending" not in near_gloucester  # Glasgow's line
    near_springburn = names(find_services("befriending", postcode="G21 3UF", radius_m=5_000))
    assert "Clydeside Telephone Befriending" in near_springburn
    assert "Friendly Voices Telephone Befriending" not in near_springburn
    # Without a radius, a line for somewhere else is still left out; far premises are not.
    anywhere = names(find_services("befriending", postcode="GL1 2HT", per_page=100))
    assert "Clydeside Telephone Befriending" not in anywhere
    assert "Tewkesbury Befriending" in anywhere


def test_words_postcode_and_filters_together() -> None:
    results = find_services(
        "walks",
        postcode="GL5",
        radius_m=30_000,
        filters=ServiceFilters(free_only=True),
        sort="distance",
    )
    assert names(results)[0] == "Stroud Valleys Health Walks"
    assert "Lydney Harbour Health Walks" in names(results)
    assert all(hit.distance_m is not None and hit.distance_m <= 30_000 for hit in results.items)


@pytest.mark.parametrize("postcode", ["AB1 2CD", "not a postcode"])
def test_an_unknown_or_malformed_postcode_is_an_error(postcode: str) -> None:
    with pytest.raises(PostcodeError):
        find_services(postcode=postcode)


def test_pages_add_up() -> None:
    pages = [find_services(page=number, per_page=10) for number in range(1, 8)]

    assert {(p.total, p.pages, p.per_page) for p in pages} == {(ACTIVE_SERVICES, 7, 10)}
    assert [len(p.items) for p in pages] == [10] * 6 + [3]
    listed = [name for p in pages for name in names(p)]
    assert len(set(listed)) == ACTIVE_SERVICES
    assert find_services(page=8, per_page=10).items == []


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"page": 0}, "page must be 1 or more"),
        ({"per_page": 0}, "per_page must be 1 or more"),
        ({"sort": "random"}, "sort must be one of"),
        ({"radius_m": 1000}, "a postcode is needed"),
        ({"sort": "distance"}, "a postcode is needed"),
        ({"now": datetime(2026, 3, 4, 22, 30)}, "timezone-aware"),
        ({"filters": ServiceFilters(period="night")}, "period must be"),
        ({"filters": ServiceFilters(open_on=7)}, "open_on must be"),
    ],
)
def test_bad_arguments_get_a_clear_message(arguments: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        find_services(**arguments)


def test_iter_services_streams_one_search_in_the_same_order() -> None:
    from wellbeing.directory.search.finder import iter_services

    paged = names(find_services(postcode="GL1 2HT", per_page=500))
    streamed = [hit.service.name for hit in iter_services(postcode="GL1 2HT", batch_size=7)]
    assert streamed == paged and len(paged) > 7
    with pytest.raises(PostcodeError):
        next(iter_services(postcode="ZZ99 9ZZ"))
