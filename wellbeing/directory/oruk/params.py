"""Reading the Open Referral UK query parameters; bad values raise ``ParamError`` naming them.

Every parameter has a bound, documented in the OpenAPI document (``openapi.PARAMETER_SCHEMAS``)
and in README.md; beyond it the client gets a 400 naming the parameter. A parameter given twice
counts once (the first), except the lists, which gather every value given.
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from werkzeug.datastructures import MultiDict

from wellbeing.directory.models import ServiceStatus
from wellbeing.directory.search.finder import ServiceFilters
from wellbeing.query_args import ArgError as ParamError
from wellbeing.query_args import page_number, whole_number

MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 50
# Far beyond any real directory, yet small enough that OFFSET never overflows a database integer.
MAX_PROXIMITY_M = 1_000_000
MAX_AGE = 130
MAX_LIST_ITEMS = 50  # ids (or statuses) in one list parameter
TRUE_WORDS = {"true", "1", "yes", "on"}
FALSE_WORDS = {"false", "0", "no", "off"}
ID_EXAMPLE = "3fa85f64-5717-4562-b3fc-2c963f66afa6"


@dataclass(frozen=True)
class Paging:
    page: int
    per_page: int
    ndjson: bool


def boolean(args: Mapping[str, str], name: str) -> bool:
    """An optional true/false flag; absent means false."""
    raw = args.get(name, "").strip().lower()
    if not raw or raw in FALSE_WORDS:
        return False
    if raw in TRUE_WORDS:
        return True
    raise ParamError(name, f"{name} must be true or false")


def text(args: Mapping[str, str], name: str) -> str | None:
    raw = args.get(name, "").strip()
    return raw or None


def _values(args: Mapping[str, str], name: str) -> list[str]:
    """Every comma-separated value of ``name``, from each time it is given."""
    given = args.getlist(name) if isinstance(args, MultiDict) else [args.get(name, "")]
    values = [part.strip() for raw in given for part in raw.split(",") if part.strip()]
    if len(values) > MAX_LIST_ITEMS:
        raise ParamError(name, f"{name} may list at most {MAX_LIST_ITEMS} values")
    return values


def _uuid(name: str, value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise ParamError(name, f"{name} must be an id (a UUID), like {ID_EXAMPLE}") from None


def id_list(args: Mapping[str, str], name: str) -> tuple[str, ...]:
    """Comma-separated ids (ORUK clients send one, but several mean "any of these")."""
    return tuple(dict.fromkeys(_uuid(name, value) for value in _values(args, name)))


def one_id(args: Mapping[str, str], name: str) -> str | None:
    """An optional id (a UUID, as every id here is)."""
    raw = text(args, name)
    return None if raw is None else _uuid(name, raw)


def timestamp(args: Mapping[str, str], name: str) -> datetime | None:
    """An ISO 8601 date or date-time (years 1 to 9999), in UTC; one without an offset is UTC."""
    raw = args.get(name, "").strip()
    if not raw:
        return None
    if "T" in raw:
        raw = raw.replace(" ", "+")  # an unescaped "+" in an offset arrives as a space
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise ParamError(
            name, f"{name} must be an ISO 8601 date-time, like 2025-01-31T09:00:00Z"
        ) from None
    value = value.replace(tzinfo=UTC) if value.tzinfo is None else value
    try:
        return value.astimezone(UTC)
    except OverflowError:  # its offset takes it past the first or the last moment there is
        return (
            datetime.min.replace(tzinfo=UTC)
            if value.year == 1
            else datetime.max.replace(tzinfo=UTC)
        )


def statuses(args: Mapping[str, str]) -> tuple[str, ...]:
    """Which service statuses to publish: active only, unless ``status`` names others."""
    wanted = tuple(dict.fromkeys(_values(args, "status")))
    allowed = [status.value for status in ServiceStatus]
    unknown = [value for value in wanted if value not in allowed]
    if unknown:
        raise ParamError("status", f"status must be one or more of: {', '.join(allowed)}")
    return wanted or (ServiceStatus.ACTIVE.value,)


def paging(args: Mapping[str, str]) -> Paging:
    """``page``, ``per_page`` (at most 200) and ``format`` (``json`` or ``ndjson``)."""
    page = page_number(args)
    per_page = whole_number(args, "per_page", 1, MAX_PER_PAGE) or DEFAULT_PER_PAGE
    output = (args.get("format") or "json").strip().lower()
    if output not in {"json", "ndjson"}:
        raise ParamError("format", "format must be json or ndjson")
    return Paging(page, per_page, output == "ndjson")


def proximity(args: Mapping[str, str]) -> tuple[str | None, int | None]:
    """``postcode`` and ``proximity`` (metres), which only makes sense with a postcode."""
    postcode = text(args, "postcode")
    metres = whole_number(args, "proximity", 1, MAX_PROXIMITY_M)
    if metres is not None and postcode is None:
        raise ParamError("proximity", "proximity needs a postcode to measure from")
    return postcode, metres


def _on_or_after(moment: datetime | None) -> datetime | None:
    """ORUK's ``modified_after`` includes the moment itself; the search filter starts just after."""
    try:
        return None if moment is None else moment - timedelta(microseconds=1)
    except OverflowError:  # the first moment there is: everything was modified after it
        return None


def service_filters(args: Mapping[str, str]) -> ServiceFilters:
    """The ORUK filters, and our extensions, as the directory search understands them."""
    age = whole_number(args, "age", 0, MAX_AGE)
    return ServiceFilters(
        taxonomy_term_ids=id_list(args, "taxonomy_term_id") or None,
        taxonomy_id=one_id(args, "taxonomy_id"),
        organization_id=one_id(args, "organization_id"),
        modified_after=_on_or_after(timestamp(args, "modified_after")),
        statuses=statuses(args),
        open_now=boolean(args, "open_now"),
        free_only=boolean(args, "free"),
        age=age,
        wheelchair=boolean(args, "wheelchair_accessible"),
        self_referral=True if boolean(args, "self_referral") else None,
    )
