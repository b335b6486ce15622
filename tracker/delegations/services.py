"""Delegations and what hangs off them: the tier snapshot, delegates, stated needs, contacts.

Services take plain values (the dataclasses below), not forms, so that the command line, imports and the
delegate portal can call them too; they flush and record the timeline, and the caller commits.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import select

from tracker import wording
from tracker.countries.services import tier_as_of
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


@dataclass(frozen=True)
class DelegationFields:
    country_id: int
    liaison_id: int
    status: DelegationStatus
    notes: str
    #: None: take the tier from the TIP-report history as of the visit.
    tier: Tier | None


@dataclass(frozen=True)
class DelegateFields:
    name: str
    title: str
    organisation: str
    #: Lower-cased, or None.
    email: str | None
    preferred_language: str


@dataclass(frozen=True)
class NeedFields:
    category: NeedCategory
    description: str


@dataclass(frozen=True)
class ContactFields:
    contacted_on: date
    channel: ContactChannel
    summary: str


def _apply_delegation(delegation: Delegation, fields: DelegationFields, visit: Visit) -> None:
    """Copy the values; a tier from history is that of the latest report up to the visit's year."""
    country_changed = fields.country_id != delegation.country_id
    if country_changed:
        taken = select(Delegation.id).where(Delegation.visit_id == visit.id, Delegation.country_id == fields.country_id)
        if db.session.scalar(taken) is not None:
            raise DuplicateError("This visit already has a delegation from that country.")
    delegation.country_id = fields.country_id
    delegation.liaison_id = fields.liaison_id
    delegation.status = fields.status
    delegation.notes = fields.notes
    if fields.tier is None:
        delegation.tier, delegation.tier_report_year = tier_as_of(fields.country_id, visit.starts_on)
    elif country_changed or fields.tier != delegation.tier:
        delegation.tier, delegation.tier_report_year = fields.tier, None


def readable(delegation: Delegation) -> dict[str, str]:
    """The fields a person edits, as they read them: the timeline's before/after line, an edit conflict's diff."""
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
        "Notes": delegation.notes or "",
    }


def create_delegation(visit: Visit, fields: DelegationFields, actor: User) -> Delegation:
    delegation = Delegation(visit_id=visit.id)
    _apply_delegation(delegation, fields, visit)
    db.session.add(delegation)
    db.session.flush()
    country_name = db.session.scalar(select(Country.name).where(Country.id == delegation.country_id))
    summary = wording.delegation_added(country_name or "", visit.title)
    record(TimelineKind.CREATED, summary, delegation_id=delegation.id, actor=actor)
    return delegation


def update_delegation(delegation: Delegation, fields: DelegationFields, visit: Visit, actor: User) -> None:
    """Apply an edit and record what changed, before → after."""
    before = readable(delegation)
    _apply_delegation(delegation, fields, visit)
    if summary := describe_changes(before, readable(delegation), long_texts=("Notes",)):
        record(TimelineKind.UPDATED, summary, delegation_id=delegation.id, actor=actor)


def save_delegate(
    delegation: Delegation, fields: DelegateFields, actor: User, delegate: Delegate | None = None
) -> Delegate:
    """Add or update a delegate; an email may appear once per delegation."""
    if fields.email:
        clash = select(Delegate.id).where(Delegate.delegation_id == delegation.id, Delegate.email == fields.email)
        if delegate is not None:
            clash = clash.where(Delegate.id != delegate.id)
        if db.session.scalar(clash) is not None:
            raise DuplicateError("Another delegate of this delegation has that email.")
    is_new = delegate is None
    delegate = delegate or Delegate(delegation_id=delegation.id)
    for name, value in asdict(fields).items():
        setattr(delegate, name, value)
    db.session.add(delegate)
    summary = wording.delegate_saved(delegate.name, is_new)
    record(TimelineKind.DELEGATE, summary, delegation_id=delegation.id, actor=actor)
    return delegate


def save_need(delegation: Delegation, fields: NeedFields, actor: User, need: StatedNeed | None = None) -> StatedNeed:
    is_new = need is None
    need = need or StatedNeed(delegation_id=delegation.id, created_by_id=actor.id)
    need.category, need.description = fields.category, fields.description
    db.session.add(need)
    summary = wording.need_saved(need.category, is_new)
    record(TimelineKind.NEED, summary, delegation_id=delegation.id, body=need.description, actor=actor)
    return need


def log_contact(delegation: Delegation, fields: ContactFields, actor: User) -> ContactLog:
    contact = ContactLog(delegation_id=delegation.id, logged_by_id=actor.id, **asdict(fields))
    db.session.add(contact)
    summary = wording.contact_logged(contact.channel, contact.contacted_on)
    record(TimelineKind.CONTACT, summary, delegation_id=delegation.id, body=contact.summary, actor=actor)
    return contact
