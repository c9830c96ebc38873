"""The Open Referral UK 3.0 read API at /api/oruk: public, read-only, and free of personal data.

Service listings go through the directory's one search, ``find_services``; organisations and
taxonomies are plain listings. Only active services are published unless ``status`` asks for more.
"""

import itertools
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, request
from sqlalchemy import ColumnElement
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.wrappers import Response

from wellbeing.directory.geo import Point, PostcodeError, distance_m, lookup_postcode
from wellbeing.directory.links import public_url
from wellbeing.directory.models import (
    Organization,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from wellbeing.directory.oruk import outgoing as oruk_out
from wellbeing.directory.oruk import params as params
from wellbeing.directory.oruk.openapi import PROFILE_URL, openapi_document
from wellbeing.directory.oruk.params import ParamError
from wellbeing.directory.oruk.responses import (
    Serialiser,
    allow_cross_origin,
    directory_last_modified,
    found,
    json_response,
    listing,
    ndjson_response,
    page_envelope,
    page_of,
    path_id,
    text_match,
)
from wellbeing.directory.search.documents import LISTING_OPTIONS
from wellbeing.directory.search.finder import (
    SearchResults,
    ServiceFilters,
    ServiceHit,
    find_services,
    iter_services,
)
from wellbeing.errors import json_error
from wellbeing.extensions import db

bp = Blueprint("oruk", __name__, url_prefix="/api/oruk")
bp.after_request(allow_cross_origin)


@bp.errorhandler(ParamError)
def bad_parameter(error: ParamError) -> Response:
    return json_error(400, error.message, parameter=error.parameter)


@dataclass(frozen=True)
class ServiceSearch:
    """One service search, read from the query string before any results are sent."""

    text: str | None
    filters: ServiceFilters
    postcode: str | None = None
    radius_m: int | None = None

    @property
    def sort(self) -> str:
        return "distance" if self.postcode else "relevance" if self.text else "name"

    def run(self, page: int, per_page: int, load: Sequence[Any] = LISTING_OPTIONS) -> SearchResults:
        """One page of results; ``load`` is what each service comes with (the result list's)."""
        try:
            return find_services(
                text=self.text,
                postcode=self.postcode,
                radius_m=self.radius_m,
                filters=self.filters,
                page=page,
                per_page=per_page,
                sort=self.sort,
                now=datetime.now(UTC),
                load=load,
            )
        except PostcodeError as error:
            raise ParamError("postcode", str(error)) from None

    def origin(self) -> Point:
        try:
            return lookup_postcode(self.postcode or "")
        except PostcodeError as error:
            raise ParamError("postcode", str(error)) from None

    def all_hits(self, load: Sequence[Any] = LISTING_OPTIONS) -> Iterator[ServiceHit]:
        """Every hit of one search; it runs now, so bad input fails before anything is sent."""
        try:
            hits = iter_services(
                text=self.text,
                postcode=self.postcode,
                radius_m=self.radius_m,
                filters=self.filters,
                sort=self.sort,
                now=datetime.now(UTC),
                batch_size=params.MAX_PER_PAGE,
                load=load,
            )
            first = next(hits, None)
        except PostcodeError as error:
            raise ParamError("postcode", str(error)) from None
        return itertools.chain([first] if first else [], hits)


def _service_search(args: Mapping[str, str], near: bool = False) -> ServiceSearch:
    """The search the query string asks for; ``near`` reads ``postcode`` and ``proximity`` too."""
    postcode, radius_m = params.proximity(args) if near else (None, None)
    filters = params.service_filters(args)
    return ServiceSearch(params.text(args, "search"), filters, postcode, radius_m)


def _service_serialiser(args: Mapping[str, str]) -> Serialiser:
    if params.boolean(args, "minimal"):
        return oruk_out.service_minimal_dict
    return (
        oruk_out.service_full_dict if params.boolean(args, "full") else oruk_out.service_list_dict
    )


def _service_loading(serialise: Serialiser) -> list[Any]:
    """What each service is loaded with: everything for full records (in a few queries rather
    than one per object), its organisation for the list and minimal ones."""
    if serialise is oruk_out.service_full_dict:
        return oruk_out.full_service_loading()
    return [joinedload(Service.organization)]


@bp.get("/")
def api_details() -> Response:
    """What this API is and where its OpenAPI document lives (ORUK's required ``/``)."""
    openapi_url = public_url(".openapi")
    return json_response(
        {"version": "HSDS-UK-3.0", "profile": PROFILE_URL, "openapi_url": openapi_url}
    )


@bp.get("/openapi.json")
def openapi() -> Response:
    return json_response(openapi_document(public_url(".api_details")))


@bp.get("/services")
def services() -> Response:
    paging = params.paging(request.args)
    serialise = _service_serialiser(request.args)
    search = _service_search(request.args)
    load = _service_loading(serialise)
    if paging.ndjson:
        hits = search.all_hits(load)
        return ndjson_response((serialise(hit.service) for hit in hits), directory_last_modified())
    results = search.run(paging.page, paging.per_page, load)
    contents = [serialise(hit.service) for hit in results.items]
    return json_response(page_envelope(contents, results.total, paging), directory_last_modified())


def _published_service(service_id: str) -> Service:
    statement = db.select(Service).where(Service.id == service_id)
    service = db.session.execute(statement.options(*oruk_out.full_service_loading())).scalar()
    if service is not None and service.status not in params.statuses(request.args):
        service = None
    return found(service, "service", service_id)


@bp.get("/services/<service_id>")
def service(service_id: str) -> Response:
    published = _published_service(path_id("service", service_id))
    return json_response(oruk_out.service_full_dict(published), directory_last_modified())


def _links_near(search: ServiceSearch) -> list[ServiceAtLocation]:
    """Matching services' locations; with a postcode, nearest first and within ``proximity``."""
    links = [link for hit in search.all_hits() for link in hit.service.service_at_locations]
    if search.postcode is None:
        return links
    origin = search.origin()

    def metres(link: ServiceAtLocation) -> float:
        location = link.location
        if location.latitude is None or location.longitude is None:
            return math.inf  # unmappable locations go last, and never fall within a proximity
        return distance_m(origin.latitude, origin.longitude, location.latitude, location.longitude)

    measured = sorted((metres(link), link.id, link) for link in links)
    radius = math.inf if search.radius_m is None else search.radius_m
    return [link for distance, _, link in measured if distance <= radius]


@bp.get("/service_at_locations")
def service_at_locations() -> Response:
    paging = params.paging(request.args)
    search = _service_search(request.args, near=True)
    full = params.boolean(request.args, "full")
    service_dict = oruk_out.service_full_dict if full else oruk_out.service_list_dict

    def serialise(link: ServiceAtLocation) -> dict[str, Any]:
        return oruk_out.service_at_location_dict(link, service_dict(link.service))

    return page_of(_links_near(search), paging, serialise)


@bp.get("/service_at_locations/<link_id>")
def service_at_location(link_id: str) -> Response:
    link_id = path_id("service_at_location", link_id)
    link = found(db.session.get(ServiceAtLocation, link_id), "service_at_location", link_id)
    service = _published_service(link.service_id)
    body = oruk_out.service_at_location_dict(link, oruk_out.service_full_dict(service))
    return json_response(body, directory_last_modified())


def _organization_serialiser(args: Mapping[str, str]) -> Serialiser:
    """An organisation, with its published services when ``full`` (as full services when
    ``full_service``)."""
    wanted = params.statuses(args)
    full_service = params.boolean(args, "full_service")
    if not (full_service or params.boolean(args, "full")):
        return oruk_out.organization_dict
    service_dict = oruk_out.service_full_dict if full_service else oruk_out.service_list_dict

    def serialise(organization: Organization) -> dict[str, Any]:
        published = [s for s in organization.services if s.status in wanted]
        services = sorted(published, key=lambda service: (service.name, service.id))
        return {
            **oruk_out.organization_dict(organization),
            "services": list(map(service_dict, services)),
        }

    return serialise


@bp.get("/organizations")
def organizations() -> Response:
    paging = params.paging(request.args)
    serialise = _organization_serialiser(request.args)
    statement = db.select(Organization).order_by(Organization.name, Organization.id)
    if serialise is not oruk_out.organization_dict:
        statement = statement.options(selectinload(Organization.services))
    matching = text_match(request.args, Organization.name, Organization.description)
    return listing(statement if matching is None else statement.where(matching), paging, serialise)


@bp.get("/organizations/<organization_id>")
def organization(organization_id: str) -> Response:
    """One organisation with its published services (ORUK's nested organisation)."""
    args = {"full": "true", **request.args.to_dict()}
    organization_id = path_id("organization", organization_id)
    found_organization = found(
        db.session.get(Organization, organization_id), "organization", organization_id
    )
    body = _organization_serialiser(args)(found_organization)
    return json_response(body, directory_last_modified())


@bp.get("/taxonomies")
def taxonomies() -> Response:
    paging = params.paging(request.args)
    statement = db.select(Taxonomy).order_by(Taxonomy.name, Taxonomy.id)
    matching = text_match(request.args, Taxonomy.name, Taxonomy.description)
    statement = statement if matching is None else statement.where(matching)
    return listing(statement, paging, oruk_out.taxonomy_dict)


@bp.get("/taxonomies/<taxonomy_id>")
def taxonomy(taxonomy_id: str) -> Response:
    taxonomy_id = path_id("taxonomy", taxonomy_id)
    found_taxonomy = found(db.session.get(Taxonomy, taxonomy_id), "taxonomy", taxonomy_id)
    return json_response(oruk_out.taxonomy_dict(found_taxonomy, with_terms=True))


def _term_conditions(args: Mapping[str, str]) -> list[ColumnElement[bool]]:
    conditions = []
    if (taxonomy_id := params.one_id(args, "taxonomy_id")) is not None:
        conditions.append(TaxonomyTerm.taxonomy_id == taxonomy_id)
    if (parent_id := params.one_id(args, "parent_id")) is not None:
        conditions.append(TaxonomyTerm.parent_id == parent_id)
    if params.boolean(args, "top_only"):
        conditions.append(TaxonomyTerm.parent_id.is_(None))
    matching = text_match(args, TaxonomyTerm.name, TaxonomyTerm.description)
    return conditions if matching is None else [*conditions, matching]


@bp.get("/taxonomy_terms")
def taxonomy_terms() -> Response:
    paging = params.paging(request.args)
    statement = db.select(TaxonomyTerm).where(*_term_conditions(request.args))
    statement = statement.order_by(TaxonomyTerm.name, TaxonomyTerm.id)
    return listing(statement, paging, oruk_out.taxonomy_term_dict)


@bp.get("/taxonomy_terms/<term_id>")
def taxonomy_term(term_id: str) -> Response:
    term_id = path_id("taxonomy_term", term_id)
    term = found(db.session.get(TaxonomyTerm, term_id), "taxonomy_term", term_id)
    return json_response(oruk_out.taxonomy_term_dict(term))
