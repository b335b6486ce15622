"""A visit's roster as a partner council sends it: one row per delegate with their country, name, title,
organisation, email and languages. The preview says what every row would do; applying it adds the delegates to the
visit's delegations (creating the delegation of a country the visit does not have yet), all or nothing, in the
caller's transaction.

Read as partners write rosters (see tracker.csv_import for encodings and delimiters): headers in any case with the
usual synonyms, a full name or first and last names, countries as ISO codes or names as the TIP-report tier import
reads them, languages as codes or names (the first one recognised becomes the preferred language).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select

from tracker.countries.names import CountryNames, KnownCountry
from tracker.csv_import import CsvFileError, Outcome, Preview, find_columns, named, read_csv, refuse_problems
from tracker.delegations.services import DelegateFields, DelegationFields, create_delegation, save_delegate
from tracker.extensions import db
from tracker.languages import language_code
from tracker.models import Country, Delegate, Delegation, DelegationStatus, Role, User, Visit
from tracker.words import fold

#: Header names for each column, as ``header_key`` writes them.
COLUMN_NAMES = {
    "country": {"country", "countryname", "nation", "nationality", "countrycode", "iso", "iso2", "iso3", "code"},
    "name": {"name", "fullname", "delegate", "delegatename", "participant", "participantname", "visitor", "person"},
    "first": {"firstname", "givenname", "givennames", "forename", "first"},
    "last": {"lastname", "surname", "familyname", "last"},
    "title": {"title", "position", "jobtitle", "function", "role", "post", "designation", "rank"},
    "organisation": {"organisation", "organization", "agency", "ministry", "institution", "employer", "affiliation",
                     "office", "org", "department"},
    "email": {"email", "emailaddress", "mail", "mailaddress", "courriel", "correo"},
    "language": {"language", "languages", "preferredlanguage", "lang", "spokenlanguages", "languagesspoken"},
}  # fmt: skip
#: The database's limits on a delegate's fields.
MAX_TEXT = 200
#: A roster is a few dozen rows; this is far above any.
MAX_ROSTER_BYTES = 1024 * 1024
_LANGUAGE_SEPARATORS = re.compile(r"[,;/|+]| and | & ", re.IGNORECASE)


@dataclass
class RosterRow:
    """One delegate as the roster gives them, where they would go, and what importing the row would do."""

    line: int
    written_country: str
    name: str
    title: str = ""
    organisation: str = ""
    email: str | None = None
    language: str = "en"
    country: KnownCountry | None = None
    outcome: Outcome = Outcome.INVALID
    #: The problem (invalid), the reason (duplicate), or what was assumed (a language not recognised).
    note: str = ""

    @property
    def written(self) -> str:
        return " · ".join(part for part in (self.name, self.written_country) if part)

    def refuse(self, problem: str) -> None:
        self.outcome, self.note = Outcome.INVALID, problem


class RosterPreview(Preview[RosterRow]):
    def __init__(self, rows: list[RosterRow], encoding: str, new_countries: list[KnownCountry], liaison: User) -> None:
        super().__init__(rows)
        #: How the file was read ("UTF-8", "Windows-1252").
        self.encoding = encoding
        #: Countries the visit has no delegation from, which importing creates, with this liaison.
        self.new_countries = new_countries
        self.liaison = liaison

    def summary(self) -> str:
        parts = [f"{self.counts[Outcome.ADDED]} to add"]
        parts += [f"{self.counts[o]} {o}" for o in (Outcome.DUPLICATE, Outcome.INVALID) if self.counts[o]]
        return f"{len(self.rows)} rows: " + ", ".join(parts)


def preview_roster(data: bytes, visit: Visit, actor: User) -> RosterPreview:
    """Read a roster and say, row by row, what importing it into ``visit`` would do; change nothing.

    Raises ``CsvFileError`` when the file cannot be read as a roster at all.
    """
    table = read_csv(data)
    columns = find_columns(table.header, COLUMN_NAMES)
    if "country" not in columns or ("name" not in columns and "last" not in columns):
        raise CsvFileError(
            "The first row must name the columns: a country column (a name or an ISO code) and a name column "
            f"(or first and last names); title, organisation, email and languages are read when present. "
            f"It names {named(table.header)}."
        )
    if not table.rows:
        raise CsvFileError("The file has a header but no rows.")
    countries = _Countries()
    rows = [_read_row(line, cells, columns, countries) for line, cells in table.rows]
    delegations = _delegations_by_country(visit)
    _mark_duplicates(rows, delegations, _delegates_at(visit))
    adding = {row.country for row in rows if row.outcome is Outcome.ADDED and row.country}
    new_countries = sorted((c for c in adding if c.id not in delegations), key=lambda country: country.name)
    return RosterPreview(rows, table.encoding, new_countries, _liaison(visit, actor))


def apply_roster(preview: RosterPreview, visit: Visit, actor: User, *, skip_invalid: bool = False) -> int:
    """Add the previewed delegates (each recorded on its delegation's timeline); returns how many. Refuses,
    changing nothing, when a row is invalid and ``skip_invalid`` is not given; ``DuplicateError`` when a delegate
    with the same email was added meanwhile."""
    refuse_problems(preview, skip_invalid)
    delegations = {
        delegation.country_id: delegation
        for delegation in db.session.scalars(select(Delegation).where(Delegation.visit_id == visit.id))
    }
    for country in preview.new_countries:
        fields = DelegationFields(country.id, preview.liaison.id, DelegationStatus.ACTIVE, notes="", tier=None)
        delegations[country.id] = create_delegation(visit, fields, actor)
    added = [row for row in preview.rows if row.outcome is Outcome.ADDED and row.country]
    for row in added:
        fields = DelegateFields(row.name, row.title, row.organisation, row.email, row.language)
        save_delegate(delegations[row.country.id], fields, actor)
    return len(added)


def _read_row(line: int, cells: list[str], columns: dict[str, int], countries: _Countries) -> RosterRow:
    def cell(column: str) -> str:
        index = columns.get(column)
        return " ".join(cells[index].split()) if index is not None and index < len(cells) else ""

    name = cell("name") or " ".join(part for part in (cell("first"), cell("last")) if part)
    row = RosterRow(line, cell("country"), name, cell("title"), cell("organisation"))
    found = countries.resolve(row.written_country)
    if isinstance(found, str):
        row.refuse(found)
        return row
    row.country = found
    if not name:
        row.refuse("no name given")
        return row
    for label, text in (("name", row.name), ("title", row.title), ("organisation", row.organisation)):
        if len(text) > MAX_TEXT:
            row.refuse(f"the {label} is longer than {MAX_TEXT} characters")
            return row
    if written_email := cell("email"):
        try:
            validate_email(written_email, check_deliverability=False)
        except EmailNotValidError as error:
            row.refuse(f"“{written_email}” is not an email address ({error})")
            return row
        row.email = written_email.lower()
    row.outcome = Outcome.ADDED
    row.language, row.note = _language(cell("language"))
    return row


def _language(written: str) -> tuple[str, str]:
    """The preferred language (the first recognised of those written) and a note when something was assumed."""
    names = [name.strip() for name in _LANGUAGE_SEPARATORS.split(written) if name.strip()]
    for name in names:
        if code := language_code(name):
            return code, ""
    if names:
        return "en", f"language “{written}” not recognised: English assumed"
    return "en", ""


def _mark_duplicates(rows: list[RosterRow], delegations: dict[int, int], known: set[tuple[int, str]]) -> None:
    """A delegate the delegation already has, or that an earlier row of the file gives, is skipped: the same email,
    or for a row without one, the same name (whatever its case and accents)."""
    first: dict[tuple[int, str], int] = {}
    for row in rows:
        if row.outcome is not Outcome.ADDED or row.country is None:
            continue
        key = _identity(row.email, row.name)
        delegation_id = delegations.get(row.country.id)
        if delegation_id is not None and (delegation_id, key) in known:
            row.outcome, row.note = Outcome.DUPLICATE, f"already a delegate from {row.country.name}: skipped"
        elif (row.country.id, key) in first:
            same = "email" if row.email else "name"
            row.outcome, row.note = Outcome.DUPLICATE, f"same {same} as line {first[row.country.id, key]}: skipped"
        else:
            first[row.country.id, key] = row.line


def _identity(email: str | None, name: str) -> str:
    """Who a delegate is for finding duplicates: their email, else their name."""
    return f"email:{email}" if email else "name:" + " ".join(fold(word) for word in name.split())


class _Countries:
    """Countries by ISO alpha-2 code, or by whatever the tier import resolves (alpha-3 codes, the report's names)."""

    def __init__(self) -> None:
        rows = db.session.execute(select(Country.id, Country.iso2, Country.iso3, Country.name)).all()
        self.names = CountryNames(KnownCountry(row.id, row.iso3, row.name) for row in rows)
        self.by_iso2 = {row.iso2: KnownCountry(row.id, row.iso3, row.name) for row in rows}

    def resolve(self, text: str) -> KnownCountry | str:
        if len(text) == 2 and text.isalpha() and (country := self.by_iso2.get(text.upper())):
            return country
        return self.names.resolve(text)


def _delegations_by_country(visit: Visit) -> dict[int, int]:
    query = select(Delegation.country_id, Delegation.id).where(Delegation.visit_id == visit.id)
    return {country_id: delegation_id for country_id, delegation_id in db.session.execute(query)}


def _delegates_at(visit: Visit) -> set[tuple[int, str]]:
    """(delegation id, identity) of every delegate of the visit: by email, and by name for rows without one."""
    query = (
        select(Delegate.delegation_id, Delegate.email, Delegate.name)
        .join(Delegation, Delegation.id == Delegate.delegation_id)
        .where(Delegation.visit_id == visit.id)
    )
    known = set()
    for delegation_id, email, name in db.session.execute(query):
        known.add((delegation_id, _identity(None, name)))
        if email:
            known.add((delegation_id, _identity(email, name)))
    return known


def _liaison(visit: Visit, actor: User) -> User:
    """A new delegation's liaison: the visit's host when they can liaise, else the person importing."""
    host = db.session.get(User, visit.host_id) if visit.host_id else None
    if host is not None and host.is_enabled and host.role in (Role.STAFF, Role.ADMIN):
        return host
    return actor

