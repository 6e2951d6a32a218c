"""The one validation layer every request goes through: numbers, JSON and text.

What a client sends must fit what the database and the code can hold, or it is a clear 4xx:

- whole numbers (ids, cursors, limits, pages) are ASCII digits within an INTEGER column
  (``parse_int``, ``query_int``; ``str.isdigit`` accepts "²", which ``int`` then refuses);
- JSON bodies are size-capped, at most ``MAX_JSON_DEPTH`` levels deep (the decoder recurses:
  100,000 levels was a ``RecursionError``), carry no number outside an INTEGER column, no NaN or
  infinity, and no text a database column refuses (``read_json``; Flask's own ``get_json`` goes
  through the same decoder, see ``BoundedJSONProvider``);
- text holds no lone surrogate (UTF-8 cannot encode it: SQLite and psycopg raised) and no
  control character but tab and line breaks (PostgreSQL refuses NUL) (``text_problem``);
- query strings, form fields and paths are held to the same text rule before any view runs
  (``check_request``).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from flask import Flask, current_app, request
from flask.json.provider import DefaultJSONProvider
from flask_babel import gettext as _
from werkzeug.exceptions import NotFound, RequestEntityTooLarge

from intranet.platform.errors import Invalid

# The largest value of an INTEGER column, which every id, cursor and count here is: 32 bits on
# PostgreSQL (SQLite's would hold 64, but a number must mean the same on both backends).
MAX_INT = 2**31 - 1
MIN_INT = -(2**31)
MAX_JSON_DEPTH = 32
MAX_JSON_BYTES = 1024 * 1024  # default of the JSON_MAX_BYTES setting
_MAX_DIGITS = len(str(MAX_INT))
_DIGITS = re.compile(f"[0-9]{{1,{_MAX_DIGITS}}}")
# Characters no text field may hold: C0 controls but tab, LF and CR; DEL; lone surrogates.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# JSON strings (unrolled: linear and fast even over a megabyte) and the brackets outside them.
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)
_BRACKETS = re.compile(r"[\[\]{}]")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


# ---- numbers ------------------------------------------------------------------------------

def parse_int(raw: Any, *, low: int = 0, high: int = MAX_INT) -> int | None:
    """``raw`` (an int, or a string of ASCII digits) as an int within [low, high], else None.

    Booleans are not numbers here, whatever Python thinks; signs and spaces are not accepted in
    strings (``low`` below 0 only widens ints given as ints)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, str) and _DIGITS.fullmatch(raw.strip()):
        value = int(raw.strip())
    else:
        return None
    return value if low <= value <= high else None


def query_int(name: str, *, default: int | None = None, low: int = 0, high: int | None = None,
              args: Any = None) -> int | None:
    """An integer query parameter within [low, high] (``high`` defaults to the largest id);
    absent or empty gives ``default``; anything else is a 400 naming the parameter."""
    raw = (request.args if args is None else args).get(name, "")
    raw = raw.strip() if isinstance(raw, str) else raw
    if raw in ("", None):
        return default
    value = parse_int(raw, low=low, high=MAX_INT if high is None else high)
    if value is not None:
        return value
    if not isinstance(raw, str) or not re.fullmatch(r"[0-9]+", raw):
        raise Invalid(_("%(name)s must be a whole number.", name=name), field=name)
    if high is None:
        raise Invalid(_("%(name)s must be between %(low)d and %(high)d.", name=name, low=low, high=MAX_INT),
                      field=name)
    raise Invalid(_("%(name)s must be between %(low)d and %(high)d.", name=name, low=low, high=high),
                  field=name)


# ---- text ---------------------------------------------------------------------------------

def text_problem(value: str) -> str | None:
    """Why ``value`` cannot be stored as text (a sentence for a person), or None when it can."""
    found = _BAD_CHARS.search(value)
    if found is None:
        return None
    if _SURROGATE.match(found.group()):
        return _("The text holds an invalid character (a lone UTF-16 surrogate, as text cut in "
                 "the middle of an emoji gives).")
    return _("The text holds a control character (code %(code)d): remove it.", code=ord(found.group()))


def check_text(value: str, field: str | None = None) -> str:
    """``value`` unchanged, or ``Invalid`` saying which character is wrong."""
    problem = text_problem(value)
    if problem is not None:
        raise Invalid(f"{field}: {problem}" if field else problem, field=field)
    return value


# ---- JSON ---------------------------------------------------------------------------------

class JSONRefused(ValueError):
    """A JSON document we will not decode; a ValueError so Flask's ``get_json`` treats it as
    malformed (a 400), with the reason kept for ``read_json``'s message."""


def _out_of_range() -> str:
    return _("A number is out of range (whole numbers: at most %(max)d).", max=MAX_INT)


