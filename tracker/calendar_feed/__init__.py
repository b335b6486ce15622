"""Each user's iCalendar feed (SPEC §5): their requests' due dates and their delegations' check-ins, at a secret
address that calendar programs subscribe to; only the address's hash is stored, and making a new one revokes it."""

from flask import Blueprint

bp = Blueprint("calendar_feed", __name__)
