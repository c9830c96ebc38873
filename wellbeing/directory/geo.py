"""UK postcodes: normalise, validate, look up (full postcode, else its outward code), measure.

Coordinates come from the ``postcode`` table, filled by ``flask geo import-postcodes``. Distances
are great-circle metres from geopy, which is within 0.5% of the geodesic over UK distances.
"""

import csv
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from geopy.distance import great_circle
from sqlalchemy import Boolean, CheckConstraint, Float, String
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, mapped_column

from wellbeing.extensions import Model, db

# The forms of outward code: A9, A99, AA9, AA99, A9A, AA9A (letters limited as Royal Mail does).
OUTWARD = (
    r"(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?"
    r"|[A-PR-UWYZ][0-9][A-HJKPSTUW]|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRV-Y])"
)
INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
FULL_RE = re.compile(rf"^({OUTWARD})({INWARD})$")
OUTCODE_RE = re.compile(rf"^{OUTWARD}$")
SPECIAL = {"GIR0AA": "GIR 0AA"}
MAX_TYPED_CHARS = 32  # a postcode with room for stray spaces; anything longer is not one
NOT_A_POSTCODE = "Enter a real UK postcode, like GL1 1AA or G40 2QH"


METRES_PER_MILE = 1609.344


class Postcode(Model):
    """A UK postcode ("GL1 1AA") or outward code ("GL1") with its centre."""

    __tablename__ = "postcode"
    __table_args__ = (
        CheckConstraint("latitude BETWEEN -90 AND 90", name="latitude"),
        CheckConstraint("longitude BETWEEN -180 AND 180", name="longitude"),
    )

    postcode: Mapped[str] = mapped_column(String(8), primary_key=True)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    is_outcode: Mapped[bool] = mapped_column(Boolean, default=False)


class PostcodeError(ValueError):
    """A malformed or unknown postcode; the message is for the person who typed it."""


@dataclass(frozen=True)
class Point:
    postcode: str
    latitude: float
    longitude: float
    precision: str  # "postcode" or "outcode"


def normalise_postcode(text: str) -> str:
    """'gl11aa ' -> 'GL1 1AA'; 'gl1' -> 'GL1'. Raises PostcodeError when it is not a UK postcode."""
    if len(text or "") > MAX_TYPED_CHARS:
        raise PostcodeError(NOT_A_POSTCODE)
    compact = re.sub(r"\s+", "", text or "").upper()
    if not compact:
        raise PostcodeError("Enter a postcode")
    if compact in SPECIAL:
        return SPECIAL[compact]
    match = FULL_RE.match(compact)
    if match:
        return f"{match.group(1)} {match.group(2)}"
    if OUTCODE_RE.match(compact):
        return compact
    raise PostcodeError(NOT_A_POSTCODE)


def outward_code(postcode: str) -> str:
    return postcode.split(" ")[0]


def lookup_postcode(text: str) -> Point:
    """Where a postcode is: the full postcode if we know it, else the centre of its outward code."""
    postcode = normalise_postcode(text)
    row = db.session.get(Postcode, postcode)
    precision = "postcode" if " " in postcode else "outcode"
    if row is None and " " in postcode:
        row = db.session.get(Postcode, outward_code(postcode))
        precision = "outcode"
    if row is None:
        raise PostcodeError(f"We could not find the postcode {postcode}. Check it and try again")
    return Point(postcode, row.latitude, row.longitude, precision)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Metres between two points."""
    return great_circle((lat1, lon1), (lat2, lon2)).meters


# ONS Postcode Directory and similar files name their columns differently.
POSTCODE_COLUMNS = ("postcode", "pcds", "pcd", "pcd2", "outcode", "postcode district")
LATITUDE_COLUMNS = ("latitude", "lat")
LONGITUDE_COLUMNS = ("longitude", "long", "lng", "lon")


def _column(header: Sequence[str], names: Iterable[str]) -> str | None:
    lowered = {name.strip().lower(): name for name in header}
    return next((lowered[name] for name in names if name in lowered), None)


@dataclass
class PostcodeImport:
    imported: int = 0
    skipped: int = 0


def read_postcode_rows(path: Path, report: PostcodeImport) -> Iterator[dict[str, object]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        code_col = _column(header, POSTCODE_COLUMNS)
        lat_col, lon_col = _column(header, LATITUDE_COLUMNS), _column(header, LONGITUDE_COLUMNS)
        if not (code_col and lat_col and lon_col):
            raise PostcodeError(
                f"{path.name} needs a postcode (or pcds/outcode), a latitude and a longitude column"
            )
        for row in reader:
            try:
                if (row.get("doterm") or "").strip():  # ONS: a terminated postcode
                    raise ValueError
                latitude, longitude = float(row[lat_col]), float(row[lon_col])
                if not (49 <= latitude <= 61 and -9 <= longitude <= 3):  # ONS marks 'none' as 99.9
                    raise ValueError
                postcode = normalise_postcode(row[code_col])
            except (ValueError, TypeError):
                report.skipped += 1
                continue
            yield {
                "postcode": postcode,
                "latitude": latitude,
                "longitude": longitude,
                "is_outcode": " " not in postcode,
            }


def upsert_postcodes(rows: list[dict[str, object]]) -> None:
    insert = postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(Postcode).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=[Postcode.postcode],
        set_={
            "latitude": statement.excluded.latitude,
            "longitude": statement.excluded.longitude,
            "is_outcode": statement.excluded.is_outcode,
        },
    )
    db.session.execute(statement)


def import_postcodes(path: Path, batch_size: int = 2000) -> PostcodeImport:
    """Insert or update every valid row of a postcode CSV; the caller commits."""
    report = PostcodeImport()
    batch: dict[str, dict[str, object]] = {}
    for row in read_postcode_rows(path, report):
        batch[str(row["postcode"])] = row
        if len(batch) >= batch_size:
            upsert_postcodes(list(batch.values()))
            report.imported += len(batch)
            batch.clear()
    if batch:
        upsert_postcodes(list(batch.values()))
        report.imported += len(batch)
    return report
