"""auth views (stub, to be written)."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
