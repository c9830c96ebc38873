"""The directory search form: words, postcode, distance and filters, all in a shareable GET URL.

A shared URL can say anything, so every field reads any value without failing: a choice sent
blank (or as spaces) means its default, as if it were not sent; anything else that is not a choice
is a field error, shown on the page.
"""

from collections.abc import Callable, Sequence

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SearchField,
    SelectField,
    SelectMultipleField,
)
from wtforms.validators import NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from wellbeing.directory.geo import METRES_PER_MILE, PostcodeError, normalise_postcode
from wellbeing.directory.models import Area, TaxonomyTerm
from wellbeing.directory.schedules import DAY_NAMES
from wellbeing.extensions import db

RADIUS_CHOICES = [("", "Any distance"), ("1", "Within 1 mile"), ("3", "Within 3 miles")] + [
    (str(miles), f"Within {miles} miles") for miles in (5, 10, 25)
]
RADIUS_MILES = {value for value, _label in RADIUS_CHOICES if value}
SORT_CHOICES = [("relevance", "Best match"), ("distance", "Nearest first"), ("name", "A to Z")]
DAY_CHOICES = [("", "Any day")] + [(str(i), name) for i, name in enumerate(DAY_NAMES)]


def blank_means(default: str) -> Callable[[str | None], str]:
    """A field filter: a choice sent blank or as spaces is the default."""
    return lambda value: (value or "").strip() or default


def stripped(value: str | None) -> str:
    """A field filter: text without the spaces around it (spaces alone are nothing)."""
    return (value or "").strip()


def without_blanks(values: Sequence[str] | None) -> list[str]:
    """A field filter: ticked choices, leaving out blank ones."""
    return [value.strip() for value in values or () if value.strip()]


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes for a list of choices (rendered with the NHS.UK checkboxes component)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AgeField(IntegerField):
    """A whole number of years, with a message a person can act on when it is not one."""

    def process_formdata(self, valuelist: list) -> None:
        # A number too long to be an age is refused before it is one: range checks on a
        # 400-digit integer overflow (NumberRange compares it with floats).
        if valuelist and len(str(valuelist[0]).strip()) > 3 and str(valuelist[0]).strip().isdigit():
            raise ValueError("Enter an age between 0 and 120")
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Enter an age in numbers, like 70") from None


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing, and its URL is meant to be shared

    # No Optional() on the choices: it would let a value of spaces skip the check that it is one.
    q = SearchField("What are you looking for?", validators=[Optional()])
    postcode = SearchField("Postcode", filters=[stripped])
    radius = SelectField("Distance", choices=RADIUS_CHOICES, default="", filters=[blank_means("")])
    need = MultiCheckboxField("Type of support", choices=[], filters=[without_blanks])
    open_now = BooleanField("Open now")
    evenings = BooleanField("Open evenings")
    weekends = BooleanField("Open weekends")
    day = SelectField("Open on", choices=DAY_CHOICES, default="", filters=[blank_means("")])
    free = BooleanField("Free")
    wheelchair = BooleanField("Wheelchair accessible")
    self_referral = BooleanField("You can refer yourself")
    age = AgeField(
        "Age",
        validators=[Optional(), NumberRange(0, 120, "Enter an age between 0 and 120")],
        render_kw={"inputmode": "numeric"},
    )
    area = SelectField("Area", choices=[], default="", filters=[blank_means("")])
    sort = SelectField(
        "Sort by", choices=SORT_CHOICES, default="relevance", filters=[blank_means("relevance")]
    )
    # "exact" searches the words as typed, with no spelling correction (the "Search instead for"
    # link sets it; the form itself never sends it, so new words are corrected again).
    spelling = HiddenField()

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.need.choices = [(term.id, term.name) for term in top_level_terms()]
        areas = db.session.execute(db.select(Area).order_by(Area.region, Area.name)).scalars()
        self.area.choices = [("", "Anywhere")] + [(area.slug, area.name) for area in areas]

    def validate_postcode(self, field: SearchField) -> None:
        if not field.data:
            if self.radius.data in RADIUS_MILES:  # a distance, but nothing to measure it from
                raise ValidationError("Enter a postcode to search by distance")
            return
        try:
            field.data = normalise_postcode(field.data)
        except PostcodeError as error:
            raise ValidationError(str(error)) from error

    def validate_sort(self, field: SelectField) -> None:
        if field.data == "distance" and not self.postcode.data:
            raise ValidationError("Enter a postcode to sort by distance")

    @property
    def radius_m(self) -> float | None:
        """The distance in metres; none without a postcode, as there is nothing to measure from."""
        if not self.radius.data or not self.postcode.data:
            return None
        return float(self.radius.data) * METRES_PER_MILE

    @property
    def correct_spelling(self) -> bool:
        return self.spelling.data != "exact"

    @property
    def filter_count(self) -> int:
        """How many filters are applied (each ticked need counts)."""
        flags = (self.open_now, self.evenings, self.weekends, self.free, self.wheelchair)
        return (
            len(self.need.data or [])
            + sum(bool(flag.data) for flag in flags)
            + bool(self.self_referral.data)
            + bool(self.day.data)
            + (self.age.data is not None)
            + bool(self.area.data)
        )

    @property
    def has_filters(self) -> bool:
        return self.filter_count > 0


def top_level_terms() -> list[TaxonomyTerm]:
    """The needs-and-activities groups people choose from."""
    query = db.select(TaxonomyTerm).where(TaxonomyTerm.parent_id.is_(None))
    return list(db.session.execute(query.order_by(TaxonomyTerm.name)).scalars())
