"""Blueprints and the response headers every page carries."""

from __future__ import annotations

from itertools import chain

from flask import Flask, Response, abort, request


def register_blueprints(app: Flask) -> None:
    from tracker.admin import bp as admin_bp
    from tracker.auth import bp as auth_bp
    from tracker.auth.access import enforce_roles
    from tracker.countries import bp as countries_bp
    from tracker.dashboard import bp as dashboard_bp
    from tracker.delegations import bp as delegations_bp
    from tracker.info_requests import bp as info_requests_bp
    from tracker.materials import bp as materials_bp
    from tracker.portal import bp as portal_bp
    from tracker.portal import staff, views  # noqa: F401  (the portal's routes)
    from tracker.portal import staff_bp as portal_staff_bp
    from tracker.reminders import bp as reminders_bp
    from tracker.visits import bp as visits_bp

    for blueprint in (auth_bp, dashboard_bp, visits_bp, delegations_bp, info_requests_bp, reminders_bp, admin_bp):
        app.register_blueprint(blueprint)
    app.register_blueprint(countries_bp)
    for blueprint in (materials_bp, portal_bp, portal_staff_bp):
        app.register_blueprint(blueprint)
    app.before_request(enforce_roles)


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
