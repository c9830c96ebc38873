"""Referral forms. Field names match ``ReferralDraft`` so that the rules in services.py, which
the API uses too, report their problems against the field a person typed into. Those rules, and
the workflow's, check every bound (``models.TEXT_LIMITS``); a form checks only what reaches no
rule (a search box, a reference) and with the same function, ``validation.check_text``."""

import re
from datetime import date
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    IntegerField,
    RadioField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.utils import unset_value
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Optional,
    StopValidation,
    ValidationError,
)

from wellbeing.referrals.models import (
    MAX_VERSION,
    ContactMethod,
    ContactOutcome,
    ReferralSource,
)
from wellbeing.referrals.services import ReferralDraft, validate_draft
from wellbeing.referrals.validation import FieldError, check_text


class MultiCheckboxField(SelectMultipleField):
    """Several choices shown as NHS.UK checkboxes (the ``field`` macro knows this type)."""


class DateInputField(Field):
    """A date typed into day, month and year boxes, as the NHS.UK date input asks for it."""

    PARTS = ("day", "month", "year")
    id: str  # set by ``Field.__init__``, which is not annotated

    def __init__(self, label: str | None = None, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.container_id = self.id
        self.id = f"{self.id}-day"  # the error summary links to the first box
        self.parts = dict.fromkeys(self.PARTS, "")
        self.error_parts: list[str] = []
        self._parse_error: str | None = None

    def process(self, formdata: Any, data: Any = unset_value, extra_filters: Any = None) -> None:
        super().process(formdata, data, extra_filters)
        if formdata is not None and any(f"{self.name}[{p}]" in formdata for p in self.PARTS):
            self.parts = {p: (formdata.get(f"{self.name}[{p}]") or "").strip() for p in self.PARTS}
            self.data = self._parse()
        elif isinstance(self.data, date):
            self.parts = {
                "day": str(self.data.day),
                "month": str(self.data.month),
                "year": str(self.data.year),
            }

    def _parse(self) -> date | None:
        label = self.label.text
        if not any(self.parts.values()):
            return None
        self.error_parts = [p for p in self.PARTS if not self.parts[p]]
        if self.error_parts:
            self._parse_error = f"{label} must include a {self.error_parts[0]}"
        elif not all(value.isdigit() for value in self.parts.values()):
            self._parse_error = f"{label} must be a real date, written in numbers"
        elif len(self.parts["year"]) != 4:
            self.error_parts, self._parse_error = ["year"], "Year must include 4 numbers"
        else:
            try:
                return date(*(int(self.parts[p]) for p in ("year", "month", "day")))
            except (ValueError, OverflowError):  # a day of 99999999999999999999 overflows
                self._parse_error = f"{label} must be a real date"
        return None

    def pre_validate(self, form: Any) -> None:
        if self._parse_error:
            raise StopValidation(self._parse_error)

    def _value(self) -> str:
        return self.data.isoformat() if isinstance(self.data, date) else ""


CONTACT_CHOICES = [
    (ContactMethod.PHONE.value, "Phone call"),
    (ContactMethod.TEXT.value, "Text message"),
    (ContactMethod.EMAIL.value, "Email"),
]


class Text:
    """WTForms' face of ``check_text``: the field's bounds from the one table of limits."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __call__(self, form: Any, field: Field) -> None:
        try:
            check_text(self.name, field.data or "")
        except FieldError as error:
            raise ValidationError(str(error)) from None


def optional_text(**kwargs: Any) -> dict[str, Any]:
    return {"validators": [Optional()], **kwargs}


class PersonDetails(FlaskForm):
    """Who the referral is for: the referral forms ask, and a link worker corrects, these."""

    given_name = StringField("First name", render_kw={"autocomplete": "given-name"})
    family_name = StringField("Last name", render_kw={"autocomplete": "family-name"})
    date_of_birth = DateInputField(
        "Date of birth", description="For example, 27 3 1980", render_kw={"autocomplete": "bday"}
    )
    nhs_number = StringField(
        "NHS number (optional)",
        description="10 digits, like 943 476 5919",
        render_kw={"inputmode": "numeric", "spellcheck": "false"},
    )
    postcode = StringField(
        "Postcode", render_kw={"autocomplete": "postal-code", "spellcheck": "false"}
    )
    phone = TelField("Phone number", render_kw={"autocomplete": "tel"})
    email = EmailField("Email address", render_kw={"autocomplete": "email", "spellcheck": "false"})
    preferred_contact = RadioField(
        "How would you like to be contacted?",
        choices=CONTACT_CHOICES,
        validate_choice=False,
        **optional_text(),
    )
    language = StringField("Language, if not English", **optional_text())

    def add_errors(self, errors: dict[str, str]) -> None:
        """Show problems found by the referral rules at their fields (one message a field)."""
        for name, message in errors.items():
            target = self._fields.get(name)
            if target is None:
                self.form_errors.append(message)
            elif not target.errors:
                target.errors = [message]


class PersonFields(PersonDetails):
    """Who the referral is for and what matters to them: shared by both referral forms."""

    need_ids = MultiCheckboxField("What would you like help with?", validate_choice=False)
    what_matters = TextAreaField("What matters to you?")
    consent = BooleanField("I agree")

    def draft(self, **overrides: Any) -> ReferralDraft:
        """The form's answers as a draft for ``create_referral`` (names match)."""
        names = ReferralDraft.__dataclass_fields__.keys()
        values = {name: self[name].data for name in names if name in self._fields}
        return ReferralDraft(**{**values, **overrides})

    def check(self, draft: ReferralDraft) -> bool:
        """Run the form's own checks and the referral rules; True when there is no problem."""
        self.validate()
        _values, errors = validate_draft(draft)
        self.add_errors(errors)
        return not (any(f.errors for f in self) or self.form_errors)


class SelfReferralForm(PersonFields):
    """The public form: plain words, the fewest questions, nothing a resident cannot answer."""

    phone = TelField(
        "Phone number",
        description="We will call or text you from a withheld number",
        render_kw={"autocomplete": "tel"},
    )
    email = EmailField(
        "Email address",
        description="We will email you when there is news about your request",
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )
    language = StringField(
        "Do you need an interpreter? If so, which language?",
        description="Leave this empty if you do not need an interpreter",
        **optional_text(),
    )
    what_matters = TextAreaField(
        "Tell us a little about what matters to you",
        description="For example, what you enjoy, what you find hard, and what you would like "
        "to change. A few words is fine.",
    )
    consent = BooleanField(
        "I agree that the Community Wellbeing Service can store these details and contact me"
    )


class ProfessionalReferralForm(PersonFields):
    """For GPs, other professionals and link workers: one page, sensible defaults."""

    source = RadioField(
        "You are referring from",
        choices=[
            (ReferralSource.GP.value, "A GP practice"),
            (ReferralSource.PROFESSIONAL.value, "Another organisation"),
        ],
        default=ReferralSource.GP.value,
    )
    interpreter_needed = BooleanField("They need an interpreter")
    what_matters = TextAreaField(
        "What matters to them, and why are you referring?",
        description="In their words where you can. Do not include clinical history that is "
        "not needed for social prescribing.",
    )
    urgency = RadioField(
        "Urgency",
        choices=[("routine", "Routine"), ("urgent", "Urgent")],
        description="Urgent referrals are flagged in the link workers' queue",
        default="routine",
        validate_choice=False,
    )
    risk_flag = BooleanField("There is a risk or safeguarding concern")
    risk_note = TextAreaField("Describe the risk or concern")
    consent = BooleanField(
        "The person agrees to this referral and to their details being shared with the "
        "Community Wellbeing Service"
    )
    # Who refers is the signed-in account (``services.referrer_details``): only a phone number
    # for this referral is asked for.
    referrer_phone = TelField("Your phone number (optional)", **optional_text())
    service_search = SearchField(
        "Search the directory for services to suggest (optional)",
        description="For example, walking group, singing or debt advice",
        validators=[Optional(), Text("service_search")],
    )
    suggested_service_ids = MultiCheckboxField("Suggested services", validate_choice=False)


class StatusCheckForm(FlaskForm):
    reference = StringField(
        "Your reference",
        description="It starts with WB, like WB-7K3QF2. It was on the page after you sent your "
        "request, and in any email we sent you.",
        validators=[DataRequired("Enter your reference"), Text("reference")],
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )
    date_of_birth = DateInputField(
        "Date of birth",
        description="For example, 27 3 1980",
        validators=[DataRequired("Enter your date of birth")],
    )


class ActionForm(FlaskForm):
    """A small form among several on one page: CSRFProtect checks the page-wide token."""

    class Meta:
        csrf = False


def _version_in_range(form: Any, field: Field) -> None:
    # Not NumberRange: it calls math.isnan, which overflows on a whole number of 400 digits.
    if field.data is not None and not 1 <= field.data <= MAX_VERSION:
        raise ValidationError(f"Must be a whole number from 1 to {MAX_VERSION}")


def version_field() -> IntegerField:
    """The version the page showed (hidden): a stale one is refused by the workflow."""
    return IntegerField(validators=[InputRequired(), _version_in_range])


class TransitionForm(ActionForm):
    version = version_field()
    reason = TextAreaField("Reason")  # checked by ``workflow.transition``, shown at this field
    summary = TextAreaField("Outcome summary")  # completing only; checked by the workflow too


class AssignForm(ActionForm):
    assignee = SelectField("Assign to", coerce=str, validate_choice=False)
    version = version_field()


class ContactAttemptForm(ActionForm):
    method = RadioField(
        "How did you try to make contact?",
        choices=[(m.value, m.value.replace("_", " ").capitalize()) for m in ContactMethod],
        validators=[InputRequired("Choose how you tried to make contact")],
    )
    outcome = RadioField(
        "What happened?",
        choices=[
            (ContactOutcome.REACHED.value, "Spoke with them"),
            (ContactOutcome.NO_ANSWER.value, "No answer"),
            (ContactOutcome.LEFT_MESSAGE.value, "Left a message"),
            (ContactOutcome.WRONG_DETAILS.value, "Wrong number or address"),
        ],
        validators=[InputRequired("Choose what happened")],
    )
    note = TextAreaField("Note (optional)")  # checked by ``casework.record_contact_attempt``


def show_error(form: FlaskForm, field: str | None, message: str) -> None:
    """A refused change's message at the field it names (``answers[2]`` is ``answer_2``), or
    above the form when no field of this form is to blame."""
    name = re.sub(r"^answers\[(\d+)\]$", r"answer_\1", field or "")
    if name and name in form:
        form[name].errors = [message]
    else:
        form.form_errors.append(message)
