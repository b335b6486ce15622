"""Error pages in the app's layout; an unexpected error is logged with the request id, which the page shows.

The portal's pages answer in its own layout and language (``tracker.portal.views``), with the same request id.
"""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from tracker.portal import bp as portal_bp
from tracker.request_ids import request_id

logger = logging.getLogger(__name__)

MESSAGES = {
    400: "The request could not be understood. Go back, reload the page and try again.",
    403: "Your role does not allow this. Ask an admin if you need it.",
    404: "There is nothing at this address. It may have been removed, or the link is wrong.",
    405: "This address does not accept that kind of request.",
    413: "The upload is larger than the tracker accepts.",
    429: "Too many attempts. Wait a minute and try again.",
}
SERVER_ERROR_MESSAGE = "Something went wrong on our side, and it has been logged. If it happens again, tell an admin."


def log_unexpected(error: Exception) -> None:
    """Log an unexpected error with its traceback and the request it happened in (the record carries the id)."""
    logger.error("Unexpected error in request %s: %s %s", request_id(), request.method, request.path, exc_info=error)


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
        if request.path.startswith(f"{portal_bp.url_prefix}/"):  # under the portal, but no portal view answers
            from tracker.portal.views import portal_error  # not at the top: the portal's views import most domains

            return portal_error(error)
        message = MESSAGES.get(code, error.description or "")
        return render_template("errors.html", code=code, title=error.name, message=message), code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception) -> tuple[str, int]:
        log_unexpected(error)
        page = render_template("errors.html", code=500, title="Server error", message=SERVER_ERROR_MESSAGE)
        return page, 500
