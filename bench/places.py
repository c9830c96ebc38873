"""Synthetic UK places for the benchmarks: outward codes spread around real postcode areas.

The codes have the real shape (``GL7``, ``EH12``) and sit within about 15 km of their area's
town centre, which is all a benchmark needs; they are generated, not copied from any data set.
"""

import csv
import random
from pathlib import Path

# Postcode area -> (town, approximate centre latitude, longitude).
AREAS = {
    "AB": ("Aberdeen", 57.15, -2.11), "B": ("Birmingham", 52.48, -1.90),
    "BS": ("Bristol", 51.45, -2.59), "CB": ("Cambridge", 52.21, 0.12),
    "CF": ("Cardiff", 51.48, -3.18), "EH": ("Edinburgh", 55.95, -3.19),
    "EX": ("Exeter", 50.72, -3.53), "G": ("Glasgow", 55.86, -4.25),
    "GL": ("Gloucester", 51.86, -2.24), "IV": ("Inverness", 57.48, -4.22),
    "L": ("Liverpool", 53.41, -2.98), "LS": ("Leeds", 53.80, -1.55),
    "M": ("Manchester", 53.48, -2.24), "NE": ("Newcastle", 54.97, -1.61),
    "NG": ("Nottingham", 52.95, -1.15), "NR": ("Norwich", 52.63, 1.30),
    "OX": ("Oxford", 51.75, -1.26), "PL": ("Plymouth", 50.37, -4.14),
    "S": ("Sheffield", 53.38, -1.47), "SO": ("Southampton", 50.90, -1.40),
}  # fmt: skip
DISTRICTS_PER_AREA = 40

Place = tuple[str, float, float, str]


def synthetic_places(seed: int = 7) -> list[Place]:
    """(outward code, latitude, longitude, town) for every generated district."""
    rng = random.Random(seed)
    places = []
    for area, (town, lat, lon) in AREAS.items():
        for district in range(1, DISTRICTS_PER_AREA + 1):
            jitter_lat, jitter_lon = rng.uniform(-0.13, 0.13), rng.uniform(-0.2, 0.2)
            places.append((f"{area}{district}", lat + jitter_lat, lon + jitter_lon, town))
    return places


def write_places_csv(places: list[Place], path: Path) -> Path:
    """The places in the layout ``flask geo import-postcodes`` reads."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["postcode", "latitude", "longitude"])
        writer.writerows((code, f"{lat:.5f}", f"{lon:.5f}") for code, lat, lon, _ in places)
    return path
