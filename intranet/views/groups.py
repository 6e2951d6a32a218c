"""groups views (stub, to be written)."""

from flask import Blueprint

bp = Blueprint("groups", __name__)
