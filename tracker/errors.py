"""Error pages in the app's layout; an unexpected error is logged with an id the user can quote."""

from __future__ import annotations

import logging
import secrets

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

logger = logging.getLogger(__name__)

MESSAGES = {
    400: "The request could not be understood. Go back, reload the page and try again.",
    403: "Your role does not allow this. Ask an admin if you need it.",
    404: "There is nothing at this address. It may have been removed, or the link is wrong.",
    405: "This address does not accept that kind of request.",
    413: "The upload is larger than the tracker accepts.",
    429: "Too many attempts. Wait a minute and try again.",
}


def register_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        message = "The form expired or was sent from another page. Reload the page and send it again."
        return render_template("errors.html", code=400, title="Form expired", message=message), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int] | HTTPException:
        code = error.code or 500
        if code < 400:
            return error
        message = MESSAGES.get(code, error.description or "")
        return render_template("errors.html", code=code, title=error.name, message=message), code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> tuple[str, int]:
        incident = secrets.token_hex(4)
        logger.exception("Unexpected error, incident %s", incident)
        message = f"Something went wrong on our side. If it happens again, tell an admin: incident {incident}."
        return render_template("errors.html", code=500, title="Server error", message=message), 500
