"""Which of our areas a searched place is in, so phone and online services can be offered there.

We hold no area boundaries, so a place belongs to the areas served at the nearest premises we
list (and the wider areas holding them), when those premises are close enough to be local.
"""

from sqlalchemy import select

from wellbeing.directory.geo import Point, distance_m
from wellbeing.directory.models import Location, Service, ServiceArea, ServiceAtLocation
from wellbeing.directory.search.documents import AreaMap
from wellbeing.extensions import db

LOCAL_M = 15_000
# About 15 km either way in the UK, as degrees of latitude and of longitude.
BOX_LAT, BOX_LON = 0.14, 0.23


def local_area_slugs(origin: Point) -> list[str]:
    """Slugs of the areas the place is in (nearest listed premises within 15 km), or none."""
    rows = db.session.execute(
        select(Location.id, Location.latitude, Location.longitude).where(
            Location.latitude.between(origin.latitude - BOX_LAT, origin.latitude + BOX_LAT),
            Location.longitude.between(origin.longitude - BOX_LON, origin.longitude + BOX_LON),
        )
    ).all()
    measured = [
        (distance_m(origin.latitude, origin.longitude, lat, lon), location_id)
        for location_id, lat, lon in rows
        if lat is not None and lon is not None  # as BETWEEN already ensures
    ]
    if not measured or min(measured)[0] > LOCAL_M:
        return []
    nearest_id = min(measured)[1]
    names = db.session.execute(
        select(ServiceArea.name)
        .join(Service, Service.id == ServiceArea.service_id)
        .join(ServiceAtLocation, ServiceAtLocation.service_id == Service.id)
        .where(ServiceAtLocation.location_id == nearest_id)
    ).scalars()
    return AreaMap.load(db.session).slugs(names)
