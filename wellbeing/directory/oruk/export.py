"""The whole directory as one Open Referral UK 3.0 JSON file.

The file is a JSON array that ``flask directory import`` reads back: first each taxonomy with all
its terms (and any term outside a taxonomy), then organisations that run no service, then every
service, whatever its status, as a fully nested ORUK service. Areas and postcodes are reference
data loaded by ``flask seed``, so they are not exported.
"""

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from wellbeing.directory.models import Organization, Service, Taxonomy, TaxonomyTerm
from wellbeing.directory.oruk import outgoing as oruk_out
from wellbeing.extensions import db


def export_records() -> Iterator[dict[str, Any]]:
    """Every record of the directory, in the order the importer needs (terms before services)."""
    taxonomies = db.select(Taxonomy).order_by(Taxonomy.name, Taxonomy.id)
    for taxonomy in db.session.execute(taxonomies).scalars():
        yield oruk_out.taxonomy_dict(taxonomy, with_terms=True)
    loose_terms = db.select(TaxonomyTerm).where(TaxonomyTerm.taxonomy_id.is_(None))
    for term in db.session.execute(loose_terms.order_by(TaxonomyTerm.id)).scalars():
        yield oruk_out.taxonomy_term_dict(term)
    idle = db.select(Organization).where(~Organization.services.any())
    idle = idle.order_by(Organization.name, Organization.id)
    for organization in db.session.execute(idle).scalars():
        yield oruk_out.organization_dict(organization)
    services = db.select(Service).order_by(Service.name, Service.id)
    services = services.options(*oruk_out.full_service_loading())
    for service in db.session.execute(services).scalars():
        yield oruk_out.service_full_dict(service)


def write_export(path: Path) -> int:
    """Write the directory to ``path`` as a JSON array; returns how many records were written."""
    records = list(export_records())
    text = json.dumps(records, ensure_ascii=False, indent=2)
    path.write_text(text + "\n", encoding="utf-8")
    return len(records)
