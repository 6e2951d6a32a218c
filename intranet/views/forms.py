"""Forms of the account, people, group and admin pages: parsing and first-line validation.

Actions stay the authority on rules (lengths, uniqueness, permissions); the forms give a person
clear messages next to the field before anything is written, and read the same fields from a
browser form or a JSON body (Flask-WTF does both).
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from flask_wtf.form import _Auto
from sqlalchemy import func, or_, select
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp, ValidationError

from intranet.actions.users import EMAIL_RE
from intranet.models import Department, User
from intranet.platform import db
from intranet.platform.inputs import parse_int
from intranet.platform.time_zones import ZONES, company_zone, zone_label
from intranet.platform.web import json_body

LANGUAGE_NAMES = {"en": "English", "fr": "Français"}  # each language in its own words


def _json_formdata() -> MultiDict:
    """A JSON object as form data: scalars become strings, anything else is left out (so a
    required field says so) instead of reaching a validator that expects text."""
    data = json_body()  # bounded: depth, numbers, text (``platform.inputs``)
    pairs = []
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, bool):
                pairs.append((key, "y" if item else "false"))
            elif isinstance(item, str | int | float):
                pairs.append((key, str(item)))
    return MultiDict(pairs)


class Form(FlaskForm):
    """Base form: CSRF is checked once for every unsafe request in ``security.py`` (and skipped
    for API tokens), so the forms do not check it a second time."""

    class Meta(FlaskForm.Meta):
        csrf = False

        def wrap_formdata(self, form: FlaskForm, formdata: Any) -> Any:
            if formdata is _Auto and form.is_submitted() and request.is_json:
                return _json_formdata()
            return super().wrap_formdata(form, formdata)


def _row_id(value: Any) -> int:
    """An id from a select: an int a database column can hold (else "Not a valid choice")."""
    number = parse_int(value if isinstance(value, int) else str(value))
    if number is None:
        raise ValueError(value)
    return number


def _required(message: Any = None) -> DataRequired:
    return DataRequired(message or _l("This field is required."))


def _name_field() -> StringField:
    return StringField(_l("Name"), [_required(_l("Enter a name.")), Length(max=120)])


def _email_field() -> EmailField:
    return EmailField(_l("E-mail"), [_required(_l("Enter an e-mail address.")), Length(max=254),
                                     Regexp(EMAIL_RE, message=_l("This is not a valid e-mail address."))],
                      filters=[lambda v: v.strip() if isinstance(v, str) else v])


def _new_password_field() -> PasswordField:
    return PasswordField(_l("Password"), [
        _required(_l("Choose a password.")),
        Length(min=8, max=200, message=_l("The password needs 8 to 200 characters.")),
    ])


def _choices(*pairs: tuple[Any, Any]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _role_choices() -> list[SelectChoice]:
    return _choices(("member", _l("Member")), ("lead", _l("Lead")))


def _visibility_choices() -> list[SelectChoice]:
    return _choices(
        ("public", _l("Public: everyone can read and join")),
        ("private", _l("Private: listed, members read, others ask to join")),
        ("secret", _l("Secret: only members know it exists")),
    )


def language_choices() -> list[SelectChoice]:
    return _choices(("", _l("Browser default")), *LANGUAGE_NAMES.items())


def time_zone_choices() -> list[SelectChoice]:
    """The company's zone first (the default, stored as none), then every zone by name."""
    company = _("Company time (%(zone)s)", zone=zone_label(company_zone()))
    return _choices(("", company), *((z, zone_label(z)) for z in ZONES))


def department_choices(none_label: Any = None) -> list[SelectChoice]:
    """For department selects; 0 means "no department" (or "all" in the directory's filter)."""
    rows = db.session.execute(select(Department.id, Department.name).order_by(Department.name))
    return _choices((0, none_label or _l("No department")), *((i, n) for i, n in rows))


# --- accounts ----------------------------------------------------------------------------------

class LoginForm(Form):
    # Not only an e-mail: with LDAP sign-in people may type their directory login (uid,
    # sAMAccountName). A wrong one is "wrong e-mail or password" like any other.
    email = StringField(_l("E-mail"), [_required(_l("Enter an e-mail address.")), Length(max=254)],
                        filters=[lambda v: v.strip() if isinstance(v, str) else v])
    password = PasswordField(_l("Password"), [_required(_l("Enter your password.")), Length(max=200)])
    remember = BooleanField(_l("Remember me on this device"))
    next = HiddenField()


