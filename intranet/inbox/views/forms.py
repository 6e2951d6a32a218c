"""Forms of the inbox settings pages: first-line parsing; the actions validate the meaning."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from intranet.models import Connector, Network
from intranet.views.forms import Form, PickUserMixin

NETWORK_NAMES = {
    "x": "X", "facebook": "Facebook", "instagram": "Instagram", "linkedin": "LinkedIn",
    "google_reviews": "Google reviews", "trustpilot": "Trustpilot", "forum": _l("Forum"),
    "email": _l("E-mail"), "other": _l("Other"),
}
CONNECTOR_NAMES = {"webhook": _l("Signed webhook"), "feed": _l("RSS/Atom feed"),
                   "import": _l("File import"), "forward": _l("Forwarded by colleagues")}
KIND_NAMES = {"brand": _l("Brand (becomes inbox cases)"),
              "competitor": _l("Competitor (competitor watch)")}
SENTIMENT_NAMES = {"negative": _l("negative"), "neutral": _l("neutral"), "positive": _l("positive")}
URGENCY_NAMES = {"low": _l("low"), "normal": _l("normal"), "high": _l("high"), "critical": _l("critical")}


def _choices(pairs: object) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _required(message: str) -> DataRequired:
    return DataRequired(message)


class SourceForm(Form):
    name = StringField(_l("Name"), [_required(_l("Enter a name.")), Length(max=120)])
    network = SelectField(_l("Network"), choices=_choices((n.value, NETWORK_NAMES[n.value]) for n in Network))
    connector = SelectField(_l("Connector"), choices=_choices((c.value, CONNECTOR_NAMES[c.value])
                                                              for c in Connector if c != Connector.FORWARD))
    feed_url = StringField(_l("Feed address (RSS/Atom sources)"), [Length(max=500)])
    poll_minutes = IntegerField(_l("Poll every (minutes)"), [Optional(), NumberRange(1, 24 * 60)],
                                default=15)
    reply_url = StringField(_l("Reply address (outbound signed webhook)"), [Length(max=500)])
    active = BooleanField(_l("Active"), default=True)


class WatchRuleForm(Form):
    name = StringField(_l("Name"), [_required(_l("Enter a name.")), Length(max=120)])
    query = StringField(_l("Query"), [_required(_l("Enter a query.")), Length(max=1000)])
    kind = SelectField(_l("Kind"), choices=_choices(KIND_NAMES.items()))
    active = BooleanField(_l("Active"), default=True)


class RoutingRuleForm(Form):
    name = StringField(_l("Name"), [_required(_l("Enter a name.")), Length(max=120)])
    query = StringField(_l("Query (optional)"), [Length(max=1000)])
    sentiment = SelectMultipleField(_l("Sentiment is one of"), choices=_choices(SENTIMENT_NAMES.items()))
    needs_response = SelectField(_l("Needs a response"), choices=_choices(
        [("", _l("either")), ("yes", _l("yes")), ("no", _l("no"))]))
    min_urgency = SelectField(_l("Urgency at least"), choices=_choices(
        [("", _l("any")), *URGENCY_NAMES.items()]))
    position = IntegerField(_l("Order (lowest first)"), [Optional(), NumberRange(0, 10_000)], default=100)

    def conditions(self) -> dict:
        needs = {"yes": True, "no": False}.get(self.needs_response.data or "")
        return {"sentiment": self.sentiment.data or [], "needs_response": needs,
                "min_urgency": self.min_urgency.data or ""}


class SlaForm(Form):
    first_response_minutes = IntegerField(_l("First response within (minutes)"),
                                          [_required(_l("Enter a number of minutes."))])
    resolution_minutes = IntegerField(_l("Resolution within (minutes)"),
                                      [_required(_l("Enter a number of minutes."))])
    require_approval = BooleanField(_l("Replies need a lead's approval"))


class ProfileForm(Form):
    description = TextAreaField(_l("What this service handles"), [Optional(), Length(max=2000)])
    examples = TextAreaField(_l("Example comments it should get (one per line)"),
                             [Optional(), Length(max=26_000)])


class CannedReplyForm(Form):
    title = StringField(_l("Title"), [_required(_l("Enter a title.")), Length(max=120)])
    body = TextAreaField(_l("Text"), [_required(_l("Enter the text.")), Length(max=5000)])
    lang = SelectField(_l("Language"), choices=_choices([("", _l("Any")), ("en", "English"),
                                                                ("fr", "Français")]))


class AgentForm(PickUserMixin, Form):
    user = StringField(_l("Colleague (e-mail or username)"),
                       [_required(_l("Enter an e-mail or a username.")), Length(max=254)])


class ImportForm(Form):
    file = FileField(_l("JSONL or CSV file"), [FileRequired(_l("Choose a file."))])


class ForwardForm(Form):
    url = StringField(_l("Address of the public comment"), [_required(_l("Enter the address.")),
                                                            Length(max=500)])
    text = TextAreaField(_l("Its text"), [_required(_l("Paste the text.")), Length(max=10_000)])
    author = StringField(_l("Author (optional)"), [Length(max=200)])
