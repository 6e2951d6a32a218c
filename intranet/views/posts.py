"""posts views (stub, to be written)."""

from flask import Blueprint

bp = Blueprint("posts", __name__)
