"""Every table, imported here so that Alembic and the app see the whole schema."""

from tracker.models.audit import AuditAction, AuditEntry
from tracker.models.base import Base
from tracker.models.countries import Country, Region, Tier, TierPlacement
from tracker.models.materials import (
    Material,
    MaterialDownload,
    MaterialFeedback,
    MaterialVersion,
    RequestMaterial,
    Verdict,
    Visibility,
)
from tracker.models.portal import LinkPurpose, NeedsSummary, PortalLink, PortalSession, SummaryResponse
from tracker.models.reminders import (
    AccountMail,
    FollowUpCadence,
    MessageKind,
    OutboxMessage,
    OutboxStatus,
    PortalMail,
    ReminderPolicy,
    SchedulerLease,
)
from tracker.models.requests import (
    OPEN_STATUSES,
    InfoRequest,
    Priority,
    RequestKind,
    RequestStatus,
    TimelineEntry,
    TimelineKind,
)
from tracker.models.search import SearchDocument, SearchKind
from tracker.models.summary import FollowUpCount, FollowUpCountsZone
from tracker.models.users import AccountLink, AccountLinkPurpose, RecoveryCode, Role, User
from tracker.models.visits import (
    ContactChannel,
    ContactLog,
    Delegate,
    Delegation,
    DelegationStatus,
    NeedCategory,
    StatedNeed,
    Visit,
)

__all__ = [
    "OPEN_STATUSES",
    "AccountLink",
    "AccountLinkPurpose",
    "AccountMail",
    "AuditAction",
    "AuditEntry",
    "Base",
    "ContactChannel",
    "ContactLog",
    "Country",
    "Delegate",
    "Delegation",
    "DelegationStatus",
    "FollowUpCadence",
    "FollowUpCount",
    "FollowUpCountsZone",
    "InfoRequest",
    "MessageKind",
    "NeedCategory",
    "OutboxMessage",
    "OutboxStatus",
    "PortalMail",
    "Priority",
    "RecoveryCode",
    "ReminderPolicy",
    "RequestKind",
    "Region",
    "RequestStatus",
    "Role",
    "SchedulerLease",
    "SearchDocument",
    "SearchKind",
    "StatedNeed",
    "Tier",
    "TierPlacement",
    "TimelineEntry",
    "TimelineKind",
    "User",
    "Visit",
    # The delegate portal and materials.
    "LinkPurpose",
    "Material",
    "MaterialDownload",
    "MaterialFeedback",
    "MaterialVersion",
    "NeedsSummary",
    "PortalLink",
    "PortalSession",
    "RequestMaterial",
    "SummaryResponse",
    "Verdict",
    "Visibility",
]
