"""Which of our areas a referral is in, from its postcode, as the directory's search decides it
for a searched place (``geo.lookup_postcode``, then ``local_areas.local_area_slugs``): the areas
served at the nearest premises we list within 15 km, and the wider areas holding them. A
referral can be in more than one area (a town and its county) or in none (a postcode we cannot
place, or far from any premises).

A report places thousands of postcodes, so this does in a few queries what those functions do
one place at a time: postcodes are read in batches (``lookup_postcode`` then finds them in the
session), the nearest premises of every place are measured at once with numpy, and the areas
of each premises are asked of ``local_area_slugs`` once, at the premises itself.
"""

from collections.abc import Iterable

import numpy as np
from geopy.distance import EARTH_RADIUS

from wellbeing.directory.geo import (
    Point,
    Postcode,
    PostcodeError,
    lookup_postcode,
    normalise_postcode,
    outward_code,
)
from wellbeing.directory.models import Location
from wellbeing.directory.search.local_areas import BOX_LAT, BOX_LON, LOCAL_M, local_area_slugs
from wellbeing.extensions import db

NOT_KNOWN = "not_known"
BATCH = 500  # postcodes per query, well within every database's bind parameter limit


def _points(postcodes: set[str]) -> dict[str, Point]:
    """Where each postcode is (the full postcode if we know it, else its outward code)."""
    wanted: dict[str, str] = {}
    for text in postcodes:
        try:
            wanted[text] = normalise_postcode(text)
        except PostcodeError:
            continue
    keys = sorted({key for code in wanted.values() for key in (code, outward_code(code))})
    # Held here, the rows stay in the session's identity map: lookup_postcode finds them there.
    held: list[Postcode] = []
    for start in range(0, len(keys), BATCH):
        held += db.session.execute(
            db.select(Postcode).where(Postcode.postcode.in_(keys[start : start + BATCH]))
        ).scalars()
    known = {row.postcode for row in held}
    return {
        text: lookup_postcode(code if code in known else outward_code(code))
        for text, code in wanted.items()
        if code in known or outward_code(code) in known
    }


class _Premises:
    """Every listed place with a position, for measuring many places against at once."""

    def __init__(self) -> None:
        rows = db.session.execute(
            db.select(Location.id, Location.latitude, Location.longitude)
            .where(Location.latitude.is_not(None), Location.longitude.is_not(None))
            .order_by(Location.id)
        ).all()
        self.ids = [row.id for row in rows]
        self.latitudes = np.array([row.latitude for row in rows], dtype=float)
        self.longitudes = np.array([row.longitude for row in rows], dtype=float)

    def distances_m(self, point: Point, mask: np.ndarray) -> np.ndarray:
        """Great-circle metres to the premises in ``mask``, as geopy's ``great_circle``."""
        lat1, lon1 = np.radians(point.latitude), np.radians(point.longitude)
        lat2, lon2 = np.radians(self.latitudes[mask]), np.radians(self.longitudes[mask])
        delta = lon2 - lon1
        across = np.hypot(
            np.cos(lat2) * np.sin(delta),
            np.cos(lat1) * np.sin(lat2) - np.sin(lat1) * np.cos(lat2) * np.cos(delta),
        )
        along = np.sin(lat1) * np.sin(lat2) + np.cos(lat1) * np.cos(lat2) * np.cos(delta)
        return np.arctan2(across, along) * EARTH_RADIUS * 1000

    def nearest(self, point: Point) -> int | None:
        """The index of the nearest premises within 15 km (the first by id on a tie)."""
        mask = (np.abs(self.latitudes - point.latitude) <= BOX_LAT) & (
            np.abs(self.longitudes - point.longitude) <= BOX_LON
        )
        if not mask.any():
            return None
        distances = self.distances_m(point, mask)
        best = int(np.argmin(distances))  # ids are in order: the first minimum has the least id
        return int(np.flatnonzero(mask)[best]) if distances[best] <= LOCAL_M else None


def areas_by_postcode(postcodes: Iterable[str]) -> dict[str, frozenset[str]]:
    """Each distinct postcode's area slugs (empty when it cannot be placed)."""
    distinct = set(postcodes)
    points = _points(distinct)
    premises = _Premises() if points else None
    by_premises: dict[int, frozenset[str]] = {}
    found: dict[str, frozenset[str]] = {}
    for postcode in distinct:
        point = points.get(postcode)
        index = premises.nearest(point) if premises and point else None
        if index is None or premises is None:
            found[postcode] = frozenset()
            continue
        if index not in by_premises:
            latitude, longitude = premises.latitudes[index], premises.longitudes[index]
            at = Point("", float(latitude), float(longitude), "postcode")
            by_premises[index] = frozenset(local_area_slugs(at))
        found[postcode] = by_premises[index]
    return found