def _bounded_int(raw: str) -> int:
    if len(raw.lstrip("-")) > _MAX_DIGITS or not MIN_INT <= (value := int(raw)) <= MAX_INT:
        raise JSONRefused(_out_of_range())
    return value


def _long_int(raw: str) -> int:
    """Any size a caller may judge item by item (``bad_json_value`` names the field); only
    thousands of digits (Python's own limit on ``int()``) are refused outright."""
    if len(raw) > 4000:
        raise JSONRefused(_out_of_range())
    return int(raw)


def _finite_float(raw: str) -> float:
    value = float(raw)
    if not math.isfinite(value):
        raise JSONRefused(_("A number is out of range."))
    return value


def _no_constant(raw: str) -> Any:
    raise JSONRefused(_("%(value)s is not a JSON number.", value=raw))


def too_deep(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """More than ``limit`` nested arrays/objects, counted without recursion (strings skipped)."""
    if text.count("[") + text.count("{") <= limit:
        return False
    depth = 0
    for bracket in _BRACKETS.findall(_JSON_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > limit:
            return True
    return False


def decode_json(data: str | bytes, *, max_depth: int = MAX_JSON_DEPTH, strict_ints: bool = True) -> Any:
    """``json.loads`` that refuses (``JSONRefused``, a ValueError) what the app cannot hold:
    too deep, NaN and infinities, and (``strict_ints``) whole numbers beyond an INTEGER column; without
    it they are left to ``bad_json_value``, which names the field. Text: ``bad_json_value``."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data  # UnicodeDecodeError: ValueError
    if too_deep(text, max_depth):
        raise JSONRefused(_("The JSON is nested too deeply (at most %(n)d levels).", n=max_depth))
    return json.loads(text, parse_int=_bounded_int if strict_ints else _long_int, parse_float=_finite_float,
                      parse_constant=_no_constant)


def bad_json_value(data: Any) -> Invalid | None:
    """The first string (key or value) that text fields refuse, or whole number beyond an INTEGER column,
    of a decoded document, as an ``Invalid`` naming the top-level field it sits in; None when
    all are fine."""
    stack: list[tuple[Any, str | None]] = [(data, None)]
    while stack:
        value, field = stack.pop()
        problem = None
        if isinstance(value, str):
            problem = text_problem(value)
        elif isinstance(value, int) and not MIN_INT <= value <= MAX_INT:
            problem = _out_of_range()
        if problem is not None:
            return Invalid(f"{field}: {problem}" if field else problem, field=field)
        elif isinstance(value, dict):
            for key, item in value.items():
                name = field if field is not None else key
                stack += [(key, name), (item, name)]
        elif isinstance(value, list):
            stack += [(item, field) for item in value]
    return None


def check_json_length() -> None:
    """413 before reading a body announced larger than ``JSON_MAX_BYTES``."""
    if (request.content_length or 0) > _json_limit():
        raise RequestEntityTooLarge()


def read_json(raw: bytes) -> Any:
    """A request body as JSON, or a clear 400 (413 when over the size cap)."""
    if len(raw) > _json_limit():
        raise RequestEntityTooLarge()
    try:
        data = decode_json(raw, strict_ints=False)
    except JSONRefused as exc:
        raise Invalid(str(exc)) from None
    except ValueError:  # malformed JSON, or bytes that are not UTF-8
        raise Invalid(_("The request body is not valid JSON.")) from None
    problem = bad_json_value(data)
    if problem is not None:
        raise problem
    return data


def _json_limit() -> int:
    return int(current_app.config.get("JSON_MAX_BYTES") or MAX_JSON_BYTES)


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON with ``decode_json`` for reading: ``request.get_json()`` anywhere in the app
    (forms read as JSON, extensions) is bounded the same way as ``read_json``."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return decode_json(s)


# ---- the request as a whole ---------------------------------------------------------------

def check_request() -> None:
    """Before any view: a path with a control character is no page of ours (404); a query or
    form value with one is a 400 naming the parameter.

    API forms are left to their views (text to ``actions.common.clean_text``, numbers to
    ``parse_int``): parsing them here would consume a body the API may read raw (415 on a form
    where JSON is due, the webhook's signed bytes)."""
    if _BAD_CHARS.search(request.path):
        raise NotFound()
    _check_values(request.args)
    if request.mimetype in FORM_TYPES and not request.path.startswith("/api/"):
        _check_values(request.form)


def _check_values(values: Any) -> None:
    for name, value in values.items(multi=True):
        problem = text_problem(name) or text_problem(value)
        if problem is not None:
            raise Invalid(f"{name[:40]!r}: {problem}", field=name[:40])


def init_app(app: Flask) -> None:
    app.json = BoundedJSONProvider(app)
    app.before_request(check_request)
