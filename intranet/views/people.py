"""people views (stub, to be written)."""

from flask import Blueprint

bp = Blueprint("people", __name__)
