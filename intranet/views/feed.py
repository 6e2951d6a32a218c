"""feed views (stub, to be written)."""

from flask import Blueprint

bp = Blueprint("feed", __name__)
