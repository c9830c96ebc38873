"""Sign-in, password and two-factor forms."""

from typing import Any

from flask_wtf import FlaskForm
from wtforms import EmailField, Field, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from wellbeing.accounts import passwords
from wellbeing.accounts.models import User

_EMAIL_VALIDATORS = [
    DataRequired("Enter your email address"),
    Email("Enter an email address in the correct format, like name@example.org"),
    Length(max=254, message="Enter an email address that is 254 characters or fewer"),
]
_EMAIL_ATTRIBUTES = {"autocomplete": "email", "spellcheck": "false"}


class SignInForm(FlaskForm):
    email = EmailField("Email address", validators=_EMAIL_VALIDATORS, render_kw=_EMAIL_ATTRIBUTES)
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password")],
        render_kw={"autocomplete": "current-password"},
    )


class ForgottenPasswordForm(FlaskForm):
    email = EmailField("Email address", validators=_EMAIL_VALIDATORS, render_kw=_EMAIL_ATTRIBUTES)


# Made before the new password's fields so that it comes first in the error summary too.
_current_password = PasswordField(
    "Current password",
    validators=[DataRequired("Enter your current password")],
    render_kw={"autocomplete": "current-password"},
)


class SetPasswordForm(FlaskForm):
    """A new password, typed twice, checked against the policy for ``account``."""

    password = PasswordField(
        "New password",
        validators=[DataRequired("Enter a new password")],
        description=(
            f"At least {passwords.MIN_LENGTH} characters. A good way to make one is to put "
            "3 random words together."
        ),
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "Confirm new password",
        validators=[
            DataRequired("Enter your new password again"),
            EqualTo("password", "The passwords do not match. Enter your new password again"),
        ],
        render_kw={"autocomplete": "new-password"},
    )

    def __init__(self, *args: Any, account: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account = account

    def validate_password(self, field: Field) -> None:
        message = passwords.problem(field.data, self.account.email, self.account.name)
        if message is not None:
            raise ValidationError(message)


class ChangePasswordForm(SetPasswordForm):
    current_password = _current_password


class CodeForm(FlaskForm):
    """A code from the authenticator app or, when ``recovery``, a recovery code."""

    code = StringField(
        "Code from your authenticator app",
        validators=[
            DataRequired("Enter the code from your authenticator app"),
            Length(max=40, message="Enter the 6-digit code from your authenticator app"),
        ],
        description="The 6-digit code your authenticator app shows for Wellbeing",
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"},
    )

    def __init__(self, *args: Any, recovery: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if recovery:
            self.code.label.text = "Recovery code"
            self.code.description = "One of the 10 recovery codes you saved, like abcd-efgh-jkmn"
            self.code.render_kw = {"autocomplete": "off", "spellcheck": "false"}
            message = "Enter one of your recovery codes"
            self.code.validators = [DataRequired(message), Length(max=40, message=message)]


class ConfirmForm(FlaskForm):
    """A button and its CSRF token: nothing to fill in."""
