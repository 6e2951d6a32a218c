"""Forms of the password pages: first-line checks; the policy itself is ``actions.passwords``."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from intranet.views.forms import Form


def _new_password() -> PasswordField:
    return PasswordField(_l("New password"), [DataRequired(_l("Choose a password.")), Length(max=200)])


def _confirm() -> PasswordField:
    return PasswordField(_l("Repeat the new password"), [
        DataRequired(_l("Repeat the password.")), EqualTo("new", _l("The two passwords differ.")),
    ])


class ChangePasswordForm(Form):
    current = PasswordField(_l("Current password"), [DataRequired(_l("Enter your password.")),
                                                      Length(max=200)])
    new = _new_password()
    confirm = _confirm()
    revoke_tokens = BooleanField(_l("Also revoke my API tokens"))


class ForgotPasswordForm(Form):
    email = EmailField(_l("E-mail"), [DataRequired(_l("Enter an e-mail address.")), Length(max=254)],
                       filters=[lambda v: v.strip() if isinstance(v, str) else v])


class ResetPasswordForm(Form):
    new = _new_password()
    confirm = _confirm()
