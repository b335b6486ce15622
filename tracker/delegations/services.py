"""Delegations and what hangs off them: the tier snapshot, delegates, stated needs, contacts."""

from __future__ import annotations

from sqlalchemy import select

from tracker import wording
from tracker.countries.services import tier_as_of
from tracker.delegations.forms import TIER_FROM_HISTORY, ContactForm, DelegateForm, DelegationForm, NeedForm
from tracker.extensions import db
from tracker.models import (
    ContactChannel,
    ContactLog,
    Country,
    Delegate,
    Delegation,
    DelegationStatus,
    NeedCategory,
    StatedNeed,
    Tier,
    TimelineKind,
    User,
    Visit,
)
from tracker.timeline import describe_changes, record


class DuplicateError(ValueError):
    """The record would repeat one that exists; the message says which."""


def apply_delegation_form(delegation: Delegation, form: DelegationForm, visit: Visit) -> None:
    """Copy the form onto the delegation; "from history" takes the tier of the latest report up to the visit."""
    if form.country_id.data != delegation.country_id:
        taken = db.session.scalar(
            select(Delegation.id).where(Delegation.visit_id == visit.id, Delegation.country_id == form.country_id.data)
        )
        if taken is not None:
            raise DuplicateError("This visit already has a delegation from that country.")
    country_changed = form.country_id.data != delegation.country_id
    delegation.country_id = form.country_id.data
    delegation.liaison_id = form.liaison_id.data
    delegation.status = DelegationStatus(form.status.data)
    delegation.notes = (form.notes.data or "").strip()
    if form.tier.data == TIER_FROM_HISTORY:
        delegation.tier, delegation.tier_report_year = tier_as_of(delegation.country_id, visit.starts_on)
    elif country_changed or form.tier.data != delegation.tier:
        delegation.tier, delegation.tier_report_year = Tier(form.tier.data), None


def _readable(delegation: Delegation) -> dict[str, str]:
    """The fields a person edits, as they read them, for the timeline's before/after line."""
    country = db.session.get(Country, delegation.country_id) if delegation.country_id else None
    liaison = db.session.get(User, delegation.liaison_id) if delegation.liaison_id else None
    tier = delegation.tier.label if delegation.tier else ""
    if tier and delegation.tier_report_year:
        tier += f" ({delegation.tier_report_year} report)"
    return {
        "Country": country.name if country else "",
        "Tier at visit": tier,
        "Liaison": liaison.name if liaison else "",
        "Status": delegation.status.label if delegation.status else "",
    }


def update_delegation(delegation: Delegation, form: DelegationForm, visit: Visit, actor: User) -> None:
    """Apply an edit and record what changed, before → after."""
    before, old_notes = _readable(delegation), delegation.notes
    apply_delegation_form(delegation, form, visit)
    edited = ["Notes"] if delegation.notes != old_notes else []
    if summary := describe_changes(before, _readable(delegation), edited):
        record(TimelineKind.UPDATED, summary, delegation_id=delegation.id, actor=actor)


def create_delegation(visit: Visit, form: DelegationForm, actor: User) -> Delegation:
    delegation = Delegation(visit_id=visit.id)
    apply_delegation_form(delegation, form, visit)
    db.session.add(delegation)
    db.session.flush()
    country_name = db.session.scalar(select(Country.name).where(Country.id == delegation.country_id))
    summary = wording.delegation_added(country_name or "", visit.title)
    record(TimelineKind.CREATED, summary, delegation_id=delegation.id, actor=actor)
    return delegation


def save_delegate(
    delegation: Delegation, form: DelegateForm, actor: User, delegate: Delegate | None = None
) -> Delegate:
    """Add or update a delegate; an email may appear once per delegation."""
    email = (form.email.data or "").strip().lower() or None
    if email:
        clash = select(Delegate.id).where(Delegate.delegation_id == delegation.id, Delegate.email == email)
        if delegate is not None:
            clash = clash.where(Delegate.id != delegate.id)
        if db.session.scalar(clash) is not None:
            raise DuplicateError("Another delegate of this delegation has that email.")
    is_new = delegate is None
    delegate = delegate or Delegate(delegation_id=delegation.id)
    delegate.name = form.name.data.strip()
    delegate.title = (form.title.data or "").strip()
    delegate.organisation = (form.organisation.data or "").strip()
    delegate.email = email
    delegate.preferred_language = form.preferred_language.data
    db.session.add(delegate)
    summary = wording.delegate_saved(delegate.name, is_new)
    record(TimelineKind.DELEGATE, summary, delegation_id=delegation.id, actor=actor)
    return delegate


def save_need(delegation: Delegation, form: NeedForm, actor: User, need: StatedNeed | None = None) -> StatedNeed:
    is_new = need is None
    need = need or StatedNeed(delegation_id=delegation.id, created_by_id=actor.id)
    need.category = NeedCategory(form.category.data)
    need.description = form.description.data.strip()
    db.session.add(need)
    summary = wording.need_saved(need.category, is_new)
    record(TimelineKind.NEED, summary, delegation_id=delegation.id, body=need.description, actor=actor)
    return need


def log_contact(delegation: Delegation, form: ContactForm, actor: User) -> ContactLog:
    contact = ContactLog(
        delegation_id=delegation.id,
        contacted_on=form.contacted_on.data,
        channel=ContactChannel(form.channel.data),
        summary=form.summary.data.strip(),
        logged_by_id=actor.id,
    )
    db.session.add(contact)
    summary = wording.contact_logged(contact.channel, contact.contacted_on)
    record(TimelineKind.CONTACT, summary, delegation_id=delegation.id, body=contact.summary, actor=actor)
    return contact
