"""The forms of the people administration pages (fields, labels and limits; actions decide)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, IntegerField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, NumberRange, Optional

from intranet.views.forms import AdminUserForm, Form


class PersonForm(Form):
    """What an admin edits about someone (the password is not theirs to see or set)."""

    name = AdminUserForm.name
    email = AdminUserForm.email
    job_title = AdminUserForm.job_title
    department_id = AdminUserForm.department_id
    is_admin = AdminUserForm.is_admin


class DeleteForm(Form):
    posts = RadioField(_l("Their posts, comments and messages"), choices=[
        SelectChoice("keep", _l('Keep them, shown as written by "Former employee"')),
        SelectChoice("remove", _l("Remove them with the person"))],
        validators=[DataRequired(_l("Choose what happens to their posts."))])
    confirm = BooleanField(_l("I understand that this cannot be undone."),
                           [DataRequired(_l("Tick the box to confirm."))])


class ImportForm(Form):
    file = FileField(_l("CSV file"), [FileRequired(_l("Choose a CSV file."))])
    create_departments = BooleanField(_l("Create the departments the file names that do not exist yet"))


class RetentionForm(Form):
    inbox_days = IntegerField(_l("Redact customers' names, handles and texts in the inbox after (days)"),
                              [Optional(), NumberRange(min=1, max=36500)])
    message_days = IntegerField(_l("Erase messages after (days)"),
                                [Optional(), NumberRange(min=1, max=36500)])


class AuditFilterForm(Form):
    """The audit log's filters: a GET form (it changes nothing)."""

    person = SelectField(_l("Person"), coerce=int, validators=[Optional()])
    action = SelectField(_l("Action"), validators=[Optional()])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To (included)"), validators=[Optional()])
