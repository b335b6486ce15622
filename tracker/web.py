"""Blueprints and the response headers every page carries."""

from __future__ import annotations

from importlib import import_module
from itertools import chain

from flask import Flask, Response, abort, request

from tracker import audit

#: The modules whose routes register on their blueprint when imported. A domain package's ``__init__`` only
#: defines its blueprint, so that a module can import another domain's queries without pulling in its views
#: (and everything they import) half-way through its own import.
VIEW_MODULES = (
    "admin.audit_log", "admin.personal_data", "admin.tier_import", "admin.users", "admin.views", "auth.account",
    "auth.views", "calendar_feed.views", "countries.views", "dashboard.views", "delegations.views", "health.views",
    "info_requests.views", "materials.views", "portal.staff", "portal.views", "reminders.views", "search.views",
    "visits.roster_import", "visits.views",
)  # fmt: skip


def register_blueprints(app: Flask) -> None:
    """Import every module of routes, then register the blueprints they added their routes to."""
    for name in VIEW_MODULES:
        import_module(f"tracker.{name}")
    from tracker.admin import bp as admin_bp
    from tracker.auth import bp as auth_bp
    from tracker.auth.access import enforce_roles
    from tracker.auth.session_rules import end_idle_session, require_admin_two_factor
    from tracker.calendar_feed import bp as calendar_feed_bp
    from tracker.countries import bp as countries_bp
    from tracker.dashboard import bp as dashboard_bp
    from tracker.delegations import bp as delegations_bp
    from tracker.health import bp as health_bp
    from tracker.info_requests import bp as info_requests_bp
    from tracker.materials import bp as materials_bp
    from tracker.portal import bp as portal_bp
    from tracker.portal import staff_bp as portal_staff_bp
    from tracker.reminders import bp as reminders_bp
    from tracker.search import bp as search_bp
    from tracker.visits import bp as visits_bp

    for blueprint in (auth_bp, dashboard_bp, visits_bp, delegations_bp, info_requests_bp, reminders_bp, admin_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(countries_bp)
    for blueprint in (materials_bp, portal_bp, portal_staff_bp, health_bp, search_bp, calendar_feed_bp):
        app.register_blueprint(blueprint)
    # An idle session ends before the roles are checked, so that the page then asks to sign in again.
    app.before_request(end_idle_session)
    app.before_request(enforce_roles)
    app.before_request(require_admin_two_factor)


#: Everything a page needs comes from this app: no inline script or style, no other site.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


#: Behind HTTPS, browsers go on using HTTPS for a year (not subdomains: they may be other services).
STRICT_TRANSPORT_SECURITY = "max-age=31536000"


def refuse_nul_characters() -> None:
    """Refuse (400) a request with a NUL character in its address, a query argument, a form field or a file name:
    PostgreSQL cannot store or even compare text holding one (psycopg raises), and nobody types one."""
    texts = chain(
        [request.path],
        chain.from_iterable(request.args.items(multi=True)),
        chain.from_iterable(request.form.items(multi=True)),
        (file.filename or "" for _, file in request.files.items(multi=True)),
    )
    if any("\x00" in text for text in texts):
        abort(400)


def configure_security(app: Flask) -> None:
    over_https = app.config["BASE_URL"].startswith("https://")
    app.before_request(refuse_nul_characters)
    app.after_request(audit.commit_recorded_reads)

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if over_https:
            response.headers.setdefault("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY)
        if response.mimetype == "text/html":
            response.headers.setdefault("Cache-Control", "no-store")
        return response
