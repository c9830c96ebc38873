"""Public directory pages: search, and one page per service (printable as a social prescription)."""

import threading
from collections import OrderedDict
from datetime import UTC, datetime
from urllib.parse import urlencode

from flask import Blueprint, abort, render_template, request, url_for
from markupsafe import Markup
from sqlalchemy.orm import selectinload

from wellbeing.directory import links, presenters, schedules
from wellbeing.directory.forms import RADIUS_CHOICES, SearchForm
from wellbeing.directory.geo import PostcodeError
from wellbeing.directory.models import Location, Service, ServiceAtLocation
from wellbeing.directory.search.finder import ServiceFilters, find_services
from wellbeing.directory.search.query import MAX_QUERY_CHARS
from wellbeing.extensions import db
from wellbeing.query_args import page_number_or_first
from wellbeing.security import local_path

bp = Blueprint("directory", __name__, url_prefix="/directory", template_folder="templates")
MAX_PAGE = 9_999  # deeper pages are never linked: the search says to narrow it down
PER_PAGE = 10
DEFAULT_RADIUS_MILES = "10"


@bp.app_context_processor
def directory_helpers() -> dict[str, object]:
    return {"present": presenters, "schedules": schedules, "links": links}


def filters_from(form: SearchForm) -> ServiceFilters:
    return ServiceFilters(
        taxonomy_term_ids=list(form.need.data or []) or None,
        open_now=bool(form.open_now.data),
        evenings=bool(form.evenings.data),
        weekends=bool(form.weekends.data),
        open_on=int(form.day.data) if form.day.data else None,
        free_only=bool(form.free.data),
        wheelchair=bool(form.wheelchair.data),
        self_referral=True if form.self_referral.data else None,
        age=form.age.data,
        area=form.area.data or None,
    )


FILTER_FIELDS: tuple[str, ...] = ("need", "open_now", "evenings", "weekends", "day", "free")
FILTER_FIELDS += ("wheelchair", "self_referral", "age", "area")
_filters_cache: OrderedDict[tuple, Markup] = OrderedDict()
_filters_lock = threading.Lock()


def filters_html(form: SearchForm) -> Markup:
    """The filters part of the form: the same few states recur, and the NHS.UK macros are slow.

    Keyed by everything it shows (values, raw input, choices, errors), so a hit is exact.
    """
    fields = [form[name] for name in FILTER_FIELDS]
    key = tuple(
        (repr(f.data), tuple(f.raw_data or ()), repr(getattr(f, "choices", None)), tuple(f.errors))
        for f in fields
    )
    with _filters_lock:
        cached = _filters_cache.get(key)
        if cached is not None:
            _filters_cache.move_to_end(key)
            return cached
    # render_template autoescapes, so its output is safe markup.
    html = Markup(render_template("directory/_filters.html", form=form))  # noqa: S704
    with _filters_lock:
        _filters_cache[key] = html
        while len(_filters_cache) > 256:
            _filters_cache.popitem(last=False)
    return html


def search_url(**changes: str | None) -> str:
    """This search's URL with some arguments changed (None drops one), from its first page."""
    args = request.args.to_dict(flat=False)
    args.pop("page", None)
    for name, value in changes.items():
        if value is None:
            args.pop(name, None)
        else:
            args[name] = [value]
    return url_for("directory.search") + ("?" + urlencode(args, doseq=True) if args else "")


def page_url(page: int) -> str:
    return search_url(page=str(page))


def wider_radius(radius: str | None) -> str | None:
    """The next distance choice beyond ``radius`` ("" is any distance); None when there is none."""
    values = [value for value, _label in RADIUS_CHOICES if value]
    if not radius or radius not in values:
        return None
    bigger = values.index(radius) + 1
    return values[bigger] if bigger < len(values) else ""


@bp.get("")
def search() -> tuple[str, int] | str:
    form = SearchForm(request.args)
    searched = bool(request.args)
    results = None
    now = datetime.now(UTC)
    if "postcode" in request.args and not form.postcode.data and form.sort.data == "distance":
        # The postcode was emptied in the form: there is nothing to be near. (A distance still
        # chosen is a field error: a search "within 10 miles" must not quietly cover everywhere.)
        form.sort.data = "relevance"
    if searched and form.validate():
        if form.postcode.data:
            # With words, "best match" blends relevance with nearness; a postcode alone asks
            # for what is nearest.
            if "sort" not in request.args and not (form.q.data or "").strip():
                form.sort.data = "distance"
            if "radius" not in request.args:
                form.radius.data = DEFAULT_RADIUS_MILES
        try:
            results = find_services(
                text=(form.q.data or "").strip() or None,
                postcode=form.postcode.data or None,
                radius_m=form.radius_m,
                filters=filters_from(form),
                page=page_number_or_first(request.args, maximum=MAX_PAGE),
                per_page=PER_PAGE,
                sort=form.sort.data or "relevance",
                now=now,
                correct_spelling=form.correct_spelling,
            )
        except PostcodeError as error:
            form.postcode.errors = [str(error)]
    status = 422 if form.errors else 200
    return render_template(
        "directory/search.html",
        form=form,
        results=results,
        searched=searched,
        now=now,
        page_url=page_url,
        search_url=search_url,
        wider_radius=wider_radius(form.radius.data),
        searched_chars=MAX_QUERY_CHARS,
        return_to=request.full_path,
        filters_html=filters_html(form),
    ), status


def _load_service(service_id: str) -> Service:
    query = (
        db.select(Service)
        .where(Service.id == service_id)
        .options(
            selectinload(Service.service_at_locations)
            .selectinload(ServiceAtLocation.location)
            .selectinload(Location.addresses),
            selectinload(Service.schedules),
            selectinload(Service.cost_options),
            selectinload(Service.contacts),
            selectinload(Service.organization),
        )
    )
    service = db.session.execute(query).scalar_one_or_none()
    if service is None:
        abort(404)
    return service


def _safe_return(target: str | None) -> str:
    """Only our own search pages are offered as 'back to results'."""
    return local_path(target, "/directory") or url_for("directory.search")


@bp.get("/services/<service_id>")
def service_page(service_id: str) -> str:
    service = _load_service(service_id)
    now = datetime.now(UTC)
    return render_template(
        "directory/service.html",
        service=service,
        now=now,
        back_url=_safe_return(request.args.get("return")),
        open_now=schedules.is_open(service, now),
    )
