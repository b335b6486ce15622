"""The admin area's front page; each domain adds its own admin screens to this blueprint's menu."""

from __future__ import annotations

from flask import render_template

from tracker.admin import bp
from tracker.auth.access import admin_only


@bp.get("/")
@admin_only
def index() -> str:
    """List what an admin can do."""
    return render_template("admin/index.html")
