"""Materials (SPEC §3): a library of files and links with versions, delivered to requests as internal or shared."""

from flask import Blueprint

bp = Blueprint("materials", __name__)
