"""Forms of the link worker's case record pages."""

from typing import Any

from wtforms import (
    BooleanField,
    Field,
    RadioField,
    SearchField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    InputRequired,
    Optional,
    StopValidation,
)

from wellbeing.referrals.case_models import (
    ConnectionOutcome,
    GoalStatus,
    Instrument,
    MeasureStage,
)
from wellbeing.referrals.forms import (
    CONTACT_CHOICES,
    ActionForm,
    DateInputField,
    MultiCheckboxField,
    PersonDetails,
    Text,
    optional_text,
    version_field,
)
from wellbeing.referrals.measures import INSTRUMENTS, Item
from wellbeing.referrals.models import (
    PERSON_FIELDS,
    ContactMethod,
)

# The case record: forms of the link worker's pages. Field names are the domain's (casework,
# outcomes, services), so a problem it reports lands at the field it names (``show_error``).


class NoteForm(ActionForm):
    case_note = TextAreaField(
        "Add a case note",
        description="What happened, what was agreed and what happens next. The person's "
        "referrer never sees case notes.",
    )


class NextContactForm(ActionForm):
    version = version_field()
    next_contact_on = DateInputField("Next contact date", description="For example, 14 3 2026")


class WhatMattersForm(ActionForm):
    version = version_field()
    what_matters_to_me = TextAreaField(
        "What matters to them, in their words",
        description="From your \u201cwhat matters to me\u201d conversation",
    )
    need_ids = MultiCheckboxField("What would they like help with?", validate_choice=False)
    strengths = TextAreaField(
        "Strengths (optional)",
        description="What they enjoy, are good at or can draw on: people, skills, places",
    )
    barriers = TextAreaField(
        "Barriers (optional)",
        description="What makes things harder, for example transport, cost, confidence or caring",
    )


GOAL_STATUS_CHOICES = [(status.value, status.label) for status in GoalStatus]


class GoalForm(ActionForm):
    goal = StringField(
        "Goal, in their words",
        description="For example, get out of the house to meet people twice a week",
    )
    target_date = DateInputField("Target date (optional)", description="For example, 1 6 2026")


class GoalUpdateForm(GoalForm):
    status = RadioField(
        "Status",
        choices=GOAL_STATUS_CHOICES,
        validate_choice=False,
        validators=[InputRequired("Choose the goal's status")],
    )


class ServiceSearchForm(ActionForm):
    """The directory search of the "connect to a service" page (sent with GET)."""

    q = SearchField(
        "Search the directory",
        description="For example, walking group, singing or carers",
        validators=[Optional(), Text("service_search")],
    )


class ConnectForm(ActionForm):
    service_id = RadioField(
        "Which service are you connecting them to?",
        validate_choice=False,
        validators=[InputRequired("Choose a service")],
    )
    connection_note = TextAreaField(
        "Note (optional)",
        description="For example, who to ask for or the session they will try first",
    )


class ConnectionOutcomeForm(ActionForm):
    outcome = RadioField(
        "What came of it?",
        choices=[(outcome.value, outcome.label) for outcome in ConnectionOutcome],
        validate_choice=False,
        validators=[InputRequired("Choose what came of it")],
    )
    outcome_reason = TextAreaField(
        "Reason (optional)",
        description="For example, why they stopped or did not start. The referrer never sees this.",
    )


class PersonCorrectionForm(PersonDetails):
    """A link worker puts the person's details right (``services.correct_person``)."""

    class Meta:
        csrf = False  # CSRFProtect checks the page's token

    version = version_field()
    preferred_contact = RadioField(
        "How would they like to be contacted?",
        choices=[
            ("", "No preference"),
            *CONTACT_CHOICES,
            (ContactMethod.LETTER.value, "Letter"),
            (ContactMethod.IN_PERSON.value, "In person"),
        ],
        validate_choice=False,
        **optional_text(),
    )
    interpreter_needed = BooleanField("They need an interpreter")

    def changes(self) -> dict[str, Any]:
        """The person's details as typed, by the names ``correct_person`` takes."""
        return {
            name: self[name].data or (None if name != "interpreter_needed" else False)
            for name in PERSON_FIELDS
        }


class CompleteForm(ActionForm):
    version = version_field()
    summary = TextAreaField(
        "Outcome summary",
        description="What was done, the connections made and what changed for them. It goes "
        "to the referrer: leave out anything they should not see.",
    )


# SWEMWBS's answers, 1 to 5 (its published response scale).
SWEMWBS_ANSWERS = ("None of the time", "Rarely", "Some of the time", "Often", "All of the time")


class Answer:
    """One questionnaire item answered with a whole number in its range."""

    def __init__(self, number: int, item: Item) -> None:
        self.number, self.item = number, item

    def __call__(self, form: Any, field: Field) -> None:
        raw = (field.data or "").strip() if isinstance(field.data, str) else field.data
        low, high = self.item.low, self.item.high
        if raw in (None, ""):
            raise StopValidation(f"Answer question {self.number}")
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 2 and low <= int(raw) <= high):
            raise StopValidation(
                f"Question {self.number}: enter a whole number from {low} to {high}"
            )


class MeasureForm(ActionForm):
    """A questionnaire's stage, date and one field per item (``measure_form`` adds those)."""

    stage = RadioField(
        "When in their support is this?",
        choices=[(stage.value, stage.label) for stage in MeasureStage],
        validate_choice=False,
        validators=[InputRequired("Choose baseline, review or follow-up")],
    )
    taken_on = DateInputField(
        "Date it was taken", description="For example, 14 3 2026", validators=[Optional()]
    )
    item_count = 0

    def answers(self) -> list[int]:
        return [int(self[f"answer_{index}"].data) for index in range(self.item_count)]


def _answer_field(number: int, item: Item, instrument: Instrument) -> Field:
    checks = [Answer(number, item)]
    label = f"{number}. {item.label}"
    if instrument is Instrument.SWEMWBS:
        choices = [(str(value), text) for value, text in enumerate(SWEMWBS_ANSWERS, start=1)]
        return RadioField(label, choices=choices, validate_choice=False, validators=checks)
    return StringField(
        label,
        description=f"{item.low} is \u201c{item.low_text.lower()}\u201d and {item.high} is "
        f"\u201c{item.high_text.lower()}\u201d",
        validators=checks,
        render_kw={"inputmode": "numeric", "spellcheck": "false", "autocomplete": "off"},
    )


def measure_form(instrument: Instrument, **kwargs: Any) -> MeasureForm:
    """The form for one instrument: an ``answer_<n>`` field per item, in item order."""
    items = INSTRUMENTS[instrument].items
    fields: dict[str, Any] = {
        f"answer_{index}": _answer_field(index + 1, item, instrument)
        for index, item in enumerate(items)
    }
    form_class = type(f"{instrument.name.title()}Form", (MeasureForm,), fields)
    form = form_class(**kwargs)
    form.item_count = len(items)
    return form