class RegisterForm(Form):
    name = _name_field()
    email = _email_field()
    password = _new_password_field()
    confirm = PasswordField(_l("Repeat the password"), [
        _required(_l("Repeat the password.")), EqualTo("password", _l("The two passwords differ.")),
    ])


class ProfileForm(Form):
    name = _name_field()
    job_title = StringField(_l("Job title"), [Length(max=120)])
    bio = TextAreaField(_l("Bio"), [Length(max=2000)])
    skills = StringField(_l("Skills"), [Length(max=2000)])
    locale = SelectField(_l("Language"), choices=language_choices())
    # checked by the action (with a message saying what to do); absent from an older page's form
    timezone = SelectField(_l("Time zone"), choices=time_zone_choices, validate_choice=False)

    @classmethod
    def for_user(cls, user: User) -> ProfileForm:
        """The form filled from the profile (not from whatever the current request posted)."""
        return cls(formdata=None, name=user.name, job_title=user.job_title, bio=user.bio,
                   skills=", ".join(s.name for s in user.skills), locale=user.locale or "",
                   timezone=user.timezone or "")


class AvatarForm(Form):
    avatar = FileField(_l("Picture"), [FileRequired(_l("Choose a picture to upload."))])


class TokenForm(Form):
    name = StringField(_l("Token name"), [_required(_l("Name the token.")), Length(max=80)])


class LanguageForm(Form):
    locale = SelectField(_l("Language"), choices=language_choices())
    next = HiddenField()


class DirectoryFilterForm(Form):
    """The people directory's filters (read from the query string)."""

    q = StringField(_l("Name"), [Optional(), Length(max=120)])
    department = SelectField(_l("Department"), coerce=_row_id, validate_choice=False)
    skill = StringField(_l("Skill"), [Optional(), Length(max=60)])


# --- groups -------------------------------------------------------------------------------------

class GroupForm(Form):
    name = _name_field()
    description = TextAreaField(_l("Description"), [Length(max=2000)])
    kind = RadioField(_l("Kind"), default="project",
                      choices=_choices(("project", _l("Project")), ("community", _l("Community"))))
    visibility = RadioField(_l("Visibility"), choices=_visibility_choices(), default="public")


class GroupSettingsForm(Form):
    name = _name_field()
    description = TextAreaField(_l("Description"), [Length(max=2000)])
    visibility = RadioField(_l("Visibility"), choices=_visibility_choices())


class CoverForm(Form):
    cover = FileField(_l("Cover picture"))  # empty with "remove": the cover goes


class JoinForm(Form):
    message = TextAreaField(_l("Message to the leads (optional)"), [Length(max=500)])


class PickUserMixin:
    """A person picked by e-mail or username; ``self.picked`` is the active account found."""

    picked: User | None = None

    def validate_user(self, field: StringField) -> None:
        handle = (field.data or "").strip().lower().removeprefix("@")
        self.picked = db.session.scalar(select(User).where(
            or_(func.lower(User.email) == handle, User.username == handle), User.is_active_account))
        if self.picked is None:
            raise ValidationError(_l("Nobody active has this e-mail or username."))


class AddMemberForm(PickUserMixin, Form):
    user = StringField(_l("E-mail or username"), [_required(_l("Enter an e-mail or a username.")),
                                                   Length(max=254)])
    role = SelectField(_l("Role"), choices=_role_choices(), default="member")


class RoleForm(Form):
    role = SelectField(_l("Role"), choices=_role_choices())


class DecisionForm(Form):
    decision = SelectField(_l("Decision"),
                           choices=_choices(("approve", _l("Approve")), ("reject", _l("Reject"))))


# --- administration -----------------------------------------------------------------------------

class AdminUserForm(Form):
    name = _name_field()
    email = _email_field()
    password = _new_password_field()
    department_id = SelectField(_l("Department"), coerce=_row_id)
    job_title = StringField(_l("Job title"), [Length(max=120)])
    is_admin = BooleanField(_l("Administrator"))


class DepartmentForm(Form):
    name = _name_field()


class SetDepartmentForm(Form):
    department_id = SelectField(_l("Department"), coerce=_row_id)


class LeadForm(PickUserMixin, Form):
    user = StringField(_l("New lead (e-mail or username)"),
                       [_required(_l("Enter an e-mail or a username.")), Length(max=254)])
