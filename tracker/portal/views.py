"""Portal pages for delegates: sign-in by emailed link, their delegations' requests, shared materials, the public
timeline, questions, feedback, "what we heard", preferences. Every view is ``@public`` for the staff role check;
the portal's own gate (``access.load_delegate``) requires a delegate session unless a view is ``anonymous_ok``."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from tracker import audit
from tracker.auth.access import public
from tracker.errors import log_unexpected
from tracker.extensions import db, limiter
from tracker.materials.queries import Delivery, deliveries
from tracker.materials.views import send_version
from tracker.models import (
    AuditAction,
    InfoRequest,
    LinkPurpose,
    MaterialFeedback,
    NeedsSummary,
    RequestMaterial,
    TimelineEntry,
)
from tracker.portal import bp, notices, services
from tracker.portal.access import anonymous_ok, delegate_in, delegates, delegation_ids, load_delegate
from tracker.portal.forms import (
    NEW_REQUEST,
    AskForm,
    FeedbackForm,
    LanguageForm,
    LinkRequestForm,
    PreferencesForm,
    SignInForm,
    SignOutForm,
    SummaryForm,
)
from tracker.portal.identity import (
    COOKIE_NAME,
    SESSION_LIFETIME,
    end_session,
    first_delegate,
    issue_link,
    link_is_usable,
    open_session,
    revoke_sessions,
    too_many_links,
    use_link,
)
from tracker.portal.languages import CHOSEN, PORTAL_LANGUAGES, portal_language
from tracker.portal.wording import DELEGATE_STATUS, NEED_CATEGORIES, REQUEST_KINDS, SUMMARY_RESPONSES, VERDICTS
from tracker.reminders.delivery import deliver_after_response
from tracker.routing import local_path

bp.before_request(load_delegate)


def _now() -> datetime:
    return datetime.now(UTC)


@bp.context_processor
def portal_globals() -> dict[str, object]:
    return {
        "languages": PORTAL_LANGUAGES,
        "locale": str(get_locale() or "en"),
        "language_form": LanguageForm(formdata=None, next=request.full_path.rstrip("?")),
        "sign_out_form": SignOutForm(formdata=None),
        "signed_in": bool(g.get("portal_delegates")),
        "delegate_status": DELEGATE_STATUS,
        "request_kinds": REQUEST_KINDS,
        "need_categories": NEED_CATEGORIES,
        "verdicts": VERDICTS,
        "summary_responses": SUMMARY_RESPONSES,
    }


@bp.errorhandler(HTTPException)
def portal_error(error: HTTPException) -> tuple[str, int] | HTTPException:
    """Errors in the portal's layout and language; another delegation's id reads exactly like a missing one.

    Also answers addresses under /portal/ that no portal view matches (for the app's handler), outside the
    blueprint, where its context processor does not run."""
    code = error.code or 500
    if code < 400:
        return error
    messages = {
        404: _("There is nothing at this address. The link may be wrong, or the page is not yours to see."),
        429: _("Too many attempts. Wait a few minutes and try again."),
    }
    message = messages.get(code, _("Something went wrong with that request. Go back, reload the page and try again."))
    return _error_page(code, message)


@bp.errorhandler(CSRFError)
def portal_form_expired(error: CSRFError) -> tuple[str, int]:
    return _error_page(400, _("The form expired. Reload the page and send it again."))


@bp.errorhandler(Exception)
def portal_unexpected_error(error: Exception) -> tuple[str, int]:
    log_unexpected(error)
    return _error_page(500, _("Something went wrong on our side, and it has been logged. If it happens again, "
                              "tell the centre the reference below."))


def _error_page(code: int, message: str) -> tuple[str, int]:
    context = portal_globals() if request.blueprint != bp.name else {}
    return render_template("portal/error.html", code=code, message=message, **context), code


def _safe_next(target: str | None) -> str:
    """Follow ?next= only within the portal (no open redirect)."""
    return local_path(target, f"{bp.url_prefix}/") or url_for("portal.home")


# -- signing in and out ---------------------------------------------------------------------------------------


@bp.route("/sign-in", methods=["GET", "POST"])
@public
@anonymous_ok
@limiter.limit(lambda: current_app.config["PORTAL_LINK_RATE_LIMIT"], methods=["POST"])
def sign_in() -> str | Response | tuple[str, int]:
    """Ask for a sign-in link by email; the answer is the same whether the address is known or not."""
    if delegates():
        return redirect(url_for("portal.home"))
    form = LinkRequestForm()
    if form.validate_on_submit():
        email, now = form.email.data.strip().lower(), _now()
        delegate = first_delegate(email)
        if delegate is not None and not too_many_links(email, now):
            token, link = issue_link(email, LinkPurpose.SELF_REQUESTED, now)
            language = session.get(CHOSEN) or portal_language(delegate.preferred_language)
            outbox_ids = notices.sign_in_link(link, token, delegate.name, language, now)
            db.session.commit()
            deliver_after_response(outbox_ids)
        flash(_("If this address belongs to a delegate, a sign-in link is on its way. It works once, for 30 "
                "minutes. Check your spam folder if it does not arrive."), "success")
        return redirect(url_for("portal.sign_in"))
    return render_template("portal/sign_in.html", form=form), 400 if form.is_submitted() else 200


@bp.route("/link/<token>", methods=["GET", "POST"])
@public
@anonymous_ok
@limiter.limit(lambda: current_app.config["PORTAL_LINK_RATE_LIMIT"], methods=["POST"])
def link(token: str) -> str | Response | tuple[str, int]:
    """A sign-in link: opening it shows a button (mail scanners that open links do not spend it); the button
    spends it and starts a 14-day session."""
    next_path = _safe_next(request.args.get("next"))
    if delegates():
        return redirect(next_path)
    now, form = _now(), SignInForm()
    if form.validate_on_submit():
        email = use_link(token, now)
        if email is not None:
            session_token = open_session(email, now)
            delegate_id = first_delegate(email).id  # type: ignore[union-attr]  (use_link checked it)
            audit.record(AuditAction.SIGN_IN, "Signed in to the portal with an emailed link",
                         label=f"Delegate #{delegate_id}", delegate_id=delegate_id, target_kind="delegate",
                         target_id=delegate_id)
            db.session.commit()
            response = redirect(next_path)
            response.set_cookie(
                COOKIE_NAME, session_token, max_age=int(SESSION_LIFETIME.total_seconds()), path="/portal",
                secure=current_app.config["SESSION_COOKIE_SECURE"], httponly=True, samesite="Lax",
            )
            return response
        db.session.rollback()
        audit.record(AuditAction.SIGN_IN_FAILED, "Portal sign-in refused: the link was used, expired or unknown",
                     label="portal link")
        db.session.commit()
    elif request.method == "GET" and link_is_usable(token, now):
        return render_template("portal/link.html", form=form)
    return render_template("portal/link_spent.html", form=LinkRequestForm(formdata=None)), 410


@bp.post("/sign-out")
@public
def sign_out() -> Response:
    """End this session, or (``everywhere``) every session of this address."""
    form = SignOutForm()
    if form.validate_on_submit():
        if form.everywhere.data:
            revoke_sessions(g.portal_session.email, None, _now())
        else:
            end_session(g.portal_session, _now())
        db.session.commit()
        flash(_("You are signed out."), "success")
    response = redirect(url_for("portal.sign_in"))
    response.delete_cookie(COOKIE_NAME, path="/portal")
    return response


@bp.post("/language")
@public
@anonymous_ok
def language() -> Response:
    """The language switcher; a signed-in delegate's choice is also kept for our emails."""
    form = LanguageForm()
    if form.validate_on_submit():
        session[CHOSEN] = form.language.data
        if delegates():
            first = delegates()[0]
            services.save_preferences(first.email or "", form.language.data, first.wants_notifications,
                                      first.wants_monthly_rollup)
            db.session.commit()
    return redirect(_safe_next(form.next.data))


# -- the delegate's pages ---------------------------------------------------------------------------------------


def _my_requests() -> list[InfoRequest]:
    return list(db.session.scalars(
        select(InfoRequest)
        .where(InfoRequest.delegation_id.in_(delegation_ids()))
        .options(joinedload(InfoRequest.owner))
        .order_by(InfoRequest.delegation_id, InfoRequest.due_on, InfoRequest.id)
    ))


@bp.get("/")
@public
def home() -> str:
    """My delegations, each with its requests: status, expected date, staff contact; any list to confirm."""
    requests = _my_requests()
    pending = db.session.scalars(
        select(NeedsSummary)
        .where(NeedsSummary.delegation_id.in_(delegation_ids()))
        .order_by(NeedsSummary.created_at.desc())
    ).all()
    latest = {}
    for summary in pending:
        latest.setdefault(summary.delegation_id, summary)
    return render_template("portal/home.html", requests=requests, summaries=latest)


def _my_request(request_id: int) -> InfoRequest:
    """One of my delegations' requests; any other id answers 404."""
    return db.first_or_404(
        select(InfoRequest)
        .where(InfoRequest.id == request_id, InfoRequest.delegation_id.in_(delegation_ids()))
        .options(joinedload(InfoRequest.owner))
    )


@bp.get("/requests/<int:request_id>")
@public
def request_detail(request_id: int) -> str:
    """A request: status, expected date, contact, shared materials with feedback, and its public timeline."""
    info_request = _my_request(request_id)
    me = delegate_in(info_request.delegation_id)
    shared = deliveries(RequestMaterial.request_id == request_id, shared_only=True)
    mine = {
        feedback.request_material_id: feedback
        for feedback in db.session.scalars(select(MaterialFeedback).where(
            MaterialFeedback.delegate_id == me.id,
            MaterialFeedback.request_material_id.in_([d.attachment.id for d in shared])))
    }
    timeline = db.session.scalars(
        select(TimelineEntry)
        .where(TimelineEntry.request_id == request_id, TimelineEntry.shared_with_delegation.is_(True))
        .options(joinedload(TimelineEntry.actor))
        .order_by(TimelineEntry.created_at, TimelineEntry.id)
    ).all()
    forms = {d.attachment.id: _feedback_form(mine.get(d.attachment.id)) for d in shared}
    return render_template("portal/request.html", info_request=info_request, deliveries=shared, feedback=mine,
                           forms=forms, timeline=timeline)


def _feedback_form(existing: MaterialFeedback | None) -> FeedbackForm:
    form = FeedbackForm(formdata=None)
    if existing is not None:
        form.verdict.data, form.comment.data = existing.verdict.value, existing.comment
    return form


def _my_delivery(attachment_id: int) -> tuple[Delivery, InfoRequest]:
    """A material shared with one of my delegations' requests; internal ones and other delegations' answer 404."""
    found = deliveries(RequestMaterial.id == attachment_id, shared_only=True)
    if not found:
        abort(404)
    info_request = _my_request(found[0].attachment.request_id)
    return found[0], info_request


@bp.get("/materials/<int:attachment_id>")
@public
def download(attachment_id: int) -> Response:
    """Download a shared material's current version (or open a link); a receipt is recorded for staff."""
    delivery, info_request = _my_delivery(attachment_id)
    response = send_version(delivery.version)
    services.record_download(delegate_in(info_request.delegation_id), delivery.attachment, delivery.version, _now())
    db.session.commit()
    return response


@bp.post("/materials/<int:attachment_id>/feedback")
@public
def feedback(attachment_id: int) -> Response | tuple[str, int]:
    """Received, useful, or need more: the delegate's word on a material."""
    delivery, info_request = _my_delivery(attachment_id)
    form = FeedbackForm()
    if form.validate_on_submit():
        services.give_feedback(delegate_in(info_request.delegation_id), delivery.attachment, info_request,
                               delivery.material.title, form.verdict_value(), (form.comment.data or "").strip(),
                               _now())
        db.session.commit()
        flash(_("Thank you for your feedback."), "success")
    else:
        flash(_("Choose received, useful or need more."), "error")
    return redirect(url_for("portal.request_detail", request_id=info_request.id, _anchor=f"material-{attachment_id}"))


def _ask_form() -> AskForm:
    names = [(d.delegation_id, f"{d.delegation.country.name} — {d.delegation.visit.title}") for d in delegates()]
    return AskForm(names, [(r.id, r.delegation_id, r.title) for r in _my_requests()])


@bp.route("/ask", methods=["GET", "POST"])
@public
def ask() -> str | Response | tuple[str, int]:
    """Ask a question or make a new request; it reaches the delegation's liaison."""
    form = _ask_form()
    if form.validate_on_submit():
        about = _my_request(form.about.data) if form.about.data != NEW_REQUEST else None
        me = delegate_in(form.target_delegation())
        info_request = services.ask(me, about, (form.subject.data or "").strip(), form.message.data.strip(), _now())
        db.session.commit()
        flash(_("Thank you. Your message is with the centre's staff; they will answer you here."), "success")
        return redirect(url_for("portal.request_detail", request_id=info_request.id, _anchor="timeline"))
    if not form.is_submitted():
        form.about.data = request.args.get("about", NEW_REQUEST, type=int)
    return render_template("portal/ask.html", form=form), 400 if form.is_submitted() else 200


@bp.route("/heard/<int:summary_id>", methods=["GET", "POST"])
@public
def heard(summary_id: int) -> str | Response | tuple[str, int]:
    """"What we heard you ask for": confirm the list, or say what to correct."""
    summary = db.first_or_404(select(NeedsSummary).where(
        NeedsSummary.id == summary_id, NeedsSummary.delegation_id.in_(delegation_ids())))
    form = SummaryForm()
    if form.validate_on_submit():
        correction = (form.correction.data or "").strip() if form.correct.data else ""
        services.respond_to_summary(summary, delegate_in(summary.delegation_id), correction, _now())
        db.session.commit()
        flash(_("Thank you: the centre's staff have your answer."), "success")
        return redirect(url_for("portal.home"))
    return render_template("portal/heard.html", summary=summary, form=form), 400 if form.is_submitted() else 200


@bp.route("/preferences", methods=["GET", "POST"])
@public
def preferences() -> str | Response | tuple[str, int]:
    """Language and which emails I get (they apply to every delegation I am part of)."""
    first = delegates()[0]
    form = PreferencesForm(obj=None if request.method == "POST" else first)
    if form.validate_on_submit():
        services.save_preferences(first.email or "", form.language.data, form.wants_notifications.data,
                                  form.wants_monthly_rollup.data)
        session[CHOSEN] = form.language.data
        db.session.commit()
        flash(_("Your preferences are saved."), "success")
        return redirect(url_for("portal.preferences"))
    if not form.is_submitted():
        form.language.data = portal_language(first.preferred_language)
    return render_template("portal/preferences.html", form=form), 400 if form.is_submitted() else 200
