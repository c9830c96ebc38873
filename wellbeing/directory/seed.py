"""The directory's reference data in seed_data/: taxonomy, areas, postcodes and demo services.

Loading is idempotent (a second load changes nothing) and batched, so tests can call it freely.
"""

import json
import re
from pathlib import Path
from typing import Any

from wellbeing.config import REPO_ROOT
from wellbeing.directory.geo import import_postcodes
from wellbeing.directory.models import Area, Neighbourhood
from wellbeing.directory.oruk.importer import import_items, read_items
from wellbeing.extensions import db

SEED_DIR = REPO_ROOT / "seed_data"
WIDE_AREA_RE = re.compile(r"\((countywide|citywide)\)$")


def slugify(name: str) -> str:
    """'Gloucestershire (countywide)' -> 'gloucestershire-countywide'."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def load_areas(path: Path) -> str:
    """Areas and their neighbourhoods; a "(countywide)" or "(citywide)" area holds its region's."""
    records: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    wide = {r["region"]: slugify(r["name"]) for r in records if WIDE_AREA_RE.search(r["name"])}
    stored = {area.slug: area for area in db.session.execute(db.select(Area)).scalars()}
    created = 0
    # Wide areas first, so that a parent row exists before its children point at it.
    for record in sorted(records, key=lambda r: not WIDE_AREA_RE.search(r["name"])):
        slug = slugify(record["name"])
        parent = None if slug in wide.values() else wide.get(record["region"])
        area = stored.get(slug)
        if area is None:
            area = Area(slug=slug)
            db.session.add(area)
            created += 1
        values = {"name": record["name"], "region": record["region"], "parent_slug": parent}
        for key, value in values.items():
            if getattr(area, key) != value:
                setattr(area, key, value)
        names = {neighbourhood.name for neighbourhood in area.neighbourhoods}
        for name in dict.fromkeys(record["neighbourhoods"]):
            if name not in names:
                area.neighbourhoods.append(Neighbourhood(name=name))
    return f"Areas: {created} created, {len(records) - created} already there"


def load_directory_seed(seed_dir: Path = SEED_DIR) -> list[str]:
    """Load taxonomy, areas, postcodes and services from ``seed_dir``; the caller commits."""
    lines = [load_areas(seed_dir / "areas.json")]
    postcodes = import_postcodes(seed_dir / "postcodes.csv")
    lines.append(f"Postcodes: {postcodes.imported} loaded, {postcodes.skipped} invalid rows")
    items = read_items(seed_dir / "taxonomy.json") + read_items(seed_dir / "services.json")
    report = import_items(items)
    lines += report.summary() + report.warnings + report.skipped
    return lines
