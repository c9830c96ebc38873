"""A referral's areas, placed in bulk, agree with the directory's own answer for one place at a
time (``lookup_postcode`` then ``local_area_slugs``) for every postcode the seed directory knows,
postcodes known only by their outward code, and postcodes it cannot place."""

import csv

from wellbeing.config import REPO_ROOT
from wellbeing.directory.geo import PostcodeError, lookup_postcode
from wellbeing.directory.search.local_areas import local_area_slugs
from wellbeing.reports.areas import areas_by_postcode


def one_at_a_time(postcode: str) -> frozenset[str]:
    try:
        return frozenset(local_area_slugs(lookup_postcode(postcode)))
    except PostcodeError:
        return frozenset()


def test_bulk_placing_agrees_with_the_directory(seeded_directory) -> None:
    with (REPO_ROOT / "seed_data" / "postcodes.csv").open(newline="") as handle:
        seeded = [row["postcode"] for row in csv.DictReader(handle)]
    others = [
        "gl1 1zz",  # not known itself: its outward code's centre
        "G40 2QH",
        "GL56 9ZZ",
        "SW1A 1AA",  # not known at all
        "ZE1 0AA",
        "not a postcode",
        "",
        "KW1 4YT",  # far from any premises
    ]
    postcodes = seeded + others
    placed = areas_by_postcode(postcodes)
    assert set(placed) == set(postcodes)
    for postcode in postcodes:
        assert placed[postcode] == one_at_a_time(postcode), postcode
    assert {"gloucester", "gloucestershire-countywide"} <= placed["GL1 1HG"]
    assert placed["SW1A 1AA"] == frozenset()
