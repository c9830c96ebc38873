"""Forms of the administrators' pages: finding and inviting users, changing an account, and the
audit log's filters. Search and filter forms are read from the query string (no CSRF token: they
change nothing)."""

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    Field,
    HiddenField,
    RadioField,
    SearchField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from wellbeing.accounts.models import Role
from wellbeing.inputs import is_single_line

# Roles as administrators choose them: the service's own staff first.
ROLE_ORDER = (
    Role.LINK_WORKER,
    Role.REFERRER,
    Role.PROVIDER,
    Role.COMMISSIONER,
    Role.ADMIN,
    Role.RESIDENT,
)
ROLE_HINTS = {
    Role.LINK_WORKER: "Works the referral queue and people's cases",
    Role.REFERRER: "Refers people from a GP practice or other organisation",
    Role.PROVIDER: "Runs a service that people are connected to",
    Role.COMMISSIONER: "Sees reports only, never a person's details",
    Role.ADMIN: "Manages accounts and reads the audit log",
    Role.RESIDENT: "A member of the public following their own referrals",
}
ROLE_CHOICES = [(role.value, role.label) for role in ROLE_ORDER]
ORGANISATION_HINT = "Needed for referrers and providers, like Kingsholm Surgery"


def strip(value: str | None) -> str | None:
    """Spaces around what was typed (or pasted) are not part of it."""
    return value.strip() if isinstance(value, str) else value


def one_line(form: Any, field: Field) -> None:
    """No line breaks, tabs or other special characters in a field that is one line."""
    if field.data and not is_single_line(field.data):
        raise ValidationError("Must be one line, without line breaks or special characters")


def role_items(field: RadioField) -> list[dict[str, Any]]:
    """The role radios, each with what the role does."""
    return [
        {
            "value": role.value,
            "text": role.label,
            "hint": {"text": ROLE_HINTS[role]},
            "checked": field.data == role.value,
        }
        for role in ROLE_ORDER
    ]


class ListedChoice(SelectField):
    """A select whose value must be one of its choices, with a message saying so."""

    def __init__(self, *args: Any, invalid: str = "Choose from the list", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invalid = invalid
        self.type = "SelectField"  # rendered as one by the ``field`` macro

    def pre_validate(self, form: Any) -> None:
        if self.data not in {str(value) for value, _label in self.choices or []}:
            raise ValidationError(self.invalid)


class QueryForm(FlaskForm):
    class Meta:
        csrf = False


class UserSearchForm(QueryForm):
    q = SearchField(
        "Name or email address",
        validators=[Optional(), Length(max=254), one_line],
        render_kw={"spellcheck": "false"},
    )
    role = ListedChoice("Role", choices=[("", "Any role"), *ROLE_CHOICES], default="")
    organisation = ListedChoice("Organisation", default="")
    active = ListedChoice(
        "Status",
        choices=[("", "Active and disabled"), ("yes", "Active"), ("no", "Disabled")],
        default="",
    )


def _organisation_field() -> StringField:
    return StringField(
        "Organisation",
        description=ORGANISATION_HINT,
        validators=[
            Optional(),
            Length(max=200, message="Organisation must be 200 characters or fewer"),
            one_line,
        ],
        filters=[strip],
        render_kw={"autocomplete": "organization"},
    )


def _role_field() -> RadioField:
    return RadioField("Role", choices=ROLE_CHOICES, validators=[DataRequired("Choose a role")])


class InviteForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[
            DataRequired("Enter their email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
            Email("Enter an email address in the correct format, like name@example.org"),
        ],
        filters=[strip],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    name = StringField(
        "Full name",
        validators=[
            DataRequired("Enter their full name"),
            Length(max=200, message="Name must be 200 characters or fewer"),
            one_line,
        ],
        filters=[strip],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    role = _role_field()
    organisation = _organisation_field()


class AccountForm(FlaskForm):
    """Role and organisation, with what the page showed: a change made meanwhile by someone else
    is not overwritten without being seen."""

    role = _role_field()
    organisation = _organisation_field()
    role_was = HiddenField()
    organisation_was = HiddenField()


class AuditFilterForm(QueryForm):
    start = StringField(
        "From",
        name="from",
        description="A day, like 30/11/2026 (UK time)",
        validators=[Optional(), Length(max=20)],
    )
    end = StringField(
        "To",
        name="to",
        description="Up to and including this day",
        validators=[Optional(), Length(max=20)],
    )
    actor = StringField(
        "Who",
        description="The email address of the account, like name@example.org",
        validators=[Optional(), Length(max=254), one_line],
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )
    action = ListedChoice("Action", default="", invalid="Choose an action from the list")
    reference = StringField(
        "Referral reference",
        description="Like WB-7K3QF2",
        validators=[Optional(), Length(max=20, message="Enter a reference like WB-7K3QF2")],
        render_kw={"spellcheck": "false", "autocomplete": "off"},
    )
