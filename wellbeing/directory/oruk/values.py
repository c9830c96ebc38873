"""Reading one incoming object's fields into typed column values, with a message per bad value.

A ``Spec`` names the model columns an ORUK object carries; each column's converter follows from
its SQL type (a ``String(255)`` becomes text of at most 255 characters, a ``Time`` a clock time,
...) unless the spec overrides it. Converters raise ``Invalid`` with a message for people.
"""

import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Boolean, Date, Float, Integer, Numeric, String, Time

from wellbeing.database import UTCDateTime
from wellbeing.directory.links import email_address, web_address
from wellbeing.extensions import Model

Converter = Callable[[Any], Any]
TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$")
MAX_INTEGER = 2**31 - 1  # PostgreSQL's integer
MAX_AMOUNT = Decimal("99999999.99")  # Numeric(10, 2)
# Marks an object whose source (our CSV layout) covers only some of its fields.
PARTIAL = "__partial__"
TRUE_WORDS = {"true", "yes", "y", "1"}
FALSE_WORDS = {"false", "no", "n", "0"}


class Invalid(ValueError):
    """A value that cannot be stored; the message says what was expected."""


class Droppable(Invalid):
    """A bad value its record can do without (a link, an email): dropped with a warning, even
    from a record's own fields, and the record kept."""


def fields(names: str) -> tuple[str, ...]:
    """``fields("id name")`` -> ``("id", "name")``: column lists that read as one line."""
    return tuple(names.split())


def derived_id(*parts: str) -> str:
    """A stable UUID for an object the input names without an id (the same input, the same id)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "urn:wellbeing-import:" + "/".join(parts)))


def to_text(max_length: int | None = None) -> Converter:
    def convert(value: Any) -> str | None:
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise Invalid("must be text")
        # PostgreSQL refuses NUL characters in text.
        text = str(value).replace("\x00", "").strip()
        if max_length is not None and len(text) > max_length:
            raise Invalid(f"is longer than {max_length} characters")
        return text or None

    return convert


def to_uuid(value: Any) -> str:
    try:
        return str(uuid.UUID(str(value).strip()))
    except ValueError:
        raise Invalid(f"{value!r} is not a UUID") from None


def to_email(value: Any) -> str | None:
    try:
        text = to_text(254)(value)
    except Invalid as error:
        raise Droppable(str(error)) from None
    if text is not None and email_address(text) is None:
        raise Droppable(f"{text!r} is not an email address")
    return text


def to_web_address(value: Any) -> str | None:
    """An http or https address with a host (never ``javascript:``, ``data:`` or ``//host``)."""
    try:
        text = to_text(500)(value)  # the length of every link column
    except Invalid as error:
        raise Droppable(str(error)) from None
    if text is not None and web_address(text) is None:
        raise Droppable(f"{text!r} is not a web address starting http:// or https://")
    return text


def to_whole_number(value: Any) -> int:
    if isinstance(value, bool):
        raise Invalid("must be a whole number")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or not 0 <= value <= MAX_INTEGER:
        raise Invalid(f"{value!r} is not a whole number, 0 or more")
    return value


def to_amount(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise Invalid("must be a number")
    try:
        amount = Decimal(str(value).strip().lstrip("£"))
    except InvalidOperation:
        raise Invalid(f"{value!r} is not a number") from None
    if not amount.is_finite() or not 0 <= amount <= MAX_AMOUNT:
        raise Invalid(f"{value!r} is not an amount between 0 and {MAX_AMOUNT}")
    return amount.quantize(Decimal("0.01"))


def to_float(value: Any) -> float:
    if isinstance(value, bool):
        raise Invalid("must be a number")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise Invalid(f"{value!r} is not a number") from None


def in_range(low: float, high: float) -> Converter:
    def convert(value: Any) -> float:
        number = to_float(value)
        if not low <= number <= high:
            raise Invalid(f"{value!r} is out of range ({low:g} to {high:g})")
        return number

    return convert


def to_flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in TRUE_WORDS | FALSE_WORDS:
        return word in TRUE_WORDS
    raise Invalid(f"{value!r} is not true or false (yes or no)")


def to_date(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise Invalid(f"{value!r} is not a date like 2025-01-31") from None


def to_datetime(value: Any) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise Invalid(f"{value!r} is not a date and time like 2025-01-31T10:00:00Z") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def to_time(value: Any) -> time:
    if isinstance(value, time):
        return value
    match = TIME_RE.match(str(value).strip())
    if not match:
        raise Invalid(f"{value!r} is not a time like 18:00 or 18:00:00")
    return time(int(match[1]), int(match[2]), int(match[3] or 0))


def one_of(*choices: str, upper: bool = False) -> Converter:
    def convert(value: Any) -> str:
        word = str(value).strip()
        word = word.upper() if upper else word.lower()
        if word not in choices:
            raise Invalid(f"{value!r} is not one of {', '.join(choices)}")
        return word

    return convert


def converter_for(column: Any) -> Converter:
    """The converter a column's SQL type implies."""
    kind = column.type
    if isinstance(kind, UTCDateTime):
        return to_datetime
    for sql_type, converter in (
        (Boolean, to_flag),
        (Integer, to_whole_number),
        (Float, to_float),  # before Numeric: Float is a Numeric
        (Numeric, to_amount),
        (Date, to_date),
        (Time, to_time),
    ):
        if isinstance(kind, sql_type):
            return converter
    if isinstance(kind, String):
        return to_text(kind.length)
    raise TypeError(f"no converter for {column}")


@dataclass(frozen=True)
class Spec:
    """Which columns of ``model`` an incoming object fills, and how."""

    model: type[Model]
    columns: tuple[str, ...]
    required: frozenset[str] = frozenset()
    convert: Mapping[str, Converter] = field(default_factory=dict)
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    defaults: Mapping[str, Any] = field(default_factory=dict)
    children: Mapping[str, "Spec"] = field(default_factory=dict)
    key: str = "id"  # how a child is matched to the stored one

    def input_key(self, raw: Mapping[str, Any], column: str) -> str:
        names = self.aliases.get(column, (column,))
        return next((name for name in names if raw.get(name) not in (None, "")), names[0])

    def converter(self, column: str) -> Converter:
        if column in self.convert:
            return self.convert[column]
        return converter_for(self.model.__table__.c[column])


@dataclass
class Problem:
    field: str
    message: str
    required: bool
    droppable: bool = False  # the record is kept without the value (see ``Droppable``)

    def __str__(self) -> str:
        return f"{self.field} {self.message}"


def read_values(raw: Mapping[str, Any], spec: Spec) -> tuple[dict[str, Any], list[Problem]]:
    """The typed column values of ``raw``; a bad or missing value is left at its default.

    Only the fields present in ``raw`` are read when it is marked ``PARTIAL``.
    """
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    partial = bool(raw.get(PARTIAL))
    for column in spec.columns:
        name = spec.input_key(raw, column)
        if partial and name not in raw:
            continue  # a source that covers only some fields leaves the others as stored
        value = raw.get(name)
        converted, problem, droppable = None, None, False
        if value not in (None, ""):
            try:
                converted = spec.converter(column)(value)
            except Invalid as error:
                problem, droppable = str(error), isinstance(error, Droppable)
        if converted is None and problem is None and column in spec.required:
            problem = "is required"
        if problem is not None:
            problems.append(Problem(name, problem, column in spec.required, droppable))
        values[column] = spec.defaults.get(column) if converted is None else converted
    return values, problems
